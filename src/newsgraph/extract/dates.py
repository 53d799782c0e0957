"""Dates: TIMEX3 time expressions (DATE, TIME, DURATION, SET) normalized against the publication date.

Steps:

1. :func:`reference_date` takes the publication date from ``doc.user_data[PUBLISHED_KEY]`` (an ISO date or
   date-time), else from a dateline at the start of the text ("WASHINGTON, March 3 (Wire) —"); without one,
   relative expressions keep TIMEX3 placeholders (``XXXX-WXX-2``, ``XXXX-XX-XX``).
2. :func:`_rules` holds one compiled regular expression per kind of expression, built from the word lists of
   ``data/time_words.tsv`` (months, weekdays, numbers, units, parts of day, vague words, ...).  Each runs once
   over the text; a match is kept when cheap checks on its words and tokens accept it (a capitalized month, a
   four-digit number that does not count a noun, a number of years that is not an age), and overlapping matches
   are settled longest first.
3. The kept matches are normalized in text order (:class:`_Normalizer`): absolute dates directly; weekdays,
   bare months and seasons by the tense of the verb that governs them (past: the last one before the
   publication date, future: the next one); "a year earlier", "the quarter", "that day" against the last date
   the text mentioned.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from .. import lexicons as lex
from ..nlp.runner import PUBLISHED_KEY
from ..record import Date, Span

if not Doc.has_extension("ng_dates"):
    Doc.set_extension("ng_dates", default=None)


@Language.factory("newsgraph_dates")
def make_dates(nlp: Language, name: str):
    return DateExtractor()


class DateExtractor:
    """Writes ``doc._.ng_dates`` (list of :class:`~newsgraph.record.Date`)."""

    def __init__(self):
        _rules()

    def __call__(self, doc: Doc) -> Doc:
        doc._.ng_dates = extract_dates(doc)
        return doc


# ---- word lists ---------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def time_words() -> dict[str, dict[str, str]]:
    """Kind (``month``, ``weekday``, ``number``, ``unit``, ...) → lowercase word → value (``data/time_words.tsv``)."""
    table: dict[str, dict[str, str]] = {}
    for row in lex.data_rows("time_words.tsv"):
        table.setdefault(row["kind"], {})[row["word"].lower()] = row["value"]
    return table


def _words(kind: str) -> dict[str, str]:
    return time_words().get(kind, {})


def _alt(words) -> str:
    """A regex alternation of the words, longest first; a space matches any run of whitespace."""
    parts = sorted(set(words), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in parts) + ")"


def _key(text: str) -> str:
    return " ".join(text.lower().split())


# ---- the rules ----------------------------------------------------------------------------------------------

_E = r"(?![\w-])"  # end of a word
_B = r"(?<![\w$€£#@/.-])"  # start of a word (not inside a number, an amount or a path)
_YEAR = r"(?:1[1-9]\d\d|20\d\d)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_QORD = (r"(?:first|second|third|fourth|1st|2nd|3rd|4th|final|latest|last|previous|past|current|next|coming|same|"
         r"comparable|corresponding|year-ago|year-earlier|year-before|prior-year|this)")


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    regex: re.Pattern
    keys: frozenset[str]  # words (lowercase; "#" any number) one of which every match of the rule contains


#: The word kinds whose words trigger each rule (a match always holds one of them); "#" is any number.
_TRIGGERS = {
    "iso": "#", "slash": "#", "mdy": "month", "dmy": "month", "month_year": "month", "month": "month", "year": "#",
    "decade": "#", "century": "=century", "quarter": "=quarter half", "the_quarter": "=quarter",
    "weekday": "weekday", "deictic": "deictic", "this_pod": "=morning afternoon evening night",
    "rel_unit": "unit season", "year_end": "=year month", "ago": "direction", "duration": "unit",
    "bare_plural": "unit", "every": "set_marker", "per": "unit", "set_word": "set_word", "clock": "=am pm a.m p.m",
    "clock24": "#", "oclock": "=clock", "noon": "part_of_day", "vague": "vague", "holiday": "holiday",
    "season": "season", "year_ago": "=year", "year_ago_adj": "=year",
    "spoken_year": "=eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thousand",
    "spoken_decade": "decade_word", "year_period": "=quarter period", "latest_period": "=period", "the_year": "=year",
    "range": "unit", "clock_pod": "=morning afternoon evening night", "the_pod": "=morning afternoon evening",
}
_WORD = re.compile(r"[^\W\d_]+(?:\.[^\W\d_]\b)?|\d")


def _keys(spec: str) -> frozenset[str]:
    """The trigger words of a rule: each word list's entries by their longest word, or words given after "="."""
    if spec.startswith("="):
        return frozenset(spec[1:].split())
    keys: set[str] = set()
    for kind in spec.split():
        if kind == "#":
            keys.add("#")
            continue
        for entry in _words(kind):
            words = _WORD.findall(entry)
            if words:
                keys.add(max(words, key=len).lower())
    return frozenset(keys)


@lru_cache(maxsize=1)
def _vocabulary() -> dict[str, str]:
    numbers = _words("number")
    single = [w for w in numbers if " " not in w and numbers[w] not in ("X",) and w not in ("a", "an")]
    tens = [w for w, v in numbers.items() if v.isdigit() and 20 <= int(v) <= 90]
    units = [w for w, v in numbers.items() if v.isdigit() and 1 <= int(v) <= 9 and w not in ("a", "an")]
    num = rf"(?:\d+(?:\.\d+)?(?:\s+1/2|½)?|{_alt(tens)}[\s-]+{_alt(units)}|{_alt(single)})(?:\s+and\s+a\s+half)?"
    teens = [w for w, v in numbers.items() if v.isdigit() and 11 <= int(v) <= 20]
    small = [w for w, v in numbers.items() if v.isdigit() and 1 <= int(v) <= 19 and w not in ("a", "an")]
    tens_units = rf"{_alt(tens)}(?:[\s-]+{_alt(units)})?"
    # a year said in words: "nineteen ninety-six", "twenty twenty-one", "two thousand (and) one"
    spoken = (rf"(?:{_alt(teens)}[\s-]+(?:{tens_units}|oh[\s-]+{_alt(units)}|hundred)|"
              rf"two\s+thousand(?:(?:\s+and)?[\s-]+(?:{tens_units}|{_alt(small)}))?)")
    return {
        "MONTH": _alt(_words("month")),
        "WD": _alt(_words("weekday")),
        "NUM": num,
        "QUANT": rf"(?:{num}|{_alt(numbers)})",
        "UNIT": _alt(_words("unit")),
        "POD": _alt(_words("part_of_day")),
        "SEASON": _alt(_words("season")),
        "REL": _alt(_words("relative")),
        "MOD": _alt(_words("modifier")),
        "APPROX": _alt(_words("approx")),
        "TZ": _alt(_words("timezone")),
        "DIR": _alt(_words("direction")),
        "SETM": _alt(_words("set_marker")),
        "FREQ": rf"(?:{_alt(_words('frequency'))}|{num}\s+times)",
        "VAGUE": _alt(_words("vague")),
        "SETW": _alt(_words("set_word")),
        "DEIC": _alt(_words("deictic")),
        "HOL": _alt(_words("holiday")),
        "ORD": _alt(_words("ordinal")),
        "YPRE": _alt(_words("year_prefix")),
        "SPY": spoken, "DECW": _alt(_words("decade_word")),
        "YEAR": _YEAR, "DAY": _DAY, "QORD": _QORD, "E": _E, "B": _B,
    }


