"""Corpus entities: one entity per real person, organization and place across the whole store.

Each article's record clusters its own mentions into entities (``E1``, ``E2``... of one article; see
:mod:`newsgraph.extract.entities`). This module joins those article entities across articles: every row of the
``entities`` table gets a ``corpus_entity`` (``C1``, ``C2``...), and the corpus entity keeps its aliases, its
roles over time and the reasons for each join.

When it runs
    :func:`resolve` links every article entity whose ``corpus_entity`` is still null, and nothing else, so it is
    incremental and idempotent. :class:`~newsgraph.store.Store` calls it after each committed batch that added
    articles (the marked hook in ``Store.flush``), in its own transaction, handing it the new articles' rows
    built from their records (:func:`article_rows`), so a batch costs no read of the ``entities`` or
    ``mentions`` tables. A crash between the two transactions leaves the new rows null; the first batch of the
    next run (or ``newsgraph entity``) reads what waits from the tables and links it. A store migrated from an
    older schema has all its rows null and is resolved the same way. Re-ingesting an article adds no entity rows, so
    it changes nothing. Joins are never undone: a later article can make a surname ambiguous, which stops
    further joins, but does not split what was joined while it was unambiguous.

Rules (checked in this order; the first that applies decides):

- **same name**: the same normalized name and a compatible type (PERSON; ORG; GPE and LOC as one place type;
  NORP; others by their own type). Persons compare multi-word names only (a bare surname has its own rule).
- **transliteration**: persons whose names have the same key under :func:`name_key`, the rules of
  ``data/name_variants.tsv`` (q/g/k/kh/gh → k, dh/dz/th → d, o/ou/oo → u, y/j → i, e → a, doubled letters,
  the al-/el- article, -ov/-off/-ev, -sky/-ski, Cyrillic letters...): "Muammar Gaddafi", "Moammar Qaddafi",
  "Muammar al-Qadhafi" and "Moamer Kadhafi" all give ``muamar kadafi``.
- **initials and name forms**: the same surname key and given names the extractor itself would join
  ("J. Okafor" / "James Okafor"; "Oumarou Dan Bakoye" / "Dan Bakoye"), subject to the guards below.
- **spelling variant**: rapidfuzz ``ratio`` of the two keys at least :data:`FUZZY_NAME`, the names equal under
  the rules but in one word, and that word at least :data:`FUZZY_WORD` alike, six letters or longer on both sides,
  with the same first and last letter ("Madeline"/"Madeleine Albright", "al-Baghdadi"/"al-Bagdadi"; not
  "Baker"/"Barker", "Ivana"/"Ivanka", "Daniel"/"Daniela").
- **surname only**: an article entity named by one word joins the one person of the corpus with that surname
  whose type and country are compatible; with two or more candidates it stays apart (its own entity named by
  the bare surname); a surname equal to the candidate's only under the spelling rules needs a key of five letters
  or more ("Gary" is not "Kerry"). When the first full name with a surname arrives, an earlier bare-surname entity of a
  compatible country is joined to it.
- **acronym**: an organization written only as an acronym ("NLF") joins the organization whose articles state
  the acronym (an article entity that has it among its mentions: "(NLF)" in the text or the extractor's own
  initials merge), when exactly one does; an acronym-only entity is joined to the full name as soon as such
  evidence arrives. Initials that match without any such article are never joined.
- **organization spelling**: names whose content words are ``token_sort_ratio`` >= 92 alike (the extractor's
  threshold: "Defense Ministry" / "Ministry of Defense"), of compatible countries.
- **country code**: a country's names ("United States", "U.S.", "America") by their ISO 3166 code.
- **GeoNames id**: a place by the GeoNames id of its resolved mention; a place without one joins the only place
  of that name and a compatible country.

Guards (a candidate they reject is a *near miss*, recorded with the guard for ``newsgraph entity --why``):

- **different given names**: two persons with one surname whose first given names are not one name (not equal
  under the key, not an initial of the other) never merge ("Ahmed Karimi" / "Leila Karimi").
- **middle names differ**: "George H. W. Bush" / "George W. Bush": middle initials on both sides that differ.
- **middle initial, other context**: a middle initial on one side only ("George Bush" / "George W. Bush")
  joins only when the contexts agree: it is kept apart when the countries differ, or when the roles share
  nothing *and* the article's date lies more than a year outside the other entity's first-last span. Once
  both forms exist apart, each new mention joins the form it matches exactly, and a bare surname ("Bush")
  is ambiguous.
- **different countries**: a person or organization tied to another country than every article of the
  candidate ("Ministry of Defense" of RUS and of UKR), for every rule but the exact same name of a person.
- **ambiguous**: two or more candidates pass (a bare surname two persons share; "J. Okafor" with both "James" and
  "Joseph Okafor"): no join. **also a given name**: a bare word that is one person's surname and, as written,
  the given name of another person seen in two articles or more ("John": "Elton John", "John Okafor") is
  ambiguous too.
- **different GeoNames ids**: two places of one name resolved to different GeoNames entries.
- **acronym without evidence**: initials that match a name no article ties to the acronym.

Tables (see :func:`newsgraph.store.schema`'s corpus migration): ``corpus_entities``, ``corpus_aliases``,
``corpus_roles``, ``corpus_merges`` (the decisions: ``merged`` or ``kept apart``, with rule, evidence and
articles). Their aggregates (counts, first/last seen, roles over time) are kept up to date batch by batch
(and, in the same transaction, the rollups that count by corpus entity: :func:`newsgraph.store.rollups.relinking`):
the stored aggregates of each corpus entity a batch touched plus what the batch's rows add (work in proportion to
the batch, not to the store); an entity that absorbed another is counted afresh from its ``entities`` rows.

Queries (the API behind ``newsgraph entity``): :func:`find`, :func:`profile`, :func:`explanations`,
:func:`lookup`.
"""

from __future__ import annotations

import datetime
import re
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from .. import lexicons as lex
from . import rollups
from ..extract.entities import _ACRONYM, _acronym_of, _compatible_given, _content_key

RULES_FILE = "name_variants.tsv"

#: rapidfuzz ``fuzz.ratio`` of two persons' name keys for a spelling variant. Measured on 2,000 benchmark
#: articles (34,554 person entities): with the whole-key ratio alone (>= 90) 25 joins, about a third of them
#: wrong ("John Burton"/"John Bolton", "Ivana"/"Ivanka Trump", "Dean Barker"/"Dean Baker"); with the one-word,
#: length and first/last-letter conditions below, 7 joins, all right ("Madeline"/"Madeleine Albright",
#: "Kristen"/"Kirsten Gillibrand", "al-Baghdadi"/"al-Baghadi").
FUZZY_NAME = 90.0
#: ... of the one word in which they differ (all other words equal under the rules), which must be at least
#: FUZZY_MIN_LENGTH letters long on both sides and begin and end with the same letters
FUZZY_WORD = 85.0
FUZZY_MIN_LENGTH = 6
#: ``token_sort_ratio`` of two organization names' content words (the extractor's own threshold)
FUZZY_ORG = 92.0
#: a bare surname joins a person whose surname is only equal under the spelling rules (not as written) when its
#: key has this many letters ("Kadhafi" → "Gaddafi"; not "Gary" → "Kerry")
SURNAME_KEY_LENGTH = 5
#: a date this far outside an entity's first-last span counts as another context (middle-initial guard)
CONTEXT_GAP = datetime.timedelta(days=365)

_GROUP = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "FAC", "NORP": "NORP"}
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015"})
_APOSTROPHES = str.maketrans({c: None for c in "'’‘`´ʼʻʿʾ"})
_SEPARATORS = re.compile(r"[\s.,;:/()\[\]&+|_]+")
_NON_WORD = re.compile(r"[^\w\- ]+")
_SPACES = re.compile(r"\s+")
_ID = re.compile(r"^C\d+$")


# ---- name normalization ------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _rules() -> tuple[dict[int, str], tuple[tuple[re.Pattern, str], ...]]:
    chars: dict[str, str] = {}
    regexes = []
    for row in lex.data_rows(RULES_FILE):
        target = row["to"].replace("_", " ")
        if row["kind"] == "char":
            chars[row["from"]] = target
        elif row["kind"] == "regex":
            regexes.append((re.compile(row["from"]), target))
        else:
            raise ValueError(f"{RULES_FILE}: unknown kind {row['kind']!r}")
    return str.maketrans(chars), tuple(regexes)


