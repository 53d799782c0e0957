"""Entities: the model's NER mentions, repaired, grouped into one entity per referent, with roles and country.

Steps, each a small function over the Doc:

1. :func:`_raw_mentions` cleans each NER span (leading "the", trailing possessive), splits off a title that the
   model swallowed ("SDF Commander" → ORG "SDF" + title), splits names glued across a comma, and drops spans
   that are only title words ("Defense" in "Defense Secretary").
2. :func:`_names_after_titles` adds the names the model missed right after a title ("Col. Murat Aydin").
3. :func:`_relabel` fixes labels the text makes clear: a name after a title or with a title appositive tagged
   GPE/ORG is a PERSON; a country name tagged ORG is a GPE.
4. :func:`_attach_roles` collects a person's titles and descriptions before the name ("Defense Secretary"),
   in an appositive after it ("a lawmaker and tribal elder"), or before it across a comma ("a Turkish
   commander, Col. ..."), and the country they state.
5. :func:`_cluster` merges mentions of one referent: full name, surname, title + surname; acronym and
   expansion; country aliases; spelling variants of organization names.

Titles, demonyms, country names, name particles and organization words come from :mod:`newsgraph.lexicons`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from spacy.language import Language
from spacy.tokens import Doc

from .. import lexicons as lex
from ..record import Entity, Span

if not Doc.has_extension("ng_entities"):
    Doc.set_extension("ng_entities", default=None)
if not Doc.has_extension("ng_entity_genders"):
    # entity id → "m" / "f" where the article's titles or honorifics say so (for pronoun resolution)
    Doc.set_extension("ng_entity_genders", default=None)

DEFAULT_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW")
_DETERMINERS = {"the", "a", "an"}
_POSSESSIVE = {"'s", "’s", "'", "’"}
_CONNECTORS = {"and", "&"}
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]{1,7}$")
_STOP_INITIALS = {"of", "the", "and", "for", "in", "on", "&", "de", "du", "des", "la", "le", "to", "at"}


@Language.factory("newsgraph_entities", default_config={"labels": list(DEFAULT_LABELS)})
def make_entities(nlp: Language, name: str, labels: list[str]):
    return EntityExtractor(labels)


class EntityExtractor:
    """Writes ``doc._.ng_entities`` (list of :class:`~newsgraph.record.Entity`)."""

    def __init__(self, labels=DEFAULT_LABELS):
        self.labels = frozenset(labels)
        lex.warm_up()  # load the lexicons now, not on the first article (forked workers then share them)

    def __call__(self, doc: Doc) -> Doc:
        entities, genders = extract_entities(doc, self.labels)
        doc._.ng_entities = entities
        doc._.ng_entity_genders = genders
        return doc


@dataclass(slots=True)
class _Mention:
    start: int  # token offsets
    end: int
    label: str
    roles: list[str] = field(default_factory=list)
    country: str | None = None
    gender: str | None = None


class _Context:
    """Per-Doc lookups: title matches by token position, which entity covers each token."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.title_at: dict[int, int] = {}  # start → end of the longest title starting there
        self.title_ending: dict[int, int] = {}  # end → start of the longest title ending there
        self._find_titles()

    def _find_titles(self) -> None:
        doc = self.doc
        prefixes, titles = _title_prefixes(), lex.titles()
        lowers = [t.lower_ for t in doc]
        spaces = [t.whitespace_ for t in doc]
        n = len(lowers)
        for i in range(n):
            surface = lowers[i]
            if surface not in prefixes or not surface[:1].isalpha():
                continue
            best = None
            j = i + 1
            while True:
                if surface in titles:
                    best = j
                    if self.title_ending.get(j, j) > i:
                        self.title_ending[j] = i
                if j >= n or j - i >= 12:
                    break
                surface = surface + (" " if spaces[j - 1] else "") + lowers[j]
                if surface not in prefixes:
                    break
                j += 1
            if best is not None:
                self.title_at[i] = best

    def title_span(self, start: int, end: int) -> bool:
        return self.title_at.get(start) == end


_PREFIX_CACHE: frozenset[str] | None = None


def _title_prefixes() -> frozenset[str]:
    global _PREFIX_CACHE
    if _PREFIX_CACHE is None:
        out = set()
        for title in lex.titles():
            for k in range(1, len(title) + 1):
                out.add(title[:k].rstrip())
        _PREFIX_CACHE = frozenset(out)
    return _PREFIX_CACHE


def _is_honorific(title: lex.Title) -> bool:
    return title.sector is None and title.canonical.lower().rstrip(".") in {"mr", "mrs", "ms", "miss", "mx"}


def _title_of(doc: Doc, start: int, end: int) -> lex.Title | None:
    surface = " ".join(doc[start:end].text.lower().split())
    return lex.titles().get(surface)


def _is_title_or_modifier(token) -> bool:
    low = token.lower_
    titles = lex.titles()
    return low in lex.role_modifiers() or low in titles or low.rstrip(".") in titles or low + "." in titles


def _is_capitalized(token) -> bool:
    return token.text[:1].isupper()


def _name_token(token) -> bool:
    """A token that can stand inside a personal name."""
    low = token.lower_
    if low in lex.name_parts() or token.text in {"-", "'", "’"}:
        return True
    return token.text[:1].isupper() and any(ch.isalpha() for ch in token.text) and low not in lex.org_words()