_PATTERNS = [
    ("iso", r"{B}(?P<y>\d{{4}})-(?P<m>\d\d)-(?P<d>\d\d)(?:T(?P<h>\d\d):(?P<mi>\d\d)(?::\d\d(?:\.\d+)?)?)?(?![\w-])"),
    ("slash", r"{B}(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}})/(?P<y>\d{{4}}|\d\d)(?![\w/])"),
    ("mdy", r"{B}(?:(?P<mod>{MOD})\s+)?(?:(?P<wd>{WD}),?\s+)?(?P<mon>{MONTH})\s*(?P<d>{DAY})(?!\d)(?:(?:,\s*|\s+)(?P<y>{YEAR})(?!\d))?{E}"),
    ("dmy", r"{B}(?:(?P<wd>{WD}),?\s+)?(?:the\s+)?(?P<d>{DAY})\s+(?:of\s+)?(?P<mon>{MONTH})(?:,?\s+(?P<y>{YEAR}))?{E}"),
    ("month_year", r"{B}(?:(?P<mod>{MOD})[\s-]*)?(?P<mon>{MONTH}),?\s+(?:of\s+)?(?P<y>{YEAR}|{SPY}){E}"),
    ("month", r"{B}(?:(?P<mod>{MOD})[\s-]*)?(?:(?P<rel>{REL})\s+)?(?P<mon>{MONTH})"
              r"(?:\s+(?P<rel2>(?:last|this|next)\s+year))?{E}"),
    ("year", r"{B}(?:(?P<pre>{YPRE})\s+|(?P<mod>{MOD})[\s-]*)?(?P<y>{YEAR})(?!\d|\s*%|\s+percent|[,.]\d|-\d|\s*-\s*\d|['’]?s{E})"),
    ("spoken_year", r"{B}(?:(?P<pre>the\s+year)\s+)?(?P<y>{SPY}){E}"),
    ("spoken_decade", r"{B}the\s+(?:(?P<mod>early|mid|late)[\s-]*)?(?:nineteen[\s-]+)?(?P<dec>{DECW}){E}"),
    ("year_period", r"{B}the\s+(?P<y>{YEAR})\s+(?:fiscal\s+)?(?P<what>quarter|period){E}"),
    ("latest_period", r"{B}the\s+(?:latest|most\s+recent)\s+(?:fiscal\s+)?period{E}"),
    ("the_year", r"{B}(?:(?P<mod>earlier|later|early|late)\s+in\s+)?the\s+(?:(?P<adj>full|fiscal|entire|whole)\s+)?"
                 r"(?:fiscal\s+)?year{E}(?![-\s]+(?:ago|earlier|before|after|later|end|two|\d){E})"
                 r"(?:(?=\s+(?:that\s+)?(?:ended|ending|ends){E})(?P<ended>))?"),
    ("range", r"{B}(?:(?P<det>the|its|their)\s+(?:(?P<rel>past|last|next|coming|first|previous|following)\s+)?)?"
              r"(?P<q1>{NUM})\s*(?:to|-|–|or)\s*(?P<q>{NUM})[\s-]+(?P<unit>{UNIT}){E}(?!\s+old{E}|[-\s]+olds?{E})"),
    ("clock_pod", r"{B}(?P<h>1[0-2]|0?[1-9]|{NUM})(?::(?P<mi>[0-5]\d))?\s+(?:o['’]clock\s+)?in\s+the\s+"
                  r"(?P<pod>morning|afternoon|evening|night){E}"),
    ("the_pod", r"{B}(?:in|during)\s+(?P<x>the\s+(?P<pod>morning|afternoon|evening)){E}"
                r"(?!\s+(?:of|hours|news|papers?|shift|session|edition|show|program)\b)"),
    ("decade", r"{B}(?:the\s+)?(?:(?P<mod>early|mid|late)[\s-]*)?(?P<dec>(?:1[0-9]|20)\d0|['’]\d0)['’]?s{E}"),
    ("century", r"{B}(?:the\s+)?(?:(?P<mod>early|mid|late)[\s-]*)?(?P<ord>\d{{1,2}}(?:st|nd|rd|th)|{ORD})[\s-]+century{E}"),
    ("quarter", r"{B}(?:(?P<det>the|its|their|(?P<ryear>this|last|next)\s+year['’]s|(?P<pyear>{YEAR})(?:['’]s)?)\s+)?"
                r"(?:fiscal[\s-]+)?(?P<ord>{QORD})[\s-]+(?:fiscal[\s-]+)?(?P<unit>quarter|half)(?!s)"
                r"(?:\s+of\s+(?:(?P<oyear>{YEAR})|(?P<orel>this|last|next)\s+year|the\s+year))?{E}"),
    ("the_quarter", r"{B}the\s+(?:fiscal\s+)?quarter(?!s){E}(?!\s+of\s)"),
    ("weekday", r"{B}(?:(?P<rel>the\s+(?:previous|preceding|following|next)|last|next|this\s+past|this\s+coming|this|"
                r"coming|early|late)\s+)?(?P<wd>{WD})(?P<pl>s)?(?:\s+(?P<pod>{POD})(?P<pl2>s)?)?{E}"),
    ("deictic", r"{B}(?:(?P<mod>early|late|later|earlier)\s+)?(?P<d>{DEIC})(?:\s+(?P<pod>{POD}))?{E}"),
    ("this_pod", r"{B}(?P<rel>this|last|yesterday|tomorrow|the\s+next|the\s+following|the\s+previous|that)\s+(?P<pod>morning|afternoon|evening|night){E}"),
    ("rel_unit", r"{B}(?:(?P<mod>{MOD})[\s-]*)?(?P<rel>{REL}|the)\s+(?:(?P<fiscal>fiscal)\s+)?"
                 r"(?P<unit>week|month|year|quarter|weekend|decade|century|millennium|day|{SEASON}){E}"),
    ("year_end", r"{B}(?:the\s+)?(?P<unit>year|month)(?:[\s-]end|['’]s\s+end){E}"),
    ("ago", r"{B}(?:(?P<approx>{APPROX})\s+)?(?P<q>{QUANT})\s+(?:more\s+)?(?P<unit>{UNIT})(?:\s+or\s+so)?\s+"
            r"(?P<dir>{DIR}){E}"),
    ("duration", r"{B}(?:(?P<approx>{APPROX})\s+)?(?:(?P<det>the|its|their|this|that)\s+)?"
                 r"(?:(?P<rel>past|last|next|first|coming|previous|following|latest|final|initial|remaining|recent|"
                 r"ensuing|preceding|full|entire|whole)\s+)?(?P<q>{QUANT})(?:\s+(?:more|additional|full|"
                 r"consecutive|straight|long))?[\s-]+(?P<unit>{UNIT})(?:-long)?{E}(?P<half>\s+and\s+a\s+half{E})?"
                 r"(?![-\s]+olds?{E}|\s+of\s+age)"),
    ("bare_plural", r"{B}(?:for|in|over|within|lasting|took)\s+(?P<x>(?P<unit>years|months|weeks|days|decades|hours|"
                    r"minutes|centuries)){E}"),
    ("every", r"{B}(?P<m>{SETM})\s+(?:(?P<q>{QUANT})\s+)?(?P<unit>{UNIT}|{WD}|{POD}|{SEASON}|{MONTH}){E}"),
    ("per", r"{B}(?:(?P<freq>{FREQ})\s+)?(?:a|an|per)\s+(?P<unit>year|month|week|day|hour|night|decade){E}"),
    ("set_word", r"{B}(?P<w>{SETW}){E}"),
    ("clock", r"{B}(?P<h>1[0-2]|0?\d)(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ap>[ap]\.\s?m\.?|[ap]m{E})"
              r"(?:\s+(?P<tz>{TZ}){E})?(?:,?\s+(?P<day>{WD}|{DEIC}|{MONTH}\s*{DAY}){E})?"),
    ("clock24", r"{B}(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?:\s+(?P<tz>{TZ})|\s+(?P<hrs>hours|hrs|GMT|UTC)){E}"),
    ("oclock", r"{B}(?P<h>{NUM})\s+o['’]clock{E}"),
    ("noon", r"{B}(?P<pod>noon|midnight|midday|mid-?afternoon|mid-?morning)(?:\s+(?P<day>{WD}|{DEIC}))?{E}"),
    ("vague", r"{B}(?P<v>{VAGUE}){E}"),
    ("holiday", r"{B}(?:(?P<rel>last|next|this)\s+)?(?P<h>{HOL}){E}"),
    ("season", r"{B}(?:(?P<mod>{MOD})[\s-]*)?(?:(?P<det>the|this\s+past|this\s+coming|this|last|next|that)\s+)?"
               r"(?P<s>{SEASON})(?:\s+(?:of\s+)?(?P<y>{YEAR}|{SPY}))?{E}"),
    ("year_ago", r"{B}(?:the\s+)?(?:(?:comparable|same|corresponding)\s+)?year[-\s](?:ago|earlier|before)\s+"
                 r"(?P<what>quarter|period){E}"),
    ("year_ago_adj", r"{B}(?:the\s+)?year-(?:ago|earlier){E}"),
]


@lru_cache(maxsize=1)
def _rules() -> tuple[_Rule, ...]:
    vocab = _vocabulary()
    return tuple(_Rule(name, re.compile(pattern.format(**vocab), re.I), _keys(_TRIGGERS[name]))
                 for name, pattern in _PATTERNS)


@lru_cache(maxsize=1)
def _all_keys() -> frozenset[str]:
    return frozenset().union(*(rule.keys for rule in _rules()))


_WINDOW = 90  # characters scanned on each side of a trigger word: longer than any expression


def _windows(text: str) -> dict[str, list[tuple[int, int]]]:
    """Trigger word → the merged text windows around its occurrences: each rule is run only there, so the
    text is read once by a cheap word pattern instead of once per rule."""
    keys = _all_keys()
    where: dict[str, list[tuple[int, int]]] = {}
    n = len(text)
    for m in _WORD.finditer(text):
        word = m.group()
        word = "#" if word.isdigit() else word.lower()
        if word in keys:
            spans = where.setdefault(word, [])
            a, b = max(0, m.start() - _WINDOW), min(n, m.end() + _WINDOW)
            if spans and a <= spans[-1][1]:
                spans[-1] = (spans[-1][0], b)
            else:
                spans.append((a, b))
    return where


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


