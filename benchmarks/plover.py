"""Readers for the event-coding data sets (``DIR/events/`` of the shared data) and the CAMEO → PLOVER table.

- :func:`load_gsr`: the PLOVER gold-standard records (``plover-gsr-dev.json``): one sentence each, with its
  PLOVER 0.5b1 event type mapped to the 16 POLECAT types (DEMAND → REQUEST, DISAPPROVE → ACCUSE, FIGHT →
  ASSAULT; INVESTIGATE has no POLECAT type and the DOCUMENT entry is the file's own documentation: both are left
  out and counted), its source and target actors, mode, context, event text and markup.
- :func:`load_quadclass`: ConfliBERT's CAMEO quad-class sentences (``sentence<TAB>0..4``); malformed lines are
  counted, not raised.
- :func:`load_cameo_table`: the CAMEO → PLOVER conversion table (``CAMEO2PLOVER-2021.txt``); its
  :meth:`CameoTable.lookup` maps a CAMEO code to a PLOVER type, mode and context.
- :func:`load_petrarch`: PETRARCH2's unit-test records (sentences with expected CAMEO codings, fictional
  actors), their codes mapped to PLOVER types through the table.

Actor codes in the GSR (``code``, ``sector``), as they occur in the dev file and as read here:

- ``code`` is an ISO 3166-1 alpha-3 country (``USA``, ``PSE``, ``HKG``, ``TWN``), or one of the CAMEO codes of
  international actors :data:`INTERNATIONAL` (``IGO`` intergovernmental organization: the U.N., the European
  Community, also Amnesty International and the Red Cross as coded there; ``NGO``; ``IMG`` international
  militarized group: al-Qaeda).  An actor with an international code has no country (:attr:`GoldActor.country`
  is None) and the code is compared with a prediction's sector.  One code is not ISO: ``ITL`` for Italy, read as
  ``ITA`` (:data:`CODE_FIXES`; the raw code is kept in ``raw_code``).
- ``sector`` is a CAMEO role code (``GOV``, ``MIL``, ``REB``, ``OPP``, ``CVL``, ``REF``, ``JUD``, ``LEG``,
  ``COP``, ``MED``, ``JRN``, ``EDU``, ``LAB``, ``ELI``, ``CRM``, ``UAF``, ``MOS``), absent for many actors,
  sometimes followed by an ethnic or religious group code (``CVLalb``, ``REBsna``, ``REFKUR``): the first three
  letters are the sector, the rest is kept as ``group``.  ``***`` (a placeholder: the coder left the role open)
  is read as no sector; ``CIV`` (also in ``CIVsrp``) is read as ``CVL``, civilians (:data:`SECTOR_FIXES`; CIV is
  Côte d'Ivoire's country code, not a CAMEO role).
- ``source`` is always a list (one or two actors: compound actors); ``target`` is a list, ``null`` or ``""``.
  Records whose markup tags the actors ``SRC/TAR`` and that have no target are reciprocal ("Israel and Lebanon
  renewed negotiations"): :attr:`GsrRecord.reciprocal`, and :meth:`GsrRecord.gold_target` is then the source
  list (each actor acts on the other).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The 16 POLECAT PLOVER types (the order of ``newsgraph.record.PLOVER_TYPES``).
POLECAT_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
#: PLOVER 0.5b1 labels renamed in POLECAT.
TYPE_MAP = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "FIGHT": "ASSAULT"}
#: GSR labels without a POLECAT type: left out of the records and counted.
LEFT_OUT = frozenset({"INVESTIGATE", "DOCUMENT"})
#: CAMEO codes of international actors: not countries.
INTERNATIONAL = frozenset({"IGO", "NGO", "IMG"})
#: Codes of the GSR that are not ISO alpha-3, read as the ISO code.
CODE_FIXES = {"ITL": "ITA"}
#: Sector codes read as another (after the group suffix is split off); ``None``: no sector.
SECTOR_FIXES: dict[str, str | None] = {"***": None, "CIV": "CVL"}

TAG = re.compile(r"\(\s*([A-Z]{3}(?:/[A-Z]{3})*)\s*:\s*")


# PLOVER gold-standard records ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class GoldActor:
    text: str
    code: str | None  # alpha-3 country or an INTERNATIONAL code, after CODE_FIXES
    sector: str | None = None  # three-letter role, after SECTOR_FIXES
    group: str | None = None  # ethnic/religious suffix of the sector ("alb", "KUR")
    raw_code: str | None = None
    raw_sector: str | None = None

    @property
    def country(self) -> str | None:
        """The alpha-3 country; None for an international actor."""
        return None if self.code in INTERNATIONAL else self.code


@dataclass(frozen=True, slots=True)
class GsrRecord:
    id: str
    text: str
    label: str  # the file's PLOVER 0.5b1 label
    type: str  # its POLECAT type
    source: tuple[GoldActor, ...]
    target: tuple[GoldActor, ...]
    reciprocal: bool = False
    mode: str | None = None
    context: tuple[str, ...] = ()
    event_text: str = ""
    markup: str = ""
    tags: tuple[tuple[str, str], ...] = ()  # the markup's (tag, text) pieces, outermost first
    location: str | None = None
    comment: str | None = None

    def gold_target(self) -> tuple[GoldActor, ...]:
        """The target actors; for a reciprocal record without a target, the source actors."""
        return self.target or (self.source if self.reciprocal else ())


@dataclass(slots=True)
class GsrData:
    records: list[GsrRecord]
    left_out: Counter[str] = field(default_factory=Counter)  # label → records left out
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (id, reason) of unreadable entries
    labels: Counter[str] = field(default_factory=Counter)  # every label in the file


def read_actor(obj: Any) -> GoldActor:
    """One actor object (``actorText``, ``code``, optional ``sector``) as a :class:`GoldActor`."""
    raw_code = _clean(obj.get("code"))
    raw_sector = _clean(obj.get("sector"))
    code = CODE_FIXES.get(raw_code.upper(), raw_code.upper()) if raw_code else None
    sector, group = split_sector(raw_sector)
    return GoldActor(_clean(obj.get("actorText")) or "", code, sector, group, raw_code, raw_sector)


def split_sector(raw: str | None) -> tuple[str | None, str | None]:
    """A GSR sector field as (sector, group): ``CVLalb`` → (``CVL``, ``alb``), ``***`` → (None, None)."""
    if not raw:
        return None, None
    if raw in SECTOR_FIXES:
        return SECTOR_FIXES[raw], None
    head, rest = raw[:3].upper(), raw[3:] or None
    return SECTOR_FIXES.get(head, head), rest


def read_actors(value: Any) -> tuple[GoldActor, ...]:
    """A ``source``/``target`` field: a list of actor objects, a single object, ``null`` or ``""``."""
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(read_actor(a) for a in value if isinstance(a, dict))


def markup_tags(markup: str) -> tuple[tuple[str, str], ...]:
    """The ``(TAG: text)`` pieces of a GSR markup, outermost first, nested ones too (``(LOC: in (SRC: X))``);
    an unclosed piece runs to the end of the markup."""
    pieces = []
    for m in TAG.finditer(markup):
        depth, end = 1, m.end()
        while end < len(markup) and depth:
            depth += {"(": 1, ")": -1}.get(markup[end], 0)
            end += 1
        inner = markup[m.end():end - 1 if depth == 0 else end]
        pieces.append((m.group(1), " ".join(TAG.sub("", inner).replace(")", " ").split())))
    return tuple(pieces)


def gsr_record(obj: dict[str, Any]) -> GsrRecord:
    """One GSR entry as a :class:`GsrRecord` (the label already known to have a POLECAT type)."""
    label = obj["event"].strip().upper()
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("no text")
    info = obj.get("textInfo")
    markup = info.get("markup", "") if isinstance(info, dict) else ""
    source, target = read_actors(obj.get("source")), read_actors(obj.get("target"))
    context = tuple(c.strip() for c in re.split(r"[,;]", _clean(obj.get("context")) or "") if c.strip())
    loc = obj.get("eventLoc")
    return GsrRecord(
        id=str(obj.get("id")), text=text, label=label, type=TYPE_MAP.get(label, label), source=source,
        target=target, reciprocal=not target and "SRC/TAR" in markup, mode=_clean(obj.get("mode")),
        context=context, event_text=_clean(obj.get("eventText")) or "", markup=markup, tags=markup_tags(markup),
        location=_clean(loc.get("name")) if isinstance(loc, dict) else None, comment=_clean(obj.get("comment")))


def load_gsr(path: Path) -> GsrData:
    """The GSR file's records with a POLECAT type, in file order; the others counted by label."""
    entries = json.loads(Path(path).read_text("utf-8"))
    if isinstance(entries, dict):
        entries = [entries]
    data = GsrData([])
    for i, obj in enumerate(entries):
        ident = str(obj.get("id", f"[{i}]")) if isinstance(obj, dict) else f"[{i}]"
        label = obj.get("event") if isinstance(obj, dict) else None
        if not isinstance(label, str) or not label.strip():
            data.skipped.append((ident, "no event label"))
            continue
        label = label.strip().upper()
        data.labels[label] += 1
        if label in LEFT_OUT:
            data.left_out[label] += 1
            continue
        if TYPE_MAP.get(label, label) not in POLECAT_TYPES:
            data.skipped.append((ident, f"label {label} has no POLECAT type"))
            continue
        try:
            data.records.append(gsr_record(obj))
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            data.skipped.append((ident, str(err)))
    return data


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