def _looks_like_name(doc: Doc, start: int, end: int, allow_place: bool = False) -> bool:
    """Capitalized name-like tokens that are not a country, demonym, organization or big place."""
    if not 0 < end - start <= 6:
        return False
    tokens = doc[start:end]
    if not all(_name_token(t) for t in tokens) or not tokens[-1].text[:1].isupper():
        return False
    if any(t.lower_ in lex.titles() for t in tokens) or any(t.like_num for t in tokens):
        return False
    text = tokens.text
    if lex.country_code(text) or lex.demonym(text):
        return False
    if end - start == 1 and (_ACRONYM.match(text) or (
            not allow_place and lex.place_country(text, min_population=100_000))):
        return False
    return True


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    while start < end and (doc[start].lower_ in _DETERMINERS or (doc[start].is_punct and doc[start].text not in "(")):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].text in _POSSESSIVE):
        if doc[end - 1].text == "." and end - start >= 2 and len(doc[end - 2].text) <= 3 and doc[end - 2].is_alpha:
            break  # "Jr ." / "Co ." style abbreviations keep their period
        end -= 1
    return start, end


def _only_title_words(doc: Doc, start: int, end: int) -> bool:
    return all(_is_title_or_modifier(t) or t.is_punct for t in doc[start:end])


def _raw_mentions(doc: Doc, ctx: _Context, labels: frozenset[str]) -> list[_Mention]:
    out: list[_Mention] = []
    person_names = {doc[e.end - 1].text for e in doc.ents if e.label_ == "PERSON"}
    for ent in doc.ents:
        if ent.label_ not in labels:
            continue
        # split names glued across a comma ("Syrian Democratic Forces, Mazloum Abdi"), an acronym in
        # parentheses ("Sahel Defense Coalition (SDC"), a possessor ("Sudan's WFF")
        pieces, piece_start = [], ent.start
        for i in range(ent.start, ent.end):
            if doc[i].text in {",", "(", ")"} or (
                    doc[i].text in _POSSESSIVE and lex.country_code(doc[piece_start:i].text)):
                pieces.append((piece_start, i, doc[i].text))
                piece_start = i + 1
        pieces.append((piece_start, ent.end, ""))
        for n, (a, b, sep) in enumerate(pieces):
            label = ent.label_
            text = doc[a:b].text
            if sep in _POSSESSIVE and lex.country_code(text):
                label = "GPE"
            elif n > 0 and label != "PERSON" and pieces[n - 1][2] == "," and _looks_like_name(doc, *_trim(doc, a, b)):
                label = "PERSON"
            elif n > 0 and pieces[n - 1][2] == "(" and _ACRONYM.match(text.replace(".", "")) \
                    and not lex.is_country_name(text):
                label = "ORG"  # "(SDC)", "(AP)"
            out.extend(_split_title(doc, ctx, a, b, label, person_names))
    return out


def _split_title(doc: Doc, ctx: _Context, start: int, end: int, label: str,
                 person_names: set[str] = frozenset()) -> list[_Mention]:
    """A mention with any title inside it split off: the title becomes a role, what follows it a PERSON.

    An organization that merely opens with a title word ("General Harbor") is left whole unless the title is
    abbreviated, the rest is a full name, or the rest is a name the model tags as a person elsewhere."""
    start, end = _trim(doc, start, end)
    if start >= end or _only_title_words(doc, start, end) and not (
            label == "ORG" and doc[end - 1].lower_ in lex.org_words()):
        return []  # a bare title ("Defense Secretary"), but a body is kept: "the Interior Ministry"
    for i in range(start, end):
        j = ctx.title_at.get(i)
        if j is None or j > end or not _is_capitalized(doc[i]):
            continue
        head, tail = (start, i), (j, end)
        if label != "PERSON" and i == start and tail[1] - tail[0] == 1 and not doc[j - 1].text.endswith(".") \
                and doc[end - 1].text not in person_names:
            continue
        if tail[0] < tail[1] and _looks_like_name(doc, *tail):
            result = [] if head[0] == head[1] or _only_title_words(doc, *head) else [
                _Mention(head[0], head[1], "ORG" if label == "PERSON" else label)]
            return result + [_Mention(tail[0], tail[1], "PERSON")]
        if tail[0] == tail[1] and end < len(doc) and _name_token(doc[end]) and _is_capitalized(doc[end]):
            # "SDF Commander" followed by a name: the title belongs to that name
            if head[0] < head[1] and not _only_title_words(doc, *head):
                return [_Mention(head[0], head[1], label)]
            return []
    return [_Mention(start, end, label)]


def _covered(mentions: list[_Mention], n: int) -> list[bool]:
    covered = [False] * n
    for m in mentions:
        for i in range(m.start, m.end):
            covered[i] = True
    return covered


def _names_after_titles(doc: Doc, ctx: _Context, mentions: list[_Mention]) -> list[_Mention]:
    """PERSON mentions for capitalized names right after a capitalized title, where the model found none."""
    covered = _covered(mentions, len(doc))
    for ent in doc.ents:  # dates, numbers: never part of a name
        for i in range(ent.start, ent.end):
            covered[i] = covered[i] or ent.label_ not in DEFAULT_LABELS
    added = []
    for i, j in ctx.title_at.items():
        if j >= len(doc) or covered[j] or not _is_capitalized(doc[j - 1]):
            continue
        k = j
        while k < len(doc) and k - j < 5 and not covered[k] and _name_token(doc[k]) and k not in ctx.title_at:
            k += 1
        while k > j and not doc[k - 1].text[:1].isupper():
            k -= 1
        if k > j and _looks_like_name(doc, j, k) and any(t.pos_ == "PROPN" for t in doc[j:k]):
            added.append(_Mention(j, k, "PERSON"))
            for x in range(j, k):
                covered[x] = True
    return added


def _has_title_appositive(doc: Doc, m: _Mention) -> bool:
    head = doc[m.start:m.end].root
    for child in head.children:
        if child.dep_ == "appos" and child.i >= m.end and (
                child.lower_ in lex.titles() or child.lemma_.lower() in lex.titles()):
            return True
    return False