# ---- the reference date -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Reference:
    """The publication date; ``year_known`` False for a dateline without a year (the year is then a
    placeholder and weekday arithmetic is impossible)."""

    date: dt.date
    year_known: bool = True
    time: str | None = None  # "HH:MM" when the publication date-time gives it


_ISO = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d))?")


def reference_date(doc: Doc) -> Reference | None:
    """The publication date: ``doc.user_data[PUBLISHED_KEY]``, else the text's dateline, else None."""
    published = doc.user_data.get(PUBLISHED_KEY) if doc.user_data else None
    if published:
        m = _ISO.match(str(published).strip())
        if m:
            try:
                day = dt.date(int(m[1]), int(m[2]), int(m[3]))
                return Reference(day, True, f"{m[4]}:{m[5]}" if m[4] else None)
            except ValueError:
                pass
    return _dateline(doc.text)


@lru_cache(maxsize=1)
def _dateline_regex() -> re.Pattern:
    place = r"[A-Z][\w.'’ -]{1,40}?"
    return re.compile(
        rf"\A\s*(?:{place}(?:,\s*{place})?\s*[,(]\s*)?(?:(?:{_alt(_words('weekday'))}),?\s+)?"
        rf"(?P<mon>{_alt(_words('month'))})\s+(?P<d>[0-3]?\d)(?:,?\s+(?P<y>{_YEAR}))?(?:\s*\)?\s*\([^)\n]{{1,40}}\))?"
        r"\s*(?:[-—–]|\)?\s*[-—–]|/)", re.I)


def _dateline(text: str) -> Reference | None:
    m = _dateline_regex().match(text[:200])
    if not m:
        return None
    month = int(_words("month")[_key(m["mon"])])
    try:
        if m["y"]:
            return Reference(dt.date(int(m["y"]), month, int(m["d"])))
        return Reference(dt.date(2000, month, int(m["d"])), year_known=False)
    except ValueError:
        return None


# ---- finding -------------------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Found:
    start: int
    end: int
    rule: int
    match: re.Match


def extract_dates(doc: Doc) -> list[Date]:
    text = doc.text
    rules = _rules()
    found: list[_Found] = []
    checker = _Checker(doc, text)
    windows = _windows(text)
    seen: set[tuple[int, int, int]] = set()
    for k, rule in enumerate(rules):
        spans = [w for key in rule.keys if key in windows for w in windows[key]]
        for a, b in _merge(spans) if len(spans) > 1 else spans:
            for m in rule.regex.finditer(text, a, b):
                start, end = m.span("x") if "x" in rule.regex.groupindex else m.span()
                start, end = _trim(text, start, end)
                if start < end and (k, start, end) not in seen and checker.accept(rule.name, m, start, end):
                    seen.add((k, start, end))
                    found.append(_Found(start, end, k, m))
    kept = _longest_first(found)
    normalizer = _Normalizer(doc, text, reference_date(doc))
    dates = []
    for f in kept:
        result = normalizer.normalize(rules[f.rule].name, f.match, f.start, f.end)
        if result is None:
            continue
        kind, value = result
        dates.append(Date(mention=Span.of(text, f.start, f.end), type=kind, value=value))
    return dates


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in " \t\n,.-" and not text[start:end].lower().endswith(("a.m.", "p.m.")):
        end -= 1
    return start, end


def _longest_first(found: list[_Found]) -> list[_Found]:
    taken: list[tuple[int, int]] = []
    kept = []
    for f in sorted(found, key=lambda f: (f.start - f.end, f.rule, f.start)):
        if any(f.start < b and a < f.end for a, b in taken):
            continue
        taken.append((f.start, f.end))
        kept.append(f)
    return sorted(kept, key=lambda f: f.start)


_PREPOSITION_BEFORE_YEAR = re.compile(
    r"(?:\b(?:in|since|by|of|until|till|from|to|before|after|during|through|between|and|or|around|circa|early|late|"
    r"mid|fiscal|year|the|end|spring|summer|autumn|fall|winter|than|until|as|for)|[(,])\s*$", re.I)
_COUNTED_BEFORE = re.compile(r"(?:\d|%|percent|cents?|dollars?|euros?|pounds?|million|billion|times|twice|once|"
                             r"thrice)\s*$", re.I)
_AGE_BEFORE = re.compile(r"\b(?:aged|age|ages)\s*$", re.I)


class _Checker:
    """Cheap checks that a regex match is a time expression."""

    def __init__(self, doc: Doc, text: str):
        self.doc = doc
        self.text = text
        self._date_ents: list[tuple[int, int]] | None = None

    def before(self, start: int, n: int = 30) -> str:
        return self.text[max(0, start - n):start]

    def date_entity(self, start: int, end: int) -> bool:
        if self._date_ents is None:
            self._date_ents = [(e.start_char, e.end_char) for e in self.doc.ents if e.label_ in ("DATE", "TIME")]
        return any(a <= start and end <= b for a, b in self._date_ents)

    def accept(self, name: str, m: re.Match, start: int, end: int) -> bool:
        groups = m.re.groupindex
        if "mon" in groups and m["mon"] and not _month_ok(m, name, self.before(m.start("mon"))):
            return False
        if "wd" in groups and m["wd"] and not m["wd"][0].isupper():
            return False
        if name == "year":
            return self.year_ok(m, start, end)
        if name in ("duration", "ago") and (_AGE_BEFORE.search(self.before(start)) or self.text[end:end + 4] == "-old"):
            return False
        if name in ("duration", "ago"):
            unit, q = _key(m["unit"]), _key(m["q"])
            if name == "duration" and q in ("a", "an") and _COUNTED_BEFORE.search(self.before(start)):
                return False  # "$5 a year", "twice a week": a set
            if re.fullmatch(_YEAR, q) and unit in ("quarter", "year", "month", "period", "half"):
                return False  # "the 1988 quarter"
            if unit in ("second", "seconds") and not re.match(r"\d|[a-z]+$", q) or q in ("a", "an") and unit == "second":
                return False
            if unit in ("quarter", "quarters") and (q in ("a", "an", "three", "one") or re.match(r"\s+of\b", self.text[end:end + 4])):
                return False
            if unit in ("night", "nights", "weekend", "weekends") and q in ("a", "an", "some", "many"):
                return False
            if q in ("some",) and name == "duration" and not m["unit"].lower().endswith("s"):
                return False  # "some day": not a duration
        if name == "ago" and _key(m["dir"]) in ("before", "after") and re.match(r"\s*[\w$]", self.text[m.end():m.end() + 3]):
            return False  # "two years after the war": the duration, with "after" as a signal
        if name == "per":
            return bool(m["freq"]) or bool(_COUNTED_BEFORE.search(self.before(start)))
        if name == "holiday" and not m["h"][0].isupper():
            return False
        if name == "season":
            return self.season_ok(m, start)
        if name == "rel_unit":
            rel, unit = _key(m["rel"]), _key(m["unit"])
            if rel == "the" and not m["mod"] and unit != "weekend":
                return False
            if unit == "day" and rel not in ("that", "that same", "the same", "the previous", "the following",
                                             "the next", "previous", "following", "next", "the preceding") \
                    and not (rel == "the" and m["mod"]):
                return False
            if unit in _words("season") and not self.season_ok(m, start, rel):
                return False
            if rel in ("current", "the current", "the present") and unit in ("day", "weekend"):
                return False
        if name == "vague":
            v = _key(m["v"])
            if v == "previously" and re.match(r"\s+(?:un)?\w+ed\b", self.text[end:end + 20]):
                return False  # "previously announced": an adverb of the verb, kept as a signal
            if v in ("the past", "the future") and re.match(r"\s+(?:of|tense)\b", self.text[end:end + 8]):
                return False
        if name == "set_word":
            span = self.doc.char_span(start, end)
            if span is not None and len(span) == 1 and span[0].dep_ == "amod" and _key(m["w"]) != "daily":
                return False  # "a quarterly dividend": a property of the noun, not a recurring time
        if name == "vague" and _key(m["v"]) in ("current", "recent"):
            following = re.match(r"\s+([\w-]+)", self.text[end:end + 20])
            if following and following[1].lower() in _words("not_time_after"):
                return False  # "current account"
        if name == "every":
            unit = _key(m["unit"])
            if unit in _words("month") and not m["unit"][0].isupper():
                return False
            if unit in _words("weekday") and not m["unit"][0].isupper():
                return False
            if unit in _words("season") and unit in ("fall", "spring"):
                return False
        if name == "clock" and m["day"]:
            d = m["day"]
            if d.lower() in _words("weekday") and not d[0].isupper():
                return False
        if name == "oclock" and not _number(m["h"]):
            return False
        if name == "spoken_year":
            return self.spoken_year_ok(m, start, end)
        if name == "the_year" and not (m["mod"] or m["ended"] is not None or m["adj"] in ("full", "entire", "whole")):
            return bool(re.search(r"\b(?:for|of|throughout|during)\s*$", self.before(start, 16), re.I))
        if name == "range":
            low, high = _number(m["q1"]), _number(m["q"])
            if low is None or high is None or not 0 < low < high or _AGE_BEFORE.search(self.before(start)):
                return False
        if name == "clock_pod" and not 1 <= (_number(m["h"]) or 0) <= 12:
            return False
        return True

    def spoken_year_ok(self, m: re.Match, start: int, end: int) -> bool:
        """A year said in words; "two thousand" alone is a year only after "the year" or a preposition of time,
        and no spoken year counts a noun ("nineteen ninety-six dollars")."""
        if m["pre"]:
            return True
        if re.search(r"hundred", m["y"], re.I):
            return False  # "twelve hundred students"
        if re.fullmatch(r"two\s+thousand", m["y"], re.I) and not re.search(
                r"\b(?:in|by|since|until|till|before|after|from|through|around|to)\s*$", self.before(start, 12), re.I):
            return False
        following = re.match(r"\s+([a-z]+)", self.text[end:end + 20])
        return not (following and following[1] not in ("and", "or", "to", "when", "the", "a", "in", "on", "at", "as",
                                                        "was", "were", "is", "that", "with", "for", "by", "after")
                    and following[1].endswith("s") and len(following[1]) > 3)

    def year_ok(self, m: re.Match, start: int, end: int) -> bool:
        if m["pre"] or m["mod"]:
            return True
        before = self.before(m.start("y"), 12)
        if re.search(r"(?:[$€£#]|No\.|number|page|route|flight|room|\d)\s*$", before, re.I):
            return False
        span = self.doc.char_span(m.start("y"), m.end("y"))
        if span is not None and len(span) == 1:
            token = span[0]
            if token.dep_ in ("nummod", "quantmod") and token.head.pos_ == "NOUN" and token.head.tag_ == "NNS" \
                    and token.head.lower_ not in _words("unit"):
                return False  # "2000 soldiers"
        if self.date_entity(m.start("y"), m.end("y")):
            return True
        if _PREPOSITION_BEFORE_YEAR.search(before) or re.match(r"\s*(?:[,.;:)]|['’]s\b|$)", self.text[end:end + 3]):
            return True
        return span is None or span[0].pos_ in ("NUM", "PROPN") and span[0].dep_ not in ("nummod", "dobj", "nsubj")

    def season_ok(self, m: re.Match, start: int, rel: str | None = None) -> bool:
        s = _key(m["s"] if "s" in m.re.groupindex else m["unit"])
        det = rel if rel is not None else _key(m["det"] or "")
        year = "y" in m.re.groupindex and m["y"]
        if year:
            return True
        if s in ("fall", "spring"):
            if det in ("this", "last", "next", "this past", "this coming", "past", "coming", "that", "the past",
                       "the last", "the coming", "the next", "previous", "the previous"):
                return True
            if det == "the" or m["mod"]:
                before = self.before(start, 16).lower()
                return bool(re.search(r"\b(?:in|during|by|until|since|through|for|over)\s*$", before) or m["mod"]) \
                    and not re.match(r"\s+of\b", self.text[m.end():m.end() + 4])
            return False
        return not re.match(r"\s+of\s+(?!\d)", self.text[m.end():m.end() + 8])