# ConfliBERT quad classes ---------------------------------------------------------------------------------------

QUAD_LABELS = (0, 1, 2, 3, 4)


@dataclass(frozen=True, slots=True)
class QuadSentence:
    line: int
    text: str
    label: int


@dataclass(slots=True)
class QuadData:
    sentences: list[QuadSentence]
    malformed: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)


def load_quadclass(path: Path) -> QuadData:
    """The ``sentence<TAB>label`` lines (CRLF or LF; the label after the last tab, 0..4).  Blank lines, lines
    without a tab, labels outside 0..4 and empty sentences are malformed: counted with their line number."""
    raw = Path(path).read_bytes().decode("utf-8-sig", errors="replace")
    lines = raw.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final line break
    data = QuadData([])
    for number, line in enumerate(lines, 1):
        line = line.rstrip("\r")
        if not line.strip():
            data.malformed.append((number, "blank line"))
            continue
        if "\t" not in line:
            data.malformed.append((number, "no tab"))
            continue
        text, label = line.rsplit("\t", 1)
        label = label.strip()
        if label not in {str(c) for c in QUAD_LABELS}:
            data.malformed.append((number, f"label {label[:20]!r} is not 0..4"))
            continue
        if not text.strip():
            data.malformed.append((number, "empty sentence"))
            continue
        data.sentences.append(QuadSentence(number, text.strip(), int(label)))
    return data


