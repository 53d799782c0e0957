"""Reading external actor dictionaries: PETRARCH/TABARI actor and agent files, and a simple CSV.

**Actor dictionaries** (PETRARCH's ``.actors.txt``, e.g. the Phoenix dictionaries). One entry is a primary name,
optional synonyms and codes::

    NAME_ [CODE]                     a name with its code on the same line
    +OTHER_NAME_                     a synonym of the entry above
        [CODE >YYMMDD]               an indented code: valid on and after the date
        [CODE YYMMDD-YYMMDD]         valid between the dates (both included)
        [CODE <YYYYMMDD]             valid up to the date
        [CODE]                       undated: the default, used when no dated code is valid on a date
    NAME_ [CODE1 >970101] [CODE2]    several codes on one line

- ``_`` stands for a space; a name ending in ``_`` matches whole words only, any other name is a *stem*: its last
  word matches any word it begins ("ISLAMIC_REPUBLIC_OF_AFGHANISTAN" matches "... Afghanistan's"). A ``+`` inside
  a name separates two synonyms glued on one line. A name ending in a parenthesized acronym
  ("ARMY_OF_X_(AOX)_") is also indexed without it.
- Dates are ``YYMMDD`` (``00``-``30`` read as 20YY, the rest as 19YY, as TABARI and PETRARCH read them) or
  ``YYYYMMDD``; ``> DATE`` with a space is read too. Bounds include their day.
- ``#`` starts a comment anywhere on a line; ``<!-- ... -->`` one-line comments and other ``<...>`` lines are
  skipped; ``---STOP---`` ends the file. ``[---]`` is PETRARCH's null code ("known name, no actor"): it is kept
  as code ``---`` with no country and no sector.
- A primary name with no code before the next primary name shares that next entry's codes (PETRARCH reads them
  so: "U.N._" on its own line, then "UN_SECRETARY_GENERAL ... [IGOUNO]").

**Agent dictionaries** (``Phoenix.agents.txt``): ``PHRASE [~SECTOR]`` (the sector follows the actor's country:
``~GOV``, ``~MIL``, ``~GOVMIL``) or ``PHRASE [SECTOR~]`` (an organization type put first: ``IGO~``); an optional
``{PLURAL}`` after the phrase gives its plural, ``{}`` says it has none, otherwise the regular English plural of
the last word is indexed as well. ``!NAME! = A, B, C`` defines a substitution set; ``!NAME!`` inside a phrase
("CATTLE!PERSON!", "FOREIGN_!MINIST!") expands to each member (every marker of a phrase, with no plurals).

**CSV** (``.csv``): a header row with ``name`` and any of ``aliases`` (``;``-separated), ``country`` (ISO alpha-3),
``sector``, ``from`` and ``to`` (ISO dates, empty for open). Rows with the same name make one entry; a row
without dates is its default code. The code as written is country + sector ("IRN" + "GOV").

**Codes** are split by :func:`split_code` (see there). Lines that do not parse are counted and named by
``(file, line)`` with a reason; they never stop a read.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterator, NamedTuple

from ..geo.gazetteer import name_key

ACTORS, AGENTS, CSV = "actors", "agents", "csv"
NULL_CODE = "---"

# Actor types that stand where a country would (CAMEO): intergovernmental and non-governmental organizations,
# international militarized groups, multinational corporations, non-governmental movements, unidentified
# state actors.
INTERNATIONAL = frozenset({"IGO", "NGO", "IMG", "MNC", "NGM", "UIS"})
# CAMEO's regions (also written where a country would be).
REGIONS = frozenset({
    "AFR", "ASA", "BLK", "CRB", "CAU", "CFR", "CAS", "CEU", "EIN", "EAF", "EEU", "EUR", "LAM", "MEA", "MDT", "NAF",
    "NMR", "PGS", "SCN", "SAM", "SAS", "SEA", "SAF", "WAF", "WST",
})
# CAMEO's role codes: domestic roles, and religions with their branches (a code may start with one: ``MED``,
# ``ELI``, ``HINRAD``).
ROLES = frozenset({
    "GOV", "MIL", "REB", "OPP", "PTY", "COP", "JUD", "SPY", "MED", "EDU", "BUS", "CRM", "CVL", "LAB", "LEG", "HLH",
    "REF", "MOD", "RAD", "AGR", "DEV", "ELI", "ENV", "HRI", "INS", "SEP", "UAF", "SET", "IRC", "REL", "ADR", "ATH",
    "BAH", "BUD", "CHR", "CON", "DRZ", "HIN", "JAI", "JEW", "MOS", "MUS", "OTH", "SHN", "SIK", "TAO", "ZRO", "CTH",
    "ORT", "PRO", "ALE", "ALW", "SHI", "SUF", "SUN",
})
# Country codes CAMEO writes that are not (or no longer) in ISO 3166-1: the USSR, Kosovo, Romania's and
# Zaire's old codes, Serbia and Montenegro.
CAMEO_COUNTRIES = frozenset({"USR", "KSV", "ROM", "ZAR", "TMP", "SCG", "YUG", "CSK", "DDR"})
# CAMEO role codes that are also country codes: Muslim (Mauritius), Sunni (the USSR in ISO 3166-3).
ROLE_COLLISIONS = frozenset({"MUS", "SUN"})


class MalformedLine(ValueError):
    """One line that does not parse; the message says why."""


class UnknownFileError(ValueError):
    """A file given to the reader is missing or not an actor dictionary, agent dictionary or actor CSV."""


# --- names and keys -----------------------------------------------------------------------------------------------

_DOTS = re.compile(r"\.")


def actor_key(name: str) -> str:
    """The form names are compared in: underscores as spaces, case, accents and punctuation dropped, dots
    removed ("U.N." and "UN"), spaces collapsed, no leading "the"."""
    return name_key(_DOTS.sub("", name.replace("_", " ")))


def display_name(raw: str) -> str:
    """A dictionary name as people write it: underscores as spaces, the trailing ``_`` dropped."""
    return " ".join(raw.replace("_", " ").split())


_ACRONYM = re.compile(r"\s*\([^()]*\)\s*$")


def name_keys(raw: str) -> list[tuple[str, bool]]:
    """The keys a dictionary name is indexed under, each with whether it is a stem (see the module docstring)."""
    raw = raw.strip()
    stem = not raw.endswith("_")
    shown = display_name(raw)
    keys = []
    key = actor_key(shown)
    if key:
        keys.append((key, stem))
    bare = _ACRONYM.sub("", shown)
    if bare != shown:
        key = actor_key(bare)
        if key and key not in [k for k, _ in keys]:
            keys.append((key, stem))
    return keys


# --- dates and codes ----------------------------------------------------------------------------------------------

def parse_date(text: str) -> datetime.date:
    """A PETRARCH date: YYMMDD (00-30 → 20YY, else 19YY) or YYYYMMDD; raises :class:`MalformedLine`."""
    if not text.isascii() or not text.isdigit() or len(text) not in (6, 8):
        raise MalformedLine(f"date {text[:20]!r} is not YYMMDD or YYYYMMDD")
    if len(text) == 6:
        yy = int(text[:2])
        year, month, day = (2000 + yy if yy <= 30 else 1900 + yy), int(text[2:4]), int(text[4:6])
    else:
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise MalformedLine(f"date {text!r} is not a calendar date") from None


class CodeParts(NamedTuple):
    country: str | None  # the country (ISO 3166-1 alpha-3, or a former state's code as CAMEO writes it)
    sector: str | None  # the rest of the code after the country: "GOV", "MILGOV"; the whole code without one
    shape: str  # "country", "international", "region", "sector", "null" or "other"


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-3 codes, former states' codes (ISO 3166-3) and CAMEO's own country codes."""
    import pycountry

    codes = {c.alpha_3 for c in pycountry.countries}
    codes.update(c.alpha_3 for c in pycountry.historic_countries if getattr(c, "alpha_3", None))
    return frozenset(codes | CAMEO_COUNTRIES)


