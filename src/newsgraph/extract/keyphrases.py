"""Keyphrases: the ten or so noun phrases and names that say what an article is about, best first.

Steps, over the Doc the model has parsed (and the entity component annotated, when it ran):

1. :func:`_entity_candidates`: each entity of ``doc._.ng_entities`` (its mentions already merged: "Trump" and
   "Donald Trump" are one) is one candidate under its name, counted once per mention; without that component,
   the model's named entities, by their lowercased text. Dates, numbers and amounts are never candidates.
2. :func:`_chunk_candidates`: each noun chunk of the parse, less the tokens of an entity mention (the piece
   around the chunk's head is kept), trimmed at both ends of determiners, pronouns, numbers, punctuation,
   spaCy's stop words and the generic words of ``data/keyphrase_stop_words.txt`` ("officials", "statement",
   "week", "former"), so that it starts with a noun or adjective and ends with a noun, and cut to the run of
   nouns and adjectives that ends at its head ("hundreds of thousands" → "thousands"); at most
   :data:`MAX_WORDS` words (the head and the words nearest to it). Its key is its lowercase lemmas, so "hate
   crimes" and "hate crime" are one candidate; a chunk whose key is an entity's counts for that entity.
3. :func:`_score`: within the article only — occurrences (``1 + ln count``, plus ``0.5 · ln(1 + n)`` for the
   n times its head noun stands alone, so "crime" supports "hate crime"; ``×0.7`` for a phrase of three words
   or more written only once), the first sentence
   it appears in (``1 + 1 / (1 + index)``: the headline and the lead count most), length (``+15 %`` per word
   after the first) and kind (``×1.3`` for a named person, organization, place, facility, event or law,
   ``×0.8`` for a nationality or religious or political group).
4. The best :data:`TOP_N` are written, without a phrase contained in a better one whose own count it does not
   exceed ("crime" after "hate crime").

:func:`rerank` re-ranks a record's phrases by corpus statistics (document frequencies the store keeps): a
TF-IDF-like score that promotes phrases rare in the corpus over ones every article has.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .. import lexicons as lex

if not Doc.has_extension("ng_keyphrases"):
    Doc.set_extension("ng_keyphrases", default=None)

#: Phrases written per article.
TOP_N = 10
#: Longest phrase taken from a noun chunk, in words.
MAX_WORDS = 4
#: Entity types that are candidates, and their weight.
ENTITY_WEIGHTS = {"PERSON": 1.3, "ORG": 1.3, "GPE": 1.3, "LOC": 1.3, "FAC": 1.3, "EVENT": 1.3, "LAW": 1.3,
                  "PRODUCT": 1.0, "WORK_OF_ART": 1.0, "NORP": 0.8}
_MODIFIERS = {"NOUN", "PROPN", "ADJ"}
_HEADS = {"NOUN", "PROPN"}
_POSSESSIVE = {"'s", "’s", "'", "’"}


@Language.factory("newsgraph_keyphrases")
def make_keyphrases(nlp: Language, name: str):
    return KeyphraseExtractor()


class KeyphraseExtractor:
    """Writes ``doc._.ng_keyphrases`` (list of str, best first), after ``newsgraph_entities`` when it runs."""

    def __init__(self, top_n: int = TOP_N):
        self.top_n = top_n
        stop_words()

    def __call__(self, doc: Doc) -> Doc:
        doc._.ng_keyphrases = extract_keyphrases(doc, self.top_n)
        return doc


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Generic words that are never a keyphrase on their own (``data/keyphrase_stop_words.txt``)."""
    return lex.data_words("keyphrase_stop_words.txt")


@dataclass(slots=True)
class _Candidate:
    key: str
    surfaces: dict[str, int] = field(default_factory=dict)  # surface form → count, in order of appearance
    count: int = 0
    first_sentence: int = 1 << 30
    first_token: int = 1 << 30
    words: int = 1
    weight: float = 1.0
    head: str = ""

    def add(self, surface: str, sentence: int, token: int) -> None:
        self.surfaces[surface] = self.surfaces.get(surface, 0) + 1
        self.count += 1
        if token < self.first_token:
            self.first_token, self.first_sentence = token, sentence

    @property
    def surface(self) -> str:
        """The most frequent form (first of equals), not an all-capitals one when there is another."""
        forms = [kv for kv in self.surfaces.items() if not kv[0].isupper()] or list(self.surfaces.items())
        return max(forms, key=lambda kv: kv[1])[0]


def _is_stop(token: Token) -> bool:
    low = token.lower_
    return token.is_stop or low in stop_words() or token.lemma_.lower() in stop_words()


def _word(token: Token) -> str:
    """A token as written in a phrase: names and acronyms as in the text, other words lowercase."""
    if token.pos_ == "PROPN" or (token.text.isupper() and len(token.text) > 1):
        return token.text
    return token.text.lower()