@lru_cache(maxsize=1)
def _full_months() -> frozenset[str]:
    longest: dict[str, str] = {}
    for word, value in _words("month").items():
        if len(word) > len(longest.get(value, "")):
            longest[value] = word
    return frozenset(longest.values())


def _month_ok(m: re.Match, rule: str, before: str) -> bool:
    """A month name is capitalized; alone (no day, year, "last", "early") a short or ambiguous one ("May",
    "March", "Jan") must follow a preposition that takes a date."""
    month = m["mon"]
    if not month[0].isupper():
        return False
    if rule != "month" or m["rel"] or m["mod"] or m["rel2"]:
        return True
    low = _key(month)
    if low not in ("may", "march"):
        return low in _full_months()  # a full name, not "Jan" or "Sept."
    return bool(re.search(r"\b(?:in|since|by|until|till|from|before|after|during|through|of|to|and|or)\s*$",
                          before, re.I))


# ---- normalizing --------------------------------------------------------------------------------------------

#: A unit, and how many of the next smaller unit it holds: half a year is six months.
_SMALLER = {"Y": (12, "M"), "D": (24, "H"), "H": (60, "M"), "MIN": (60, "S")}

_SEASON_ORDER = {"SP": 1, "SU": 2, "FA": 3, "WI": 4}
_SEASON_OF_MONTH = {12: "WI", 1: "WI", 2: "WI", 3: "SP", 4: "SP", 5: "SP", 6: "SU", 7: "SU", 8: "SU",
                    9: "FA", 10: "FA", 11: "FA"}


def _number(text: str) -> float | None:
    """The number a quantity names ("24", "twenty-four", "a", "two", "1.5"); None for vague ones (few, several)."""
    text = _key(text)
    half = re.search(r"(?:\s+1/2|½|\s+and\s+a\s+half)$", text)
    if half:  # "5 1/2", "two and a half"
        whole = _number(text[:half.start()])
        return whole + 0.5 if whole is not None else None
    numbers = _words("number")
    if text in numbers:
        value = numbers[text]
        return None if value == "X" else float(value)
    try:
        return float(text.replace(",", ""))
    except ValueError:
        pass
    total = 0.0
    for word in re.split(r"[\s-]+", text):
        value = numbers.get(word)
        if value is None or value == "X":
            return None
        v = float(value)
        if v in (100, 1000):
            total = max(total, 1) * v
        else:
            total += v
    return total


def _year_number(text: str) -> int:
    """A year in digits or in words ("1996", "nineteen ninety-six", "two thousand and one")."""
    if text.isdigit():
        return int(text)
    numbers = _words("number")
    words = [w for w in re.split(r"[\s-]+", text.lower()) if w not in ("and", "")]
    if words[:2] == ["two", "thousand"]:
        return 2000 + sum(int(numbers[w]) for w in words[2:])
    head, rest = int(numbers[words[0]]), words[1:]
    if rest == ["hundred"]:
        return head * 100
    return head * 100 + sum(int(numbers[w]) for w in rest if w != "oh")


def _fmt_number(n: float) -> str:
    return str(int(n)) if n == int(n) else f"{n:g}"