_CODE = re.compile(r"[A-Za-z0-9]+")


@lru_cache(maxsize=1 << 14)
def split_code(code: str) -> CodeParts:
    """A CAMEO/PETRARCH code split into country and sector.

    - ``IRNGOV`` → IRN + GOV; ``USAMILGOV`` → USA + MILGOV (the sector is all that follows the country, its first
      three letters the primary role, as PLOVER writes ``REFKUR``); ``AFG`` → AFG, no sector.
    - ``USRARM`` (a constituent of a former state: a country code after the country) → USR, no sector.
    - ``IGOUNO``, ``NGOHRI...``, ``IMGMUSTAL``, ``MNC...`` (international actors) → no country, sector the whole
      code (its first three letters say the actor type, the rest the organization).
    - a region first (``MEA``, ``AFRREB``) → no country, sector the whole code.
    - a role alone (``MED``, ``ELI``) → no country, sector the code.
    - anything else made of letters and digits (a head CAMEO does not define, a typo: ``KNTGOV``, ``INTREB``)
      → no country, sector the whole code, shape "unknown" (nothing is lost, and the build counts them);
    - ``---`` (the null code) → neither; a code not made of letters and digits → neither ("other").
    """
    code = code.strip()
    if code == NULL_CODE:
        return CodeParts(None, None, "null")
    if not _CODE.fullmatch(code):
        return CodeParts(None, None, "other")
    head, rest = code[:3].upper(), code[3:]
    if head in INTERNATIONAL:
        return CodeParts(None, code, "international")
    if head in country_codes():
        if len(rest) == 3 and rest.upper() in country_codes() and rest.upper() not in ROLE_COLLISIONS:
            return CodeParts(head, None, "country")  # a constituent of a former state: USRARM
        return CodeParts(head, rest or None, "country")
    if head in REGIONS:
        return CodeParts(None, code, "region")
    if head in ROLES:
        return CodeParts(None, code, "sector")
    return CodeParts(None, code, "unknown")