def _key(tokens) -> str:
    return " ".join(t.lemma_.lower() if t.pos_ != "PROPN" else t.lower_ for t in tokens)


def name_key(text: str) -> str:
    """The key of a name: lowercase, single spaces, without a leading "the" or a trailing possessive."""
    words = text.lower().replace("’", "'").split()
    if words and words[0] == "the":
        words = words[1:]
    if words and words[-1].endswith("'s"):
        words[-1] = words[-1][:-2]
    return " ".join(w for w in words if w)


def _sentence_index(doc: Doc) -> list[int]:
    index = [0] * len(doc)
    if not doc.has_annotation("SENT_START"):
        return index
    for k, sent in enumerate(doc.sents):
        for i in range(sent.start, sent.end):
            index[i] = k
    return index


def _title_case_sentences(doc: Doc, sentence: list[int]) -> set[int]:
    """The sentences written in Title Case (a headline: "Rangers Lose Gaborik in Home Opener"): the model
    takes their capitalized words for names, so they make no candidates, only lift those of the body."""
    words: dict[int, list[bool]] = {}
    for token in doc:
        if token.is_alpha and not token.is_stop and token.i > 0 and sentence[token.i] == sentence[token.i - 1]:
            words.setdefault(sentence[token.i], []).append(token.text[0].isupper())
    return {k for k, caps in words.items() if len(caps) >= 3 and sum(caps) >= 0.75 * len(caps)}


def _entity_candidates(doc: Doc, sentence: list[int], found: dict[str, _Candidate], skip: set[int]) -> set[int]:
    """Entities as candidates (their mentions outside Title Case sentences); the tokens their mentions cover."""
    covered: set[int] = set()
    entities = doc._.ng_entities if doc.has_extension("ng_entities") else None
    if entities is not None:
        mentions = []
        for entity in entities:
            weight = ENTITY_WEIGHTS.get(entity.type)
            if weight is None:
                continue
            key = name_key(entity.name)
            for m in entity.mentions:
                span = doc.char_span(m.start, m.end, alignment_mode="expand")
                if span is not None:
                    mentions.append((key, entity.name, weight, span))
    else:
        mentions = [(name_key(e.text), e.text, ENTITY_WEIGHTS[e.label_], e) for e in doc.ents
                    if e.label_ in ENTITY_WEIGHTS]
    for key, name, weight, span in mentions:
        if not key or not any(c.isalpha() for c in key):
            continue
        covered.update(range(span.start, span.end))
        if sentence[span.start] in skip:
            continue
        cand = found.get(key)
        if cand is None:
            cand = found[key] = _Candidate(key, words=len(key.split()), weight=weight, head=key.split()[-1])
        cand.add(_strip_name(name), sentence[span.start], span.start)
    return covered


def _strip_name(name: str) -> str:
    words = name.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    if words and words[-1].endswith(("'s", "’s")):
        words[-1] = words[-1][:-2]
    return " ".join(words)


def _trim(tokens: list[Token]) -> list[Token]:
    def bad(t: Token, edge_pos: set[str]) -> bool:
        return (t.pos_ not in edge_pos or _is_stop(t) or t.like_num or t.text in _POSSESSIVE
                or not any(c.isalpha() for c in t.text))

    start, end = 0, len(tokens)
    while start < end and bad(tokens[start], _MODIFIERS):
        start += 1
    while end > start and bad(tokens[end - 1], _HEADS):
        end -= 1
    kept = tokens[start:end]
    for j in range(len(kept) - 2, -1, -1):  # "hundreds of thousands": only the run of nouns and adjectives
        t = kept[j]                          # that ends at the head ("-" may join them: "working-class")
        if not (t.pos_ in _MODIFIERS or t.text == "-") or _is_stop(t):
            return _trim(kept[j + 1:])
    if len(kept) > MAX_WORDS:
        kept = _trim(kept[-MAX_WORDS:])
    return kept


def _chunk_candidates(doc: Doc, sentence: list[int], covered: set[int], found: dict[str, _Candidate],
                      skip: set[int]) -> None:
    for chunk in _noun_chunks(doc):
        root = chunk.root.i
        if root in covered or sentence[root] in skip:
            continue
        start, end = chunk.start, chunk.end
        for i in range(root - 1, chunk.start - 1, -1):  # the run of tokens around the head outside any entity
            if i in covered:
                start = i + 1
                break
        for i in range(root + 1, chunk.end):
            if i in covered:
                end = i
                break
        for i in range(end - 1, start, -1):  # "his wife's speech": the part after the possessive
            if doc[i - 1].text in _POSSESSIVE or doc[i - 1].tag_ == "POS":
                start = i
                break
        tokens = _trim(list(doc[start:end]))
        if not tokens or any(t.pos_ == "PRON" for t in tokens):
            continue
        key = _key(tokens)
        if len(key) < 2:
            continue
        cand = found.get(key)
        if cand is None:
            cand = found[key] = _Candidate(key, words=len(tokens), head=_key(tokens[-1:]))
        surface = "".join(_word(t) + t.whitespace_ for t in tokens[:-1]) + _word(tokens[-1])
        cand.add(surface, sentence[tokens[0].i], tokens[0].i)