def _shift_month(year: int, month: int, k: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + k
    return index // 12, index % 12 + 1


class _Normalizer:
    def __init__(self, doc: Doc, text: str, ref: Reference | None):
        self.doc = doc
        self.text = text
        self.ref = ref
        self.parsed = doc.has_annotation("DEP")
        self.last_quarter: tuple[int, str, int] | None = None  # (char offset, "YYYY-Qn" value, year)
        self.last_day: tuple[int, dt.date] | None = None  # (char offset, date)
        self.last_value: tuple[int, str] | None = None

    # -- helpers --
    @property
    def today(self) -> dt.date | None:
        return self.ref.date if self.ref else None

    def year(self, y: int) -> str:
        return f"{y:04d}" if self.ref is None or self.ref.year_known else "XXXX"

    def day_value(self, d: dt.date) -> str:
        return f"{self.year(d.year)}-{d.month:02d}-{d.day:02d}"

    def week_value(self, d: dt.date) -> str:
        if self.ref is None or not self.ref.year_known:
            return "XXXX-WXX"
        y, w, _ = d.isocalendar()
        return f"{y:04d}-W{w:02d}"

    def tense(self, start: int, end: int) -> str | None:
        """past, future or present, from the verb that governs the expression; None without one."""
        verb = self.governor(start, end)
        return _verb_tense(verb) if verb is not None else None

    def governor(self, start: int, end: int):
        """The verb that governs the expression, or None."""
        if not self.parsed:
            return None
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            return None
        node = span.root
        for _ in range(8):
            if node.pos_ in ("VERB", "AUX") and node.dep_ not in ("amod",):
                break
            if node.head.i == node.i:
                return None
            node = node.head
        else:
            return None
        return node

    def remember_day(self, start: int, d: dt.date) -> None:
        self.last_day = (start, d)

    def anchor_day(self, start: int) -> dt.date | None:
        """The day the text last named in this sentence, else the publication date."""
        if self.last_day is not None and self.parsed:
            sent_start = self._sentence_start(start)
            if self.last_day[0] >= sent_start:
                return self.last_day[1]
        return self.today

    def _sentence_start(self, start: int) -> int:
        span = self.doc.char_span(start, min(len(self.text), start + 1), alignment_mode="expand")
        return span[0].sent.start_char if span is not None and len(span) else 0

    # -- dispatch --
    def normalize(self, rule: str, m: re.Match, start: int, end: int) -> tuple[str, str] | None:
        result = getattr(self, "_" + rule)(m, start, end)
        if result is not None and result[0] in ("DATE", "TIME") and re.match(r"\d{4}|XXXX", result[1]):
            self.last_value = (start, result[1])  # the last date named: what "that year", "the following month" mean
        return result

    # -- absolute dates --
    def _iso(self, m, start, end):
        try:
            d = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            return None
        self.remember_day(start, d)
        if m["h"]:
            return "TIME", f"{d.isoformat()}T{m['h']}:{m['mi']}"
        return "DATE", d.isoformat()

    def _slash(self, m, start, end):
        y = int(m["y"])
        if y < 100:
            y += 2000 if y < 50 else 1900
        try:
            d = dt.date(y, int(m["m"]), int(m["d"]))
        except ValueError:
            return None
        self.remember_day(start, d)
        return "DATE", d.isoformat()

    def _month_day(self, m, start) -> tuple[str, str] | None:
        month = int(_words("month")[_key(m["mon"])])
        day = int(re.match(r"\d+", m["d"]).group())
        if m["y"]:
            try:
                d = dt.date(int(m["y"]), month, day)
            except ValueError:
                return None
            self.remember_day(start, d)
            return "DATE", d.isoformat()
        if self.ref is None:
            return "DATE", f"XXXX-{month:02d}-{day:02d}"
        d = self._closest_year(month, day, m["wd"], self.tense(m.start(), m.end()))
        if d is None:
            return None
        self.remember_day(start, d)
        return "DATE", self.day_value(d)

    def _closest_year(self, month: int, day: int, weekday: str | None, tense: str | None = None) -> dt.date | None:
        """The date with that month and day nearest the publication date: before it in past-tense context, after
        it in future-tense context, the one whose weekday matches when the text names one."""
        today = self.today
        options = []
        for y in (today.year - 1, today.year, today.year + 1):
            try:
                options.append(dt.date(y, month, day))
            except ValueError:
                continue
        if not options:
            return None
        if weekday and self.ref.year_known:
            n = int(_words("weekday")[_key(weekday)])
            matching = [d for d in options if d.isoweekday() == n]
            if matching:
                options = matching
        return _nearest(options, today, tense, 90)

    def _mdy(self, m, start, end):
        return self._month_day(m, start)

    _dmy = _mdy

    def _month_year(self, m, start, end):
        month = int(_words("month")[_key(m["mon"])])
        return "DATE", f"{_year_number(m['y']):04d}-{month:02d}"

    def _month(self, m, start, end):
        month = int(_words("month")[_key(m["mon"])])
        rel = _key(m["rel"] or "")
        rel2 = _key(m["rel2"] or "")
        if self.ref is None:
            return "DATE", f"XXXX-{month:02d}"
        today = self.today
        y = today.year
        offset = _words("relative").get(rel)
        if rel2:
            y += {"last year": -1, "this year": 0, "next year": 1}[rel2]
        elif offset == "A" and self.last_value:
            y = int(self.last_value[1][:4]) if self.last_value[1][:4].isdigit() else y
        elif offset in ("-1",):
            y = y if month < today.month - 1 else y - 1  # "last April" (in October); "last February" (in March)
        elif offset == "1":
            y = y if month > today.month else y + 1
        elif offset == "0" or m["mod"] and _key(m["mod"]) in ("earlier", "later"):
            pass
        else:
            options = [dt.date(y + k, month, 15) for k in (-1, 0, 1)]
            here = dt.date(today.year, today.month, 15)
            y = _nearest(options, here, self.tense(start, end), 45).year
        return "DATE", f"{self.year(y)}-{month:02d}"

    def _year(self, m, start, end):
        return "DATE", f"{int(m['y']):04d}"

    def _spoken_year(self, m, start, end):
        return "DATE", f"{_year_number(m['y']):04d}"

    def _spoken_decade(self, m, start, end):
        """ "the nineties": the last such decade begun by the publication year (the 1990s before 2090)."""
        digit = int(_words("decade_word")[_key(m["dec"])])
        if "nineteen" in m.group().lower() or self.ref is None or not self.ref.year_known:
            return "DATE", f"19{digit}"
        return "DATE", f"{(self.today.year - 10 * digit) // 100}{digit}"

    def _year_period(self, m, start, end):
        """ "the 1988 quarter", "the 1988 period": that year's counterpart of the quarter the text is about."""
        y = int(m["y"])
        if self.last_quarter is not None:
            return "DATE", f"{y:04d}{self.last_quarter[1][4:]}"
        return "DATE", f"{y:04d}-QX" if _key(m["what"]) == "quarter" else f"{y:04d}"

    def _latest_period(self, m, start, end):
        return self._relative_quarter("latest", start)

    def _the_year(self, m, start, end):
        """ "for the year", "the full year": the current year; "the year ended Sept. 30": a year's length."""
        if m["ended"] is not None:
            return "DURATION", "P1Y"
        return "DATE", self.year(self.today.year) if self.ref is not None else "XXXX"

    def _range(self, m, start, end):
        """ "two to three weeks", "the next 12 to 18 months": a duration of a count TIMEX3 cannot state."""
        return "DURATION", self._period(None, _words("unit")[_key(m["unit"])])

    def _clock_pod(self, m, start, end):
        """ "4 in the morning", "8 in the evening"."""
        h = int(_number(m["h"]))
        pod = _key(m["pod"])
        if pod == "morning" and h == 12:
            h = 0
        elif pod in ("afternoon", "evening") and h < 12 or pod == "night" and 6 <= h < 12:
            h += 12
        minute = m["mi"] or "00"
        return "TIME", f"{self._near_day_value(start)}T{h:02d}:{minute}"

    def _the_pod(self, m, start, end):
        """ "in the morning": that part of the day last named nearby, else of the publication date."""
        return "TIME", self._near_day_value(start) + self._pod(m["pod"])

    def _near_day_value(self, start: int) -> str:
        if self.last_day is not None and start - self.last_day[0] < 400:
            return self.day_value(self.last_day[1])
        return self._anchor_value(start)

    def _decade(self, m, start, end):
        dec = m["dec"]
        if dec[0] in "'’":
            digit = int(dec[1])
            century = 20 if digit <= 2 else 19
            if self.today and self.today.year >= 2030 and digit <= 4:
                century = 20
            return "DATE", f"{century}{digit}"
        return "DATE", dec[:3]

    def _century(self, m, start, end):
        o = m["ord"]
        n = int(re.match(r"\d+", o).group()) if o[0].isdigit() else int(_words("ordinal").get(_key(o), "0"))
        if not 1 <= n <= 30:
            return None
        return "DATE", f"{n - 1:02d}"

    # -- quarters --
    def _quarter_year(self, m, start, end, q: int | None) -> int | None:
        if m["pyear"]:
            return int(m["pyear"])
        if m["oyear"]:
            return int(m["oyear"])
        if self.ref is None:
            return None
        y = self.today.year
        rel = _key(m["ryear"] or m["orel"] or "")
        if rel:
            return y + {"last": -1, "this": 0, "next": 1}[rel]
        current = (self.today.month - 1) // 3 + 1
        if q is not None and q > current and self.tense(start, end) in ("past", None):
            return y - 1
        return y

    def _quarter(self, m, start, end):
        ordinal = _key(m["ord"])
        unit = _key(m["unit"])
        ords = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
        if unit == "half":
            n = ords.get(ordinal)
            if n not in (1, 2):
                return None
            y = self._quarter_year(m, start, end, None)
            return "DATE", f"{self.year(y) if y is not None else 'XXXX'}-H{n}"
        if ordinal in ords:
            q = ords[ordinal]
            y = self._quarter_year(m, start, end, q)
            if y is None:
                return "DATE", f"XXXX-Q{q}"
            self.last_quarter = (start, f"{y:04d}-Q{q}", y)
            return "DATE", f"{self.year(y)}-Q{q}"
        if ordinal in ("same", "comparable", "corresponding", "year-ago", "year-earlier", "year-before", "prior-year"):
            back = 0 if ordinal == "same" else 1
            if self.last_quarter is not None:
                _, value, y = self.last_quarter
                return "DATE", f"{self.year(y - back)}{value[4:]}"
            if self.ref is None:
                return "DATE", "XXXX-QX"
            return "DATE", f"{self.year(self.today.year - back)}-QX"
        return self._ended_quarter(start, end) if ordinal in ("latest", "last", "past", "previous", "current", "this") \
            and _ended_regex().match(self.text, end) else self._relative_quarter(ordinal, start)

    def _relative_quarter(self, ordinal: str, start: int):
        if ordinal in ("latest", "") and self.last_quarter is not None:
            return "DATE", self.last_quarter[1] if self.ref is None or self.ref.year_known else "XXXX" + self.last_quarter[1][4:]
        if self.ref is None:
            return "DATE", "XXXX-QX"
        current = (self.today.month - 1) // 3
        k = {"last": -1, "previous": -1, "past": -1, "latest": -1, "final": None, "": -1, "current": 0, "this": 0,
             "next": 1, "coming": 1}.get(ordinal)
        if k is None:
            return None
        index = self.today.year * 4 + current + k
        y, q = index // 4, index % 4 + 1
        self.last_quarter = (start, f"{y:04d}-Q{q}", y)
        return "DATE", f"{self.year(y)}-Q{q}"

    def _the_quarter(self, m, start, end):
        return self._ended_quarter(start, end) or self._relative_quarter("", start)

    def _ended_quarter(self, start: int, end: int) -> tuple[str, str] | None:
        """ "the quarter ended Sept. 30": the calendar quarter holding that day."""
        m = _ended_regex().match(self.text, end)
        if m is None or self.ref is None:
            return None
        month = int(_words("month")[_key(m["mon"])])
        try:
            d = self._closest_year(month, int(m["d"]), None, "past")
        except ValueError:
            return None
        if d is None:
            return None
        q = (d.month - 1) // 3 + 1
        self.last_quarter = (start, f"{d.year:04d}-Q{q}", d.year)
        return "DATE", f"{self.year(d.year)}-Q{q}"

    # -- days --
    def _weekday_date(self, n: int, rel: str, start: int, end: int) -> dt.date | None:
        today = self.today
        delta = n - today.isoweekday()
        if rel in ("last", "this past"):
            return today + dt.timedelta(days=delta - 7 if delta >= 0 else delta)
        if rel in ("next", "this coming", "coming"):
            return today + dt.timedelta(days=delta + 7 if delta <= 0 else delta)
        if rel == "this":
            return today + dt.timedelta(days=delta)
        if delta == 0:
            return today
        if self.text[end:end + 2] in ("'s", "’s"):
            tense = "past"  # "Wednesday's ruling"
        else:
            verb = self.governor(start, end)
            tense = _verb_tense(verb) if verb is not None else None
            if verb is not None and _past_perfect(verb):
                tense = "past"  # "had filed its report by Wednesday", "had been due to expire Friday"
            elif re.search(r"\b(?:as\s+(?:soon|early)\s+as|until|till|by|before)\s+$",
                           self.text[max(0, start - 16):start], re.I):
                tense = "future"  # "as early as Tuesday", "postponed until Tuesday"
            elif verb is not None and verb.lemma_ in _SCHEDULING and tense in ("past", None) \
                    and verb.dep_ not in ("acl", "relcl", "amod") and verb.idx < start:
                tense = "future"  # "planned a rally on Saturday", "has scheduled a news conference Thursday"
        if tense in ("future", "present"):
            return today + dt.timedelta(days=delta if delta > 0 else delta + 7)
        return today + dt.timedelta(days=delta if delta < 0 else delta - 7)

    def _weekday(self, m, start, end):
        n = int(_words("weekday")[_key(m["wd"])])
        if m["pl"]:
            return "SET", f"XXXX-WXX-{n}"
        rel = _key(m["rel"] or "")
        pod = self._pod(m["pod"])
        if m["pl2"]:
            return "SET", f"XXXX-WXX-{n}{pod}"  # "Tuesday nights"
        if self.ref is None or not self.ref.year_known:
            value = f"XXXX-WXX-{n}"
        elif rel in ("the previous", "the preceding", "the following", "the next"):
            base = self.last_day[1] if self.last_day is not None else self.today  # "the previous Friday"
            if rel in ("the previous", "the preceding"):
                d = base - dt.timedelta(days=(base.isoweekday() - n - 1) % 7 + 1)
            else:
                d = base + dt.timedelta(days=(n - base.isoweekday() - 1) % 7 + 1)
            self.remember_day(start, d)
            value = d.isoformat()
        else:
            d = self._weekday_date(n, rel, start, end)
            self.remember_day(start, d)
            value = d.isoformat()
        return ("TIME", value + pod) if pod else ("DATE", value)

    @staticmethod
    def _pod(word: str | None) -> str:
        if not word:
            return ""
        value = _words("part_of_day").get(_key(word), "")
        return "T" + value if value else ""

    def _offset_day(self, days: int, start: int) -> str:
        if self.ref is None:
            return "XXXX-XX-XX"
        d = self.today + dt.timedelta(days=days)
        self.remember_day(start, d)
        return self.day_value(d)

    def _deictic(self, m, start, end):
        value = _words("deictic")[_key(m["d"])]
        night = value.endswith("NI")
        days = int(value[:-2] if night else value)
        pod = self._pod(m["pod"]) or ("TNI" if night else "")
        base = self._offset_day(days, start)
        return ("TIME", base + pod) if pod else ("DATE", base)

    def _this_pod(self, m, start, end):
        rel = _key(m["rel"])
        pod = self._pod(m["pod"])
        if rel == "that":
            if self.last_day is None:
                return "TIME", "XXXX-XX-XX" + pod
            return "TIME", self.day_value(self.last_day[1]) + pod
        if rel in ("the next", "the following", "the previous"):  # "the next morning": after the day last named
            k = -1 if rel == "the previous" else 1
            if self.last_day is None:
                return "TIME", self._offset_day(k, start) + pod
            d = self.last_day[1] + dt.timedelta(days=k)
            self.remember_day(start, d)
            return "TIME", self.day_value(d) + pod
        days = {"this": 0, "last": -1, "yesterday": -1, "tomorrow": 1}[rel]
        if rel == "last" and _key(m["pod"]) != "night":
            days = -1
        return "TIME", self._offset_day(days, start) + pod

    def _noon(self, m, start, end):
        pod = self._pod(m["pod"])
        day = self._day_of(m["day"], start, end) if m["day"] else self._anchor_value(start)
        return "TIME", day + pod

    def _day_of(self, word: str, start: int, end: int) -> str:
        low = _key(word)
        if low in _words("weekday"):
            n = int(_words("weekday")[low])
            if self.ref is None or not self.ref.year_known:
                return f"XXXX-WXX-{n}"
            d = self._weekday_date(n, "", start, end)
            self.remember_day(start, d)
            return d.isoformat()
        if low in _words("deictic"):
            value = _words("deictic")[low]
            return self._offset_day(int(value[:-2] if value.endswith("NI") else value), start)
        mm = re.match(r"(\S+)\s*(\d+)", word)
        if mm and _key(mm[1]) in _words("month"):
            month, day = int(_words("month")[_key(mm[1])]), int(mm[2])
            if self.ref is None:
                return f"XXXX-{month:02d}-{day:02d}"
            d = self._closest_year(month, day, None)
            return self.day_value(d) if d else f"XXXX-{month:02d}-{day:02d}"
        return "XXXX-XX-XX"

    def _anchor_value(self, start: int) -> str:
        d = self.anchor_day(start)
        return self.day_value(d) if d is not None else "XXXX-XX-XX"

    def _clock(self, m, start, end):
        h = int(m["h"])
        minute = int(m["mi"]) if m["mi"] else 0
        pm = m["ap"].lower().startswith("p")
        if h > 12 or h == 0 and m["ap"]:
            return None
        if pm and h < 12:
            h += 12
        elif not pm and h == 12:
            h = 0
        day = self._day_of(m["day"], start, end) if m["day"] else self._anchor_value(start)
        return "TIME", f"{day}T{h:02d}:{minute:02d}"

    def _clock24(self, m, start, end):
        day = self._anchor_value(start)
        return "TIME", f"{day}T{int(m['h']):02d}:{m['mi']}"

    def _oclock(self, m, start, end):
        h = int(_number(m["h"]) or 0)
        if not 1 <= h <= 12:
            return None
        return "TIME", f"{self._anchor_value(start)}T{h:02d}:00"

    # -- relative periods --
    def _unit_value(self, unit: str, k: int, start: int) -> str | None:
        """The calendar period k units from the publication date ("last week": week, -1)."""
        today = self.today
        if unit == "year":
            return self.year(today.year + k)
        if unit == "month":
            y, mo = _shift_month(today.year, today.month, k)
            return f"{self.year(y)}-{mo:02d}"
        if unit == "week":
            return self.week_value(today + dt.timedelta(days=7 * k))
        if unit == "weekend":
            if self.ref is None or not self.ref.year_known:
                return "XXXX-WXX-WE"
            return self.week_value(today + dt.timedelta(days=7 * k)) + "-WE"
        if unit == "day":
            return self._offset_day(k, start)
        if unit == "quarter":
            index = today.year * 4 + (today.month - 1) // 3 + k
            y, q = index // 4, index % 4 + 1
            self.last_quarter = (start, f"{y:04d}-Q{q}", y)
            return f"{self.year(y)}-Q{q}"
        if unit == "decade":
            return f"{today.year // 10 + k:03d}" if self.ref.year_known else "XXX"
        if unit == "century":
            return f"{today.year // 100 + k:02d}" if self.ref.year_known else "XX"
        if unit == "millennium":
            return f"{today.year // 1000 + k}" if self.ref.year_known else "X"
        return None

    def _placeholder(self, unit: str) -> str:
        return {"year": "XXXX", "month": "XXXX-XX", "week": "XXXX-WXX", "weekend": "XXXX-WXX-WE", "day": "XXXX-XX-XX",
                "quarter": "XXXX-QX", "decade": "XXX", "century": "XX", "millennium": "X"}.get(unit, "XXXX")

    def _season_value(self, season: str, k: int | None, start: int, end: int) -> str:
        if self.ref is None:
            return f"XXXX-{season}"
        today = self.today
        now = _SEASON_ORDER[_SEASON_OF_MONTH[today.month]]
        target = _SEASON_ORDER[season]
        y = today.year - (1 if today.month <= 2 and season == "WI" and k != 0 else 0)
        if k is None:
            tense = self.tense(start, end)
            k = -1 if tense == "past" and target > now else 1 if tense == "future" and target < now else 0
            return f"{self.year(today.year + (k if k else 0))}-{season}"
        if k < 0:
            y = today.year - 1  # "last fall": the fall of last year
        elif k > 0:
            y = today.year if target > now else today.year + 1
        else:
            y = today.year
        return f"{self.year(y)}-{season}"

    def _rel_unit(self, m, start, end):
        rel, unit = _key(m["rel"]), _key(m["unit"])
        offset = _words("relative").get(rel, "0")
        seasons = _words("season")
        if unit in seasons:
            if offset == "A":
                return "DATE", f"{self.last_value[1][:4] if self.last_value else 'XXXX'}-{seasons[unit]}"
            return "DATE", self._season_value(seasons[unit], int(offset), start, end)
        if rel in ("the following", "following", "the previous", "the preceding") or rel == "the next" and unit == "day":
            return self._anchored_shift(unit, -1 if rel in ("the previous", "the preceding") else 1, start)
        if rel in ("the past", "the last", "the next", "the coming", "past") and not m["mod"] and unit != "weekend":
            code = {"year": "Y", "month": "M", "week": "W", "day": "D", "quarter": "Q", "decade": "DE",
                    "century": "CE", "millennium": "ML"}[unit]
            return "DURATION", f"P1{code}"
        if offset == "A" or rel in ("that", "the same", "that same"):
            return self._anchored(unit, start)
        if rel == "the":  # "the end of the year", "the weekend"
            if unit == "weekend":
                tense = self.tense(start, end)
                k = 0
                if self.ref is not None and tense == "past" and self.today.isoweekday() < 6:
                    k = -1
                return "DATE", self._unit_value(unit, k, start) if self.ref else "XXXX-WXX-WE"
            offset = "0"
        if self.ref is None:
            return "DATE", self._placeholder(unit)
        value = self._unit_value(unit, int(offset), start)
        return ("DATE", value) if value else None

    def _anchored_shift(self, unit: str, k: int, start: int):
        """ "the following year", "the previous month", "the next day": k units from the last date named, else
        from the publication date."""
        value = self.last_value[1] if self.last_value else ""
        if unit == "day" or unit == "week":
            base = self.last_day[1] if self.last_day is not None else self.today
            if base is None:
                return "DATE", self._placeholder(unit)
            if unit == "week":
                return "DATE", self.week_value(base + dt.timedelta(days=7 * k))
            d = base + dt.timedelta(days=k)
            self.remember_day(start, d)
            return "DATE", self.day_value(d)
        if unit == "year" and value[:4].isdigit():
            return "DATE", f"{int(value[:4]) + k:04d}"
        if unit == "month" and re.match(r"\d{4}-\d\d(?!\d)", value):
            y, mo = _shift_month(int(value[:4]), int(value[5:7]), k)
            return "DATE", f"{y:04d}-{mo:02d}"
        if unit == "quarter" and self.last_quarter is not None:
            index = self.last_quarter[2] * 4 + int(self.last_quarter[1][-1]) - 1 + k
            y, q = index // 4, index % 4 + 1
            self.last_quarter = (start, f"{y:04d}-Q{q}", y)
            return "DATE", f"{self.year(y)}-Q{q}"
        if self.ref is None:
            return "DATE", self._placeholder(unit)
        value = self._unit_value(unit, k, start)
        return ("DATE", value) if value else None

    def _anchored(self, unit: str, start: int):
        if unit == "quarter" and self.last_quarter is not None:  # "that quarter"
            return "DATE", self.year(self.last_quarter[2]) + self.last_quarter[1][4:]
        if unit == "day":
            if self.last_day is not None:
                return "DATE", self.day_value(self.last_day[1])
            return "DATE", "XXXX-XX-XX"
        if self.last_value and re.match(r"\d{4}", self.last_value[1]):
            value = self.last_value[1]
            cut = {"year": 4, "month": 7}.get(unit)
            if cut and len(value) >= cut:
                return "DATE", value[:cut]
            if unit == "week" and self.last_day is not None:
                return "DATE", self.week_value(self.last_day[1])
        return "DATE", self._placeholder(unit)

    def _year_end(self, m, start, end):
        unit = _key(m["unit"])
        if self.ref is None:
            return "DATE", self._placeholder(unit)
        return "DATE", self._unit_value(unit, 0, start)

    def _ago(self, m, start, end):
        unit = _words("unit")[_key(m["unit"])]
        direction = _words("direction")[_key(m["dir"])]
        n = _number(m["q"])
        sign = -1 if direction.startswith("-") else 1
        anchored = direction.endswith("A")
        if n is None or unit in ("NIGHT",) or n != int(n):
            return "DATE", "PAST_REF" if sign < 0 else "FUTURE_REF"
        n = int(n)
        if unit == "2W":
            unit, n = "W", 2 * n
        if unit == "Y" and self.last_quarter is not None and start - self.last_quarter[0] < 1500 \
                and (anchored or n == 1):  # "profit rose ... from $3 million a year earlier": that quarter's
            _, value, y = self.last_quarter
            return "DATE", f"{self.year(y + sign * n)}{value[4:]}"
        base = self.today
        if anchored and self.last_day is not None and start - self.last_day[0] < 400 and unit in ("D", "W"):
            base = self.last_day[1]
        elif anchored and self.last_value and re.fullmatch(r"\d{4}(-\d\d)?", self.last_value[1]) \
                and start - self.last_value[0] < 400 and unit in ("Y", "M"):
            value = self.last_value[1]
            if unit == "Y":
                return "DATE", f"{int(value[:4]) + sign * n:04d}{value[4:]}"
            if len(value) == 7:
                y, mo = _shift_month(int(value[:4]), int(value[5:7]), sign * n)
                return "DATE", f"{y:04d}-{mo:02d}"
        if base is None:
            return "DATE", {"Y": "XXXX", "M": "XXXX-XX", "W": "XXXX-WXX", "D": "XXXX-XX-XX", "Q": "XXXX-QX",
                            "DE": "XXX", "CE": "XX"}.get(unit, "XXXX-XX-XX")
        k = sign * n
        if unit == "Y":
            return "DATE", self.year(base.year + k)
        if unit == "M":
            y, mo = _shift_month(base.year, base.month, k)
            return "DATE", f"{self.year(y)}-{mo:02d}"
        if unit == "W":
            return "DATE", self.week_value(base + dt.timedelta(days=7 * k))
        if unit == "D":
            d = base + dt.timedelta(days=k)
            self.remember_day(start, d)
            return "DATE", self.day_value(d)
        if unit == "DE":
            return "DATE", f"{base.year // 10 + k:03d}" if self.ref.year_known else "XXX"
        if unit == "CE":
            return "DATE", f"{base.year // 100 + k:02d}" if self.ref.year_known else "XX"
        if unit == "Q":
            index = base.year * 4 + (base.month - 1) // 3 + k
            return "DATE", f"{self.year(index // 4)}-Q{index % 4 + 1}"
        if unit in ("H", "MIN", "S"):
            if self.ref.time is None:
                return "DATE", self.day_value(base)
            hh, mi = map(int, self.ref.time.split(":"))
            moment = dt.datetime(base.year, base.month, base.day, hh, mi) + dt.timedelta(
                hours=k if unit == "H" else 0, minutes=k if unit == "MIN" else 0, seconds=k if unit == "S" else 0)
            return "TIME", f"{self.day_value(moment.date())}T{moment.hour:02d}:{moment.minute:02d}"
        return "DATE", "PAST_REF" if sign < 0 else "FUTURE_REF"

    # -- durations and sets --
    @staticmethod
    def _period(n: float | None, unit: str) -> str:
        if unit == "2W":
            unit, n = "W", (2 * n if n is not None else None)
        if unit == "NIGHT":
            unit = "D"
        if unit == "WE":
            return f"P{_fmt_number(n) if n is not None else 'X'}WE"
        if n is not None and n != int(n) and unit in _SMALLER and (n - int(n)) * _SMALLER[unit][0] % 1 == 0:
            factor, smaller = _SMALLER[unit]  # "5 1/2 hours": PT5H30M, "2 1/2 years": P2Y6M
            rest = f"{_fmt_number((n - int(n)) * factor)}{smaller}"
            if unit in ("H", "MIN"):
                return f"PT{int(n)}{'M' if unit == 'MIN' else unit}{rest}" if int(n) else f"PT{rest}"
            return (f"P{int(n)}{unit}" if int(n) else "P") + ("T" if unit == "D" else "") + rest
        count = _fmt_number(n) if n is not None else "X"
        if unit in ("H", "MIN", "S"):
            return f"PT{count}{'M' if unit == 'MIN' else unit}"
        return f"P{count}{unit}"

    def _duration(self, m, start, end):
        unit = _words("unit")[_key(m["unit"])]
        n = _number(m["q"])
        if m["half"] and n is not None:
            n += 0.5  # "an hour and a half"
        if n is not None and n <= 0:
            return None
        return "DURATION", self._period(n, unit)

    def _bare_plural(self, m, start, end):
        unit = _words("unit")[_key(m["unit"])]
        return "DURATION", self._period(None, unit)

    def _every(self, m, start, end):
        word = _key(m["unit"])
        n = _number(m["q"]) if m["q"] else 1.0
        n = (n or 1.0) * (2 if _key(m["m"]) == "every other" else 1)
        if word in _words("weekday"):
            return "SET", f"XXXX-WXX-{_words('weekday')[word]}"
        if word in _words("month"):
            return "SET", f"XXXX-{_words('month')[word]}"
        if word in _words("season"):
            return "SET", f"XXXX-{_words('season')[word]}"
        if word in _words("part_of_day") and word not in _words("unit"):
            return "SET", f"XXXX-XX-XX{self._pod(word)}"
        unit = _words("unit")[word]
        if unit == "NIGHT":
            return "SET", "XXXX-XX-XXTNI"
        return "SET", self._period(n, unit)

    def _per(self, m, start, end):
        unit = _words("unit")[_key(m["unit"])]
        return "SET", self._period(1, unit)

    def _set_word(self, m, start, end):
        value = _words("set_word")[_key(m["w"])]
        return "SET", value if value.startswith("P") else "XXXX-XX-XX" + value

    def _vague(self, m, start, end):
        value = _words("vague")[_key(m["v"])]
        return ("DURATION" if re.match(r"P[\dX]", value) else "DATE"), value  # "recent weeks": PXW

    def _holiday(self, m, start, end):
        value = _words("holiday")[_key(m["h"])]
        rel = _key(m["rel"] or "")
        if "/" in value:
            month, nth, weekday = (int(x) for x in value.split("/"))
            day = None
        else:
            month, day = (int(x) for x in value.split("-"))
            nth = weekday = None
        if self.ref is None or not self.ref.year_known:
            return "DATE", f"XXXX-{month:02d}-{day:02d}" if day else f"XXXX-{month:02d}"
        today = self.today
        candidates = [_holiday_date(y, month, day, nth, weekday) for y in (today.year - 1, today.year, today.year + 1)]
        if rel == "last":
            d = max(c for c in candidates if c < today)
        elif rel == "next":
            d = min(c for c in candidates if c > today)
        else:
            tense = self.tense(start, end)
            this = candidates[1]
            if tense == "past" and this > today:
                d = candidates[0]
            elif tense == "future" and this < today:
                d = candidates[2]
            else:
                d = this
        self.remember_day(start, d)
        return "DATE", d.isoformat()

    def _season(self, m, start, end):
        season = _words("season")[_key(m["s"])]
        if m["y"]:
            return "DATE", f"{_year_number(m['y']):04d}-{season}"
        det = _key(m["det"] or "")
        if det == "that":
            return "DATE", f"{self.last_value[1][:4] if self.last_value else 'XXXX'}-{season}"
        k = {"this": 0, "last": -1, "this past": -1, "next": 1, "this coming": 1}.get(det)
        return "DATE", self._season_value(season, k, start, end)

    def _year_ago(self, m, start, end):
        if self.last_quarter is not None:
            _, value, y = self.last_quarter
            return "DATE", f"{self.year(y - 1)}{value[4:]}"
        if self.ref is None:
            return "DATE", "XXXX"
        return "DATE", self.year(self.today.year - 1)

    _year_ago_adj = _year_ago


@lru_cache(maxsize=1)
def _ended_regex() -> re.Pattern:
    return re.compile(rf"\s+(?:that\s+)?(?:ended|ending|ends|through|to)\s+(?P<mon>{_vocabulary()['MONTH']})\s*"
                      rf"(?P<d>[0-3]?\d){_E}", re.I)


def _nearest(options: list[dt.date], today: dt.date, tense: str | None, horizon: int) -> dt.date:
    """The option nearest ``today``; but in past-tense context one before it when the nearest lies more than
    ``horizon`` days after it ("the year ended March 31", in November), and the reverse in future context."""
    best = min(options, key=lambda d: (abs((d - today).days), d > today))
    if tense == "past" and (best - today).days > horizon:
        earlier = [d for d in options if d <= today]
        return max(earlier) if earlier else best
    if tense == "future" and (today - best).days > horizon:
        later = [d for d in options if d >= today]
        return min(later) if later else best
    return best


def _holiday_date(year: int, month: int, day: int | None, nth: int | None, weekday: int | None) -> dt.date:
    if day is not None:
        return dt.date(year, month, day)
    if nth > 0:
        first = dt.date(year, month, 1)
        shift = (weekday - first.isoweekday()) % 7
        return first + dt.timedelta(days=shift + 7 * (nth - 1))
    last = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.isoweekday() - weekday) % 7)


