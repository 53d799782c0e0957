"""Quotes: who said what — direct, indirect and mixed quotations with their cue and speaker.

Steps, each a small function over the Doc the entity component has annotated:

1. :func:`_cues` finds the cue words: speech verbs from ``data/speech_verbs.tsv`` ("said", "told", "warned"),
   the phrases of ``data/quote_phrases.tsv`` ("according to"), and the speech-act nouns of
   ``data/nominal_cues.tsv`` that carry a clause of their own ("the ministry's warning that ...").
2. :func:`_direct_quotes` takes every passage in quotation marks (:mod:`.quotemarks`) and attaches the cue of its
   sentence: the verb the quote depends on, else the nearest cue beside it ("…," she said / He said: "…"), or a
   colon after a name ("Karaca: “…”"). A quote that goes on after its cue ("…," she said. "…") becomes one quote
   in parts.
3. :func:`_reported_quotes` turns the remaining cues into indirect quotes — the cue's complement clause ("said
   that …"), the clause a parenthetical cue interrupts ("…, X said."), the side of an "according to X" sentence
   that holds the report (both sides, in parts, when the phrase interrupts it), the clause of a nominal cue — and
   marks those that carry a quoted fragment as mixed. The rules (:func:`_rule_content`) find where a report
   starts and propose its end; where the report follows a verb cue in the same sentence, the learned end
   model (:mod:`.quote_model`, weights in ``newsgraph/models/quote_ends.npz``) picks the end among the breaks
   of the sentence. A speech verb under "declined to"/"refused to" (``data/refusal_verbs.txt``) is no cue, and
   a short scare quote no report takes in is no quotation.
4. :func:`_resolve` ties each speaker to the article's entity: names directly, pronouns to the compatible person
   (gender from the article's own titles and pronouns), nominals ("the general", "the ministry") to the entity
   holding that role, and quotes without a cue to the speaker of the quote before them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Token

from .. import lexicons as lex
from ..record import Quote, Span
from . import quote_model
from .quotemarks import quoted_passages

if not Doc.has_extension("ng_quotes"):
    Doc.set_extension("ng_quotes", default=None)

_SUBJECTS = ("nsubj", "nsubjpass", "csubj", "expl")
_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "himself": "m",
                   "she": "f", "her": "f", "hers": "f", "herself": "f"}
_GROUP_PRONOUNS = {"they", "it", "we"}
_QUOTE_CHARS = set("\"“”«»„‘’'`") | {"''", "``"}  # as token texts: spaCy keeps '' whole


@Language.factory("newsgraph_quotes")
def make_quotes(nlp: Language, name: str):
    return QuoteExtractor()


class QuoteExtractor:
    """Writes ``doc._.ng_quotes`` (list of :class:`~newsgraph.record.Quote`), after ``newsgraph_entities``."""

    def __init__(self):
        speech_verbs(), quote_phrases(), content_prepositions(), other_verb_particles(), refusal_verbs()

    def __call__(self, doc: Doc) -> Doc:
        doc._.ng_quotes = extract_quotes(doc)
        return doc


@lru_cache(maxsize=1)
def speech_verbs() -> dict[str, str]:
    """Speech verb lemma → what its object is: ``yes`` the addressee ("told reporters"), ``content`` what was
    said ("announced new curbs"), ``no`` neither."""
    return {row["verb"]: row.get("object") or "no" for row in lex.data_rows("speech_verbs.tsv")}


@lru_cache(maxsize=1)
def content_prepositions() -> dict[str, frozenset[str]]:
    """Speech verb lemma → the prepositions that open what it reports ("call" → for, on)."""
    return {row["verb"]: frozenset((row.get("prepositions") or "").split()) for row in lex.data_rows("speech_verbs.tsv")}


@lru_cache(maxsize=1)
def other_verb_particles() -> dict[str, frozenset[str]]:
    """Speech verb lemma → the particles that make it another verb ("call off", "add up")."""
    return {row["verb"]: frozenset((row.get("not_with") or "").split()) for row in lex.data_rows("speech_verbs.tsv")}


@lru_cache(maxsize=1)
def refusal_verbs() -> frozenset[str]:
    """Verbs under which a speech verb reports nothing ("declined to comment")."""
    return lex.data_words("refusal_verbs.txt")


@lru_cache(maxsize=1)
def nominal_cues() -> dict[str, frozenset[str]]:
    """Speech-act noun lemma → the complements that report words ("that", "to"): "the ministry's warning that
    ...", "his pledge to ..."."""
    return {row["noun"]: frozenset(row["clause"].split()) for row in lex.data_rows("nominal_cues.tsv")}


@lru_cache(maxsize=1)
def quote_phrases() -> dict[tuple[str, ...], str]:
    return {tuple(row["phrase"].lower().split()): row["kind"] for row in lex.data_rows("quote_phrases.tsv")}


@dataclass(slots=True)
class _Cue:
    head: Token  # the verb (or the first word of a phrase, or the colon)
    start: int  # token range of the cue span
    end: int
    kind: str = "verb"  # verb | phrase | colon | noun


@dataclass(slots=True)
class _Found:
    kind: str
    pieces: list[tuple[int, int]]  # character ranges
    cue: _Cue | None = None
    speaker: tuple[int, int] | None = None  # token range
    entity: str | None = None
    paragraph: int = 0


@dataclass(slots=True)
class _Entities:
    """Lookups over the entity component's output, and where the Doc's sentences and paragraphs start."""

    by_token: dict[int, str] = field(default_factory=dict)
    mention_tokens: dict[int, tuple[int, int]] = field(default_factory=dict)  # token → its mention's range
    types: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    roles: dict[str, list[str]] = field(default_factory=dict)
    genders: dict[str, str] = field(default_factory=dict)
    mentions: list[tuple[int, str]] = field(default_factory=list)  # (first token, entity id), in text order
    sent_starts: list[int] = field(default_factory=list)  # first token of each sentence
    paragraphs: list[int] = field(default_factory=list)  # first character of each paragraph (non-empty line)

    def type_at(self, i: int) -> str | None:
        """The type (PERSON, ORG, ...) of the entity a mention at token ``i`` names; None outside mentions."""
        entity = self.by_token.get(i)
        return self.types.get(entity) if entity is not None else None


def _entity_index(doc: Doc, text: str) -> _Entities:
    index = _Entities(sent_starts=[s.start for s in doc.sents],
                      paragraphs=[m.start() for m in re.finditer(r"[^\n]+", text)])
    for entity in doc._.ng_entities or []:
        index.types[entity.id] = entity.type
        index.names[entity.id] = entity.name
        index.roles[entity.id] = entity.roles
        for mention in entity.mentions:
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None:
                continue
            index.mentions.append((span.start, entity.id))
            for i in range(span.start, span.end):
                index.by_token[i] = entity.id
                index.mention_tokens[i] = (span.start, span.end)
    index.mentions.sort()
    index.genders = _genders(doc, index)
    return index


def _genders(doc: Doc, index: _Entities) -> dict[str, str]:
    """Each person's gender as the article gives it: titles and honorifics first ("spokeswoman", "Mr."), then
    the pronouns in a sentence that names that person and no other one before them ("Ruiz said her ...")."""
    genders = dict(doc._.ng_entity_genders or {})
    votes: dict[str, dict[str, int]] = {}
    persons = [(i, e) for i, e in index.mentions if index.types.get(e) == "PERSON"]
    if not persons:
        return genders
    for token in doc:
        gender = _PRONOUN_GENDER.get(token.lower_)
        if gender is None:
            continue
        window_start = token.sent.start
        nearby = {e for i, e in persons if window_start <= i < token.i}
        if len(nearby) == 1:
            (entity,) = nearby
            votes.setdefault(entity, {"m": 0, "f": 0})[gender] += 1
    for entity, count in votes.items():
        if entity not in genders and count["m"] != count["f"]:
            genders[entity] = "m" if count["m"] > count["f"] else "f"
    return genders