def _full_name_words(doc: Doc, mentions: list[_Mention]) -> set[str]:
    """The capitalized words of the people the article names in full ("Holloway" of "Margaret Holloway")."""
    return {t.text for m in mentions if m.label == "PERSON" and m.end - m.start >= 2
            for t in doc[m.start:m.end] if t.text[:1].isupper()}


def _relabel(doc: Doc, ctx: _Context, mentions: list[_Mention]) -> None:
    covered = _covered(mentions, len(doc))
    # surnames of the article's people: "Holloway" or "Hamid" alone is that person, not the town of that name
    surnames = _full_name_words(doc, mentions)
    for m in mentions:
        text = doc[m.start:m.end].text
        words = {t.lower_ for t in doc[m.start:m.end]}
        after_title = m.start in ctx.title_ending and (
            _is_capitalized(doc[ctx.title_ending[m.start]]) or m.end - m.start >= 2)
        if m.label == "PERSON":
            if words & lex.org_words() or (m.end - m.start == 1 and _ACRONYM.match(text) and not after_title):
                m.label = "ORG"  # "Meridian Wire", "Harbor News", "BAS"
            elif after_title:
                continue
            elif lex.country_code(text):
                m.label = "GPE"
            elif lex.demonym(text):
                m.label = "NORP"
            elif text not in surnames and lex.place_country(text, min_population=100_000):
                m.label = "GPE"
            continue
        if m.label in ("FAC", "GPE", "LOC") and doc[m.end - 1].lower_ in lex.org_words():
            m.label = "ORG"  # "Great Lakes Relief Network"
            continue
        if m.label != "NORP" and lex.demonym(text) and not lex.country_code(text):
            m.label = "NORP"  # "Emirati", "Ukrainian"
            continue
        if m.label in ("ORG", "GPE") and m.end + 1 < len(doc) and doc[m.end].text == "," \
                and doc[m.end + 1].lower_ == "who" and m.end - m.start >= 2 and _looks_like_name(doc, m.start, m.end):
            m.label = "PERSON"  # "Hadiza Moumouni, who sells grain at the market,"
            continue
        if m.start >= 2 and doc[m.start - 1].text == "," and _looks_like_name(doc, m.start, m.end, allow_place=True) \
                and _role_before_comma(doc, ctx, m.start - 1) is not None:
            m.label = "PERSON"  # "Spain's agriculture minister, Inés Carrasco Villalba,"
            continue
        if m.label in ("ORG", "PERSON") and lex.country_code(text):
            m.label = "GPE"
            continue
        if m.label == "ORG" and m.end - m.start == 1 and text.isupper() and len(text) > 4 \
                and lex.place_country(text.title(), min_population=100_000):
            m.label = "GPE"  # an all-caps dateline city
            continue
        if m.label == "ORG" and not words & lex.org_words() and not _ACRONYM.match(text.replace(".", "")) \
                and lex.place_country(text, min_population=15_000) and not after_title and text not in surnames:
            m.label = "GPE"  # a town the model took for an organization
            continue
        if after_title and _looks_like_name(doc, m.start, m.end, allow_place=True):
            m.label = "PERSON"  # "Col. Aydin": a name after a title, even one that is also a town's
        elif _has_title_appositive(doc, m) and _looks_like_name(doc, m.start, m.end) \
                and not lex.place_country(text, min_population=50_000):
            m.label = "PERSON"
    # a name of a person named in full, standing alone, is that person ("Liang repeated ...", "Usman said"),
    # not the town of that name, unless the text puts it somewhere ("in Usman")
    names = _full_name_words(doc, mentions)  # again: the loop above found more people
    for m in mentions:
        text = doc[m.start:m.end].text
        if m.label in ("GPE", "LOC", "ORG") and m.end - m.start == 1 and text in names \
                and not lex.is_country_name(text) and not (m.start > 0 and doc[m.start - 1].lower_ in _LOCATIVE):
            m.label = "PERSON"
    # a PERSON runs over the rest of a name the model cut: "Constant" + "Mbuyi" + "Kalenga"
    starts = {m.start: m for m in mentions}
    for m in mentions:
        if m.label != "PERSON" or m.end < 0:
            continue
        while m.end < len(doc) and not covered[m.end] and doc[m.end].pos_ == "PROPN" and _name_token(doc[m.end]) \
                and doc[m.end].text[:1].isupper() and m.end not in ctx.title_at and not doc[m.end].is_sent_start:
            covered[m.end] = True
            m.end += 1
        if m.end + 1 < len(doc) and doc[m.end].text == "-" and not doc[m.end - 1].whitespace_ \
                and not doc[m.end].whitespace_ and doc[m.end + 1].is_alpha and not covered[m.end + 1]:
            m.end += 2  # "Moon Hye" + "-jin"
        nxt = starts.get(m.end)
        if nxt is not None and nxt is not m and nxt.label in ("PERSON", "ORG", "GPE", "NORP") and doc[m.end - 1].whitespace_ \
                and _looks_like_name(doc, m.start, nxt.end, allow_place=True):
            m.end, nxt.end = nxt.end, -1  # merged; the other is dropped below
    mentions[:] = [m for m in mentions if m.end >= 0]
    # a PERSON runs over the given names the model left out: "Recep Tayyip" + "Erdogan"
    for m in mentions:
        if m.label != "PERSON":
            continue
        while m.start > 0 and not covered[m.start - 1] and doc[m.start - 1].pos_ == "PROPN" \
                and _name_token(doc[m.start - 1]) and not _is_title_or_modifier(doc[m.start - 1]) \
                and (m.start - 1) not in ctx.title_ending and not doc[m.start].is_sent_start:
            m.start -= 1
            covered[m.start] = True