class RawCode(NamedTuple):
    code: str
    start: datetime.date | None
    end: datetime.date | None


_RESTRICTION = re.compile(r"([<>])\s*(\d+)|(\d+)\s*-\s*(\d+)")


def parse_code(text: str) -> RawCode:
    """The inside of one ``[...]``: ``CODE``, ``CODE >DATE``, ``CODE <DATE`` or ``CODE DATE-DATE``."""
    parts = text.split(None, 1)
    if not parts:
        raise MalformedLine("empty code []")
    code = parts[0]
    if code != NULL_CODE and not _CODE.fullmatch(code):
        raise MalformedLine(f"code {code[:20]!r} is not letters and digits")
    if len(parts) == 1:
        return RawCode(code, None, None)
    match = _RESTRICTION.fullmatch(parts[1].strip())
    if not match:
        raise MalformedLine(f"date restriction {parts[1].strip()[:30]!r} is not >DATE, <DATE or DATE-DATE")
    if match.group(1) == ">":
        return RawCode(code, parse_date(match.group(2)), None)
    if match.group(1) == "<":
        return RawCode(code, None, parse_date(match.group(2)))
    start, end = parse_date(match.group(3)), parse_date(match.group(4))
    if end < start:
        raise MalformedLine(f"date range {match.group(3)}-{match.group(4)} ends before it starts")
    return RawCode(code, start, end)


# --- the line parser ----------------------------------------------------------------------------------------------

class Line(NamedTuple):
    """One parsed dictionary line.

    kind: ``skip`` (blank, comment, directive), ``stop`` (``---STOP---``), ``entry`` (a primary name, with the
    codes on its line), ``synonym`` (``+NAME``, maybe with codes), ``codes`` (codes alone), ``macro`` (``!NAME! =
    A, B``: names holds the members, text the marker) or ``agent`` (a phrase: text; its code: codes[0].code;
    plurals: names, None when the regular plural applies)."""
    kind: str
    text: str = ""
    codes: tuple[RawCode, ...] = ()
    names: tuple[str, ...] | None = None