def _previous_sentence_start(sent_starts: list[int], i: int) -> int:
    k = bisect.bisect_right(sent_starts, i) - 1
    return sent_starts[max(0, k - 1)]


# ---- cues ---------------------------------------------------------------------------------------------------

def _cues(doc: Doc) -> list[_Cue]:
    verbs = speech_verbs()
    phrases = quote_phrases()
    cues: list[_Cue] = []
    for token in doc:
        low = token.lower_
        for phrase in phrases:
            if low == phrase[0] and doc[token.i:token.i + len(phrase)].text.lower().split() == list(phrase):
                cues.append(_Cue(token, token.i, token.i + len(phrase), "phrase"))
        if token.pos_ == "NOUN" and _nominal_clause(token) is not None:
            cues.append(_Cue(token, token.i, token.i + 1, "noun"))
            continue
        if token.pos_ not in ("VERB", "AUX") and token.tag_ not in ("VBD", "VBZ", "VBP", "VBG", "VBN"):
            continue
        lemma = token.lemma_.lower()
        if lemma not in verbs:
            continue
        if lemma == "say" and token.i >= 1 and doc[token.i - 1].lower_ == "as" and any(
                t.lemma_ == "quote" for t in doc[max(0, token.i - 10):token.i]):
            continue  # "was quoted (by ...) as saying": one cue, headed by "quoted"
        if lemma != "quote" and any(c.dep_ == "auxpass" for c in token.children):
            continue  # "had been informed", "was told": the subject is the addressee, not the speaker
        if any(c.dep_ == "neg" for c in token.children):
            continue  # "would not comment", "did not say"
        if any(c.dep_ == "prt" and c.lower_ in other_verb_particles().get(lemma, ()) for c in token.children):
            continue  # "called off the talks", "the figures add up"
        if token.dep_ == "xcomp" and token.head.lemma_.lower() in refusal_verbs():
            continue  # "declined to comment on the program": no words were reported
        if token.tag_ == "VBN" and not any(c.dep_ in ("aux", "auxpass", "nsubj") for c in token.children):
            continue  # "Asked whether ...": a participle, not a report
        if token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "by" and token.tag_ == "VBG":
            continue  # "Reporting by ...; Editing by ...": a credit line
        cues.append(_Cue(token, *_cue_range(doc, token)))
    return cues


#: Verbs whose object is a speech act of their subject: "repeated his claim that", "issued a warning that".
_SPEECH_ACT_VERBS = frozenset({"make", "issue", "repeat", "reiterate", "renew", "voice", "deliver", "offer",
                               "give", "release", "publish", "file", "level", "lodge", "post"})


def _nominal_clause(noun: Token) -> Token | None:
    """The clause a speech-act noun reports ("the ministry's warning that the dam could fail": fail; "his pledge
    to cut taxes": cut), None when the noun is no nominal cue or has no such clause. A relative clause ("the
    claim that he made") is none, and neither is a negated or denied act's noun without a clause."""
    wanted = nominal_cues().get(noun.lemma_.lower())
    if not wanted:
        return None
    doc = noun.doc
    between = {noun.i} | {t.i for c in noun.rights if c.dep_ == "prep" for t in c.subtree}  # "allegations by X"
    for clause in noun.rights:
        if clause.dep_ not in ("acl", "ccomp") or clause.pos_ not in ("VERB", "AUX"):
            continue
        first = doc[clause.left_edge.i]
        if not all(k in between for k in range(noun.i, first.i)):
            continue
        if "that" in wanted and first.lower_ == "that":
            fills = _SUBJECTS if first.dep_ in _SUBJECTS else ("dobj",) if first.dep_ in ("dobj", "pobj") else ()
            if fills and not any(c.dep_ in fills for c in clause.children if c.i != first.i):
                continue  # "the claim that was made", "the claim that he made": "that" fills a gap, a relative
            return clause
        if "to" in wanted and first.lower_ == "to" and first.dep_ == "aux":
            return clause  # "his pledge to cut taxes"
    return None


def _cue_range(doc: Doc, verb: Token) -> tuple[int, int]:
    """The cue's span: the verb with its auxiliaries ("has said", "had warned"), or "quoted as saying"."""
    start, end = verb.i, verb.i + 1
    for child in verb.lefts:
        if child.dep_ in ("aux", "auxpass", "neg") and child.i == start - 1:
            start = child.i
    while start > 0 and doc[start - 1].dep_ in ("aux", "auxpass") and doc[start - 1].head == verb:
        start -= 1
    if end < len(doc) and doc[end].lower_ == "for" and "for" in content_prepositions().get(verb.lemma_.lower(), ()) \
            and doc[end].dep_ == "mark" and doc[end].head.head == verb:
        end += 1  # "calling for his rivals to drop out"
    elif end < len(doc) and doc[end].lower_ in content_prepositions().get(verb.lemma_.lower(), ()) \
            and doc[end].head == verb and any(
            c.dep_ in ("pobj", "pcomp") for c in doc[end].children):
        end += 1  # "called for", "called on"
    if verb.lemma_ == "quote":  # "was quoted (by a local website) as saying"
        for k in range(verb.i + 1, min(len(doc), verb.i + 12)):
            if doc[k].lemma_ == "say" and doc[k - 1].lower_ == "as":
                end = k + 1
                break
    return start, end


# ---- speakers -----------------------------------------------------------------------------------------------

def _speaker_of(doc: Doc, cue: _Cue, inside: tuple[int, int] | None, index: _Entities) -> tuple[int, int] | None:
    """The mention that introduces what the cue reports."""
    if cue.kind == "phrase":  # "according to X": X
        for token in doc[cue.end - 1].children:
            if token.dep_ == "pobj":
                return _noun_phrase(doc, token, index)
        if cue.end < len(doc):
            return _noun_phrase(doc, doc[cue.end], index)
        return None
    if cue.kind == "colon":
        return _noun_phrase(doc, cue.head, index)
    if cue.kind == "noun":
        return _nominal_speaker(doc, cue.head, index)
    verb = cue.head
    fallback = None
    for _ in range(5):  # "She smiled and said", "..., saying", "ended by saying": the subject it is joined to
        subjects = [c for c in verb.children if c.dep_ in _SUBJECTS and not _within(c.i, inside)]
        subject = subjects[0] if subjects else None
        if len(subjects) > 1 and subjects[1].i < verb.i and any(
                t.text in ("—", "–", "--") for t in doc[subjects[0].i:subjects[1].i]):
            subject = subjects[1]  # a dateline taken for a subject: "ANKARA, Turkey (AP) — Minister Selin Aksoy said"
        if subject is not None and subject.dep_ == "expl":
            return None
        if subject is not None and (verb is cue.head or verb.dep_ not in ("ccomp", "xcomp")
                                    or verb.lemma_.lower() in speech_verbs()):
            return _noun_phrase(doc, subject, index)
        if subject is not None and fallback is None:
            fallback = subject  # a conjunct inside what was said: keep climbing to the speech verb
        if verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN"):
            return _noun_phrase(doc, verb.head, index)  # "voters saying they want ...", "a report saying"
        if verb.dep_ in ("conj", "advcl", "xcomp", "pcomp", "prep", "ccomp") and verb.head != verb:
            verb = verb.head
        else:
            break
    if fallback is not None:
        return _noun_phrase(doc, fallback, index)
    for clause in cue.head.lefts:  # "Kasich offered him a job, then says ...": the parse hangs the first verb
        if clause.dep_ in ("ccomp", "conj") and not _within(clause.i, inside):  # of the pair under the cue
            subject = next((c for c in clause.children if c.dep_ == "nsubj"), None)
            if subject is not None and (index.type_at(subject.i) == "PERSON" or subject.lower_ in _PRONOUN_GENDER):
                return _noun_phrase(doc, subject, index)
    return _adjacent_speaker(doc, cue, inside, index)