def _possessive_organizations(doc: Doc, mentions: list[_Mention]) -> list[_Mention]:
    """Bodies named after a country's possessive that the model left untagged: "Russia's Defense Ministry",
    "Kenya's Supreme Court" (capitalized words ending in an organization word)."""
    covered = _covered(mentions, len(doc))
    bodies = {m.start: m for m in mentions if m.label == "ORG"}
    added = []
    for m in mentions:
        k = m.end
        if m.label != "GPE" or k + 1 >= len(doc) or doc[k].text not in _POSSESSIVE:
            continue
        tagged = bodies.get(k + 1)
        if tagged is not None:  # the model tagged the body itself: it is still that country's
            if tagged.country is None and doc[tagged.end - 1].lower_ in lex.org_words():
                tagged.country = lex.country_code(doc[m.start:m.end].text)
            continue
        end = k + 1
        while end < len(doc) and not covered[end] and doc[end].text[:1].isupper() and doc[end].is_alpha \
                and end - k <= 5:
            end += 1
        while end > k + 1 and doc[end - 1].lower_ not in lex.org_words():
            end -= 1
        if end > k + 1:
            added.append(_Mention(k + 1, end, "ORG", country=lex.country_code(doc[m.start:m.end].text)))
    return added


def _parenthetical_acronyms(doc: Doc, mentions: list[_Mention]) -> dict[str, _Mention]:
    """Acronyms the article defines: "Brisk Aerospace Systems (BAS)" → {"BAS": that mention}.

    A definition is stronger than the model's label: a "person" defined by its initials is an organization."""
    found: dict[str, _Mention] = {}
    for m in mentions:
        if m.end + 2 < len(doc) and doc[m.end].text == "(" and doc[m.end + 2].text == ")":
            acronym = doc[m.end + 1].text.replace(".", "")
            if not _ACRONYM.match(acronym) or acronym in found:
                continue
            initials = acronym in _acronym_of(doc[m.start:m.end].text.replace("-", " ").split())
            if initials or m.label == "ORG":  # not "AMMAN, Jordan (AP)"
                found[acronym] = m
                if m.label == "PERSON":
                    m.label = "ORG"
    return found


def _last_word(doc: Doc, m: _Mention) -> str:
    """The last word of a name, hyphenated parts included ("Ogunleye-Bankole")."""
    j = m.end - 1
    while j > m.start and not doc[j - 1].whitespace_:
        j -= 1
    return doc[j:m.end].text


def _alias_mentions(doc: Doc, ctx: _Context, mentions: list[_Mention], acronyms: dict[str, _Mention],
                    text: str) -> list[_Mention]:
    """Known names standing alone where the model tagged nothing: a person's surname ("Aydin declined to say
    more"), the parts of a double surname ("Carrasco"), an acronym the article defined ("the CGES said")."""
    aliases: dict[str, str] = {}
    for m in mentions:
        if m.label == "PERSON" and (m.end - m.start >= 2 or m.start in ctx.title_ending):
            words = _name_words(doc, m)
            last = _last_word(doc, m)
            if last[:1].isupper() and len(last) > 1:
                aliases.setdefault(last, "PERSON")
            if len(words) >= 3:  # "Inés Carrasco Villalba" → "Carrasco"
                for token in doc[m.start + 1:m.end - 1]:
                    if token.text[:1].isupper() and token.is_alpha and token.lower_ not in lex.name_parts():
                        aliases.setdefault(token.text, "PERSON")
        elif m.label == "ORG" and _ACRONYM.match(doc[m.start:m.end].text):
            aliases.setdefault(doc[m.start:m.end].text, "ORG")
    for acronym in acronyms:
        aliases[acronym] = "ORG"
    if not aliases:
        return []
    covered = _covered(mentions, len(doc))
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True))
                         + r")(?![\w-])")
    added = []
    for match in pattern.finditer(text):
        span = doc.char_span(match.start(), match.end())
        if span is None or any(covered[i] for i in range(span.start, span.end)):
            continue
        added.append(_Mention(span.start, span.end, aliases[match.group(1)]))
        for i in range(span.start, span.end):
            covered[i] = True
    return added


def _dedupe(mentions: list[_Mention]) -> list[_Mention]:
    mentions = [m for m in mentions if m.start < m.end]
    mentions.sort(key=lambda m: (m.start, -(m.end - m.start)))
    out: list[_Mention] = []
    for m in mentions:
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return out


# ---- roles -------------------------------------------------------------------------------------------------

def _country_of_tokens(doc: Doc, start: int, end: int) -> str | None:
    text = doc[start:end].text
    d = lex.demonym(text)
    return (d.country if d else None) or lex.country_code(text)