SKIP = Line("skip")
_XML_COMMENT = re.compile(r"<!--.*?-->")
_BRACKETS = re.compile(r"\[([^\[\]]*)\]")
_AGENT_CODE = re.compile(r"\[\s*([^\[\]{}]*?)\s*[\]}]")  # "[~ENV}" (a typo in Phoenix.agents.txt) is read too
_MACRO_DEF = re.compile(r"!([A-Za-z0-9_]+)!\s*=(.*)")
_NAME_CHARS = re.compile(r"[^\[\]{}<>]+")


def _strip_comment(line: str) -> str:
    line = line.rstrip("\r\n")
    if "<!--" in line:
        line = _XML_COMMENT.sub("", line)
    cut = line.find("#")
    if cut >= 0:
        line = line[:cut]
    return line


def _codes(rest: str, where: str) -> tuple[RawCode, ...]:
    codes = []
    pos = 0
    for match in _BRACKETS.finditer(rest):
        if rest[pos:match.start()].strip():
            raise MalformedLine(f"unexpected {rest[pos:match.start()].strip()[:30]!r} {where}")
        codes.append(parse_code(match.group(1)))
        pos = match.end()
    tail = rest[pos:].strip()
    if tail:
        raise MalformedLine(f"unexpected {tail[:30]!r} {where}" if "[" not in tail and "]" not in tail
                            else f"unbalanced brackets in {tail[:30]!r}")
    return tuple(codes)


def _name(text: str) -> str:
    name = text.strip()
    if not name:
        raise MalformedLine("empty name")
    if not _NAME_CHARS.fullmatch(name):
        raise MalformedLine(f"name {name[:40]!r} holds brackets")
    if not any(ch.isalnum() for ch in name):
        raise MalformedLine(f"name {name[:40]!r} has no letters or digits")
    return name


def parse_actor_line(line: str) -> Line:
    """One line of an actor dictionary; raises :class:`MalformedLine`."""
    if line.startswith("<"):
        return SKIP
    text = _strip_comment(line)
    stripped = text.strip()
    if not stripped:
        return SKIP
    if stripped.startswith("---STOP---"):
        return Line("stop")
    if stripped[0] == "[":
        return Line("codes", codes=_codes(stripped, "between codes"))
    if stripped[0] == "+":
        body = stripped[1:]
        cut = body.find("[")
        name, rest = (body, "") if cut < 0 else (body[:cut], body[cut:])
        return Line("synonym", _name(name), _codes(rest, "after the codes"))
    cut = stripped.find("[")
    name, rest = (stripped, "") if cut < 0 else (stripped[:cut], stripped[cut:])
    return Line("entry", _name(name), _codes(rest, "after the codes"))


def parse_agent_line(line: str) -> Line:
    """One line of an agent dictionary; raises :class:`MalformedLine`."""
    if line.startswith("<"):
        return SKIP
    text = _strip_comment(line)
    stripped = text.strip()
    if not stripped:
        return SKIP
    if stripped.startswith("---STOP---"):
        return Line("stop")
    macro = _MACRO_DEF.fullmatch(stripped)
    if macro:
        members = tuple(m.strip() for m in macro.group(2).split(","))
        if not all(members) or not any(members):
            raise MalformedLine(f"substitution set !{macro.group(1)}! has an empty member")
        return Line("macro", macro.group(1), names=members)
    match = _AGENT_CODE.search(stripped)
    if not match:
        raise MalformedLine("agent without a [code]")
    if stripped[match.end():].strip():
        raise MalformedLine(f"unexpected {stripped[match.end():].strip()[:30]!r} after the code")
    code = match.group(1)
    if code.count("~") != 1 or not (code.startswith("~") or code.endswith("~")):
        raise MalformedLine(f"agent code {code[:20]!r} is not [~SECTOR] or [SECTOR~]")
    sector = code.strip("~").strip()
    if not _CODE.fullmatch(sector):
        raise MalformedLine(f"agent code {code[:20]!r} is not [~SECTOR] or [SECTOR~]")
    phrase = stripped[:match.start()]
    plurals: tuple[str, ...] | None = None
    if "{" in phrase or "}" in phrase:
        brace = re.fullmatch(r"([^{}]*)\{([^{}]*)\}\s*", phrase)
        if not brace:
            raise MalformedLine("unbalanced braces in the plural")
        phrase = brace.group(1)
        plural = brace.group(2).strip()
        plurals = (plural,) if plural else ()
    phrase = _name(phrase)
    if phrase.count("!") % 2:
        raise MalformedLine(f"unclosed substitution marker in {phrase[:40]!r}")
    return Line("agent", phrase, (RawCode(code, None, None),), plurals)


