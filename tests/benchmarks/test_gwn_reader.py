"""The GeoWebNews reader (``benchmarks/gwn.py``) on a small GWN-format file written here, and on the real
``GWN.xml`` where the shared data is available (``NEWSGRAPH_DATA``)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import gwn  # noqa: E402

# The text as a parser returns it; the file escapes its quotation marks and ampersand, and offsets index this.
TEXT = 'Flooding hit "Port Alder" & Brennick on Monday, Ruritanian officials said.\n\nBrennick residents fled.'


def at(fragment: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(fragment, start + 1)
    return start, start + len(fragment)


def toponym(name: str, kind: str, span: tuple[int, int], coords: tuple[str, str, str] | None = None,
            modifier: str = "", normalised: str = "") -> str:
    geonameid, lat, lon = coords or ("", "", "")
    tags = [f"<extractedName>{name}</extractedName>",
            f"<normalisedName>{normalised}</normalisedName>" if normalised else "<normalisedName/>",
            f"<type>{kind}</type>", f"<modifierType>{modifier}</modifierType>" if modifier else "<modifierType/>",
            f"<nonLocational>{'Yes' if kind == 'Non_Toponym' else 'No'}</nonLocational>",
            f"<start>{span[0]}</start>", f"<end>{span[1]}</end>",
            f"<geonamesID>{geonameid}</geonamesID>" if geonameid else "<geonamesID/>",
            f"<latitude>{lat}</latitude>" if lat else "<latitude/>",
            f"<longitude>{lon}</longitude>" if lon else "<longitude/>"]
    return "<toponym>" + "".join(tags) + "</toponym>"


def gwn_xml() -> str:
    escaped = TEXT.replace("&", "&amp;").replace('"', "&quot;")
    toponyms = [
        toponym("Port Alder", "Literal", at("Port Alder"), ("1000001", "12.5", "-45.25"), normalised="Port Alder"),
        toponym("Brennick", "Literal", at("Brennick"), ("", "13.0", "-44.0")),
        toponym("Ruritanian", "Demonym", at("Ruritanian"), modifier="Adjective"),
        toponym("Brennick", "Non_Literal_Modifier", at("Brennick", 1), ("1000002", "13.0", "-44.0"),
                modifier="Noun"),
        toponym("Monday", "Non_Toponym", (-30, -24)),  # offsets outside the text: reported, not raised
    ]
    return ('<?xml version="1.0" ?>\n<articles>\n\t<!--invented-->\n\t<article file="7">\n'
            '\t\t<title>Floods &amp; more</title>\n\t\t<link>http://example.org/floods</link>\n'
            f'\t\t<text>{escaped}</text>\n\t\t<toponyms>\n' + "\n".join(toponyms) + '\n\t\t</toponyms>\n'
            '\t</article>\n\t<article file="12">\n\t\t<title>Quiet</title>\n\t\t<link/>\n'
            '\t\t<text>Nothing happened.</text>\n\t\t<toponyms/>\n\t</article>\n</articles>\n')


@pytest.fixture
def gwn_file(tmp_path: Path) -> Path:
    path = tmp_path / "GWN.xml"
    path.write_text(gwn_xml(), "utf-8")
    return path


def test_reader_unescapes_the_text_and_offsets_index_it(gwn_file: Path) -> None:
    first, second = gwn.load(gwn_file)
    assert (first.file, first.title, first.link) == ("7", "Floods & more", "http://example.org/floods")
    assert first.text == TEXT
    assert [t.name for t in first.toponyms] == ["Port Alder", "Brennick", "Ruritanian", "Brennick"]
    assert all(TEXT[t.start:t.end] == t.name for t in first.toponyms)
    assert (second.file, second.text, second.link, second.toponyms) == ("12", "Nothing happened.", "", [])


def test_reader_reads_every_field(gwn_file: Path) -> None:
    port, brennick, demonym, modifier = gwn.load(gwn_file)[0].toponyms
    assert (port.type, port.normalised, port.geonameid, port.lat, port.lon) == ("Literal", "Port Alder", 1000001,
                                                                                 12.5, -45.25)
    assert port.has_coordinates and not port.non_locational
    assert (brennick.geonameid, brennick.lat, brennick.has_coordinates) == (None, 13.0, True)
    assert (demonym.type, demonym.modifier_type, demonym.normalised, demonym.has_coordinates) == (
        "Demonym", "Adjective", None, False)
    assert (modifier.type, modifier.modifier_type, modifier.start) == ("Non_Literal_Modifier", "Noun",
                                                                       at("Brennick", 1)[0])


def test_reader_reports_offsets_outside_the_text(gwn_file: Path) -> None:
    article = gwn.load(gwn_file)[0]
    assert [t.name for t in article.misplaced] == ["Monday"]
    assert article.misplaced[0].non_locational
    assert len(article.mismatches) == 1 and "'Monday'" in article.mismatches[0]


def test_the_real_file(data_dir: Path) -> None:
    path = data_dir / "geo" / "GWN.xml"
    if not path.is_file():
        pytest.skip(f"no {path}")
    articles = gwn.load(path)
    toponyms = [t for a in articles for t in a.toponyms]
    misplaced = [t for a in articles for t in a.misplaced]
    assert len(articles) == 200 and len({a.file for a in articles}) == 200
    assert len(toponyms) + len(misplaced) == 6612
    assert sum(t.has_coordinates for t in toponyms + misplaced) == 2601
    assert sum(t.geonameid is not None for t in toponyms + misplaced) == 2401
    # every offset that lies inside the text is exact; the five that do not are negative (article 123's title
    # and one artefact in article 255)
    assert all(a.text[t.start:t.end] == t.name for a in articles for t in a.toponyms)
    assert len(misplaced) == 5 and all(t.start < 0 for t in misplaced)
    assert {a.file for a in articles if a.misplaced} == {"123", "255"}
    assert set(Counter(t.type for t in toponyms)) == set(gwn.TYPES)