def _role_pieces(doc: Doc, start: int, end: int, splits=()) -> tuple[list[str], str | None, str | None]:
    """Roles, country and gender stated by a role phrase: "Turkish Foreign Minister", "a lawmaker and elder"."""
    roles: list[str] = []
    country = gender = None
    pieces, a = [], start
    for i in range(start, end):
        if (doc[i].lower_ in _CONNECTORS or doc[i].text in {",", ";"}) and _role_follows(doc, i + 1, end) \
                and not any(t.pos_ == "ADP" for t in doc[a:i]):
            pieces.append((a, i))
            a = i + 1
        elif i in splits and i > a:
            pieces.append((a, i))
            a = i
    pieces.append((a, end))
    for a, b in pieces:
        while a < b and (doc[a].lower_ in _DETERMINERS or doc[a].is_punct):
            a += 1
        b = next((k for k in range(a, b) if doc[k].text == "("), b)  # "chairman of the Board (INEB)" → no "(INEB"
        # a possessor before the role: "Turkey's president", "the group's spokesman" (not "Workers' Party")
        for k in range(a + 1, min(b, a + 5)):
            if doc[k].text in _POSSESSIVE:
                country = country or _country_of_tokens(doc, a, k)
                a = k + 1
                break
            if _is_title_or_modifier(doc[k]) or doc[k].pos_ == "ADP":
                break
        # leading demonyms and country names: "Turkish", "U.S." — but not "Singapore-based", "Greek Orthodox",
        # and kept in the text where they belong to a name ("Palestinian Authority official")
        while a < b:
            found = None
            for k in range(min(b, a + 4), a, -1):
                code = _country_of_tokens(doc, a, k)
                if code:
                    found = (k, code)
                    break
            if not found:
                break
            k, code = found
            nxt = doc[k] if k < b else None
            if nxt is not None and (nxt.text in {"-", "–"} or (lex.demonym(nxt.text) and lex.demonym(nxt.text).kind in
                                                             ("religious", "ethnic"))):
                break
            country = country or code
            if nxt is not None and (nxt.lower_ in lex.org_words() or (
                    nxt.pos_ == "PROPN" and not _is_title_or_modifier(nxt))):
                break
            a = k
        while b > a and doc[b - 1].is_punct and doc[b - 1].text != ".":
            b -= 1
        if a >= b:
            continue
        title = _title_of(doc, a, b)
        if title is not None:
            gender = gender or title.gender
            if _is_honorific(title):
                continue
        surface = doc[a:b].text
        if title is not None and "." in surface:
            surface = title.canonical  # "Gen." → "General", "Lt. Gen." → "Lieutenant General"
        else:
            for k in range(a, b):  # gender from any title word inside ("Foreign Ministry spokeswoman")
                t = lex.titles().get(doc[k].lower_)
                if t is not None and t.gender:
                    gender = gender or t.gender
        roles.append(surface)
    return roles, country, gender


def _role_follows(doc: Doc, start: int, end: int) -> bool:
    """Whether a connector at ``start - 1`` joins two roles ("lawmaker and tribal elder"), not two nouns
    inside one ("for terrorism and financial intelligence")."""
    for k in range(start, end):
        if doc[k].lower_ in _CONNECTORS or doc[k].text in {",", ";"}:
            break
        if _is_title_or_modifier(doc[k]) or doc[k].lower_ in _DETERMINERS:
            return True
    return False


def _pre_name_phrase(doc: Doc, ctx: _Context, start: int) -> tuple[int, list[int]]:
    """The role phrase right before a name ("Turkish Foreign Minister" before "Selim Karaca"): its start, and
    where a new role begins inside it ("Pentagon spokeswoman | Lt. Col.")."""
    sent_start = doc[start].sent.start if start < len(doc) else 0
    i, has_title, phrase_start = start, False, start
    splits: list[int] = []
    while i > sent_start:
        title_start = ctx.title_ending.get(i)
        if title_start is not None and title_start >= sent_start:
            if has_title and phrase_start == i and i in ctx.title_at:
                splits.append(i)
            i = phrase_start = title_start
            has_title = True
            continue
        token = doc[i - 1]
        low = token.lower_
        if low in lex.role_modifiers():
            i -= 1
            phrase_start = i if has_title else phrase_start
            continue
        if low in _CONNECTORS and has_title and i - 1 > sent_start and (
                (i - 1) in ctx.title_ending or _is_title_or_modifier(doc[i - 2])):
            i -= 1
            continue
        if token.text in _POSSESSIVE and has_title:
            i -= 1
            continue
        if has_title and (token.ent_type_ in ("GPE", "NORP", "ORG") or lex.demonym(token.text)
                          or (_is_capitalized(token) and token.pos_ in ("PROPN", "NOUN")
                              and (not token.is_sent_start or token.pos_ == "PROPN")
                              and token.ent_type_ != "PERSON")):
            i -= 1
            phrase_start = i
            continue
        break
    return (phrase_start, splits) if has_title else (start, [])


def _attach_roles(doc: Doc, ctx: _Context, m: _Mention) -> None:
    spans: list[tuple[int, int, list[int]]] = []
    pre, splits = _pre_name_phrase(doc, ctx, m.start)
    if pre < m.start:
        spans.append((pre, m.start, splits))
    # before the name across a comma: "a Turkish commander, Col. Murat Aydin"
    if pre >= 2 and doc[pre - 1].text == ",":
        k = _role_before_comma(doc, ctx, pre - 1)
        if k is not None:
            spans.append((k, pre - 1, []))
    # an appositive after the name: "Ahmed Saleh, a lawmaker and tribal elder,"
    appos = _appositive_after(doc, ctx, m)
    if appos:
        spans.append((*appos, []))
    relative = _role_from_relative_clause(doc, m)
    if relative:
        role, country = relative
        if role.lower() not in (r.lower() for r in m.roles):
            m.roles.append(role)
        m.country = m.country or country
    for a, b, cut in spans:
        roles, country, gender = _role_pieces(doc, a, b, cut)
        for role in roles:
            if role.lower() not in (r.lower() for r in m.roles):
                m.roles.append(role)
        m.country = m.country or country
        m.gender = m.gender or gender