# --- entries ------------------------------------------------------------------------------------------------------

@dataclass
class Entry:
    """One actor: its names (the first is the primary) and codes."""
    names: list[str]
    codes: list[RawCode]
    source: str
    line: int

    @property
    def name(self) -> str:
        return display_name(self.names[0])


@dataclass
class Agent:
    phrase: str  # as written after expansion, underscores kept
    sector: str  # the code without its "~": GOV, GOVMIL, IGO
    code: str  # as written: "~GOV", "IGO~"
    stem: bool
    source: str
    line: int


@dataclass
class Malformed:
    file: str
    line: int
    reason: str


@dataclass
class Parsed:
    """What one file held."""
    path: str
    kind: str
    entries: list[Entry] = field(default_factory=list)
    agents: list[Agent] = field(default_factory=list)
    malformed: list[Malformed] = field(default_factory=list)
    lines: int = 0
    uncoded: int = 0  # entries left without any code at the end of the file

    @property
    def skipped(self) -> int:
        return len(self.malformed)


def _split_glued(name: str) -> list[str]:
    return [part for part in name.split("+") if part.strip("_ ")] or [name]


def read_lines(path: Path) -> Iterator[tuple[int, str]]:
    """The lines of a text file, numbered from 1, decoded as UTF-8 (Latin-1 where a line is not)."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError:
                yield number, raw.decode("latin-1")


def parse_actors(path: str | Path, lines: Iterator[tuple[int, str]] | None = None) -> Parsed:
    """An actor dictionary (PETRARCH/TABARI format): its entries and the lines that did not parse."""
    path = Path(path)
    parsed = Parsed(str(path), ACTORS)
    current: Entry | None = None

    def finish() -> None:
        if current is not None and current.codes:
            parsed.entries.append(current)

    for number, text in lines if lines is not None else read_lines(path):
        parsed.lines = number
        try:
            line = parse_actor_line(text)
        except MalformedLine as err:
            parsed.malformed.append(Malformed(str(path), number, str(err)))
            continue
        if line.kind == "skip":
            continue
        if line.kind == "stop":
            break
        if line.kind == "entry":
            if current is None or current.codes:
                finish()
                current = Entry([], [], str(path), number)
            # else: the previous primary name had no code: it shares this entry's (PETRARCH's reading)
            current.names.extend(_split_glued(line.text))
            current.codes.extend(line.codes)
        elif current is None:
            parsed.malformed.append(Malformed(str(path), number, f"{line.kind} before any actor name"))
        elif line.kind == "synonym":
            current.names.extend(_split_glued(line.text))
            current.codes.extend(line.codes)
        else:
            current.codes.extend(line.codes)
    if current is not None and not current.codes:
        parsed.uncoded += 1
    finish()
    return parsed


def regular_plural(phrase: str) -> str:
    """The regular English plural of a phrase's last word ("FARMER" → "FARMERS", "PARTY" → "PARTIES")."""
    body = phrase.rstrip("_")
    suffix = phrase[len(body):]
    upper = body.upper()
    if len(body) >= 2 and upper.endswith("Y") and upper[-2] not in "AEIOU":
        plural = body[:-1] + ("IES" if body[-1].isupper() else "ies")
    elif upper.endswith(("S", "SH", "CH", "X", "Z")):
        plural = body + ("ES" if body[-1].isupper() else "es")
    else:
        plural = body + ("S" if body[-1:].isupper() else "s")
    return plural + suffix