#: Verbs whose dates lie ahead even in the past tense ("planned a rally Saturday").
_SCHEDULING = frozenset({"plan", "schedule", "slate"})


def _past_perfect(verb) -> bool:
    """ "had filed", "had been due to expire": the verb or the one it depends on has "had"."""
    for node in (verb, verb.head):
        if any(c.lower_ == "had" and c.dep_ in ("aux", "auxpass") for c in node.children):
            return True
        if node.lower_ == "had" and node.head.i == node.i:
            return True
    return False


_FUTURE_AUX = frozenset({"will", "'ll", "shall", "wo", "’ll"})
_MODAL_FUTURE = frozenset({"would"})
_REPORTING = frozenset({"say", "tell", "report", "announce", "confirm", "state", "claim", "add", "note"})


def _verb_tense(verb) -> str | None:
    """The tense of a verb with its auxiliaries: past, future or present."""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    words = {a.lower_ for a in auxes}
    if words & _FUTURE_AUX or ("going" in words and "to" in words):
        return "future"
    if words & _MODAL_FUTURE:
        return "future"
    if any(a.tag_ == "VBD" for a in auxes) or verb.tag_ == "VBD":
        return "past"
    if verb.tag_ == "VBN" and any(a.lemma_ == "have" for a in auxes):
        return "past"
    if verb.tag_ in ("VB",) and "to" in words:
        head = verb.head
        if head.i != verb.i and head.pos_ in ("VERB", "AUX"):
            if head.lemma_ in ("plan", "expect", "schedule", "intend", "hope", "aim", "vow", "pledge", "promise",
                               "agree", "decide", "want", "seek", "prepare", "set"):
                return "future"
            return _verb_tense(head)
        return "future"
    if verb.tag_ in ("VBZ", "VBP") and verb.lemma_ in _REPORTING:
        return "past"  # "officials say Tuesday ...": what was said, and when
    if verb.tag_ in ("VBZ", "VBP") or (verb.tag_ == "VBG" and any(a.tag_ in ("VBZ", "VBP") for a in auxes)):
        return "present"
    if verb.tag_ == "VBN" and any(a.tag_ in ("VBZ", "VBP") for a in auxes):
        return "present"
    if verb.tag_ == "VBN" and not auxes:
        return "past"  # "the ruling, announced Wednesday"
    if verb.tag_ == "VBG" and verb.dep_ in ("advcl", "acl", "relcl", "xcomp", "conj") and verb.head.i != verb.i:
        return _verb_tense(verb.head)
    return None