def _noun_chunks(doc: Doc) -> list[Span]:
    try:
        return list(doc.noun_chunks)
    except ValueError:  # no dependency parse: single nouns and proper nouns
        return [doc[t.i:t.i + 1] for t in doc if t.pos_ in _HEADS]


def _score(found: dict[str, _Candidate]) -> dict[str, float]:
    heads: dict[str, int] = {}
    for cand in found.values():
        if cand.words > 1:
            heads[cand.head] = heads.get(cand.head, 0) + cand.count
    scores = {}
    for key, cand in found.items():
        tf = 1 + math.log(cand.count)
        if cand.words > 1:
            single = found.get(cand.head)
            tf += 0.5 * math.log(1 + (single.count if single is not None else 0))
            if cand.count == 1 and cand.words >= 3:
                tf *= 0.7  # a long phrase written once (often a misparsed headline) is rarely a key phrase
        position = 1 + 1 / (1 + cand.first_sentence)
        length = 1 + 0.15 * (min(cand.words, MAX_WORDS) - 1)
        scores[key] = tf * position * length * cand.weight
    return scores


def ranked_candidates(doc: Doc) -> list[tuple[str, float]]:
    """Every candidate of the article as ``(phrase, score)``, best first (ties: earlier in the text)."""
    sentence = _sentence_index(doc)
    headlines = _title_case_sentences(doc, sentence)
    found: dict[str, _Candidate] = {}
    covered = _entity_candidates(doc, sentence, found, headlines)
    _chunk_candidates(doc, sentence, covered, found, headlines)
    if headlines:  # a candidate whose words are all in a Title Case headline counts as appearing there
        for k in sorted(headlines):
            words = {t.lower_ for t in doc if sentence[t.i] == k} | {t.lemma_.lower() for t in doc
                                                                      if sentence[t.i] == k}
            for cand in found.values():
                if k < cand.first_sentence and all(w in words for w in cand.key.split()):
                    cand.first_sentence = k
    scores = _score(found)
    order = sorted(found, key=lambda k: (-scores[k], found[k].first_token, k))
    kept: list[str] = []
    for key in order:
        cand = found[key]
        if any(f" {key} " in f" {better} " and found[better].count >= cand.count for better in kept):
            continue  # "crime" after "hate crime", unless it stands alone more often
        kept.append(key)
    return [(found[k].surface, scores[k]) for k in kept]


def extract_keyphrases(doc: Doc, top_n: int = TOP_N) -> list[str]:
    phrases: list[str] = []
    seen: set[str] = set()
    for phrase, _ in ranked_candidates(doc):
        low = phrase.lower()
        if low not in seen:
            seen.add(low)
            phrases.append(phrase)
        if len(phrases) == top_n:
            break
    return phrases


# ---- corpus statistics ---------------------------------------------------------------------------------------

def phrase_key(phrase: str) -> str:
    """The form under which document frequencies are counted and looked up: lowercase, single spaces."""
    return " ".join(phrase.lower().split())


def rerank(phrases: list[str], df: Mapping[str, int], n_docs: int) -> list[str]:
    """A record's phrases (best first) re-ranked with their document frequencies in a corpus of ``n_docs``
    articles: score = rank weight × idf, where the rank weight ``1 / (1 + rank)`` keeps the article's own order
    as the term-frequency part and ``idf = ln((n_docs + 1) / (df + 1)) + 1`` (smoothed; a phrase missing
    from ``df`` has df 0). ``df`` is looked up by the phrase as written, then by :func:`phrase_key`. Equal scores
    keep the original order; with ``n_docs`` 0 the order is unchanged."""
    if n_docs <= 0 or len(phrases) < 2:
        return list(phrases)

    def frequency(phrase: str) -> int:
        value = df.get(phrase)
        if value is None:
            value = df.get(phrase_key(phrase), 0)
        return max(0, min(int(value), n_docs))

    scored = []
    for rank, phrase in enumerate(phrases):
        idf = math.log((n_docs + 1) / (frequency(phrase) + 1)) + 1
        scored.append((-(idf / (1 + rank)), rank, phrase))
    return [phrase for _, _, phrase in sorted(scored)]