_MARKER = re.compile(r"!([A-Za-z0-9_]+)!")


def expand_macros(phrase: str, macros: dict[str, tuple[str, ...]]) -> list[str]:
    """Every phrase the substitution markers of ``phrase`` stand for; raises :class:`MalformedLine` for an
    undefined marker."""
    names = _MARKER.findall(phrase)
    if not names:
        return [phrase]
    for name in names:
        if name not in macros:
            raise MalformedLine(f"substitution marker !{name}! is not defined above")
    pieces = _MARKER.split(phrase)  # text, marker, text, marker, ..., text
    texts, markers = pieces[0::2], pieces[1::2]
    out = []
    for choice in itertools.product(*(macros[m] for m in markers)):
        out.append("".join(t + c for t, c in zip(texts, (*choice, ""))))
    return out


def parse_agents(path: str | Path, lines: Iterator[tuple[int, str]] | None = None) -> Parsed:
    """An agent dictionary: its agents (substitution sets expanded, plurals added) and the lines that did not
    parse."""
    path = Path(path)
    parsed = Parsed(str(path), AGENTS)
    macros: dict[str, tuple[str, ...]] = {}
    for number, text in lines if lines is not None else read_lines(path):
        parsed.lines = number
        try:
            line = parse_agent_line(text)
            if line.kind == "skip":
                continue
            if line.kind == "stop":
                break
            if line.kind == "macro":
                macros[line.text] = line.names or ()
                continue
            code = line.codes[0].code
            sector = code.strip("~").strip()
            expanded = expand_macros(line.text, macros)
        except MalformedLine as err:
            parsed.malformed.append(Malformed(str(path), number, str(err)))
            continue
        phrases = list(expanded)
        if len(expanded) == 1 and expanded[0] == line.text:
            if line.names is None:
                phrases.append(regular_plural(line.text.rstrip()))
            else:
                phrases.extend(line.names)
        for phrase in phrases:
            phrase = phrase.strip()
            parsed.agents.append(Agent(phrase, sector, code, not phrase.endswith("_"), str(path), number))
    return parsed


CSV_COLUMNS = ("name", "aliases", "country", "sector", "from", "to")


def _iso_date(value: str, what: str) -> datetime.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise MalformedLine(f"{what} {value[:20]!r} is not an ISO date (YYYY-MM-DD)") from None


def parse_csv_row(row: dict[str, str]) -> tuple[str, list[str], RawCode]:
    """One CSV row: (name, aliases, code); raises :class:`MalformedLine`."""
    name = (row.get("name") or "").strip()
    if not name:
        raise MalformedLine("empty name")
    aliases = [a.strip() for a in (row.get("aliases") or "").split(";") if a.strip()]
    country = (row.get("country") or "").strip().upper()
    sector = (row.get("sector") or "").strip().upper()
    if country and country not in country_codes():
        raise MalformedLine(f"country {country[:20]!r} is not an ISO 3166 alpha-3 code")
    if sector and not _CODE.fullmatch(sector):
        raise MalformedLine(f"sector {sector[:20]!r} is not letters and digits")
    if not country and not sector:
        raise MalformedLine("neither a country nor a sector")
    start, end = _iso_date(row.get("from") or "", "from"), _iso_date(row.get("to") or "", "to")
    if start and end and end < start:
        raise MalformedLine(f"'to' {end} is before 'from' {start}")
    return name, aliases, RawCode(country + sector, start, end)