# ConfliBERT actor spans ----------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ActorSentence:
    """One BIO-tagged sentence of ``conflibert-cameo-actors-train.txt``: its tokens joined by single spaces and
    the character spans of its source (``S``) and target (``T``) actors; an ``R`` span (an actor on both sides
    of a reciprocal event) is in both lists."""
    number: int  # 1-based, in file order
    text: str
    source: tuple[tuple[int, int], ...]
    target: tuple[tuple[int, int], ...]


def load_conflibert_actors(path: Path) -> list[ActorSentence]:
    """The ``token TAG`` lines (tags ``O``, ``B-S``/``I-S``, ``B-T``/``I-T``, ``B-R``/``I-R``), sentences
    separated by blank lines; an ``I-`` tag that does not continue a span of its kind starts one."""
    sentences: list[ActorSentence] = []
    tokens: list[tuple[str, str]] = []

    def close() -> None:
        text, spans, current = "", {"S": [], "T": [], "R": []}, None
        for word, tag in tokens:
            text += " " if text else ""
            start = len(text)
            text += word
            kind = tag[2:] if tag[:2] in ("B-", "I-") and tag[2:] in spans else None
            if kind is None:
                current = None
            elif tag.startswith("I-") and current is not None and current[0] == kind:
                current[2] = len(text)
            else:
                current = [kind, start, len(text)]
                spans[kind].append(current)
        if text:
            both = [(a, b) for _, a, b in spans["R"]]
            sentences.append(ActorSentence(len(sentences) + 1, text,
                                           tuple([(a, b) for _, a, b in spans["S"]] + both),
                                           tuple([(a, b) for _, a, b in spans["T"]] + both)))
        tokens.clear()

    for line in Path(path).read_text("utf-8-sig", errors="replace").splitlines():
        if not line.strip():
            close()
            continue
        word, _, tag = line.rstrip().rpartition(" ")
        tokens.append((word, tag) if word else (tag, "O"))
    close()
    return sentences


# CAMEO → PLOVER ------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CameoEntry:
    code: str
    type: str
    mode: str | None = None
    context: tuple[str, ...] = ()
    description: str = ""


