"""Reading GeoWebNews (Gritta et al. 2019, *A Pragmatic Guide to Geoparsing Evaluation*): 200 news articles and
their gold toponyms.

``GWN.xml`` holds ``<article file="N">`` elements, each with ``<title>``, ``<link>``, ``<text>`` and
``<toponyms>``; a ``<toponym>`` has ``extractedName``, ``normalisedName``, ``type`` (one of :data:`TYPES`),
``modifierType`` (``Adjective``/``Noun`` for the modifier types, else empty), ``nonLocational`` (``Yes``/``No``),
``start``, ``end`` and, for the toponyms that have them, ``geonamesID``, ``latitude`` and ``longitude``.

Offsets are Python ``str`` offsets into the ``<text>`` *as an XML parser returns it*: with the entities
(``&quot;``, ``&amp;``) unescaped and nothing stripped.  Checked on the whole file: every toponym with a
non-negative offset satisfies ``text[start:end] == extractedName`` (1,893 of them lie after the first entity of
their article, so offsets into the raw escaped text would be wrong); no text starts or ends with whitespace and
the file has no carriage returns, so no adjustment is needed.  The only disagreements are five toponyms with
negative offsets: four in article 123 annotate words of its (long) *title*, at ``start + 468`` into the title
("American", "US", both with coordinates; "explosion", "members"), and one in article 255 is an annotation
artefact (``extractedName`` "TITLE", a Non_Lit_Expression).  They are kept out of ``Article.toponyms``, listed
in ``Article.misplaced`` and described in ``Article.mismatches``, never raised.

``gwn_full.txt`` (one line per article, in the same order) repeats the 2,401 toponyms that have a GeoNames id
as ``name,,mention,,lat,,lon,,start,,end`` joined by ``||``; the XML is the complete source and the only one
read here.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

#: The 14 toponym types of the GeoWebNews taxonomy, as written in ``<type>``.
TYPES = ("Literal", "Mixed", "Metonymic", "Coercion", "Literal_Modifier", "Non_Literal_Modifier",
         "Embedded_Literal", "Embedded_Non_Lit", "Demonym", "Language", "Homonym", "Non_Toponym",
         "Literal_Expression", "Non_Lit_Expression")


@dataclass(frozen=True, slots=True)
class Toponym:
    """One gold annotation; ``geonameid``, ``lat`` and ``lon`` are ``None`` where the annotation has none."""

    name: str  # extractedName: the text at [start, end)
    normalised: str | None
    type: str
    modifier_type: str | None
    non_locational: bool
    start: int
    end: int
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None

    @property
    def has_coordinates(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(slots=True)
class Article:
    file: str  # the ``file`` attribute: an id, not a position ("0", "1", "10", "100", ...)
    title: str
    link: str
    text: str
    toponyms: list[Toponym] = field(default_factory=list)   # offsets exact, in file order
    misplaced: list[Toponym] = field(default_factory=list)  # offsets that do not index ``text``
    mismatches: list[str] = field(default_factory=list)


def load(path: Path) -> list[Article]:
    """The articles of ``GWN.xml`` in file order, each with its toponyms checked against its text."""
    root = ET.parse(path).getroot()
    return [read_article(element) for element in root.iter("article")]


def read_article(element: ET.Element) -> Article:
    article = Article(element.get("file", ""), _text(element, "title") or "", _text(element, "link") or "",
                      _text(element, "text") or "")
    for n, node in enumerate(element.iter("toponym")):
        try:
            toponym = read_toponym(node)
        except (TypeError, ValueError) as err:
            article.mismatches.append(f"article {article.file} toponym {n}: malformed ({err})")
            continue
        found = article.text[toponym.start:toponym.end] if 0 <= toponym.start <= toponym.end else None
        if found == toponym.name and toponym.end <= len(article.text):
            article.toponyms.append(toponym)
        else:
            article.misplaced.append(toponym)
            article.mismatches.append(f"article {article.file} toponym {n}: {toponym.name!r} ({toponym.type}) at "
                                      f"[{toponym.start}, {toponym.end}), text has {found!r}")
    return article


def read_toponym(node: ET.Element) -> Toponym:
    lat, lon, geonameid = _text(node, "latitude"), _text(node, "longitude"), _text(node, "geonamesID")
    return Toponym(
        name=_text(node, "extractedName") or "",
        normalised=_text(node, "normalisedName"),
        type=_text(node, "type") or "",
        modifier_type=_text(node, "modifierType"),
        non_locational=(_text(node, "nonLocational") or "").lower() == "yes",
        start=int(_text(node, "start")),  # type: ignore[arg-type]
        end=int(_text(node, "end")),  # type: ignore[arg-type]
        geonameid=int(geonameid) if geonameid else None,
        lat=float(lat) if lat else None,
        lon=float(lon) if lon else None,
    )


def _text(element: ET.Element, tag: str) -> str | None:
    """The text of a child element; ``None`` when it is missing or empty (``<normalisedName/>``)."""
    child = element.find(tag)
    return child.text if child is not None and child.text else None