def csv_header(first_line: str) -> list[str] | None:
    """The CSV header's column names (lower case), or None when it has no ``name`` column or no code column."""
    columns = [c.strip().lower() for c in next(csv.reader([first_line.lstrip("\ufeff")]), [])]
    if "name" not in columns or not ({"country", "sector"} & set(columns)):
        return None
    return columns


def parse_csv(path: str | Path) -> Parsed:
    """An actor CSV (see the module docstring): one entry per distinct name."""
    path = Path(path)
    parsed = Parsed(str(path), CSV)
    by_key: dict[str, Entry] = {}
    text = path.read_bytes().decode("utf-8-sig", "replace")
    lines = text.splitlines()
    if not lines:
        return parsed
    columns = csv_header(lines[0])
    if columns is None:
        raise UnknownFileError(f"{path}: a CSV without the columns {', '.join(CSV_COLUMNS)}")
    reader = csv.reader(io.StringIO(text))
    next(reader, None)
    for values in reader:
        number = reader.line_num
        parsed.lines = number
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(columns) and any(v.strip() for v in values[len(columns):]):
            parsed.malformed.append(Malformed(str(path), number, f"{len(values)} columns, header has "
                                                                 f"{len(columns)}"))
            continue
        try:
            name, aliases, code = parse_csv_row(dict(zip(columns, values)))
        except MalformedLine as err:
            parsed.malformed.append(Malformed(str(path), number, str(err)))
            continue
        key = actor_key(name)
        if not key:
            parsed.malformed.append(Malformed(str(path), number, f"name {name[:40]!r} has no letters or digits"))
            continue
        entry = by_key.get(key)
        if entry is None:
            # CSV names are whole words: written with a trailing "_" in the dictionaries' notation.
            entry = by_key[key] = Entry([name.rstrip("_") + "_"], [], str(path), number)
            parsed.entries.append(entry)
        for alias in aliases:
            if alias.rstrip("_") + "_" not in entry.names:
                entry.names.append(alias.rstrip("_") + "_")
        entry.codes.append(code)
    return parsed


# --- which reader ---------------------------------------------------------------------------------------------

def detect(path: str | Path) -> str:
    """The kind of a dictionary file: ``actors``, ``agents`` or ``csv``; raises :class:`UnknownFileError`."""
    path = Path(path)
    if not path.is_file():
        raise UnknownFileError(f"{path}: {'not a file' if path.exists() else 'no such file'}")
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    if b"\x00" in head:
        raise UnknownFileError(f"{path}: a binary file, not an actor dictionary")
    text = head.decode("utf-8", "replace")
    if path.suffix.lower() == ".csv":
        first = next((line for line in text.splitlines() if line.strip()), "")
        if first and csv_header(first) is None:
            raise UnknownFileError(f"{path}: a CSV without the columns {', '.join(CSV_COLUMNS)}")
        return CSV
    agent_like = actor_like = content = 0
    for line in text.splitlines()[:2000]:
        try:
            stripped = _strip_comment(line).strip()
        except Exception:  # pragma: no cover - defensive
            continue
        if not stripped or line.startswith("<"):
            continue
        content += 1
        codes = _AGENT_CODE.findall(stripped)
        if _MACRO_DEF.fullmatch(stripped) or any("~" in c for c in codes):
            agent_like += 1
        elif codes or stripped.startswith("+"):
            actor_like += 1
    if not content:
        raise UnknownFileError(f"{path}: no dictionary lines (empty, or comments only)")
    if "agents" in path.name.lower() or agent_like > actor_like:
        return AGENTS
    if actor_like:
        return ACTORS
    raise UnknownFileError(f"{path}: not an actor dictionary (no NAME [CODE] entries, +synonyms or [~AGENT] "
                           "codes in its first lines)")


def parse_file(path: str | Path, kind: str | None = None) -> Parsed:
    """Read one dictionary file of any kind (detected when not given)."""
    kind = kind or detect(path)
    return {ACTORS: parse_actors, AGENTS: parse_agents, CSV: parse_csv}[kind](path)