def _nominal_speaker(doc: Doc, noun: Token, index: _Entities) -> tuple[int, int] | None:
    """Whose speech act a nominal cue names: its possessor ("the ministry's warning", "his pledge"), the agent
    after it ("allegations by prosecutors", "warnings from his attorney"), or the subject of the verb that
    performs it ("Ruiz repeated her claim that ..."); None when the text gives nobody ("reports that ...")."""
    for child in noun.children:
        if child.dep_ == "poss":
            return _noun_phrase(doc, child, index)
    for child in noun.lefts:  # "Trump charges that ..." (a headline's verb taken for a noun)
        if child.dep_ == "compound" and index.type_at(child.i) in ("PERSON", "ORG", "GPE", "NORP"):
            return index.mention_tokens[child.i]
    for child in noun.rights:
        if child.dep_ == "prep" and child.lower_ in ("by", "from") and child.i < noun.i + 3:
            pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
            if pobj is not None:
                return _noun_phrase(doc, pobj, index)
    if noun.dep_ in ("dobj", "obj") and noun.head.lemma_.lower() in _SPEECH_ACT_VERBS:
        subject = next((c for c in noun.head.children if c.dep_ == "nsubj"), None)
        if subject is not None:
            return _noun_phrase(doc, subject, index)
    return None


def _adjacent_speaker(doc: Doc, cue: _Cue, inside: tuple[int, int] | None, index: _Entities):
    """When the parse gives the cue no subject: the name or pronoun right beside it ("Ramos, 58, told",
    "…,” said Karaca"), skipping commas and an age."""
    i = cue.start - 1
    while i >= 0 and (doc[i].is_punct or doc[i].like_num) and doc[i].text not in _QUOTE_CHARS and cue.start - i < 5:
        i -= 1
    candidates = [i, cue.end]
    for k in candidates:
        if 0 <= k < len(doc) and not _within(k, inside):
            if index.type_at(k) in ("PERSON", "ORG", "GPE", "NORP"):
                return index.mention_tokens[k]
            if doc[k].pos_ == "PRON" and (doc[k].lower_ in _PRONOUN_GENDER or doc[k].lower_ in _GROUP_PRONOUNS):
                return k, k + 1
    return None


def _noun_phrase(doc: Doc, head: Token, index: _Entities) -> tuple[int, int]:
    """The speaker's span: the entity mention the head is in, a pronoun, or the head's noun phrase without its
    relative clauses and appositives ("two diplomats" of "two diplomats, who ...")."""
    if head.i in index.mention_tokens:
        return index.mention_tokens[head.i]
    for child in head.children:  # "the group's spokesman, Hozan Amed": the name in apposition
        if child.dep_ == "appos" and index.type_at(child.i) == "PERSON":
            return index.mention_tokens[child.i]
    if head.lower_ in ("who", "which", "that") and head.head.dep_ == "relcl" and head.head.head.i < head.i:
        return _noun_phrase(doc, head.head.head, index)  # "Smith, who said ...": Smith
    if head.pos_ == "PRON":
        return head.i, head.i + 1
    subtree = {t.i for t in head.subtree}
    for token in head.subtree:  # "Lawmaker and tribal elder Ahmed Salloum", "A spokeswoman for X, Jane Doe"
        if index.type_at(token.i) != "PERSON":
            continue
        mention = index.mention_tokens[token.i]
        between = [a for a in token.ancestors if a.i in subtree and a.i != head.i]
        root = doc[mention[1] - 1] if doc[mention[1] - 1].head.i not in range(*mention) else token
        attached = root.dep_ in ("appos", "conj") or any(a.dep_ in ("appos", "conj") for a in between)
        appositive = mention[0] > 0 and doc[mention[0] - 1].text == ","
        if (appositive or attached) and not any(a.dep_ in ("relcl", "acl", "pobj") for a in between):
            return mention
    start = head.i
    for child in sorted(head.lefts, key=lambda t: t.i, reverse=True):
        if child.dep_ in ("det", "amod", "compound", "nummod", "poss", "case", "quantmod", "nmod", "advmod") \
                and child.left_edge.i < start:
            start = child.left_edge.i
    end = head.i + 1
    for child in head.rights:
        if child.dep_ in ("compound", "flat") or (child.dep_ == "prep" and child.lower_ in ("of", "for", "at", "with")):
            edge = child.right_edge.i + 1
            for k in range(child.i + 1, edge - 1):  # "officials at two charities, who spoke ...": not the clause
                if doc[k].text == "," and (doc[k + 1].tag_ in ("WP", "WDT", "WP$") or doc[k + 1].dep_ in ("relcl", "acl")):
                    edge = k
                    break
            end = max(end, edge)
    while end > start + 1 and (doc[end - 1].is_punct or doc[end - 1].text in {"'s", "’s"}):
        end -= 1
    while start < end - 1 and doc[start].is_punct:
        start += 1
    return start, end


def _within(i: int, span: tuple[int, int] | None) -> bool:
    return span is not None and span[0] <= i < span[1]


# ---- direct quotes ------------------------------------------------------------------------------------------