@dataclass(slots=True)
class CameoTable:
    entries: dict[str, CameoEntry]  # CAMEO code → entry (the first line of a code wins)
    roots: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "08" → ("CONCEDE", "RETREAT")
    duplicates: list[str] = field(default_factory=list)  # codes given more than once
    malformed: list[tuple[int, str]] = field(default_factory=list)

    def lookup(self, code: str | None) -> CameoEntry | None:
        """The entry for a CAMEO code: the code itself; for a root (``"19"``) its ``X0`` code (``"190"``); else
        the longest code it extends (``"0315"`` → ``"031"``, ``"174K"`` → ``"174"``).  None for codes the
        table does not cover (01 statements, 02 appeals, non-CAMEO codes)."""
        if not code:
            return None
        code = re.sub(r"[^0-9]", "", str(code).strip())
        if code in self.entries:
            return self.entries[code]
        if len(code) == 2 and code + "0" in self.entries:
            return self.entries[code + "0"]
        for n in range(len(code) - 1, 2, -1):
            if code[:n] in self.entries:
                return self.entries[code[:n]]
        return None

    def plover_type(self, code: str | None) -> str | None:
        entry = self.lookup(code)
        return entry.type if entry else None


def load_cameo_table(path: Path) -> CameoTable:
    """``CODE: TYPE, mode, context # description`` lines (``#`` comments, blank lines and the closing ``~~~``
    skipped); ``NN: TYPE`` lines are root headers.  Contexts are split on ``;``."""
    table = CameoTable({})
    for number, line in enumerate(Path(path).read_text("utf-8").splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "~")):
            continue
        body, _, description = stripped.partition("#")
        code, colon, rest = body.partition(":")
        code = code.strip()
        if not colon or not code.isdigit():
            table.malformed.append((number, stripped[:60]))
            continue
        fields = [f.strip() for f in rest.split(",")]
        kind = fields[0].upper()
        if kind not in POLECAT_TYPES:
            table.malformed.append((number, f"type {kind!r}"))
            continue
        if len(code) == 2 and len(fields) == 1:
            table.roots[code] = table.roots.get(code, ()) + (kind,)
            continue
        mode = fields[1] if len(fields) > 1 and fields[1] else None
        context = tuple(c.strip() for c in ",".join(fields[2:]).split(";") if c.strip())
        if code in table.entries:
            table.duplicates.append(code)
            continue
        table.entries[code] = CameoEntry(code, kind, mode, context, description.strip())
    return table


# PETRARCH2 unit tests ------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PetrarchRecord:
    id: str
    category: str
    text: str
    codings: tuple[tuple[str, str, str], ...]  # (source, target, CAMEO event code)
    noevents: bool = False  # the record expects no event
    error: bool = False  # the record expects a coding error (PETRARCH's own error tests)
    types: tuple[str, ...] = ()  # PLOVER types of the codings the table maps, distinct, in order
    unmapped: tuple[str, ...] = ()  # codes the table does not map

    @property
    def scorable(self) -> bool:
        """A record with an expected PLOVER type, or one that expects no event (error tests are not)."""
        return not self.error and (bool(self.types) or (self.noevents and not self.unmapped))


def load_petrarch(path: Path, table: CameoTable) -> list[PetrarchRecord]:
    """The ``<Sentence>`` records: text with its whitespace collapsed, expected codings mapped through
    ``table``."""
    root = ET.parse(path).getroot()
    records = []
    for s in root.iter("Sentence"):
        codings, noevents, error = [], False, False
        for e in s.findall("EventCoding"):
            noevents |= str(e.get("noevents", "")).lower() == "true"
            error |= "error" in e.attrib
            if e.get("eventcode"):
                codings.append((e.get("sourcecode", ""), e.get("targetcode", ""), e.get("eventcode", "")))
        types: list[str] = []
        unmapped = []
        for _, _, code in codings:
            kind = table.plover_type(code)
            if kind is None:
                unmapped.append(code)
            elif kind not in types:
                types.append(kind)
        text_el = s.find("Text")
        text = " ".join((text_el.text or "").split()) if text_el is not None else ""
        records.append(PetrarchRecord(s.get("id", ""), s.get("category", ""), text, tuple(codings), noevents,
                                      error, tuple(types), tuple(unmapped)))
    return records