def _role_before_comma(doc: Doc, ctx: _Context, comma: int) -> int | None:
    """Start of a role phrase that ends at ``comma`` and introduces the name after it: "A spokesman for Hong
    Kong Exchanges, Edmund Chau", "South Korea's defense minister, Park Jae-won"; None when there is none."""
    sent_start = doc[comma].sent.start
    k, has_title = comma, False
    while k > sent_start and comma - k < 14:
        token = doc[k - 1]
        if token.text == ")":  # skip an acronym in parentheses: "the Electoral Board (INEB),"
            opening = next((j for j in range(k - 2, max(sent_start, k - 6) - 1, -1) if doc[j].text == "("), None)
            if opening is not None:
                k = opening
                continue
        if token.pos_ in ("VERB", "AUX") or (token.ent_type_ == "PERSON" and not _ACRONYM.match(token.text)) or (
                token.is_punct and token.text not in {"-", "’", "'"}):
            break
        if token.lower_ in _DETERMINERS and k - 2 > sent_start and doc[k - 2].pos_ == "ADP":
            k -= 1  # "The chairman of the INEB": a determiner inside the phrase
            continue
        if token.lower_ in _DETERMINERS or token.lower_ in _POSSESSIVE_PRONOUNS:
            return k if has_title else None
        if token.text in _POSSESSIVE:  # the possessor opens the phrase: "South Korea's", "GCL's"
            j = k - 1
            while j > sent_start and doc[j - 1].pos_ in ("PROPN", "NOUN") and k - j < 5:
                j -= 1
            if j > sent_start and doc[j - 1].lower_ in _DETERMINERS:
                j -= 1
            return j if has_title and j < k - 1 else None
        if (token.lower_ in lex.titles() and token.pos_ in ("NOUN", "PROPN")) or k in ctx.title_ending:
            has_title = True
        k -= 1
    if k == sent_start and has_title:
        return k
    return None


def _role_from_relative_clause(doc: Doc, m: _Mention) -> tuple[str, str | None] | None:
    """ "X, who heads the crossings committee," → ("head of the crossings committee", country)."""
    i = m.end
    if i + 3 < len(doc) and doc[i].text == "," and doc[i + 1].like_num and doc[i + 2].text == ",":
        i += 2  # "Yves Le Goff, 58, who heads ..."
    if i + 2 >= len(doc) or doc[i].text != "," or doc[i + 1].lower_ != "who":
        return None
    verb = doc[i + 2]
    noun = lex.role_verbs().get(verb.lemma_.lower())
    if noun is None or verb.tag_ not in ("VBZ", "VBD", "VBP"):
        return None
    end = _next_comma(doc, i + 3)
    if end - (i + 3) < 1 or end - (i + 3) > 10:
        return None
    country = None
    for k in range(i + 3, min(end, i + 8)):
        if doc[k].text in _POSSESSIVE:
            country = _country_of_tokens(doc, i + 3 if doc[i + 3].lower_ not in _DETERMINERS else i + 4, k)
            break
    return f"{noun} of {doc[i + 3:end].text}", country


def _appositive_after(doc: Doc, ctx: _Context, m: _Mention) -> tuple[int, int] | None:
    """The description in commas after a name: "Ahmed Saleh, a lawmaker and tribal elder, said"."""
    if m.end >= len(doc) - 1 or doc[m.end].text != ",":
        return None
    start = m.end + 1
    if start + 2 < len(doc) and doc[start].like_num and doc[start + 1].text == ",":
        start += 2  # "Paul Lindqvist, 62, a retired Army colonel"
    end = _next_comma(doc, start)
    if end >= len(doc) or doc[end].text not in _APPOSITIVE_CLOSERS and not doc[end].is_sent_start:
        return None  # not closed: a list or a clause, not an appositive
    for k in range(start + 1, end):
        # "a teacher in a village west of the town", "a former teacher known as ..." → the role only
        if doc[k].lower_ in lex.role_stop_words() or (doc[k].tag_ in ("VBN", "VBG") and doc[k].dep_ == "acl"):
            end = k
            break
    if not 0 < end - start <= 12 or all(t.like_num or t.is_punct for t in doc[start:end]):
        return None  # an age ("Karaca, 61,") is not a role
    first = doc[start]
    if first.pos_ in ("VERB", "AUX", "PRON") and first.lower_ not in ("his", "her", "its", "their"):
        return None
    if first.ent_type_ in ("PERSON", "DATE", "TIME", "CARDINAL") and not any(
            doc[k].lower_ in lex.titles() for k in range(start, end)):
        return None
    has_title = any(doc[k].lower_ in lex.titles() or k in ctx.title_at for k in range(start, end))
    head = doc[m.start:m.end].root
    parsed_appos = any(t.dep_ == "appos" and t.head == head and start <= t.i < end and t.pos_ == "NOUN"
                       for t in doc[start:end])
    if has_title or parsed_appos:
        return start, end
    body = start + 1 if doc[start].lower_ in _DETERMINERS else start
    if end - body == 1 and lex.demonym(doc[body].text):
        return start, end  # "Whitfield, an American,": the country, not a role
    return None


_LOCATIVE = {"in", "into", "to", "from", "at", "near", "across", "outside", "inside", "toward", "towards", "via"}
_POSSESSIVE_PRONOUNS = {"his", "her", "its", "their", "our", "my", "your"}
_APPOSITIVE_CLOSERS = {",", ".", ";", "—", "–", "(", '"', "“", "”"}


def _possessor_words(doc: Doc, start: int, end: int) -> set[str]:
    """The first word of the span when it opens a possessive ("Turkey's president")."""
    for k in range(start + 1, min(end, start + 4)):
        if doc[k].text in _POSSESSIVE:
            return {doc[start].lower_}
    return set()


def _next_comma(doc: Doc, start: int) -> int:
    k = start
    while k < len(doc) and doc[k].text not in {",", ";", ".", "(", ")", "—", "–", '"', "“", "”"} \
            and not (k > start and doc[k].is_sent_start):
        k += 1
    return k


# ---- grouping mentions into entities ------------------------------------------------------------------------

def _name_words(doc: Doc, m: _Mention) -> list[str]:
    """Lowercase words of a personal name, suffixes and punctuation left out, particles joined to what follows."""
    words: list[str] = []
    for token in doc[m.start:m.end]:
        low = token.lower_
        if lex.name_parts().get(low) == "suffix" or (token.is_punct and token.text not in "-'’"):
            continue
        if words and (words[-1].endswith("-") or token.text in "-'’" or token.whitespace_ == "" and False):
            words[-1] += low
        elif token.text in "-'’" and words:
            words[-1] += low
        else:
            words.append(low)
    return words