@lru_cache(maxsize=200_000)
def fold(name: str) -> str:
    """The name case-folded, accents stripped, special letters and Cyrillic spelled in Latin, periods, commas and
    other separators made spaces, apostrophes and other symbols dropped, hyphens kept:
    ``"Muammar al-Qadhafi"`` → ``muammar al-qadhafi``, ``"George H.W. Bush"`` → ``george h w bush``."""
    table, _ = _rules()
    text = unicodedata.normalize("NFKD", name.casefold().translate(_DASHES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.translate(table).translate(_APOSTROPHES)
    text = _NON_WORD.sub("", _SEPARATORS.sub(" ", text))  # "W.H." → "w h"; stray symbols inside a word go
    return _SPACES.sub(" ", text).strip()


def plain_key(name: str) -> str:
    """The name compared as written (case, accents, punctuation and hyphens aside; a leading "the" dropped)."""
    text = fold(name).replace("-", " ")
    text = _SPACES.sub(" ", text).strip()
    return text[4:] if text.startswith("the ") else text


@lru_cache(maxsize=200_000)
def name_key(name: str) -> str:
    """A person's name under the spelling and transliteration rules of ``data/name_variants.tsv``, applied until
    nothing changes: idempotent (``name_key(name_key(x)) == name_key(x)``) and blind to case."""
    _, regexes = _rules()
    text = fold(name)
    for _ in range(12):
        before = text
        for pattern, replacement in regexes:
            text = pattern.sub(replacement, text)
        text = _SPACES.sub(" ", text).strip()
        if text == before:
            break
    return text


@lru_cache(maxsize=1)
def _suffixes() -> frozenset[str]:
    return frozenset(w.rstrip(".") for w, kind in lex.name_parts().items() if kind == "suffix")


@lru_cache(maxsize=200_000)
def person_words(name: str) -> tuple[str, ...]:
    """A person's name as key words, generational suffixes ("Jr.") and the Arabic article left out: the surname
    is the last word."""
    words = [w for w in fold(name).split() if w.rstrip(".") not in _suffixes()]
    return tuple(name_key(" ".join(words)).split())


@lru_cache(maxsize=200_000)
def org_key(name: str) -> str:
    """An organization's (or other name's) content words, sorted: "Ministry of Defense" = "Defense Ministry"."""
    bare = name.replace(".", "")
    if _ACRONYM.match(bare):
        return bare.lower()
    return " ".join(sorted(_content_key(plain_key(name)).split()))


def _is_acronym(name: str) -> bool:
    bare = name.replace(".", "").strip()
    return bool(_ACRONYM.match(bare)) and " " not in name.strip()


# ---- the resolver ------------------------------------------------------------------------------------------

@dataclass
class _Row:
    """One article entity waiting for its corpus entity."""

    article_id: str
    entity_id: str
    name: str
    type: str
    roles: list[str]
    country: str | None
    date: datetime.date | None
    mentions: list[str] = field(default_factory=list)  # the texts of its mentions, in text order
    geonameid: int | None = None
    n_mentions: int = 0


@dataclass
class _Corpus:
    """What resolution needs to know of one corpus entity (the aggregates live in the tables)."""

    id: str
    group: str
    name: str
    key: str | None = None  # "country:USA", "geo:123", "norp:TUR" for entities keyed by a code
    forms: set[tuple[str, ...]] = field(default_factory=set)  # persons: key words of the multi-word names
    names: set[str] = field(default_factory=set)  # plain keys of the names it was written as
    countries: Counter = field(default_factory=Counter)  # its article entities' countries, counted
    types: Counter = field(default_factory=Counter)  # ... and types (its type is the most frequent)
    roles: set[str] = field(default_factory=set)
    spellings: dict[str, Counter] = field(default_factory=dict)  # role (lower case) -> its spellings, counted
    first: datetime.date | None = None
    last: datetime.date | None = None
    articles: int = 0
    geonameid: int | None = None


@dataclass
class ResolveStats:
    """What :func:`resolve` did."""

    rows: int = 0
    articles: int = 0
    created: int = 0
    merged: int = 0  # joins by a rule other than the same name
    kept_apart: int = 0  # near misses recorded
    absorbed: int = 0  # earlier corpus entities joined into another
    seconds: float = 0.0


@dataclass
class _Decision:
    corpus_entity: str
    decision: str  # "merged" or "kept apart"
    name: str  # the name that was joined or kept apart
    other: str | None  # the other corpus entity
    other_name: str | None
    rule: str
    evidence: str
    article_ids: list[str]
    score: float | None = None


class Resolver:
    """The in-memory indexes over the corpus entities, loaded from the store once and kept up to date."""

    def __init__(self) -> None:
        self.entities: dict[str, _Corpus] = {}
        self.next_id = 1
        self.by_key: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.by_surname: dict[str, set[str]] = defaultdict(set)
        self.by_first: dict[str, set[str]] = defaultdict(set)  # first given name as written → persons
        self.plain_surnames: dict[str, set[str]] = defaultdict(set)  # person → its surnames as written
        self.by_initial: dict[str, set[tuple[str, ...]]] = defaultdict(set)  # surname's first letter → forms
        self.form_owners: dict[tuple[str, ...], set[str]] = defaultdict(set)
        self.org_words: dict[str, set[str]] = defaultdict(set)  # content word → org keys
        self.acronym_owners: dict[str, dict[str, list[str]]] = defaultdict(dict)  # acronym → {cid: articles}
        self.initials: dict[str, set[str]] = defaultdict(set)  # initials of an org's name → orgs
        self.countries: dict[str, str] = {}
        self.geo: dict[int, str] = {}
        self.logged: set[tuple] = set()
        # the work of one resolve() call
        self.assigned: list[tuple[str, str, str]] = []
        self.touched: set[str] = set()
        self.absorbed: dict[str, str] = {}
        self.decisions: list[_Decision] = []
        self.stats = ResolveStats()

    # -- loading ---------------------------------------------------------------------------------------------

    @classmethod
    def load(cls, con) -> "Resolver":
        r = cls()
        for cid, name, typ, key, gid, first, last, n in con.execute(
                "SELECT id, name, type, key, geonameid, first_seen, last_seen, n_articles FROM corpus_entities"
        ).fetchall():
            ce = _Corpus(cid, _GROUP.get(typ, typ), name, key=key, first=first, last=last, articles=n or 0,
                         geonameid=gid)
            r.entities[cid] = ce
            r.next_id = max(r.next_id, int(cid[1:]) + 1)
            if key and key.startswith("country:"):
                r.countries[key[8:]] = cid
            if gid is not None:
                r.geo[gid] = cid
        for cid, name, kind in con.execute("SELECT corpus_entity, name, kind FROM corpus_aliases").fetchall():
            ce = r.entities.get(cid)
            if ce is None:
                continue
            if kind == "acronym":
                r.acronym_owners[name.replace(".", "")].setdefault(cid, [])
            else:
                r._index_name(ce, name)
        for cid, country, n in con.execute("""SELECT corpus_entity, country, count(*) FROM entities
                WHERE corpus_entity IS NOT NULL AND country IS NOT NULL GROUP BY ALL""").fetchall():
            if cid in r.entities:
                r.entities[cid].countries[country] += n
        for cid, typ, n in con.execute("""SELECT corpus_entity, type, count(*) FROM entities
                WHERE corpus_entity IS NOT NULL AND type IS NOT NULL GROUP BY ALL""").fetchall():
            if cid in r.entities:
                r.entities[cid].types[typ] += n
        for cid, role, n in con.execute("""SELECT corpus_entity, role, count(*) FROM (
                SELECT corpus_entity, unnest(roles) AS role FROM entities
                WHERE corpus_entity IS NOT NULL AND len(roles) > 0) WHERE role IS NOT NULL GROUP BY ALL""").fetchall():
            if cid in r.entities:
                r.entities[cid].spellings.setdefault(role.lower(), Counter())[role] += n
        for cid, role in con.execute("SELECT corpus_entity, lower(role) FROM corpus_roles").fetchall():
            if cid in r.entities:
                r.entities[cid].roles.add(role)
        for row in con.execute("SELECT corpus_entity, decision, name, other, rule FROM corpus_merges").fetchall():
            r.logged.add(tuple(row))
        return r

    def _index_name(self, ce: _Corpus, name: str) -> None:
        """Make ``name`` findable as one of ``ce``'s names."""
        plain = plain_key(name)
        if plain in ce.names:
            return
        ce.names.add(plain)
        if ce.group == "PERSON":
            words = person_words(name)
            if len(words) >= 2:
                if not ce.forms:  # it was known by a bare surname so far: no longer
                    self._unindex_single(ce)
                ce.forms.add(words)
                self._add_key(("PERSON", "".join(words)), ce.id)
                self.by_surname[words[-1]].add(ce.id)
                plain_words = plain_key(name).split()
                self.by_first[plain_words[0]].add(ce.id)
                self.plain_surnames[ce.id].add(plain_words[-1])
                self.by_initial[words[-1][:1]].add(words)
                self.form_owners[words].add(ce.id)
            elif len(words) == 1 and not ce.forms:
                self._add_key(("PERSON1", words[0]), ce.id)
            return
        if ce.group == "ORG":
            key = org_key(name)
            self._add_key(("ORG", key), ce.id)
            for word in key.split():
                self.org_words[word].add(key)
            for acr in _acronym_of(name.split()):
                self.initials[acr].add(ce.id)
            return
        self._add_key((ce.group, plain), ce.id)

    def _add_key(self, key: tuple[str, str], cid: str) -> None:
        owners = self.by_key[key]
        if cid not in owners:
            owners.append(cid)

    def _unindex_single(self, ce: _Corpus) -> None:
        for plain in ce.names:
            words = person_words(plain)
            if len(words) == 1:
                owners = self.by_key.get(("PERSON1", words[0]))
                if owners and ce.id in owners:
                    owners[:] = [o for o in owners if o != ce.id]

    # -- helpers ---------------------------------------------------------------------------------------------

    def _new(self, row: _Row, group: str, key: str | None = None) -> _Corpus:
        cid = f"C{self.next_id}"
        self.next_id += 1
        ce = _Corpus(cid, group, row.name, key=key)
        self.entities[cid] = ce
        self.stats.created += 1
        if key and key.startswith("country:"):
            self.countries[key[8:]] = cid
        return ce

    def _join(self, ce: _Corpus, row: _Row, rule: str | None = None, evidence: str = "",
              score: float | None = None) -> str:
        if rule is not None:
            self._log(ce.id, "merged", row.name, None, ce.name, rule, evidence, [row.article_id], score)
        self._index_name(ce, row.name)
        if row.country:
            ce.countries[row.country] += 1
        if row.type:
            ce.types[row.type] += 1
        for role in row.roles:
            if role is not None:
                ce.roles.add(role.lower())
                ce.spellings.setdefault(role.lower(), Counter())[role] += 1
        if row.date is not None:
            ce.first = row.date if ce.first is None else min(ce.first, row.date)
            ce.last = row.date if ce.last is None else max(ce.last, row.date)
        ce.articles += 1
        if row.geonameid is not None and ce.geonameid is None and not (ce.key or "").startswith("country:"):
            ce.geonameid = row.geonameid
            self.geo.setdefault(row.geonameid, ce.id)
        self.assigned.append((row.article_id, row.entity_id, ce.id))
        self.touched.add(ce.id)
        return ce.id

    def _log(self, cid: str, decision: str, name: str, other: str | None, other_name: str | None, rule: str,
             evidence: str, articles: list[str], score: float | None = None) -> None:
        mark = (cid, decision, name, other, rule)
        if mark in self.logged:
            return
        self.logged.add(mark)
        self.decisions.append(_Decision(cid, decision, name, other, other_name, rule, evidence, articles, score))
        if decision == "merged":
            self.stats.merged += 1
        else:
            self.stats.kept_apart += 1

    @staticmethod
    def _country_ok(row_country: str | None, ce: _Corpus) -> bool:
        return row_country is None or not ce.countries or row_country in ce.countries

    @staticmethod
    def _countries_of(ce: _Corpus) -> str:
        return "/".join(c for c, _ in ce.countries.most_common(3)) or "none"

    def _context_conflict(self, row: _Row, ce: _Corpus) -> str | None:
        """Why the article's context differs from the entity's (the middle-initial guard), or None."""
        if not self._country_ok(row.country, ce):
            return f"countries differ ({row.country} vs {self._countries_of(ce)})"
        roles = {r.lower() for r in row.roles}
        if roles and ce.roles and not roles & ce.roles and row.date and ce.first and ce.last and (
                row.date < ce.first - CONTEXT_GAP or row.date > ce.last + CONTEXT_GAP):
            return (f"roles differ ({', '.join(sorted(roles))} vs {', '.join(sorted(ce.roles))}) and dates lie "
                    f"apart ({row.date} vs {ce.first}..{ce.last})")
        return None

    def _pick(self, cids: list[str], row: _Row) -> str:
        """The best of several same-name candidates: compatible country, shared role, date in range, size."""
        def score(cid: str) -> tuple:
            ce = self.entities[cid]
            roles = {r.lower() for r in row.roles}
            inside = bool(row.date and ce.first and ce.last and
                          ce.first - CONTEXT_GAP <= row.date <= ce.last + CONTEXT_GAP)
            return (self._country_ok(row.country, ce), bool(roles & ce.roles), inside, ce.articles, -int(cid[1:]))
        return max(dict.fromkeys(cids), key=score)

    # -- assignment ------------------------------------------------------------------------------------------

    def assign(self, row: _Row) -> str:
        group = _GROUP.get(row.type, row.type)
        if group == "PERSON":
            words = person_words(row.name)
            if len(words) >= 2:
                return self._person(row, words)
            if len(words) == 1:
                return self._surname_only(row, words[0])
        if group == "ORG":
            return self._org(row)
        if group == "PLACE":
            return self._place(row)
        key = plain_key(row.name)
        if group == "NORP":
            demonym = lex.demonym(row.name)
            if demonym and demonym.country:
                return self._coded(row, group, f"norp:{demonym.country}", "demonym",
                                   f"demonym of {demonym.country}")
        cands = self.by_key.get((group, key))
        if cands:
            return self._join(self.entities[self._pick(cands, row)], row)
        return self._join(self._new(row, group), row)

    def _coded(self, row: _Row, group: str, key: str, rule: str, evidence: str) -> str:
        cid = next((c for c in self.by_key.get((group, key), ())), None)
        if cid is None:
            ce = self._new(row, group, key)
            self.by_key[(group, key)].append(ce.id)
            return self._join(ce, row)
        ce = self.entities[cid]
        new_name = plain_key(row.name) not in ce.names
        return self._join(ce, row, rule if new_name else None, evidence)

    # persons

    def _compare(self, words: tuple[str, ...], row: _Row, ce: _Corpus) -> tuple[str, str, str]:
        """("match" | "apart", rule or guard, evidence) for a full name against a person with the same surname."""
        verdicts: list[tuple[str, str, str]] = []
        for form in sorted(ce.forms):
            if form[-1] != words[-1]:
                continue
            if not _compatible_given(list(words), list(form)):
                return "apart", "different given names", (f"given names {' '.join(words[:-1])!r} and "
                                                          f"{' '.join(form[:-1])!r} differ")
            short, long_ = sorted((words, form), key=len)
            if long_[-len(short):] == short and len(short) < len(long_) and short[0] != long_[0]:
                verdict = ("match", "name form", f"{' '.join(short)!r} ends {' '.join(long_)!r}")
            else:
                mid_a, mid_b = [w[0] for w in words[1:-1]], [w[0] for w in form[1:-1]]
                if mid_a and mid_b and mid_a != mid_b:
                    return "apart", "middle names differ", f"the middle names of {row.name!r} and {ce.name!r} differ"
                if bool(mid_a) != bool(mid_b):
                    conflict = self._context_conflict(row, ce)
                    side = f"a middle initial on one side only ({row.name!r} / {ce.name!r})"
                    if conflict:
                        verdict = ("apart", "middle initial, other context", f"{side}; {conflict}")
                    else:
                        verdict = ("match", "middle initial", f"{side}; the contexts agree (no other country, "
                                   "a shared role or dates within a year)")
                else:
                    verdict = ("match", "initials", f"given names {' '.join(words[:-1])!r} and "
                               f"{' '.join(form[:-1])!r} are one name (initials)")
            verdicts.append(verdict)
        if not verdicts:
            return "apart", "no comparable form", ""
        # the most telling verdict: a match by the same middle names, then one by a middle initial on one side
        best = min(verdicts, key=lambda v: (v[0] != "match", v[1] == "middle initial"))
        if best[0] == "match" and not self._country_ok(row.country, ce):
            return "apart", "different countries", f"{row.country} vs {self._countries_of(ce)}"
        return best

    def _person(self, row: _Row, words: tuple[str, ...]) -> str:
        key = "".join(words)
        cands = self.by_key.get(("PERSON", key))
        if cands:
            ce = self.entities[self._pick(cands, row)]
            if plain_key(row.name) in ce.names:
                return self._join(ce, row)
            return self._join(ce, row, "transliteration",
                              f"{row.name!r} and {ce.name!r} have one key under the spelling rules: "
                              f"{' '.join(words)!r}")
        matches, near = [], []
        for cid in sorted(self.by_surname.get(words[-1], ()), key=lambda c: int(c[1:])):
            verdict = self._compare(words, row, self.entities[cid])
            (matches if verdict[0] == "match" else near).append((cid, verdict[1], verdict[2]))
        if len(matches) > 1:
            exact_mid = [m for m in matches if m[1] != "middle initial"]
            if len(exact_mid) == 1:
                matches = exact_mid
        if len(matches) == 1:
            cid, rule, evidence = matches[0]
            return self._join(self.entities[cid], row, rule, evidence)
        if not matches:
            hit = self._fuzzy_person(row, words)
            if hit is not None:
                ce, score, evidence = hit
                return self._join(ce, row, "spelling variant", evidence, score)
        ce = self._new(row, "PERSON")
        cid = self._join(ce, row)
        if len(matches) > 1:
            names = ", ".join(f"{self.entities[m[0]].name} ({m[0]})" for m in matches)
            for other, _, _ in matches:
                self._log(cid, "kept apart", row.name, other, self.entities[other].name, "ambiguous",
                          f"matches {len(matches)} persons: {names}", [row.article_id])
        for other, guard, evidence in near[:5]:
            self._log(cid, "kept apart", row.name, other, self.entities[other].name, guard, evidence,
                      [row.article_id])
        self._absorb_surname(ce, words[-1])
        return cid

    def _fuzzy_person(self, row: _Row, words: tuple[str, ...]) -> tuple[_Corpus, float, str] | None:
        bucket = self.by_initial.get(words[-1][:1])
        if not bucket:
            return None
        query = " ".join(words)
        choices = {" ".join(f): f for f in sorted(bucket) if len(f) == len(words)}
        found = []
        for text, score, _ in process.extract(query, list(choices), scorer=fuzz.ratio, score_cutoff=FUZZY_NAME,
                                              limit=5):
            form = choices[text]
            differ = [(a, b) for a, b in zip(words, form) if a != b]
            if len(differ) != 1:
                continue  # one word spelled two ways; two words that differ are two names
            a, b = differ[0]
            if min(len(a), len(b)) < FUZZY_MIN_LENGTH or a[0] != b[0] or a[-1] != b[-1] or \
                    fuzz.ratio(a, b) < FUZZY_WORD:
                continue  # short names ("Baker"/"Barker"), other endings ("Daniel"/"Daniela", "Ivanov"/"Ivanova")
            for cid in sorted(self.form_owners.get(form, ())):
                ce = self.entities[cid]
                if self._country_ok(row.country, ce):
                    found.append((ce, score, f"keys {query!r} and {text!r} are {score:.0f}% alike (rapidfuzz "
                                  f"ratio), {a!r} / {b!r} {fuzz.ratio(a, b):.0f}%"))
        owners = {f[0].id for f in found}
        if len(owners) != 1:
            return None
        return max(found, key=lambda f: f[1])

    def _surname_only(self, row: _Row, word: str) -> str:
        plain = plain_key(row.name)
        cands = [cid for cid in sorted(self.by_surname.get(word, ()), key=lambda c: int(c[1:]))
                 if self._country_ok(row.country, self.entities[cid]) and (
                     len(word) >= SURNAME_KEY_LENGTH or plain in self.plain_surnames[cid])]
        given = sorted(c for c in self.by_first.get(plain, ())
                       if c not in cands and self.entities[c].articles >= 2)
        if len(cands) == 1 and given:  # "John": a surname of one person, the given name of others
            for other in given[:5]:
                self._log(cands[0], "kept apart", row.name, other, self.entities[other].name, "also a given name",
                          f"{row.name!r} is the surname of {self.entities[cands[0]].name} and the given name of "
                          f"{self.entities[other].name}", [row.article_id])
            cands = cands + given
        if len(cands) == 1:
            ce = self.entities[cands[0]]
            return self._join(ce, row, "surname only",
                              f"{ce.name} ({ce.id}) is the only person of the corpus named {row.name!r} "
                              "with a compatible country")
        single = self.by_key.get(("PERSON1", word))
        ce = self.entities[self._pick(single, row)] if single else self._new(row, "PERSON")
        cid = self._join(ce, row)
        if len(cands) > 1:
            names = ", ".join(f"{self.entities[c].name} ({c})" for c in cands)
            for other in cands:
                self._log(cid, "kept apart", row.name, other, self.entities[other].name, "ambiguous",
                          f"the surname {row.name!r} matches {len(cands)} persons: {names}", [row.article_id])
        return cid

    def _absorb_surname(self, full: _Corpus, word: str) -> None:
        """A new full name: an earlier bare-surname entity joins it when it is now the only candidate."""
        for cid in list(self.by_key.get(("PERSON1", word), ())):
            single = self.entities[cid]
            owners = [c for c in self.by_surname.get(word, ()) if
                      not single.countries or not self.entities[c].countries or
                      set(single.countries) & set(self.entities[c].countries)]
            if owners == [full.id] and cid != full.id and not any(
                    m[0] == cid and m[1] == "kept apart" for m in self.logged):
                self._absorb(single, full, "surname only",
                             f"{full.name} ({full.id}) is the first and only person of the corpus with the "
                             f"surname of {single.name!r}")

    def _absorb(self, src: _Corpus, dst: _Corpus, rule: str, evidence: str) -> None:
        """Join the whole corpus entity ``src`` into ``dst``."""
        self._log(dst.id, "merged", src.name, src.id, src.name, rule, evidence, [])
        for key, owners in self.by_key.items():
            if src.id in owners:
                owners[:] = [o for o in owners if o != src.id]
                if dst.id not in owners and key[0] != "PERSON1":
                    owners.append(dst.id)
        for owners in (*self.by_surname.values(), *self.by_first.values()):
            if src.id in owners:
                owners.discard(src.id)
                owners.add(dst.id)
        for owners in self.form_owners.values():
            if src.id in owners:
                owners.discard(src.id)
                owners.add(dst.id)
        for owners in self.acronym_owners.values():
            if src.id in owners:
                owners.setdefault(dst.id, []).extend(owners.pop(src.id))
        dst.names |= src.names
        self.plain_surnames[dst.id] |= self.plain_surnames.pop(src.id, set())
        dst.forms |= src.forms
        dst.countries.update(src.countries)
        dst.types.update(src.types)
        dst.roles |= src.roles
        for role, spellings in src.spellings.items():
            dst.spellings.setdefault(role, Counter()).update(spellings)
        dst.first = min((d for d in (dst.first, src.first) if d), default=None)
        dst.last = max((d for d in (dst.last, src.last) if d), default=None)
        dst.articles += src.articles
        del self.entities[src.id]
        self.absorbed[src.id] = dst.id
        for k, v in list(self.absorbed.items()):
            if v == src.id:
                self.absorbed[k] = dst.id
        self.assigned = [(a, e, dst.id if c == src.id else c) for a, e, c in self.assigned]
        self.touched.discard(src.id)
        self.touched.add(dst.id)
        self.stats.absorbed += 1

    # organizations

    def _org(self, row: _Row) -> str:
        acronym = row.name.replace(".", "") if _is_acronym(row.name) else None
        stated = sorted({m.replace(".", "") for m in row.mentions
                         if _is_acronym(m) and m.replace(".", "") != acronym})
        key = org_key(row.name)
        cands = [c for c in self.by_key.get(("ORG", key), ()) if self._country_ok(row.country, self.entities[c])]
        cid = None
        if cands:
            cid = self._join(self.entities[self._pick(cands, row)], row)
        elif acronym:
            owners = [c for c in self.acronym_owners.get(acronym, {}) if self._country_ok(row.country,
                                                                                           self.entities[c])]
            if len(owners) == 1:
                ce = self.entities[owners[0]]
                arts = self.acronym_owners[acronym][owners[0]]
                cid = self._join(ce, row, "acronym", f"{', '.join(arts[:3]) or 'earlier articles'} state "
                                 f"{acronym!r} for {ce.name!r}")
            elif len(owners) > 1:
                ce = self._new(row, "ORG")
                cid = self._join(ce, row)
                names = ", ".join(f"{self.entities[c].name} ({c})" for c in owners)
                for other in owners:
                    self._log(cid, "kept apart", row.name, other, self.entities[other].name, "ambiguous",
                              f"the acronym {acronym!r} is stated for {len(owners)} organizations: {names}",
                              [row.article_id])
        if cid is None and not acronym:
            hit = self._fuzzy_org(row, key)
            if hit is not None:
                ce, score, other = hit
                cid = self._join(ce, row, "organization spelling",
                                 f"{row.name!r} and {other!r}: content words {score:.0f}% alike", score)
        if cid is None:
            ce = self._new(row, "ORG")
            cid = self._join(ce, row)
            self._near_acronyms(ce, row, acronym)
        ce = self.entities[cid]
        for acr in stated:  # evidence: this article writes the acronym for this organization
            self.acronym_owners[acr].setdefault(cid, []).append(row.article_id)
            for single in list(self.by_key.get(("ORG", acr.lower()), ())):
                owners = [c for c in self.acronym_owners[acr] if c in self.entities]
                if single != cid and single in self.entities and owners == [cid] and \
                        plain_key(self.entities[single].name) == acr.lower():
                    self._absorb(self.entities[single], ce, "acronym",
                                 f"{row.article_id} states {acr!r} for {ce.name!r}")
        return cid

    def _fuzzy_org(self, row: _Row, key: str) -> tuple[_Corpus, float, str] | None:
        words = key.split()
        if len(words) < 2:
            return None
        pools = sorted((self.org_words.get(w, ()) for w in words), key=len)
        choices = set(pools[0]) | set(pools[1]) if len(pools) > 1 else set(pools[0])
        if not choices:
            return None
        best = None
        for text, score, _ in process.extract(key, list(choices), scorer=fuzz.token_sort_ratio,
                                              score_cutoff=FUZZY_ORG, limit=5):
            if " " not in text:
                continue
            for cid in self.by_key.get(("ORG", text), ()):
                ce = self.entities[cid]
                if ce.countries and row.country and row.country not in ce.countries:
                    continue
                if best is None or score > best[1]:
                    best = (ce, score, ce.name)
        return best

    def _near_acronyms(self, ce: _Corpus, row: _Row, acronym: str | None) -> None:
        """Record initials that match without an article stating them (the acronym guard)."""
        if acronym:
            pairs = [(acronym, other) for other in self.initials.get(acronym, ())]
        else:
            pairs = [(acr, other) for acr in _acronym_of(row.name.split())
                     for other in self.by_key.get(("ORG", acr.lower()), ())]
        for acr, other in pairs:
            if other != ce.id and other in self.entities:
                full = row.name if not acronym else self.entities[other].name
                self._log(ce.id, "kept apart", row.name, other, self.entities[other].name,
                          "acronym without evidence",
                          f"{acr!r} are the initials of {full!r}, but no article states it", [row.article_id])

    # places

    def _place(self, row: _Row) -> str:
        if row.type in ("GPE", "LOC") and lex.is_country_name(row.name):
            code = lex.country_code(row.name)
            if code:
                cid = self.countries.get(code)
                if cid is None:
                    ce = self._new(row, "PLACE", f"country:{code}")
                    return self._join(ce, row)
                ce = self.entities[cid]
                new_name = plain_key(row.name) not in ce.names
                return self._join(ce, row, "country code" if new_name else None,
                                  f"{row.name!r} is a name of {code} (ISO 3166)")
        plain = plain_key(row.name)
        same = [c for c in self.by_key.get(("PLACE", plain), ()) if c in self.entities]
        if row.geonameid is not None:
            cid = self.geo.get(row.geonameid)
            if cid is not None and cid in self.entities:
                ce = self.entities[cid]
                new_name = plain not in ce.names
                return self._join(ce, row, "GeoNames id" if new_name else None,
                                  f"GeoNames id {row.geonameid}")
            bare = [c for c in same if self.entities[c].geonameid is None and
                    self._country_ok(row.country, self.entities[c])]
            if len(bare) == 1:
                return self._join(self.entities[bare[0]], row)
            ce = self._new(row, "PLACE")
            cid = self._join(ce, row)
            for other in same:
                if self.entities[other].geonameid not in (None, row.geonameid):
                    self._log(cid, "kept apart", row.name, other, self.entities[other].name,
                              "different GeoNames ids", f"{row.geonameid} vs {self.entities[other].geonameid}",
                              [row.article_id])
            return cid
        fitting = [c for c in same if self._country_ok(row.country, self.entities[c])]
        if fitting:
            return self._join(self.entities[self._pick(fitting, row)], row)
        return self._join(self._new(row, "PLACE"), row)


# ---- running it over a store -------------------------------------------------------------------------------

def _resolver(store) -> Resolver:
    resolver = getattr(store, "_corpus_resolver", None)
    if resolver is None:
        resolver = Resolver.load(store.con)
        store._corpus_resolver = resolver
    return resolver


def _pending(con) -> list[_Row]:
    """The store's article entities without a corpus entity, read from the tables, in resolution order (by
    publication date, then article and position)."""
    rows = con.execute("""
        SELECT e.article_id, e.entity_id, e.name, e.type, e.roles, e.country, a.published_date, e.n_mentions
        FROM entities e JOIN articles a ON a.id = e.article_id
        WHERE e.corpus_entity IS NULL
        ORDER BY a.published_date NULLS LAST, e.article_id, e.idx""").fetchall()
    if not rows:
        return []
    out = {(r[0], r[1]): _Row(r[0], r[1], r[2] or "", r[3] or "", list(r[4] or []), r[5], r[6],
                              n_mentions=r[7] or 0) for r in rows}
    pending = "SELECT DISTINCT article_id FROM entities WHERE corpus_entity IS NULL"
    for aid, eid, text in con.execute(f"""
            SELECT m.article_id, m.entity_id, m.text FROM mentions m
            WHERE m.article_id IN ({pending}) ORDER BY m.article_id, m.start_char""").fetchall():
        row = out.get((aid, eid))
        if row is not None:
            row.mentions.append(text or "")
    for aid, eid, gid in con.execute(f"""
            SELECT m.article_id, m.entity_id, mode(p.geonameid) FROM mentions m
            JOIN places p ON p.article_id = m.article_id AND p.start_char = m.start_char AND p.end_char = m.end_char
            WHERE p.geonameid IS NOT NULL AND m.article_id IN ({pending}) GROUP BY ALL""").fetchall():
        row = out.get((aid, eid))
        if row is not None:
            row.geonameid = int(gid)
    return list(out.values())


def article_rows(article_id: str, record, published_date: datetime.date | None) -> list[_Row]:
    """The rows :func:`_pending` would read back for a stored record's entities, built from the record itself
    (what :class:`~newsgraph.store.Store` hands :func:`resolve` for the articles a batch added, sparing it a
    read of the tables): mention texts in text order, the GeoNames id most of its resolved mentions share."""
    places: dict[tuple[int, int], list[int]] = defaultdict(list)
    for place in record.places:
        if place.geonameid is not None and place.mention is not None:
            places[(place.mention.start, place.mention.end)].append(int(place.geonameid))
    out: dict[str, _Row] = {}
    for entity in record.entities:
        mentions = sorted(entity.mentions, key=lambda m: m.start)
        row = _Row(article_id, entity.id, entity.name or "", entity.type or "", list(entity.roles or []),
                   entity.country, published_date, [m.text or "" for m in mentions], n_mentions=len(entity.mentions))
        ids = Counter(gid for m in entity.mentions for gid in places.get((m.start, m.end), ()))
        if ids:
            row.geonameid = _mode(ids)
        out[entity.id] = row  # (an entity id twice in one record: the last row, at the first one's place)
    return list(out.values())


def _resolution_order(rows: list[_Row]) -> list[_Row]:
    """Rows in the order :func:`_pending` reads them: by publication date (none last), article, position."""
    return sorted(rows, key=lambda r: (r.date is None, r.date or datetime.date.min, r.article_id))


def _mode(counts: Counter):
    """The most frequent value (ties: the smallest), as SQL's ``mode()`` but deterministic; None when empty."""
    if not counts:
        return None
    return min(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[0]


def _canonical(group: str, aliases: list[tuple[str, int, int]]) -> str:
    """The display name: the most frequent name (a person's among the multi-word ones; not an acronym when
    another name is written out), then the longer."""
    names = [a for a in aliases if a[0]]
    if group == "PERSON":
        names = [a for a in names if len(person_words(a[0])) >= 2] or names
    else:
        names = [a for a in names if not _is_acronym(a[0])] or names
    return max(names, key=lambda a: (a[1], a[2], len(a[0]), a[0]))[0] if names else ""


@dataclass
class _Tally:
    """Aggregates of one corpus entity (or one of its names or roles): articles, mentions, first and last date."""

    articles: int = 0
    mentions: int = 0
    first: datetime.date | None = None
    last: datetime.date | None = None

    def add(self, articles: int, mentions: int, first: datetime.date | None, last: datetime.date | None) -> None:
        self.articles += articles
        self.mentions += mentions
        self.first = min((d for d in (self.first, first) if d is not None), default=None)
        self.last = max((d for d in (self.last, last) if d is not None), default=None)


class _Batch:
    """What one batch's linked rows add to the aggregates of the corpus entities they were linked to: per
    entity, per (entity, name, kind) and per (entity, role), the articles (a set: an article counts once),
    mentions and dates."""

    def __init__(self) -> None:
        self.entities: dict[str, list] = {}
        self.aliases: dict[tuple[str, str, str], list] = {}
        self.roles: dict[tuple[str, str], list] = {}

    @staticmethod
    def _add(table: dict, key, article: str, mentions: int, date: datetime.date | None) -> None:
        held = table.get(key)
        if held is None:
            table[key] = held = [set(), 0, None, None]
        held[0].add(article)
        held[1] += mentions
        if date is not None:
            held[2] = date if held[2] is None else min(held[2], date)
            held[3] = date if held[3] is None else max(held[3], date)

    def add(self, cid: str, row: _Row) -> None:
        aid, date = row.article_id, row.date
        self._add(self.entities, cid, aid, row.n_mentions, date)
        self._add(self.aliases, (cid, row.name, "name"), aid, row.n_mentions, date)
        if row.type and row.type != "PERSON":  # acronyms the article writes for the organization or place
            for text in row.mentions:
                if text and text != row.name and _ACRONYM_ALIAS.fullmatch(text.replace(".", "")):
                    self._add(self.aliases, (cid, text, "acronym"), aid, 1, date)
        for role in row.roles:
            if role is not None:
                self._add(self.roles, (cid, role.lower()), aid, 0, date)

    @staticmethod
    def tally(held: list) -> tuple[int, int, datetime.date | None, datetime.date | None]:
        return len(held[0]), held[1], held[2], held[3]


#: An acronym alias, as the SQL of the full recount writes it (``regexp_full_match``, periods removed first).
_ACRONYM_ALIAS = re.compile(r"[A-Z][A-Z0-9&]{1,7}")


def _recount(con, ids: list[str]) -> tuple[dict, dict, dict]:
    """The aggregates of these corpus entities counted afresh from all their article entities (after an entity
    was joined into another, whose articles may overlap): (entity, alias and role tallies). A scan of the
    ``entities`` and ``mentions`` tables: only for the few entities a batch joined together."""
    mine = "SELECT unnest($1::VARCHAR[])"
    entities = {cid: _Tally(n_art, int(n_men or 0), first, last) for cid, n_art, n_men, first, last in con.execute(f"""
        SELECT e.corpus_entity, count(DISTINCT e.article_id), sum(e.n_mentions), min(a.published_date),
               max(a.published_date)
        FROM entities e JOIN articles a ON a.id = e.article_id
        WHERE e.corpus_entity IN ({mine}) GROUP BY e.corpus_entity""", [ids]).fetchall()}
    aliases = {(cid, name, kind): _Tally(n_art, int(n_men or 0), first, last)
               for cid, name, kind, n_art, n_men, first, last in con.execute(f"""
        SELECT e.corpus_entity, e.name, 'name', count(DISTINCT e.article_id), sum(e.n_mentions),
               min(a.published_date), max(a.published_date)
        FROM entities e JOIN articles a ON a.id = e.article_id
        WHERE e.corpus_entity IN ({mine}) GROUP BY ALL
        UNION ALL
        SELECT e.corpus_entity, m.text, 'acronym', count(DISTINCT e.article_id), count(*),
               min(a.published_date), max(a.published_date)
        FROM mentions m JOIN entities e ON e.article_id = m.article_id AND e.entity_id = m.entity_id
        JOIN articles a ON a.id = e.article_id
        WHERE e.corpus_entity IN ({mine}) AND e.type <> 'PERSON' AND m.text <> e.name
          AND regexp_full_match(replace(m.text, '.', ''), '[A-Z][A-Z0-9&]{{1,7}}')
        GROUP BY ALL""", [ids]).fetchall()}
    roles = {(cid, role): _Tally(n_art, 0, first, last) for cid, role, first, last, n_art in con.execute(f"""
        SELECT r.corpus_entity, lower(r.role), min(a.published_date), max(a.published_date),
               count(DISTINCT r.article_id)
        FROM (SELECT corpus_entity, article_id, unnest(roles) AS role FROM entities
              WHERE corpus_entity IN ({mine})) r JOIN articles a ON a.id = r.article_id
        WHERE r.role IS NOT NULL GROUP BY r.corpus_entity, lower(r.role)""", [ids]).fetchall()}
    return entities, aliases, roles


def _stored(con, ids: list[str]) -> tuple[dict, dict, dict]:
    """The stored aggregates of these corpus entities (the small ``corpus_*`` tables only): entity, alias and
    role tallies, as :func:`_recount` gives them."""
    mine = "SELECT unnest($1::VARCHAR[])"
    entities = {cid: _Tally(n_art or 0, n_men or 0, first, last) for cid, n_art, n_men, first, last in con.execute(
        f"SELECT id, n_articles, n_mentions, first_seen, last_seen FROM corpus_entities WHERE id IN ({mine})",
        [ids]).fetchall()}
    aliases = {(cid, name, kind): _Tally(n_art or 0, n_men or 0, first, last)
               for cid, name, kind, n_art, n_men, first, last in con.execute(f"""
        SELECT corpus_entity, name, kind, n_articles, n_mentions, first_seen, last_seen FROM corpus_aliases
        WHERE corpus_entity IN ({mine})""", [ids]).fetchall()}
    roles = {(cid, role.lower()): _Tally(n_art or 0, 0, first, last)
             for cid, role, first, last, n_art in con.execute(f"""
        SELECT corpus_entity, role, first_seen, last_seen, n_articles FROM corpus_roles
        WHERE corpus_entity IN ({mine})""", [ids]).fetchall()}
    return entities, aliases, roles


def _write(con, resolver: Resolver, rows: dict[tuple[str, str], _Row]) -> None:
    """The batch's links, the touched entities' aggregates and the decisions, in one transaction.

    Aggregates are kept up to date incrementally: a touched entity's stored counts, dates and names (the small
    ``corpus_*`` tables) plus what the batch's rows (``rows``, by article and entity id) add, which is exact
    because a batch's rows belong to articles never counted before. Only an entity that absorbed another (whose
    articles may overlap its own) is counted afresh from the ``entities`` and ``mentions`` tables. The most
    frequent type, country and role spelling come from the resolver's counts."""
    from .schema import now

    stamp = now()
    assigned = resolver.assigned
    touched = sorted(c for c in resolver.touched if c in resolver.entities)
    gone = sorted(resolver.absorbed)
    recount = sorted({resolver.absorbed[src] for src in gone} & set(touched))
    con.execute("BEGIN TRANSACTION")
    try:
        # the rollups that count by corpus entity follow the links of the articles whose links change
        relinked = {a[0] for a in assigned}
        if gone:
            relinked.update(r[0] for r in con.execute("""SELECT DISTINCT article_id FROM entities
                WHERE corpus_entity IN (SELECT unnest($1::VARCHAR[]))""", [gone]).fetchall())
        with rollups.relinking(con, relinked):
            _write_links(con, resolver, gone, assigned)
        if touched:
            _write_aggregates(con, resolver, rows, touched, recount, stamp)
        if resolver.decisions:
            values = []
            for d in resolver.decisions:
                cid = resolver.absorbed.get(d.corpus_entity, d.corpus_entity)
                other = resolver.absorbed.get(d.other, d.other) if d.other else None
                if d.decision == "kept apart" and other == cid:
                    continue  # joined later in this batch: the merge that joined them explains it
                other_name = resolver.entities[other].name if other in resolver.entities else d.other_name
                values.append((cid, d.decision, d.name, other, other_name, d.rule, d.evidence, d.article_ids,
                               d.score, stamp))
        if resolver.decisions and values:
            cols = list(zip(*values))
            con.execute("""INSERT INTO corpus_merges SELECT unnest($1::VARCHAR[]), unnest($2::VARCHAR[]),
                unnest($3::VARCHAR[]), unnest($4::VARCHAR[]), unnest($5::VARCHAR[]), unnest($6::VARCHAR[]),
                unnest($7::VARCHAR[]), unnest($8::VARCHAR[][]), unnest($9::DOUBLE[]),
                unnest($10::TIMESTAMP[])""", [list(c) for c in cols])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _write_links(con, resolver: Resolver, gone: list[str], assigned: list[tuple[str, str, str]]) -> None:
    """Re-link the rows of absorbed entities to the entity that absorbed them, and link the newly assigned rows."""
    for src in gone:
        dst = resolver.absorbed[src]
        con.execute("UPDATE entities SET corpus_entity = ? WHERE corpus_entity = ?", [dst, src])
        con.execute("UPDATE corpus_merges SET corpus_entity = ? WHERE corpus_entity = ?", [dst, src])
        con.execute("UPDATE corpus_merges SET other = ? WHERE other = ?", [dst, src])
    if gone:
        con.execute("DELETE FROM corpus_merges WHERE decision = 'kept apart' AND other = corpus_entity")
        for table, col in (("corpus_entities", "id"), ("corpus_aliases", "corpus_entity"),
                           ("corpus_roles", "corpus_entity")):
            con.execute(f"DELETE FROM {table} WHERE {col} IN (SELECT unnest($1::VARCHAR[]))", [gone])
    if assigned:
        # only rows still waiting are linked (IS NULL lets the scan skip row groups holding none)
        con.execute("""
            UPDATE entities SET corpus_entity = t.cid
            FROM (SELECT unnest($1::VARCHAR[]) AS aid, unnest($2::VARCHAR[]) AS eid,
                         unnest($3::VARCHAR[]) AS cid) AS t
            WHERE entities.corpus_entity IS NULL AND entities.article_id = t.aid AND entities.entity_id = t.eid""",
                    [[a[0] for a in assigned], [a[1] for a in assigned], [a[2] for a in assigned]])


def _write_aggregates(con, resolver: Resolver, rows: dict[tuple[str, str], _Row], touched: list[str],
                      recount: list[str], stamp) -> None:
    """Replace the ``corpus_entities``, ``corpus_aliases`` and ``corpus_roles`` rows of the touched entities with
    their updated aggregates (see :func:`_write`)."""
    entities, aliases, roles = _stored(con, [c for c in touched if c not in set(recount)])
    if recount:
        fresh = _recount(con, recount)
        entities.update(fresh[0])
        aliases.update(fresh[1])
        roles.update(fresh[2])
    batch = _Batch()
    skip = set(recount)  # counted afresh, this batch's rows included (linked above, in this transaction)
    for aid, eid, cid in resolver.assigned:
        row = rows.get((aid, eid))
        if row is not None and cid not in skip:
            batch.add(cid, row)
    for table, added in ((entities, batch.entities), (aliases, batch.aliases), (roles, batch.roles)):
        for key, held in added.items():
            table.setdefault(key, _Tally()).add(*_Batch.tally(held))

    mine = [touched]
    for table, col in (("corpus_entities", "id"), ("corpus_aliases", "corpus_entity"),
                       ("corpus_roles", "corpus_entity")):
        con.execute(f"DELETE FROM {table} WHERE {col} IN (SELECT unnest($1::VARCHAR[]))", mine)
    by_entity: dict[str, list] = defaultdict(list)
    values = []
    for (cid, name, kind), t in aliases.items():
        ce = resolver.entities.get(cid)
        key = " ".join(person_words(name)) if ce and ce.group == "PERSON" else None
        values.append((cid, name, kind, plain_key(name), key, t.articles, t.mentions, t.first, t.last))
        if kind == "name":
            by_entity[cid].append((name, t.articles, t.mentions))
    if values:
        cols = list(zip(*values))
        con.execute("""INSERT INTO corpus_aliases SELECT unnest($1::VARCHAR[]), unnest($2::VARCHAR[]),
            unnest($3::VARCHAR[]), unnest($4::VARCHAR[]), unnest($5::VARCHAR[]), unnest($6::INTEGER[]),
            unnest($7::INTEGER[]), unnest($8::DATE[]), unnest($9::DATE[])""", [list(c) for c in cols])
    values = []
    for (cid, role), t in roles.items():
        ce = resolver.entities.get(cid)
        spelled = _mode(ce.spellings.get(role, Counter())) if ce is not None else None
        values.append((cid, spelled or role, t.first, t.last, t.articles))
    if values:
        cols = list(zip(*values))
        con.execute("""INSERT INTO corpus_roles SELECT unnest($1::VARCHAR[]), unnest($2::VARCHAR[]),
            unnest($3::DATE[]), unnest($4::DATE[]), unnest($5::INTEGER[])""", [list(c) for c in cols])
    values = []
    for cid in touched:
        t = entities.get(cid)
        if t is None:
            continue
        ce = resolver.entities[cid]
        ce.name = _canonical(ce.group, by_entity.get(cid, [])) or ce.name
        ce.articles = t.articles
        country = _mode(ce.countries)
        if ce.key and ce.key.startswith(("country:", "norp:")):
            country = ce.key.split(":", 1)[1]
        values.append((cid, ce.name, _mode(ce.types), country, ce.key, ce.geonameid, t.first, t.last, t.articles,
                       t.mentions, stamp))
    if values:
        cols = list(zip(*values))
        con.execute("""INSERT INTO corpus_entities SELECT unnest($1::VARCHAR[]), unnest($2::VARCHAR[]),
            unnest($3::VARCHAR[]), unnest($4::VARCHAR[]), unnest($5::VARCHAR[]), unnest($6::BIGINT[]),
            unnest($7::DATE[]), unnest($8::DATE[]), unnest($9::INTEGER[]), unnest($10::INTEGER[]),
            unnest($11::TIMESTAMP[])""", [list(c) for c in cols])


def resolve(store, new: list[_Row] | None = None) -> ResolveStats:
    """Link every article entity of ``store`` that has no corpus entity yet (see the module's rules); returns
    what was done. Incremental and idempotent: nothing pending, nothing done.

    ``new``: the rows of the articles the store's last batch added (:func:`article_rows`), which are then all
    that is pending: they are resolved without reading the tables back. The tables are read instead (every
    article entity still without a corpus entity) when ``new`` is None, on the first call in a process (what an
    interrupted run left unlinked is linked then), and after a batch that was stored without resolution
    (``store.resolve_entities`` false)."""
    started = time.perf_counter()
    if getattr(store, "read_only", False):
        return ResolveStats()
    loaded = getattr(store, "_corpus_resolver", None) is not None
    if new is None or not loaded or getattr(store, "_corpus_unresolved", False):
        rows = _pending(store.con)
    else:
        rows = _resolution_order(new)
    store._corpus_unresolved = False
    if not rows:
        return ResolveStats()
    resolver = _resolver(store)
    resolver.assigned, resolver.touched, resolver.absorbed, resolver.decisions = [], set(), {}, []
    resolver.stats = ResolveStats(rows=len(rows), articles=len({r.article_id for r in rows}))
    try:
        for row in rows:
            resolver.assign(row)
        _write(store.con, resolver, {(r.article_id, r.entity_id): r for r in rows})
    except BaseException:
        store._corpus_resolver = None  # memory and tables may disagree now: load afresh next time
        raise
    resolver.stats.seconds = time.perf_counter() - started
    return resolver.stats


def resolve_all(store) -> ResolveStats:
    """Resolve the whole store again from scratch (after changing the rules): every link is cleared first."""
    con = store.con
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("UPDATE entities SET corpus_entity = NULL")
        for table in ("corpus_entities", "corpus_aliases", "corpus_roles", "corpus_merges"):
            con.execute(f"DELETE FROM {table}")
        rollups.rebuild(con, linked_only=True)  # what the articles contribute without links
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    store._corpus_resolver = None
    return resolve(store)


# ---- queries -----------------------------------------------------------------------------------------------

def _dicts(cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _iso(value) -> Any:
    return value.isoformat() if isinstance(value, (datetime.date, datetime.datetime)) else value


def _summary_rows(con, ids: list[str]) -> list[dict[str, Any]]:
    rows = _dicts(con.execute("""SELECT id, name, type, country, first_seen, last_seen, n_articles, n_mentions
        FROM corpus_entities WHERE id IN (SELECT unnest($1::VARCHAR[]))
        ORDER BY n_articles DESC, CAST(substr(id, 2) AS INTEGER)""", [ids]))
    return [{k: _iso(v) for k, v in row.items()} for row in rows]


def find(store, name: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """Corpus entities ``name`` may mean, most written about first: an id (``C12``); else those with a name
    equal as written (case and accents aside); else equal under the spelling rules; for one word, also every
    person with that surname; else the names rapidfuzz finds alike (ratio >= 85). Each: id, name, type,
    country, first/last seen, article and mention counts."""
    con = store.con
    name = name.strip()
    if _ID.match(name):
        return _summary_rows(con, [name])
    ids = [r[0] for r in con.execute("SELECT DISTINCT corpus_entity FROM corpus_aliases WHERE key = ?",
                                     [plain_key(name)]).fetchall()]
    words = person_words(name)
    if not ids and words:
        ids = [r[0] for r in con.execute("SELECT DISTINCT corpus_entity FROM corpus_aliases "
                                         "WHERE replace(name_key, ' ', '') = ?", ["".join(words)]).fetchall()]
    if len(words) == 1:  # a surname: the bare-surname entity and every person with that surname
        ids += [r[0] for r in con.execute("""SELECT DISTINCT corpus_entity FROM corpus_aliases
            WHERE kind = 'name' AND len(string_split(name_key, ' ')) >= 2
              AND string_split(name_key, ' ')[-1] = ?""", [words[0]]).fetchall() if r[0] not in ids]
    if not ids:
        keys = con.execute("SELECT DISTINCT key FROM corpus_aliases").fetchall()
        hits = process.extract(plain_key(name), [k[0] for k in keys if k[0]], scorer=fuzz.ratio, score_cutoff=85,
                               limit=limit)
        if hits:
            ids = [r[0] for r in con.execute("""SELECT DISTINCT corpus_entity FROM corpus_aliases
                WHERE key IN (SELECT unnest($1::VARCHAR[]))""", [[h[0] for h in hits]]).fetchall()]
    return _summary_rows(con, ids)[:limit]


def profile(store, corpus_id: str, *, top: int = 10) -> dict[str, Any] | None:
    """One corpus entity: its names with counts, roles over time, article/mention/quote/event counts, the
    entities most often in the same articles, first and last seen. None when there is no such entity."""
    con = store.con
    rows = _summary_rows(con, [corpus_id])
    if not rows:
        return None
    out = rows[0]
    out["aliases"] = [{k: _iso(v) for k, v in r.items()} for r in _dicts(con.execute("""
        SELECT name, kind, n_articles, n_mentions, first_seen, last_seen FROM corpus_aliases
        WHERE corpus_entity = ? ORDER BY n_articles DESC, n_mentions DESC, name""", [corpus_id]))]
    out["roles"] = [{k: _iso(v) for k, v in r.items()} for r in _dicts(con.execute("""
        SELECT role, first_seen, last_seen, n_articles FROM corpus_roles WHERE corpus_entity = ?
        ORDER BY first_seen NULLS LAST, last_seen NULLS LAST, role""", [corpus_id]))]
    # quotes by it and events with it, summed from the rollup (newsgraph.store.rollups)
    out["quotes"], out["events_as_source"], out["events_as_target"] = (int(n) for n in con.execute("""
        SELECT coalesce(sum(quotes_by), 0), coalesce(sum(events_source), 0), coalesce(sum(events_target), 0)
        FROM entity_days WHERE corpus_entity = ?""", [corpus_id]).fetchone())
    # co-occurrence over the latest articles naming it (at most CO_OCCURRENCE_ARTICLES): bounded work for the
    # entities a corpus names everywhere, exact for the others. The articles come from the rollup entity_items,
    # their entities from the rollup article_entities (one row per article, sorted by day: the days of the
    # latest articles let DuckDB skip the others' rows) (newsgraph.store.rollups)
    out["co_occurring_scope"] = min(out["n_articles"] or 0, CO_OCCURRENCE_ARTICLES)
    recent = con.execute(f"""SELECT article_id, day FROM entity_items
        WHERE corpus_entity = ? AND kind = 'article' ORDER BY day DESC NULLS LAST, article_id
        LIMIT {CO_OCCURRENCE_ARTICLES}""", [corpus_id]).fetchall()
    days = [r[1] for r in recent if r[1] is not None]
    out["co_occurring"] = [{k: _iso(v) for k, v in r.items()} for r in _dicts(con.execute("""
        SELECT c.id, c.name, c.type, x.n_articles FROM (
            SELECT id, sum(n)::BIGINT AS n_articles FROM (
                SELECT unnest(entities) AS id, n FROM article_entities
                WHERE (day IS NULL OR day BETWEEN $4 AND $5) AND article_id IN (SELECT unnest($3::VARCHAR[])))
            WHERE id <> $1 GROUP BY 1) x JOIN corpus_entities c ON c.id = x.id
        ORDER BY x.n_articles DESC, c.n_articles DESC, c.name LIMIT $2""",
        [corpus_id, top, [r[0] for r in recent], min(days, default=None), max(days, default=None)]))]
    return out


#: How many of an entity's latest articles :func:`profile` counts co-occurring entities in.
CO_OCCURRENCE_ARTICLES = 2000


def explanations(store, corpus_id: str) -> list[dict[str, Any]]:
    """Why the entity is what it is: each name joined to it (rule, evidence, articles) and each near miss kept
    apart from it, or it from another (guard, evidence, articles)."""
    rows = _dicts(store.con.execute("""
        SELECT corpus_entity, decision, name, other, other_name, rule, evidence, article_ids, score
        FROM corpus_merges WHERE corpus_entity = $1 OR (other = $1 AND decision = 'kept apart')
        ORDER BY decision DESC, decided_at, name""", [corpus_id]))
    return [{**r, "article_ids": list(r["article_ids"] or [])} for r in rows]


def lookup(store, name: str, *, top: int = 10, why: bool = False) -> dict[str, Any]:
    """``{"status": "found", "profile": ...}`` (with ``"why"`` when asked), ``{"status": "ambiguous",
    "candidates": [...]}`` or ``{"status": "none", "candidates": []}``. Pending article entities are resolved
    first when the store is writable."""
    resolve(store)
    candidates = find(store, name)
    if len(candidates) == 1:
        out = {"status": "found", "profile": profile(store, candidates[0]["id"], top=top)}
        if why:
            out["why"] = explanations(store, candidates[0]["id"])
        return out
    return {"status": "ambiguous" if candidates else "none", "candidates": candidates}