def _token_range(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    return (span.start, span.end) if span is not None and len(span) else None


def _paragraph_of(char: int, starts: list[int]) -> int:
    """The index of the paragraph (non-empty line) holding ``char``; ``starts`` are the paragraphs' starts."""
    return bisect.bisect_right(starts, char) - 1


def _cue_for_direct(doc: Doc, q: tuple[int, int], cues: list[_Cue], paragraph_of) -> _Cue | None:
    """The cue of a quoted passage at tokens ``q``: the verb it depends on, else the nearest one beside it in
    its sentence; a colon right after a name ("Karaca: “…”")."""
    qs, qe = q
    sent_start = doc[qs].sent.start
    sent_end = doc[qe - 1].sent.end
    # a short clause right after the quote belongs to it: "…," she said. (the parser may split it off)
    if sent_end < len(doc) and doc[sent_end - 1].i < qe + 1:
        nxt = doc[sent_end].sent
        if len(nxt) <= 10:
            sent_end = nxt.end
    if qs > 0 and doc[qs - 1].text in {",", ":"} and doc[qs - 1].sent.start != sent_start:
        sent_start = doc[qs - 1].sent.start
    first_para, last_para = paragraph_of(doc[qs].idx), paragraph_of(doc[qe - 1].idx)
    before = qs - 1
    while before >= 0 and doc[before].is_space:
        before -= 1
    if before >= 0 and doc[before].text == ":" and paragraph_of(doc[before].idx) == first_para - 1:
        first_para -= 1  # 'He declared:' ending the paragraph before the quotation
        sent_start = doc[before].sent.start
    candidates = [c for c in cues if sent_start <= c.head.i < sent_end and not qs <= c.head.i < qe
                  and first_para <= paragraph_of(c.head.idx) <= last_para]
    if not candidates:
        if qs >= 2 and doc[qs - 1].text == ":" and doc[qs - 2].pos_ in ("PROPN", "NOUN", "PRON"):
            return _Cue(doc[qs - 2], qs - 1, qs, "colon")
        return None
    inside = set(range(qs, qe))

    def related(c: _Cue) -> bool:
        return any(t.i in inside and not t.is_punct for t in c.head.children) or (
            c.head.head.i in inside and c.head.dep_ in ("parataxis", "advcl", "ccomp", "conj"))

    def distance(c: _Cue) -> int:
        return qs - c.end if c.head.i < qs else c.start - qe

    return min(candidates, key=lambda c: (not related(c), distance(c) > 12, distance(c)))


def _direct_quotes(doc: Doc, text: str, cues: list[_Cue], index: _Entities) -> list[_Found]:
    found: list[_Found] = []

    def paragraph_of(char: int) -> int:
        return _paragraph_of(char, index.paragraphs)

    for pieces in quoted_passages(text):
        if _is_title_or_code(text, pieces) or _MARKUP.search(text, pieces[0][0], pieces[-1][1] + 2):
            continue
        first = _token_range(doc, *pieces[0])
        last = _token_range(doc, *pieces[-1])
        if first is None or last is None:
            continue
        q = (first[0], last[1])
        cue = _cue_for_direct(doc, q, cues, paragraph_of)
        speaker = _speaker_of(doc, cue, q, index) if cue is not None else None
        if speaker is not None and (q[0] <= speaker[0] < q[1]):
            speaker = None
        if speaker is None and cue is not None and cue.start >= q[1]:
            # "“…,” Texas delegate Bill Eastman, wearing a cowboy hat, said": the name between quote and cue
            speaker = next((index.mention_tokens[k] for k in range(q[1], cue.start)
                            if index.type_at(k) == "PERSON"), None)
        found.append(_Found("direct", list(pieces), cue, speaker, paragraph=_paragraph_of(pieces[0][0], index.paragraphs)))
    return _join_continued(doc, text, found)


_MARKUP = re.compile(r"\w=[\"“]|[\"“]\s*\w+=")  # embedded markup: 'author="JebBush"'
_SMALL_WORDS = {"a", "an", "the", "of", "and", "or", "for", "in", "on", "at", "to", "with", "by", "from", "de"}


def _is_title_or_code(text: str, pieces: list[tuple[int, int]]) -> bool:
    """A quoted name of a show, book or slogan in title case ("“Fareed Zakaria GPS”"), or a quoted number or
    code: not something someone said."""
    inner = " ".join(text[a:b] for a, b in pieces)
    words = re.findall(r"[^\W\d_][\w'’-]*", inner)
    if not words:
        return True
    bare = inner.strip(" \"“”‘’'«»,.")
    if " " not in bare and (bare.startswith(("@", "#")) or re.search(r"[a-z][A-Z]|_|[a-zA-Z]\d", bare)):
        return True  # a handle or an identifier: "@cspan", "realDonaldTrump", "user_42"
    if len(words) <= 5 and not re.search(r"[.!?]", inner) and all(
            w[0].isupper() or w.lower() in _SMALL_WORDS for w in words) and any(w[0].isupper() for w in words[1:] or words):
        return len(words) >= 2 or not inner.strip(" \"“”‘’'«»,").istitle() or False
    return False


def _scare_quote(text: str, f: _Found) -> bool:
    """A few quoted words inside a sentence that no report took in ("called it a “brazen breach” of the
    accord", "the bank's drive to “cross-sell”"): a term or a scare quote, not a quotation — up to six words,
    ending without punctuation inside the marks, neither opening a paragraph nor set off by a colon or comma."""
    if len(f.pieces) != 1:
        return False
    a, b = f.pieces[0]
    inner = text[a:b].strip("\"“”«»„‘’'` ")
    if len(re.findall(r"\w+", inner)) > 6 or re.search(r"[.,!?;:…—–-]$", inner):
        return False
    before = text[:a].rstrip(" \t")
    return bool(before) and before[-1] not in ",:\n([—–"


def _inner(text: str, piece: tuple[int, int]) -> str:
    return text[piece[0]:piece[1]].rstrip("\"“”«»„‘’' ")


def _opens_paragraph(text: str, char: int) -> bool:
    start = text.rfind("\n", 0, char) + 1
    return not text[start:char].strip()


def _join_continued(doc: Doc, text: str, found: list[_Found]) -> list[_Found]:
    """"A," she said. "B." — one quote in two parts when the second has no cue of its own (or the same)."""
    out: list[_Found] = []
    for f in found:
        prev = out[-1] if out else None
        if prev is not None and prev.kind == "direct" and prev.cue is not None and f.cue is None \
                and f.paragraph == prev.paragraph + 1 and _opens_paragraph(text, f.pieces[0][0]) \
                and not re.search(r"[.!?]\s+\w", text[prev.pieces[-1][1]:f.pieces[0][0]]):
            prev.pieces.extend(f.pieces)  # the next paragraph goes on quoting: one quote over two paragraphs
            continue
        if prev is not None and prev.kind == "direct" and prev.paragraph == f.paragraph and prev.cue is not None \
                and (f.cue is None or f.cue.head.i == prev.cue.head.i):
            gap = doc.char_span(prev.pieces[-1][1], f.pieces[0][0], alignment_mode="expand")
            cue_between = gap is not None and prev.cue.start >= gap.start and prev.cue.end <= gap.end
            # a quote broken off at a comma or a sentence end ("…,” she said. “…"), not a phrase inside a
            # sentence ("found him “very charming” and called it “unheard of”")
            closed = re.search(r"[,.?!…:;—–-]\W*$", _inner(text, prev.pieces[-1])) is not None
            # ''…,'' said Ana Ruiz, an economist who ran the budget office. ''…'': a long cue clause between
            # two pieces with the same cue still joins them
            same_cue = f.cue is not None and cue_between and not re.search(
                r"[\"“”«»]|''|``", text[prev.pieces[-1][1]:f.pieces[0][0]])
            # "…," but he said that the evidence "…": a clause of its own between them starts another report
            words = [t for t in gap if not t.is_punct] if gap is not None else []
            other_cue = bool(words) and words[0].dep_ == "cc"
            if closed and not other_cue and (gap is None or (cue_between and len(gap) <= 12) or f.cue is None
                                             or same_cue):
                prev.pieces.extend(f.pieces)  # the same speaker goes on in the same paragraph
                continue
        out.append(f)
    return out


# ---- indirect and mixed quotes ------------------------------------------------------------------------------

def _content_of(doc: Doc, cue: _Cue, text: str) -> tuple[int, int] | None:
    """The reported content of a cue, as a token range: what the rules find (:func:`_rule_content`), its end
    re-ranked by the learned end model (:mod:`.quote_model`) when the content follows a verb cue."""
    content = _rule_content(doc, cue, text)
    if content is None or not _end_model_applies(doc, cue, content):
        return content
    end = quote_model.default_model().choose(doc, cue.head, content[0], content[1])
    return (content[0], end) if end != content[1] else content


def _end_model_applies(doc: Doc, cue: _Cue, content: tuple[int, int]) -> bool:
    """The end model re-ranks the end of a report that follows its verb cue in the same sentence."""
    return cue.kind == "verb" and content[0] >= cue.end and doc[content[0]].sent.start == doc[cue.end - 1].sent.start


def _rule_content(doc: Doc, cue: _Cue, text: str) -> tuple[int, int] | None:
    """The reported content of a cue as the rules find it from the parse, as a token range."""
    verb = cue.head
    sent = verb.sent
    if cue.kind == "phrase":  # "According to X, Y." / "Y, according to X." / "X, according to Y, Z."
        phrase_start, phrase_end = _phrase_bounds(doc, cue)
        last = _words_end(doc, phrase_end, sent.end)
        opener = all(t.dep_ == "cc" or t.is_punct or t.lower_ in ("and", "but", "yet", "so")
                     for t in doc[sent.start:phrase_start])
        if opener:
            start, end = phrase_end, sent.end
        elif phrase_end >= last or not any(t.pos_ in ("VERB", "AUX") for t in doc[phrase_end:last]):
            # "Y, according to X." / "Y, according to X, more than twice the forecast": what follows is no clause
            start, end = sent.start, phrase_start
        else:  # the phrase interrupts the report: the caller splits the sentence around it
            start, end = sent.start, sent.end
        return _trim_content(doc, start, end)
    if cue.kind == "colon":
        return None
    if cue.kind == "noun":  # "the ministry's warning that the dam could fail"
        clause = _nominal_clause(verb)
        return _trim_content(doc, *_clause(doc, clause)) if clause is not None else None
    headline = _headline_rest(doc, cue, text)
    if headline is not None:
        return headline
    if verb.lemma_ == "quote" and cue.end - 1 > verb.i:
        verb = doc[cue.end - 1]  # "quoted as saying that ...": what "saying" reports
    preps = content_prepositions().get(verb.lemma_.lower(), frozenset())
    complements = [c for c in verb.children if c.dep_ == "ccomp" or (
        c.dep_ == "advcl" and c.i > verb.i and any(m.dep_ == "mark" and m.lower_ in ("if", "whether")
                                                   for m in c.children))]
    # "Kasich offered him a job, then says he'll welcome advice": the clause after the cue, when it has one
    complement = next((c for c in complements if c.i > verb.i), complements[0] if complements else None)
    if complement is None:
        complement = _that_clause_in_phrase(verb)
    if complement is not None:  # "said (that) ...", "asked if ..."
        return _trim_content(doc, *_clause(doc, complement))
    for child in verb.rights:  # "called for his rivals to drop out": a for-to clause
        if child.dep_ in ("advcl", "xcomp") and doc[child.left_edge.i].lower_ == "for" and "for" in preps \
                and child.left_edge.i == cue.end - 1:
            return _trim_content(doc, child.left_edge.i + 1, _clause(doc, child)[1])
    xcomp = next((c for c in verb.children if c.dep_ == "xcomp" and c.i > verb.i), None)
    obj = next((c for c in verb.children if c.dep_ in ("dobj", "obj") and c.i > verb.i), None)
    predicates = [c for c in verb.rights if c.dep_ in ("oprd", "acomp")]
    if obj is None and len(predicates) >= 2 and predicates[0].pos_ in ("NOUN", "PROPN", "PRON"):
        obj = predicates[0]  # "called both leaders “reckless”": the parser takes the object for a predicate too
    prep = next((c for c in verb.children if c.dep_ == "prep"
                 and c.lower_ in content_prepositions().get(verb.lemma_.lower(), ())
                 and cue.end - 1 <= c.i <= cue.end and any(g.dep_ in ("pobj", "pcomp") for g in c.children)), None)
    if obj is None and prep is not None:
        obj = next(c for c in prep.children if c.dep_ in ("pobj", "pcomp"))  # "called on Israel to withdraw"
    if xcomp is not None:
        # "urged Turkey to withdraw", "vowed to protect the border", "threatened not to attend"
        start = min(obj.left_edge.i, xcomp.left_edge.i) if obj is not None else xcomp.left_edge.i
        return _trim_content(doc, start, _clause(doc, xcomp)[1])
    if obj is not None and _nominal_clause(obj) is not None:
        return None  # "repeated her claim that ...": the noun's own report, with the verb's subject its speaker
    if obj is not None and speech_verbs().get(verb.lemma_.lower()) == "content":
        # "announced a series of new steps", "described the plan as “reckless”": the object and what the verb
        # says of it, up to a comma (not the addressee of "told")
        end = _clause(doc, obj)[1]
        comma = next((t.i for t in doc[obj.i:end] if t.text == ","), None)
        if comma is not None:
            end = comma  # "the suspect's name, Syed Farook, several times": the object, not its appositive
        for child in verb.rights:
            if child.i > obj.i and child.dep_ in ("prep", "oprd", "xcomp", "ccomp", "advcl", "acomp") \
                    and not any(t.text == "," for t in doc[end:child.i]) \
                    and not any(t.ent_type_ in ("DATE", "TIME") for t in child.subtree):
                end = max(end, _clause(doc, child)[1])
        return _trim_content(doc, obj.left_edge.i, end, need_verb=False)
    if prep is not None:
        # "called for a ceasefire", "called on Israel to withdraw", "asked about the budget"
        objects = [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]  # "called for reducing the tax"
        if objects:
            end = max([_clause(doc, objects[0])[1]] + [c.right_edge.i + 1 for c in verb.children
                                                       if c.dep_ in ("xcomp", "advcl") and c.i > prep.i])
            return _trim_content(doc, objects[0].left_edge.i, end, need_verb=False)
    left, right = _clause_bounds(doc, verb)
    if verb.dep_ in ("parataxis", "ccomp") and (verb.head.i < verb.i or verb.dep_ == "parataxis") \
            and verb.head.sent == sent and left > 0 \
            and (right + 1 >= len(doc) or doc[right + 1].is_punct) and doc[left - 1].is_punct:
        # "The talks failed, Karaca said." — the clause the cue follows, set off by commas; or the clause it
        # interrupts ("The trouble, Frank writes, began in 1970"), which the caller splits around the cue
        head = verb.head
        own = set(range(left, right + 1))
        tokens = [t.i for t in head.subtree if t.i not in own and not (t.is_punct and left - 1 <= t.i <= right + 1)]
        if tokens:
            return _trim_content(doc, min(tokens), max(tokens) + 1)
    if verb.dep_ == "advcl" and verb.head.i > verb.i and any(c.dep_ == "mark" and c.lower_ == "as"
                                                            for c in verb.children):
        # "As the Post reported on Monday, the inquiry widened": the main clause after the cue's clause
        own = {t.i for t in verb.subtree}
        tokens = [t.i for t in verb.head.subtree if t.i not in own and t.i > verb.right_edge.i]
        if tokens:
            return _trim_content(doc, min(tokens), max(tokens) + 1)
    return _before_closing_cue(doc, verb)


#: What may follow a cue that closes its sentence: its subject ("..., said Oduya, the union's leader"), when and
#: where it spoke ("in a statement on Tuesday"), adverbs.
_CLOSING_CUE_DEPS = frozenset({"nsubj", "nsubjpass", "prep", "npadvmod", "advmod", "agent", "neg"})


def _before_closing_cue(doc: Doc, verb: Token) -> tuple[int, int] | None:
    """The words before a cue that closes its sentence after a comma ("The levy marks a turning point, said
    Oduya, the union's leader." / "..., she said."), where the parser gave the cue no clause: it took the
    report's first noun for the cue's subject, or hung the cue on the report as an adverbial clause."""
    sent = verb.sent
    if verb.tag_ not in ("VBD", "VBZ", "VBP") or any(
            c.dep_ in ("ccomp", "xcomp", "dobj", "obj", "dative", "attr", "oprd", "acomp", "prt")
            for c in verb.children):
        return None  # "..., adding to her lead", "..., pointed out": not a closing cue
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    subject = {t.i for c in subjects for t in c.subtree}
    k = verb.i - 1
    while k > sent.start and not (doc[k].text == "," and (k not in subject or doc[k].head.i not in subject)):
        t = doc[k]  # the cue's own words before it: its subject ("Hollis Grange, a union steward,"), "also"
        if not (k in subject or t.head.i == verb.i and t.dep_ in ("aux", "auxpass", "neg", "advmod")):
            return None
        k -= 1
    if k <= sent.start or doc[k].text != "," or not any(c.i > k for c in subjects):
        return None  # the cue has its own subject after the comma
    for t in doc[verb.i + 1:sent.end]:
        if t.is_punct or t.is_space:
            continue
        a = t
        while a.head.i != verb.i and a.head.i != a.i and a.head.i > verb.i:
            a = a.head
        if a.head.i != verb.i or a.dep_ not in _CLOSING_CUE_DEPS:
            return None  # the cue goes on with words of its own: not a closing cue
    start = sent.start
    for j in range(k - 1, sent.start, -1):
        if doc[j].text in (";", ":"):
            start = j + 1
            break
    quoted = any(t.text in _QUOTE_CHARS for t in doc[start:k])
    content = _trim_content(doc, start, k, need_verb=not quoted)  # a clause, or words with a quotation
    if content is None or content[1] - content[0] < 4:
        return None
    return content


def _words_end(doc: Doc, floor: int, end: int) -> int:
    """``end`` without the punctuation and space that close ``doc[floor:end]``."""
    while end > floor and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return end


def _phrase_bounds(doc: Doc, cue: _Cue) -> tuple[int, int]:
    """The token range of a phrase cue with its source: "according to the survey", "according to Ana Ruiz, a
    spokeswoman for the union": up to the comma, dash or sentence end that closes it."""
    sent = doc[cue.start].sent
    tail = _words_end(doc, cue.end, sent.end)  # the sentence without its closing punctuation and space
    k = cue.end
    while k < sent.end:
        t = doc[k]
        if t.text == "(":  # "according to the Alliance to Reclaim Our Schools (AROS)"
            close = next((j for j in range(k + 1, sent.end) if doc[j].text == ")"), None)
            if close is not None:
                k = close + 1
                continue
        if t.text in (",", "—", "–", "--", ";", ":", "(", ")"):
            if t.text == "," and k + 1 < sent.end:
                a = doc[k + 1]  # the phrase that starts after the comma
                while a.head.i != a.i and a.head.left_edge.i == k + 1:
                    a = a.head
                after = a.right_edge.i + 1
                if cue.start <= a.head.i < k and (a.dep_ == "appos" and a.pos_ in ("NOUN", "PROPN")
                                                  or a.dep_ in ("relcl", "acl")) \
                        and (after >= tail or doc[after].text in (",", "—", "–", "--")):
                    # the source's appositive or relative clause: "according to Ana Ruiz, a spokeswoman for the
                    # union,", "according to aides, who were candid about his chances"
                    k = min(after, sent.end)
                    continue
            break
        k += 1
    return cue.start, min(k, sent.end)


def _that_clause_in_phrase(verb: Token) -> Token | None:
    """A that-clause the parser hung on a noun of the cue's own phrase: "said during a news conference that
    he may wait" (parsed as a relative clause of "conference"), or on the addressee: "told a meeting of island
    leaders that few people understood ..."."""
    addressee = speech_verbs().get(verb.lemma_.lower()) == "yes"
    for prep in verb.rights:
        if prep.dep_ != "prep" and not (addressee and prep.dep_ in ("dobj", "dative")):
            continue
        for token in prep.subtree:
            if token.dep_ in ("relcl", "acl") and token.pos_ in ("VERB", "AUX") and any(
                    c.dep_ == "mark" and c.lower_ == "that" for c in token.children):
                return token
    return None


def _headline_rest(doc: Doc, cue: _Cue, text: str) -> tuple[int, int] | None:
    """In a headline ("Erdogan Says Turkey Will Not Retreat"), what follows the cue is what was said."""
    line_start = text.rfind("\n", 0, cue.head.idx) + 1
    line_end = text.find("\n", cue.head.idx)
    line_end = len(text) if line_end < 0 else line_end
    line = text[line_start:line_end].strip()
    words = re.findall(r"[^\W\d_][\w'’-]*", line)
    if not words or line.endswith((".", "?", "!", "”", '"')) or len(words) > 25:
        return None
    capitalized = sum(1 for w in words if w[0].isupper() or w.lower() in _SMALL_WORDS)
    if capitalized < 0.8 * len(words) or not cue.head.text[:1].isupper():
        return None
    span = doc.char_span(doc[cue.end - 1].idx + len(doc[cue.end - 1]), line_start + len(text[line_start:line_end].rstrip()),
                         alignment_mode="contract")
    if span is None or len(span) < 2:
        return None
    return _trim_content(doc, span.start, span.end, need_verb=False)


def _clause(doc: Doc, head: Token) -> tuple[int, int]:
    """The token range of what ``head`` heads, up to a second report joined to it: "said X and said Y",
    "said X, telling reporters Y" — the part before the joined speech verb."""
    end = head.right_edge.i + 1
    for token in head.subtree:
        if token.i > head.i and token.dep_ in ("conj", "advcl") and token.pos_ == "VERB" \
                and token.lemma_.lower() in speech_verbs():
            cut = token.left_edge.i
            while cut > head.i and (doc[cut - 1].dep_ == "cc" or doc[cut - 1].is_punct):
                cut -= 1
            end = min(end, cut)
    return head.left_edge.i, max(end, head.i + 1)


def _trim_content(doc: Doc, start: int, end: int, need_verb: bool = True) -> tuple[int, int] | None:
    if "\n" in doc[start:end].text.strip():
        return None  # reported content stays within its paragraph
    while start < end and ((doc[start].dep_ == "mark" or doc[start].tag_ == "IN" or start + 1 < end
                            and doc[start + 1].pos_ not in ("VERB", "AUX"))
                           and doc[start].lower_ in ("that", "whether", "if")
                           or doc[start].is_punct and doc[start].text not in _QUOTE_CHARS or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct and doc[end - 1].text not in _QUOTE_CHARS or doc[end - 1].is_space):
        end -= 1
    if end - start < (3 if need_verb else 2) or (need_verb and not any(t.pos_ in ("VERB", "AUX") for t in doc[start:end])):
        return None  # a reported clause has a verb: "said so", "said on Tuesday" are not quotes
    if doc[end - 1].pos_ == "VERB" and doc[end - 1].tag_ in ("VBD", "VBZ", "VBP") \
            and doc[end - 1].lemma_.lower() in speech_verbs():
        return None  # "..., officials said" parsed as the content of another cue
    return _after_dateline(doc, start, end)


def _after_dateline(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Content that opens an article starts after its dateline ("ANKARA, Turkey (Wire) — ...")."""
    for k in range(start, min(end - 3, start + 14)):
        if doc[k].text in {"—", "–", "--"} and (k == 0 or doc[start].is_sent_start) and any(
                t.text.isupper() and len(t.text) > 2 for t in doc[start:k]):
            return k + 1, end
    return start, end


def _clause_bounds(doc: Doc, verb: Token) -> tuple[int, int]:
    """First and last word of the verb's clause, the punctuation at its edges left out."""
    left, right = verb.left_edge.i, verb.right_edge.i
    comma = next((t.i for t in doc[verb.i + 1:right + 1] if t.text == ","), None)
    if comma is not None:  # ", the airline added, and had passed ...": the clause ends at its comma
        right = comma
    while left < verb.i and doc[left].is_punct:
        left += 1
    while right > verb.i and doc[right].is_punct:
        right -= 1
    return left, right


def _around_cue(doc: Doc, text: str, cue: _Cue, start: int, end: int) -> list[tuple[int, int]] | None:
    """A report interrupted by its cue clause set off by commas ("The trouble, Frank writes, began in 1970"):
    the two pieces around the clause; None when the cue is not such a parenthetical."""
    verb = cue.head
    if cue.kind == "phrase":  # "The next day, according to Moyo, the firm made further demands."
        left, right = _phrase_bounds(doc, cue)
        right -= 1
        if left == 0 or right + 1 >= len(doc) or doc[left - 1].text not in (",", "—", "–", "--") \
                or doc[right + 1].text not in (",", "—", "–", "--"):
            return None
    else:
        left, right = _clause_bounds(doc, verb)
        if verb.dep_ not in ("parataxis", "ccomp") or left == 0 or right + 1 >= len(doc) \
                or doc[left - 1].text != "," or doc[right + 1].text != ",":
            return None
    first_end = doc[left - 1].idx
    second_start = doc[right + 1].idx + len(doc[right + 1])
    while first_end > start and text[first_end - 1].isspace():
        first_end -= 1
    while second_start < end and text[second_start].isspace():
        second_start += 1
    if first_end - start < 3 or end - second_start < 3:
        return None
    return [(start, first_end), (second_start, end)]


def _unquoted_words(text: str, start: int, end: int, quoted: list[_Found]) -> int:
    """How many words of ``text[start:end]`` lie outside the quoted passages."""
    chars = list(text[start:end])
    for f in quoted:
        for a, b in f.pieces:
            for i in range(max(a, start), min(b, end)):
                chars[i - start] = " "
    return len(re.findall(r"\w+", "".join(chars)))


def _reported_quotes(doc: Doc, cues: list[_Cue], direct: list[_Found], index: _Entities,
                     text: str) -> list[_Found]:
    """Indirect and mixed reports of the cues. A quoted fragment inside a report becomes part of it (mixed) and
    leaves ``direct``; a cue that a direct quote claimed is tried again once that quote has been absorbed so
    ("insisted that he has “expanded the party,” claiming that ...": the fragment is insisted's, and claiming
    reports a clause of its own)."""
    reported: list[_Found] = []
    reporting: set[int] = set()
    pending = list(cues)
    while pending:
        claimed = {f.cue.head.i for f in direct if f.cue is not None} | reporting
        deferred = []
        for cue in pending:
            if cue.head.i in reporting:
                continue
            found = _report(doc, cue, direct, index, text, claimed)
            if found is _CLAIMED:
                deferred.append(cue)
            elif found is not None:
                reported.append(found)
                reporting.add(cue.head.i)
                claimed.add(cue.head.i)
        released = {f.cue.head.i for f in direct if f.cue is not None} | reporting
        pending = [c for c in deferred if c.head.i not in released]
    for f in list(direct):
        if f in direct and f.cue is not None and f.cue.head.i not in reporting:
            found = _embedded_fragment(doc, f, direct, index, text)
            if found is not None:
                reported.append(found)
                reporting.add(f.cue.head.i)
    return reported


def _embedded_fragment(doc: Doc, f: _Found, direct: list[_Found], index: _Entities, text: str) -> _Found | None:
    """A quoted fragment inside the words its cue reports, where the parse gave the cue no clause that holds it
    ("warned of a “ferocious” battle ahead", "said the goal was not to “make America great again” but ..."):
    a mixed report from the first word after the cue (and its addressee) to the end of the sentence, or to the
    fragment's end when another report follows it. None when the fragment follows its cue with no words between
    (``said: “…”``, ``said, “…”``): that is a direct quote."""
    cue = f.cue
    first = _token_range(doc, *f.pieces[0])
    if cue.kind != "verb" or first is None or cue.head.i >= first[0]:
        return None
    sent = doc[cue.end - 1].sent
    q_start, q_end = f.pieces[0][0], f.pieces[-1][1]
    if q_start >= sent.end_char + 1 or "\n" in text[doc[cue.end - 1].idx:q_start]:
        return None
    start = cue.end
    if speech_verbs().get(cue.head.lemma_.lower()) == "yes":  # "told reporters ...": not the addressee
        for child in cue.head.rights:
            if child.dep_ in ("dobj", "dative", "obj") and child.left_edge.i == start:  # "told the crowd"
                start = child.right_edge.i + 1
    while start < len(doc) and (doc[start].is_punct and doc[start].text not in _QUOTE_CHARS
                                or doc[start].lower_ in ("that", "whether") and doc[start].dep_ == "mark"
                                or doc[start].dep_ == "prep" and doc[start].head.i == cue.head.i
                                and start == cue.end):  # "warned of a “ferocious” battle"
        start += 1
    if start < len(doc) and start > cue.end and doc[start].dep_ == "prep" and doc[start].head.i == cue.head.i \
            and doc[start].right_edge.idx < q_start:
        start = doc[start].right_edge.i + 1  # "told supporters after the vote that “…”": when, not what
        while start < len(doc) and (doc[start].is_punct and doc[start].text not in _QUOTE_CHARS
                                    or doc[start].lower_ in ("that", "whether") and doc[start].dep_ == "mark"):
            start += 1
    if start >= len(doc) or doc[start].idx >= q_start:
        return None
    gap = text[doc[start].idx:q_start]
    words = re.findall(r"\w+", text[doc[cue.end - 1].idx + len(doc[cue.end - 1]):q_start])
    if len(words) < 2 or re.search(r"[:;]|[.!?]\s", gap) or any(
            g is not f and doc[start].idx <= g.pieces[0][0] < q_start and g.cue is not None
            and g.cue.head.i != cue.head.i for g in direct):
        return None
    end_char = q_end
    tail = doc.char_span(q_end, sent.end_char, alignment_mode="contract")
    if tail is not None and len(tail) and not any(
            t.lemma_.lower() in speech_verbs() and t.pos_ == "VERB" or t.lower_ == "according" for t in tail) \
            and not any(g.pieces[0][0] >= q_end and g.pieces[0][0] < sent.end_char for g in direct if g is not f):
        last = max((t for t in tail if not t.is_punct), key=lambda t: t.i, default=None)
        if last is not None:
            end_char = max(end_char, last.idx + len(last))
    inside = [g for g in direct if doc[start].idx <= g.pieces[0][0] and g.pieces[-1][1] <= end_char]
    if _MARKUP.search(text, doc[start].idx, end_char):
        return None
    for g in inside:
        direct.remove(g)
    return _Found("mixed", [(doc[start].idx, end_char)], cue, f.speaker or _speaker_of(doc, cue, None, index),
                  paragraph=_paragraph_of(doc[start].idx, index.paragraphs))


_CLAIMED = object()  # a cue whose report would only repeat a direct quote it introduces


def _report(doc: Doc, cue: _Cue, direct: list[_Found], index: _Entities, text: str,
            claimed: set[int]) -> "_Found | object | None":
    """The indirect or mixed report of one cue (removing from ``direct`` the fragments it contains), None when
    the cue reports no clause, ``_CLAIMED`` when a direct quote already holds the cue and the clause quotes
    nothing."""
    content = _content_of(doc, cue, text)
    if content is None:
        return None
    start_char = doc[content[0]].idx
    end_char = doc[content[1] - 1].idx + len(doc[content[1] - 1])
    for a, b in (piece for f in direct for piece in f.pieces):
        # the parser leaves a closing '.”' outside the clause: take the quotation whole
        if start_char <= a < end_char < b and not re.search(r"\w", text[end_char:b]):
            end_char = b
        if a < start_char < b <= end_char and not re.search(r"\w", text[a:start_char]):
            start_char = a
    sentence_end = doc[content[1] - 1].sent.end_char
    for f in sorted(direct, key=lambda f: f.pieces[0][0]):
        gap = text[end_char:f.pieces[0][0]]
        if f.cue is not None and f.cue.head.i == cue.head.i and f.pieces[0][0] >= end_char \
                and sentence_end >= f.pieces[0][1] and len(re.findall(r"\w+", gap)) <= 3 \
                and not re.search(r"[.!?:;\n]", gap):
            # "pledged to oppose the toll “today, tomorrow, forever.”", "not to “…” but to “…”": one report
            end_char = f.pieces[-1][1]
    overlapping = [f for f in direct if f.pieces[0][0] < end_char and start_char < f.pieces[-1][1]]
    for a, b in (piece for f in overlapping for piece in f.pieces):
        if start_char <= a < end_char < b and "\n" not in text[end_char:b]:
            end_char = b  # a quoted fragment the parser cut off: the report runs to its end
    inside = [f for f in direct if start_char <= f.pieces[0][0] and f.pieces[-1][1] <= end_char]
    cut = [f for f in overlapping if f not in inside and f.pieces[0][0] > start_char]
    if cut:  # the clause runs into a quotation the parser tore apart: keep the part before it
        end_char = min(f.pieces[0][0] for f in cut)
        while end_char > start_char and not text[end_char - 1].isalnum():
            end_char -= 1
        inside = [f for f in inside if f.pieces[-1][1] <= end_char]
        overlapping = [f for f in overlapping if f.pieces[0][0] < end_char]
        if len(re.findall(r"\w+", text[start_char:end_char])) < 3:
            return None
    if overlapping and not inside:
        return None  # the clause cuts through a quotation: leave it to the direct quote
    if _MARKUP.search(text, start_char, end_char):
        return None
    pieces = [(start_char, end_char)]
    if start_char <= doc[cue.start].idx < end_char:
        pieces = _around_cue(doc, text, cue, start_char, end_char)
        if pieces is None:
            return None  # a report does not contain its own cue: the parse went wrong
    outside = _unquoted_words(text, start_char, end_char, inside)
    if inside and outside < 2:
        return None  # the complement is the quotation itself: a direct quote
    if not inside and cue.head.i in claimed:
        return _CLAIMED
    speaker = _speaker_of(doc, cue, content if len(pieces) == 1 else None, index)
    if speaker is not None and any(a <= doc[speaker[0]].idx < b for a, b in pieces):
        return None  # what is said does not hold its own speaker
    if speaker is None and cue.kind == "noun":
        return None  # "reports that ...", "the allegation that ...": a rumour the text gives nobody for
    after = _token_range(doc, inside[0].pieces[-1][1], end_char) if inside else None
    if after is not None and doc[cue.start].idx >= end_char and start_char == inside[0].pieces[0][0] and any(
            index.type_at(k) == "PERSON" for k in range(*after)):
        return None  # "“…,” Texas delegate Bill Eastman, wearing a hat, said": the name after the quotation
        # is the speaker the parse missed, not part of what was said
    for f in inside:  # the quoted fragment is part of this report, not a quote of its own
        direct.remove(f)
    return _Found("mixed" if inside else "indirect", pieces, cue, speaker,
                  paragraph=_paragraph_of(start_char, index.paragraphs))


def _outermost(doc: Doc, found: list[_Found]) -> list[_Found]:
    """Reports nested in another quote's content ("…we told them to leave," she said) belong to that quote:
    each word of the text is attributed once."""
    def cue_chars(f: _Found) -> tuple[int, int] | None:
        return (doc[f.cue.start].idx, doc[f.cue.end - 1].idx + len(doc[f.cue.end - 1])) if f.cue else None

    out = []
    for f in found:
        cue = cue_chars(f)
        nested = cue is not None and f.kind != "direct" and any(
            g is not f and g.pieces[0][0] <= cue[0] and cue[1] <= g.pieces[-1][1]
            and g.pieces[0][0] <= f.pieces[0][0] and f.pieces[-1][1] <= g.pieces[-1][1] for g in found)
        if not nested:
            out.append(f)
    return out


# ---- resolving speakers to entities -------------------------------------------------------------------------

def _resolve(doc: Doc, quotes: list[_Found], index: _Entities) -> None:
    last_speaker: tuple[str, int, int] | None = None  # (entity, paragraph, token)
    for f in quotes:
        if f.speaker is not None:
            f.entity = _resolve_span(doc, f.speaker, index, last_speaker)
        elif f.cue is None and last_speaker is not None and f.paragraph - last_speaker[1] <= 1:
            f.entity = last_speaker[0]  # a quote paragraph after the one that named its speaker
        if f.entity is not None:
            anchor = f.speaker[0] if f.speaker else doc.char_span(*f.pieces[0], alignment_mode="expand").start
            last_speaker = (f.entity, f.paragraph, anchor)
        elif f.speaker is not None:
            last_speaker = None  # a group or an unresolved speaker: later floating quotes are not the old one's


def _resolve_span(doc: Doc, span: tuple[int, int], index: _Entities, last_speaker) -> str | None:
    start, end = span
    head = doc[end - 1]
    for token in doc[start:end]:  # the phrase's syntactic head: "Ministry" of "Turkey's Defense Ministry"
        if token.head.i < start or token.head.i >= end or token.head == token:
            head = token
            break
    if head.i in index.by_token:
        return index.by_token[head.i]
    low = head.lower_
    if low in _PRONOUN_GENDER:
        return _antecedent(doc, start, index, _PRONOUN_GENDER[low], last_speaker)
    if low == "it":
        return _organization_antecedent(doc, start, index)
    if low in _GROUP_PRONOUNS or head.tag_ in ("NNS", "NNPS"):
        return None  # "they", "officials", "sources": a group, not one entity
    if any(t.lower_ == "the" for t in doc[start:end]) or any(t.dep_ == "poss" for t in doc[start:end]) \
            or _paragraph_of(doc[start].idx, index.paragraphs) == 0 and head.is_title:
        return _nominal(doc, start, head, index)  # "the general", "Turkey's minister", a headline's "Kenyan Minister"
    return None


def _antecedent(doc: Doc, before: int, index: _Entities, gender: str, last_speaker) -> str | None:
    """The person a he/she refers to: the last speaker if compatible and recent, else the nearest preceding
    compatible person, subjects first."""
    def compatible(entity: str) -> bool:
        return index.types.get(entity) == "PERSON" and index.genders.get(entity, gender) == gender

    window = _previous_sentence_start(index.sent_starts, before)
    window = _previous_sentence_start(index.sent_starts, max(0, window - 1)) if window > 0 else window
    paragraph = _paragraph_of(doc[before].idx, index.paragraphs)
    previous_paragraph = index.paragraphs[paragraph - 1] if paragraph > 0 else 0
    if last_speaker is not None and compatible(last_speaker[0]) and (
            last_speaker[2] >= window or doc[last_speaker[2]].idx >= previous_paragraph):
        return last_speaker[0]
    earlier = [(i, e) for i, e in index.mentions if i < before and compatible(e)]
    if not earlier:
        return None
    recent = [(i, e) for i, e in earlier if i >= window] or earlier[-3:]
    subjects = [(i, e) for i, e in recent if doc[i].dep_ in _SUBJECTS or doc[i].head.dep_ in _SUBJECTS
                or any(doc[j].dep_ in _SUBJECTS for j in range(i, min(len(doc), i + 4)) if j in index.by_token
                       and index.by_token[j] == e)]
    return (subjects or recent)[-1][1]


def _organization_antecedent(doc: Doc, before: int, index: _Entities) -> str | None:
    """The organization or country an "it" speaker refers to: the nearest one named as a subject in this or the previous
    sentence ("The ministry said ... It added")."""
    window = _previous_sentence_start(index.sent_starts, before)
    for i, entity in reversed(index.mentions):
        if i >= before:
            continue
        if i < window:
            break
        if index.types.get(entity) in ("ORG", "GPE") and (doc[i].dep_ in _SUBJECTS or doc[i].head.dep_ in _SUBJECTS or any(
                doc[j].dep_ in _SUBJECTS for j in range(i, min(len(doc), i + 5)) if index.by_token.get(j) == entity)):
            return entity
    return None


def _nominal(doc: Doc, before: int, head: Token, index: _Entities) -> str | None:
    """ "the general" → the person whose roles name that title; "the ministry" → the organization so named."""
    noun = head.lemma_.lower()
    earlier = [e for i, e in reversed(index.mentions) if i < before]
    if _paragraph_of(doc[before].idx, index.paragraphs) <= 1:
        # a headline or lede names the role before the person: "Kenyan Minister Says ..." / "NAIROBI — Kenya's
        # agriculture minister, Wanjiru Kamau, told ...": the holder named later
        earlier += [e for i, e in index.mentions if i >= before]
    if noun in lex.titles() or head.lower_ in lex.titles():
        for entity in earlier:
            if index.types.get(entity) == "PERSON" and any(
                    noun in role.lower().split() or head.lower_ in role.lower().split()
                    for role in index.roles.get(entity, [])):
                return entity
        return None
    if noun in lex.org_words():
        for entity in earlier:
            if index.types.get(entity) == "ORG" and noun in index.names[entity].lower():
                return entity
        if noun in ("group", "organization", "organisation", "movement", "militia"):
            return next((e for e in earlier if index.types.get(e) == "ORG"), None)
    return None


# ---- the record's quotes ------------------------------------------------------------------------------------

def _span(text: str, doc: Doc, rng: tuple[int, int]) -> Span:
    return Span.of(text, doc[rng[0]].idx, doc[rng[1] - 1].idx + len(doc[rng[1] - 1]))


def extract_quotes(doc: Doc) -> list[Quote]:
    text = doc.text
    index = _entity_index(doc, text)
    cues = _cues(doc)
    direct = _direct_quotes(doc, text, cues, index)
    reported = _reported_quotes(doc, cues, direct, index, text)
    direct = [f for f in direct if not _scare_quote(text, f)]
    found = _outermost(doc, sorted(direct + reported, key=lambda f: f.pieces[0][0]))
    _resolve(doc, found, index)
    quotes = []
    for f in found:
        content = Span.of(text, f.pieces[0][0], f.pieces[-1][1])
        parts = [Span.of(text, a, b) for a, b in f.pieces] if len(f.pieces) > 1 else []
        quotes.append(Quote(
            kind=f.kind,
            content=content,
            parts=parts,
            cue=_span(text, doc, (f.cue.start, f.cue.end)) if f.cue is not None else None,
            speaker=_span(text, doc, f.speaker) if f.speaker is not None else None,
            speaker_entity=f.entity,
            speaker_name=index.names.get(f.entity) if f.entity else None,
        ))
    return quotes