def _surname(words: list[str]) -> str:
    """The surname to compare, its joined particle dropped ("al-sistani" → "sistani")."""
    last = words[-1] if words else ""
    if "-" in last:
        for particle in _joined_particles():
            if last.startswith(particle):
                return last[len(particle):]
    return last


_JOINED: tuple[str, ...] | None = None


def _joined_particles() -> tuple[str, ...]:
    global _JOINED
    if _JOINED is None:
        _JOINED = tuple(p for p, kind in lex.name_parts().items() if kind == "particle" and p.endswith("-"))
    return _JOINED


def _compatible_given(a: list[str], b: list[str]) -> bool:
    """Two names of one person: "Lloyd Austin" / "Austin", "Oumarou Dan Bakoye" / "Dan Bakoye", "J. Austin"."""
    if len(a) < 2 or len(b) < 2:
        return True
    short, long_ = sorted((a, b), key=len)
    if long_[-len(short):] == short:
        return True
    x, y = a[0].rstrip("."), b[0].rstrip(".")
    return x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))


@dataclass(slots=True)
class _Cluster:
    label: str
    mentions: list[_Mention]
    words: list[str] = field(default_factory=list)  # persons: the fullest name's words
    key: tuple = ()
    labels: dict[str, int] = field(default_factory=dict)


def _acronym_of(words: list[str]) -> set[str]:
    caps = [w for w in words if w[:1].isalpha()]
    out = set()
    if len(caps) >= 2:
        out.add("".join(w[0] for w in caps).upper())
        content = [w for w in caps if w.lower() not in _STOP_INITIALS]
        if len(content) >= 2:
            out.add("".join(w[0] for w in content).upper())
    return out


def _norm(text: str) -> str:
    text = text.replace("’", "'").strip()
    text = re.sub(r"^(the|The)\s+", "", text)
    return " ".join(text.split()).lower()


def _other_key(doc: Doc, m: _Mention, acronyms: dict[str, _Mention]) -> tuple:
    """What non-person mentions of one referent share: a defined acronym's expansion, a country, a demonym's
    country, else the normalized name."""
    text = doc[m.start:m.end].text
    bare = text.replace(".", "")
    if bare in acronyms and acronyms[bare] is not m:
        return _other_key(doc, acronyms[bare], {})
    if m.label == "NORP":
        d = lex.demonym(text)
        return ("N", d.country) if d and d.country else ("T", _norm(text))
    if m.label in ("GPE", "ORG", "LOC") and lex.is_country_name(text):
        return ("C", lex.country_code(text))
    if m.country:  # "Russia's Defense Ministry" and "Ukraine's Defense Ministry" are two bodies
        return ("T", _norm(text), m.country)
    return ("T", _norm(bare) if _ACRONYM.match(bare) else _norm(text))


def _cluster(doc: Doc, mentions: list[_Mention], acronyms: dict[str, _Mention]) -> list[_Cluster]:
    persons: list[_Cluster] = []
    others: list[_Cluster] = []
    by_key: dict[tuple, _Cluster] = {}
    for m in mentions:
        if m.label == "PERSON":
            words = _name_words(doc, m)
            if not words:
                continue
            surname = _surname(words)
            best = None
            for c in reversed(persons):  # the most recently mentioned compatible person
                if _surname(c.words) == surname and _compatible_given(c.words, words):
                    best = c
                    break
            if best is None and len(words) == 1:
                # the first of a double surname ("Carrasco" of "Inés Carrasco Villalba"), a middle name, or a
                # name used alone that only one person has ("Sheikh Hamdan" of "Hamdan bin Rashid al-Mansouri")
                best = next((c for c in reversed(persons) if len(c.words) >= 3 and words[0] in c.words[1:-1]), None)
                if best is None:
                    firsts = [c for c in persons if len(c.words) >= 2 and c.words[0] == words[0]]
                    best = firsts[0] if len(firsts) == 1 else None
            if best is None:
                persons.append(_Cluster("PERSON", [m], words))
            else:
                best.mentions.append(m)
                if len(words) > len(best.words):
                    best.words = words
            continue
        key = _other_key(doc, m, acronyms)
        c = by_key.get(key)
        if c is None:
            c = by_key[key] = _Cluster(m.label, [], key=key)
            others.append(c)
        c.mentions.append(m)
        c.labels[m.label] = c.labels.get(m.label, 0) + 1

    # forward references (a surname before the full name) and family names written first ("Liang Wenhao")
    for c in [c for c in persons if len(c.words) == 1]:
        matches = [p for p in persons if p is not c and len(p.words) > 1 and _surname(p.words) == _surname(c.words)]
        if not matches:
            matches = [p for p in persons if p is not c and len(p.words) == 2 and p.words[0] == c.words[0]]
        if len(matches) == 1:
            matches[0].mentions.extend(c.mentions)
            persons.remove(c)

    others = _merge_acronyms(doc, others)
    others = _merge_variants(doc, others)
    # a surname the model tagged ORG or GPE elsewhere ("Karaca" as ORG)
    surnames = {}
    for p in persons:
        for word in {_surname(p.words), " ".join(p.words), *p.words[1:-1]}:
            surnames.setdefault(word, []).append(p)
    for c in list(others):
        if c.key[0] != "T":
            continue
        owners = surnames.get(c.key[1])
        place_like = any(label in ("GPE", "LOC", "FAC") for label in c.labels) and \
            lex.place_country(doc[c.mentions[0].start:c.mentions[0].end].text, 10_000)
        if owners and len(owners) == 1 and not place_like:
            owners[0].mentions.extend(c.mentions)
            others.remove(c)
    for c in others:
        c.label = max(c.labels.items(), key=lambda kv: kv[1])[0] if c.labels else c.label
        if any(doc[m.end - 1].lower_ in lex.org_words() for m in c.mentions):
            c.label = "ORG"
        if c.key[0] == "C":
            c.label = "GPE"
    return persons + others


def _merge_acronyms(doc: Doc, clusters: list[_Cluster]) -> list[_Cluster]:
    expansions: dict[str, _Cluster] = {}
    for c in clusters:
        for m in c.mentions:
            words = doc[m.start:m.end].text.split()
            for acronym in _acronym_of(words):
                expansions.setdefault(acronym, c)
            # "Syrian Democratic Forces (SDF)": an explicit alias in parentheses
            if m.end + 2 < len(doc) and doc[m.end].text == "(" and doc[m.end + 2].text == ")" \
                    and _ACRONYM.match(doc[m.end + 1].text.replace(".", "")):
                expansions[doc[m.end + 1].text.replace(".", "")] = c
    out = []
    for c in clusters:
        acronym = c.key[1].upper() if c.key[0] == "T" and _ACRONYM.match(c.key[1].upper()) \
            and c.key[1].upper() == c.key[1].upper().replace(" ", "") else None
        target = expansions.get(acronym) if acronym else None
        if target is not None and target is not c and len(target.mentions) and \
                " " in doc[target.mentions[0].start:target.mentions[0].end].text:
            target.mentions.extend(c.mentions)
            for label, n in c.labels.items():
                target.labels[label] = target.labels.get(label, 0) + n
            continue
        out.append(c)
    return out


def _content_key(text: str) -> str:
    return " ".join(w for w in _norm(text).replace("'s", "").split() if w not in _STOP_INITIALS)


def _merge_variants(doc: Doc, clusters: list[_Cluster]) -> list[_Cluster]:
    """Organization names that differ only in spelling or word order ("Defense Ministry", "Ministry of Defense")."""
    out: list[_Cluster] = []
    for c in clusters:
        text = doc[c.mentions[0].start:c.mentions[0].end].text
        merged = False
        if c.key[0] == "T" and " " in text:
            key = _content_key(text)
            for o in out:
                if o.key[0] != "T" or o.key[2:] != c.key[2:]:
                    continue  # not a name, or the bodies of two different countries
                other = doc[o.mentions[0].start:o.mentions[0].end].text
                if " " in other and fuzz.token_sort_ratio(key, _content_key(other)) >= 92:
                    o.mentions.extend(c.mentions)
                    for label, n in c.labels.items():
                        o.labels[label] = o.labels.get(label, 0) + n
                    merged = True
                    break
        if not merged:
            out.append(c)
    return out


def _canonical_name(doc: Doc, c: _Cluster) -> str:
    def span_text(m):
        return doc[m.start:m.end].text

    if c.label == "PERSON":
        best = max(c.mentions, key=lambda m: (len(_name_words(doc, m)), len(span_text(m)), -m.start))
        return span_text(best)
    candidates = [m for m in c.mentions if not _ACRONYM.match(span_text(m).replace(".", ""))] or c.mentions
    return span_text(max(candidates, key=lambda m: (len(span_text(m)), -m.start)))


def _entity_country(doc: Doc, c: _Cluster, name: str) -> str | None:
    if c.label == "PERSON" or any(m.country for m in c.mentions):
        return next((m.country for m in c.mentions if m.country), None)
    if c.key and c.key[0] in ("C", "N"):
        return c.key[1]
    if c.label in ("GPE", "LOC"):
        return lex.place_country(name)
    if c.label == "NORP":
        d = lex.demonym(name)
        return d.country if d else None
    if c.label in ("ORG", "FAC"):
        words = name.replace("’", "'").split()
        for k in range(len(words)):  # "Turkish Armed Forces", "Bank of Japan"
            for n in (3, 2, 1):
                chunk = " ".join(words[k:k + n]).removesuffix("'s")
                if len(chunk.split()) == n:
                    d = lex.demonym(chunk)
                    code = (d.country if d else None) or lex.country_code(chunk)
                    if code:
                        return code
    return None


def extract_entities(doc: Doc, labels=frozenset(DEFAULT_LABELS)) -> tuple[list[Entity], dict[str, str]]:
    """The article's entities in order of first mention, and the gender the text gives each person."""
    ctx = _Context(doc)
    mentions = _raw_mentions(doc, ctx, frozenset(labels))
    if "PERSON" in labels:
        mentions += _names_after_titles(doc, ctx, mentions)
    mentions = _dedupe(mentions)
    _relabel(doc, ctx, mentions)
    mentions = _dedupe(mentions + _possessive_organizations(doc, mentions))
    acronyms = _parenthetical_acronyms(doc, mentions)
    mentions = _dedupe(mentions + _alias_mentions(doc, ctx, mentions, acronyms, doc.text))
    for m in mentions:
        if m.label == "PERSON":
            _attach_roles(doc, ctx, m)
    clusters = _cluster(doc, mentions, acronyms)
    clusters = [c for c in clusters if c.label in labels and c.mentions]
    for c in clusters:
        c.mentions.sort(key=lambda m: m.start)
    clusters.sort(key=lambda c: c.mentions[0].start)
    entities, genders = [], {}
    text = doc.text
    for n, c in enumerate(clusters, 1):
        ident = f"E{n}"
        name = _canonical_name(doc, c)
        roles: list[str] = []
        for m in c.mentions:
            for role in m.roles:
                if role.lower() not in (r.lower() for r in roles):
                    roles.append(role)
        spans = [Span.of(text, doc[m.start].idx, doc[m.end - 1].idx + len(doc[m.end - 1].text)) for m in c.mentions]
        entities.append(Entity(id=ident, name=name, type=c.label, roles=roles,
                               country=_entity_country(doc, c, name), mentions=spans))
        gender = next((m.gender for m in c.mentions if m.gender), None)
        if gender:
            genders[ident] = gender
    return entities, genders
