"""Quotation extraction on PolNeAR dev: newsgraph's ``quotes`` against the gold attributions.

newsgraph runs in process on each article (``records_for``, in batches); its quotes are compared with the
first annotator's attributions (``polnear.load``) by content, cue and speaker.  Every figure is given for all
gold attributions and for the speech-verb subset: gold attributions whose cue is a speech verb, against the
predicted quotes whose cue is one too (so precision is not charged for quotes outside the subset).  The
metrics are defined in ``DEFINITIONS`` below and printed with the figures.

The data is ``DIR/polnear/SPLIT`` with ``DIR`` from ``--data`` or ``NEWSGRAPH_DATA``.  Figures are reported
on dev only; ``--split train`` is for error analysis and cannot ``--write``.

    python benchmarks/quotes.py [--data DIR] [--split dev] [--limit N] [--model NAME]
                                [--write docs/benchmarks.md] [--json FILE] [--errors FILE]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shlex
import string
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import polnear  # noqa: E402
from _report import markdown_table, plain_table, write_section  # noqa: E402

Piece = tuple[int, int]
Pair = tuple[int, int]  # (gold index, prediction index)
Tokens = frozenset[Piece]

#: A word: letters and digits, with inner apostrophes ("Clinton's", "don't"); punctuation is not a token.
TOKEN = re.compile(r"\w+(?:['’]\w+)*")
QUOTE_MARKS = frozenset("\"'“”‘’„‚«»‹›")
#: Stripped from both ends of a span before exact comparison (and allowed in the gaps of a discontinuous one).
STRIP = frozenset(string.whitespace) | QUOTE_MARKS | frozenset(".,;:!?…—–-")
PRONOUNS = frozenset("i me we us you he him she her it they them".split())
#: The pronouns that stand for one person named elsewhere in the article.
PERSON_PRONOUNS = frozenset("he him she her".split())
#: Used when the package has no ``newsgraph/data/speech_verbs.tsv``.
FALLBACK_SPEECH_VERBS = frozenset({"say", "tell", "add", "note", "warn", "claim", "insist", "explain", "state",
                                   "ask", "write", "announce", "argue", "report", "according to"})
#: Minimum share of each side's tokens that must overlap for two spans to match.
COVERAGE = 0.5
SUBSETS = ("all", "speech")
BATCH = 16

DEFINITIONS = [
    ("tokens", "words (letters/digits with inner apostrophes) by character range; punctuation is not a token"),
    ("content, exact", "normalized content spans equal (pieces merged across gaps of whitespace, quotation "
                       "marks and punctuation, then those stripped from both ends); gold discontinuous content "
                       "is the union of its pieces, a prediction's its `parts` (else `content`)"),
    ("content, token overlap", "quotes paired one-to-one greedily by token overlap; P = overlapping tokens / "
                               "predicted tokens, R = overlapping tokens / gold tokens"),
    ("content, 0.5 coverage", "a pair counts when the overlap is ≥ 50% of the gold content's tokens and ≥ 50% of "
                              "the prediction's; one-to-one, greedy by overlap"),
    ("cue, exact / token overlap", "distinct cue spans per article, exact after normalization / paired by token "
                                   "overlap as for content (a cue without words, the colon of \"WALLACE: ...\", "
                                   "counts in exact only)"),
    ("source", "distinct gold source spans vs distinct predicted speaker spans per article; a match overlaps "
               "≥ 50% of each side's tokens or contains the gold source's syntactic head (from the parse: "
               "\"Antonacci\" of \"Robert Antonacci of the New York delegation\"); one-to-one"),
    ("speaker accuracy", "over 0.5-coverage content pairs whose gold attribution has a source: the predicted "
                         "speaker matches it as for source"),
    ("who said what", "P/R/F1 of 0.5-coverage content pairs whose speaker also matches (or both have none)"),
    ("recall direct / indirect", "0.5-coverage recall of gold contents that are (not) in quotation marks: the "
                                 "content starts and ends with one, or the text around it does"),
    ("pronoun sources", "gold sources that are a personal pronoun; speaker accuracy on their pairs; share of "
                        "their pairs whose `speaker_entity` is an entity named other than by a pronoun (all "
                        "personal pronouns: I, we and they included; he/she: those standing for one person)"),
    ("speech-verb subset", "gold attributions and predictions whose cue is \"according to\" or whose last verb "
                           "(else last word), lemmatized by the pipeline, is in the speech-verb list"),
]


# Spans ---------------------------------------------------------------------------------------------------------

def tokens(text: str, pieces: Iterable[Piece]) -> Tokens:
    """The words inside the pieces, each as its ``(start, end)`` in ``text``."""
    return frozenset(m.span() for a, b in pieces for m in TOKEN.finditer(text, a, b))


def normalize(text: str, pieces: Iterable[Piece]) -> tuple[Piece, ...]:
    """The pieces in text order, merged across gaps of whitespace, quotation marks and punctuation, each trimmed
    of those characters at both ends (of whitespace only when nothing else is left, as for the cue ":"; empty
    pieces dropped): the form exact matching compares."""
    merged: list[list[int]] = []
    for a, b in sorted(pieces):
        if merged and all(c in STRIP for c in text[merged[-1][1]:a]):
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    trimmed = (_trim(text, a, b) for a, b in merged)
    return tuple(piece for piece in trimmed if piece[0] < piece[1])


def _trim(text: str, a: int, b: int) -> Piece:
    start, end = _strip(text, a, b, STRIP)
    return (start, end) if start < end else _strip(text, a, b, frozenset(string.whitespace))


def _strip(text: str, a: int, b: int, chars: frozenset[str]) -> Piece:
    while a < b and text[a] in chars:
        a += 1
    while b > a and text[b - 1] in chars:
        b -= 1
    return a, b


def is_direct(text: str, pieces: Sequence[Piece]) -> bool:
    """Whether a content is quoted: it starts (ends) with a quotation mark, or the text just before (after) it,
    past whitespace (and, after it, punctuation), is one."""
    start, end = min(a for a, _ in pieces), max(b for _, b in pieces)
    inner = text[start:end].strip()
    before = text[max(0, start - 8):start].rstrip()[-1:]
    after = text[end:end + 8].lstrip(string.whitespace + ".,;:!?")[:1]
    opens = inner[:1] in QUOTE_MARKS or before in QUOTE_MARKS
    closes = inner.rstrip(".,;:!?")[-1:] in QUOTE_MARKS or after in QUOTE_MARKS
    return bool(inner) and opens and closes


def is_pronoun(text: str, pronouns: frozenset[str] = PRONOUNS) -> bool:
    return text.strip().lower() in pronouns


# Matching ------------------------------------------------------------------------------------------------------

def covers(gold: Tokens, pred: Tokens, share: float = COVERAGE) -> bool:
    """The overlap is at least ``share`` of each side's tokens."""
    overlap = len(gold & pred)
    return overlap > 0 and overlap >= share * len(gold) and overlap >= share * len(pred)


def source_match(gold: Tokens, pred: Tokens, head: Tokens = frozenset()) -> bool:
    """A predicted speaker matches a gold source: 0.5 coverage both ways, or it holds the source's head — its
    syntactic head from the parse ("Antonacci" of "Robert Antonacci of the New York delegation") when given,
    else its last token."""
    if not gold:
        return False
    return covers(gold, pred) or (head <= pred if head else max(gold) in pred)


def greedy_match(gold: Sequence[Tokens], pred: Sequence[Tokens],
                 accept: Callable[[Tokens, Tokens], bool] = lambda g, p: bool(g & p)) -> list[Pair]:
    """One-to-one ``(gold index, prediction index)`` pairs that ``accept`` allows, taken by token overlap,
    largest first (ties: earlier gold, then earlier prediction)."""
    candidates = sorted((-len(g & p), i, j) for i, g in enumerate(gold) for j, p in enumerate(pred)
                        if g & p and accept(g, p))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for _, i, j in candidates:
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
            pairs.append((i, j))
    return sorted(pairs)


# What is compared ----------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Unit:
    """A gold attribution or a predicted quote, reduced to what the metrics compare.

    ``source`` is the gold source or the predicted speaker; an empty tuple means none.  ``kind`` is ``direct``
    or ``indirect`` (gold, from :func:`is_direct`) or the predicted quote's kind.
    """

    ref: str
    kind: str
    content: tuple[Piece, ...]
    cue: tuple[Piece, ...] = ()
    source: tuple[Piece, ...] = ()
    speech: bool = False
    resolved: bool = False  # prediction: speaker_entity is an entity not named by a pronoun
    head: tuple[Piece, ...] = ()  # gold: the source's syntactic head (from the parse)


def gold_units(doc: polnear.Doc, speech: Callable[[str | None], bool], parsed: Any = None) -> list[Unit]:
    """The document's attributions that have a content (with their source's head when ``parsed`` is given)."""
    return [Unit(a.id, "direct" if is_direct(doc.text, a.content) else "indirect", tuple(a.content),
                 tuple(a.cue or ()), tuple(a.source or ()), speech(a.cue_text),
                 head=source_head(parsed, a.source) if parsed is not None and a.source else ())
            for a in doc.attributions if a.content]


def source_head(parsed: Any, source: Sequence[Piece]) -> tuple[Piece, ...]:
    """The syntactic head of a gold source span in the parsed document: the root of its first piece."""
    start, end = source[0]
    span = parsed.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return ()
    root = span.root
    return ((root.idx, root.idx + len(root.text)),)


def predicted_units(record: Any, speech: Callable[[str | None], bool]) -> list[Unit]:
    """A record's quotes (``parts`` when the quote is interrupted, else ``content``)."""
    names = {entity.id: entity.name for entity in record.entities}
    units = []
    for i, quote in enumerate(record.quotes, 1):
        name = names.get(quote.speaker_entity)
        units.append(Unit(f"Q{i}", quote.kind, _pieces(*(quote.parts or [quote.content])), _pieces(quote.cue),
                          _pieces(quote.speaker), speech(quote.cue.text if quote.cue else None),
                          name is not None and not is_pronoun(name)))
    return units


def _pieces(*spans: Any) -> tuple[Piece, ...]:
    return tuple((span.start, span.end) for span in spans if span is not None)


# Scoring -------------------------------------------------------------------------------------------------------

def content_pairs(text: str, gold: Sequence[Unit], pred: Sequence[Unit]) -> list[Pair]:
    """The 0.5-coverage content matching."""
    return greedy_match([tokens(text, u.content) for u in gold], [tokens(text, u.content) for u in pred], covers)


def score(text: str, gold: Sequence[Unit], pred: Sequence[Unit], pairs: Sequence[Pair]) -> Counter[str]:
    """The counts behind every figure for one article (``pairs``: :func:`content_pairs`)."""
    counts = Counter(gold=len(gold), pred=len(pred), cov_tp=len(pairs))
    counts["exact_tp"] = exact_matches(text, [u.content for u in gold], [u.content for u in pred])
    counts.update(overlap_counts("content", [tokens(text, u.content) for u in gold],
                                 [tokens(text, u.content) for u in pred]))
    counts.update(cue_counts(text, gold, pred))
    counts.update(source_counts(text, gold, pred))
    counts.update(speaker_counts(text, gold, pred, pairs))
    counts.update(kind_counts(gold, pairs))
    return counts


def exact_matches(text: str, gold: Iterable[tuple[Piece, ...]], pred: Iterable[tuple[Piece, ...]]) -> int:
    """How many gold spans equal a prediction after :func:`normalize`, one-to-one."""
    def forms(spans: Iterable[tuple[Piece, ...]]) -> Counter[tuple[Piece, ...]]:
        return Counter(form for form in (normalize(text, s) for s in spans) if form)
    return sum((forms(gold) & forms(pred)).values())


def overlap_counts(prefix: str, gold: Sequence[Tokens], pred: Sequence[Tokens]) -> Counter[str]:
    pairs = greedy_match(gold, pred)
    return Counter({f"{prefix}_tok_tp": sum(len(gold[i] & pred[j]) for i, j in pairs),
                    f"{prefix}_tok_gold": sum(map(len, gold)), f"{prefix}_tok_pred": sum(map(len, pred))})


def cue_counts(text: str, gold: Sequence[Unit], pred: Sequence[Unit]) -> Counter[str]:
    gold_cues = {normalize(text, u.cue) for u in gold} - {()}
    pred_cues = {normalize(text, u.cue) for u in pred} - {()}
    counts = Counter(cue_gold=len(gold_cues), cue_pred=len(pred_cues), cue_tp=len(gold_cues & pred_cues))
    counts.update(overlap_counts("cue", _distinct(text, [u.cue for u in gold]),
                                 _distinct(text, [u.cue for u in pred])))
    return counts


def source_counts(text: str, gold: Sequence[Unit], pred: Sequence[Unit]) -> Counter[str]:
    heads = {tokens(text, u.source): tokens(text, u.head) for u in gold if u.source}
    gold_sources = _distinct(text, [u.source for u in gold])
    pred_sources = _distinct(text, [u.source for u in pred])
    return Counter(src_gold=len(gold_sources), src_pred=len(pred_sources),
                   src_tp=len(greedy_match(gold_sources, pred_sources,
                                           lambda g, p: source_match(g, p, heads.get(g, frozenset())))))


def _distinct(text: str, spans: Iterable[tuple[Piece, ...]]) -> list[Tokens]:
    """The distinct non-empty token sets of the spans, in text order."""
    return sorted({t for t in (tokens(text, s) for s in spans) if t}, key=sorted)


def speakers_agree(text: str, gold: Unit, pred: Unit) -> bool:
    """Both have no speaker, or the predicted speaker matches the gold source (:func:`source_match`)."""
    if not gold.source or not pred.source:
        return not gold.source and not pred.source
    return source_match(tokens(text, gold.source), tokens(text, pred.source), tokens(text, gold.head))


def speaker_counts(text: str, gold: Sequence[Unit], pred: Sequence[Unit], pairs: Sequence[Pair]) -> Counter[str]:
    counts: Counter[str] = Counter()
    counts["pron_gold"] = sum(1 for u in gold if _pronoun_source(text, u))
    for i, j in pairs:
        agree = speakers_agree(text, gold[i], pred[j])
        counts["wsw_tp"] += agree
        if gold[i].source:
            counts["spk_total"] += 1
            counts["spk_correct"] += agree
        if _pronoun_source(text, gold[i]):
            counts["pron_matched"] += 1
            counts["pron_correct"] += agree
            counts["pron_resolved"] += pred[j].resolved
        if _pronoun_source(text, gold[i], PERSON_PRONOUNS):
            counts["pron3_matched"] += 1
            counts["pron3_resolved"] += pred[j].resolved
    return counts


def _pronoun_source(text: str, unit: Unit, pronouns: frozenset[str] = PRONOUNS) -> bool:
    return bool(unit.source) and is_pronoun(polnear.pieces_text(text, list(unit.source)), pronouns)


def kind_counts(gold: Sequence[Unit], pairs: Sequence[Pair]) -> Counter[str]:
    matched = {i for i, _ in pairs}
    counts: Counter[str] = Counter()
    for i, unit in enumerate(gold):
        counts[f"{unit.kind}_gold"] += 1
        counts[f"{unit.kind}_hit"] += i in matched
    return counts


def prf(tp: int, pred: int, gold: int) -> dict[str, float | int]:
    """Precision, recall and F1 (0 when their denominator is 0) with the counts behind them."""
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "pred": pred, "gold": gold}


def ratio(hits: int, total: int) -> dict[str, float | int | None]:
    """A share (``None`` when nothing was counted) with its counts."""
    return {"value": hits / total if total else None, "hits": hits, "total": total}


def figures(c: Counter[str]) -> dict[str, Any]:
    """Every figure of one subset from its summed counts."""
    return {
        "content_exact": prf(c["exact_tp"], c["pred"], c["gold"]),
        "content_overlap": prf(c["content_tok_tp"], c["content_tok_pred"], c["content_tok_gold"]),
        "content_cov50": prf(c["cov_tp"], c["pred"], c["gold"]),
        "cue_exact": prf(c["cue_tp"], c["cue_pred"], c["cue_gold"]),
        "cue_overlap": prf(c["cue_tok_tp"], c["cue_tok_pred"], c["cue_tok_gold"]),
        "source": prf(c["src_tp"], c["src_pred"], c["src_gold"]),
        "who_said_what": prf(c["wsw_tp"], c["pred"], c["gold"]),
        "speaker_accuracy": ratio(c["spk_correct"], c["spk_total"]),
        "recall_direct": ratio(c["direct_hit"], c["direct_gold"]),
        "recall_indirect": ratio(c["indirect_hit"], c["indirect_gold"]),
        "pronoun_sources": c["pron_gold"],
        "pronoun_speaker_accuracy": ratio(c["pron_correct"], c["pron_matched"]),
        "pronoun_resolved": ratio(c["pron_resolved"], c["pron_matched"]),
        "he_she_resolved": ratio(c["pron3_resolved"], c["pron3_matched"]),
    }


# Error dump ----------------------------------------------------------------------------------------------------

def error_rows(name: str, text: str, gold: Sequence[Unit], pred: Sequence[Unit],
               pairs: Sequence[Pair]) -> list[dict[str, Any]]:
    """Misses, false positives and wrong speakers of one article, each with its nearest counterpart."""
    describe = partial(_describe, text)
    matched_gold, matched_pred = {i for i, _ in pairs}, {j for _, j in pairs}
    rows = [{"doc": name, "error": "miss", "gold": describe(g), "nearest": describe(_nearest(text, g, pred))}
            for i, g in enumerate(gold) if i not in matched_gold]
    rows += [{"doc": name, "error": "false_positive", "pred": describe(p),
              "nearest": describe(_nearest(text, p, gold))} for j, p in enumerate(pred) if j not in matched_pred]
    rows += [{"doc": name, "error": "wrong_speaker", "gold": describe(gold[i]), "pred": describe(pred[j])}
             for i, j in pairs if not speakers_agree(text, gold[i], pred[j])]
    return rows


def _nearest(text: str, unit: Unit, others: Sequence[Unit]) -> Unit | None:
    """The first of ``others`` sharing the most content tokens with ``unit`` (None when none shares any)."""
    own = tokens(text, unit.content)
    best = max(others, key=lambda other: len(own & tokens(text, other.content)), default=None)
    return best if best is not None and own & tokens(text, best.content) else None


def _describe(text: str, unit: Unit | None) -> dict[str, Any] | None:
    if unit is None:
        return None
    span_text = partial(polnear.pieces_text, text)
    return {"ref": unit.ref, "kind": unit.kind, "speech": unit.speech, "content": span_text(list(unit.content)),
            "offsets": [list(p) for p in unit.content], "cue": span_text(list(unit.cue)) or None,
            "source": span_text(list(unit.source)) or None}


# Running newsgraph ---------------------------------------------------------------------------------------------

def speech_verbs() -> tuple[frozenset[str], str]:
    """The speech-verb lemmas (lowercase) and where they came from: the package's list, else the fallback."""
    path = resources.files("newsgraph").joinpath("data", "speech_verbs.tsv")
    if not path.is_file():
        return FALLBACK_SPEECH_VERBS, "the benchmark's fallback list"
    lines = [line for line in path.read_text("utf-8").splitlines() if line.strip() and not line.startswith("#")]
    rows = csv.reader(lines[1:], delimiter="\t", quoting=csv.QUOTE_NONE)
    verbs = frozenset(row[0].strip().lower() for row in rows if row) | {"according to"}
    return verbs, "newsgraph/data/speech_verbs.tsv"


def cue_keys(nlp: Any, cues: Iterable[str]) -> dict[str, str]:
    """Cue text → the word that decides whether it is a speech verb: "according to", else the lemma of the cue's
    last verb, else of its last word (lowercase; tagger and lemmatizer only)."""
    texts = sorted(set(cues))
    wanted = [name for name in ("tok2vec", "tagger", "attribute_ruler", "lemmatizer") if name in nlp.pipe_names]
    with nlp.select_pipes(enable=wanted):
        return {text: _cue_key(doc) for text, doc in zip(texts, nlp.pipe(texts))}


def _cue_key(doc: Any) -> str:
    words = [t for t in doc if t.is_alpha]
    if [t.lower_ for t in words[-2:]] == ["according", "to"]:
        return "according to"
    head = ([t for t in words if t.pos_ == "VERB"] or words or [None])[-1]
    return (head.lemma_ or head.text).lower() if head is not None else ""


def run_newsgraph(nlp: Any, docs: Sequence[polnear.Doc]) -> tuple[list[Any], list[Any]]:
    """newsgraph's record for each document (``None`` where processing failed) and its parsed Doc, in batches:
    the same path as ``newsgraph extract`` (:func:`newsgraph.record.from_doc` over the pipeline's Docs)."""
    from newsgraph.ingest import Article
    from newsgraph.nlp.runner import PUBLISHED_KEY
    from newsgraph.record import from_doc

    records: list[Any] = []
    parsed: list[Any] = []
    for start in range(0, len(docs), BATCH):
        batch = docs[start:start + BATCH]
        made = []
        for d in batch:
            doc = nlp.make_doc(d.text)
            doc.user_data[PUBLISHED_KEY] = d.published
            made.append(doc)
        for d, doc in zip(batch, nlp.pipe(made, batch_size=BATCH)):
            records.append(from_doc(doc, Article(text=d.text, item=d.name, published=d.published)))
            parsed.append(doc)
        print(f"  {len(records)}/{len(docs)} documents", file=sys.stderr, flush=True)
    return records, parsed


def evaluate(docs: Sequence[polnear.Doc], records: Sequence[Any],
             speech: Callable[[str | None], bool],
             parsed: Sequence[Any] | None = None) -> tuple[dict[str, Counter[str]], list[dict[str, Any]]]:
    """Summed counts per subset, and the error rows (all quotes)."""
    totals = {subset: Counter() for subset in SUBSETS}
    errors: list[dict[str, Any]] = []
    for n, (doc, record) in enumerate(zip(docs, records)):
        gold = gold_units(doc, speech, parsed[n] if parsed is not None else None)
        pred = predicted_units(record, speech) if record is not None else []
        for subset in SUBSETS:
            g = [u for u in gold if subset == "all" or u.speech]
            p = [u for u in pred if subset == "all" or u.speech]
            pairs = content_pairs(doc.text, g, p)
            totals[subset] += score(doc.text, g, p, pairs)
            if subset == "all":
                errors += error_rows(doc.name, doc.text, g, p, pairs)
    return totals, errors


# Report --------------------------------------------------------------------------------------------------------

PRF_ROWS = [("content, exact", "content_exact"), ("content, token overlap", "content_overlap"),
            ("content, 0.5 coverage", "content_cov50"), ("cue, exact", "cue_exact"),
            ("cue, token overlap", "cue_overlap"), ("source span", "source"), ("who said what", "who_said_what")]
RATIO_ROWS = [("speaker accuracy on matched quotes", "speaker_accuracy"), ("recall, direct", "recall_direct"),
              ("recall, indirect", "recall_indirect"),
              ("speaker accuracy, pronoun sources", "pronoun_speaker_accuracy"),
              ("pronoun sources resolved to a named entity", "pronoun_resolved"),
              ("he/she sources resolved to a named entity", "he_she_resolved")]
ANCHORS = ("Published figures of other systems on other setups, for orientation only (not comparable one to one): "
           "BERT-Cofe (Wang et al. 2022) reports exact-match F1 83.2 source / 75.3 cue / 72.9 content on PolNeAR; "
           "the Gender Gap Tracker reports quote F1 83.7 (at 0.3 coverage) and speaker accuracy 86.5 on its own "
           "news set.")
CITATION = ("Data: PolNeAR v1.0 (Newell, Margolin, Ruths, *An attribution relations corpus for political news*, "
            "LREC 2018; github.com/networkdynamics/PolNeAR), research use, data licence not stated; where a text "
            "has several annotators, the first in sorted order.")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}"


def tables(result: dict[str, Any]) -> list[list[list[str]]]:
    """The two tables (P/R/F1 metrics; shares and counts) as rows of cells, header first."""
    subsets = result["subsets"]
    prf_table = [["metric", "all P", "all R", "all F1", "speech P", "speech R", "speech F1"]]
    for label, key in PRF_ROWS:
        prf_table.append([label] + [_pct(subsets[s][key][m]) for s in SUBSETS for m in ("p", "r", "f1")])
    ratio_table = [["figure", "all", "speech-verb cues"]]
    for label, key in RATIO_ROWS:
        ratio_table.append([label] + [f"{_pct(subsets[s][key]['value'])} ({subsets[s][key]['hits']}/"
                                      f"{subsets[s][key]['total']})" for s in SUBSETS])
    ratio_table.append(["pronoun sources (gold)"] + [str(subsets[s]["pronoun_sources"]) for s in SUBSETS])
    return [prf_table, ratio_table]


def summary(result: dict[str, Any]) -> str:
    n = result["subsets"]
    return (f"{result['corpus']}: {result['docs']} documents, {result['attributions']:,} gold attributions "
            f"({result['without_content']} without content left out; {n['speech']['content_cov50']['gold']:,} "
            f"with a speech-verb cue), {result['predicted']:,} predicted quotes "
            f"({n['speech']['content_cov50']['pred']:,} with a speech-verb cue); model `{result['model']}`; "
            f"speech verbs from {result['speech_verbs']}; annotation span mismatches: {result['mismatches']}; "
            f"documents that failed: {result['failures']}.")


def markdown(result: dict[str, Any]) -> str:
    prf_table, ratio_table = tables(result)
    definitions = "\n".join(f"- **{term}**: {text}." for term, text in DEFINITIONS)
    parts = [summary(result), markdown_table(prf_table), markdown_table(ratio_table),
             "Figures are percentages, with their counts in brackets. The speech-verb columns compare gold "
             "attributions with a speech-verb cue against predicted quotes with a speech-verb cue only.",
             definitions, ANCHORS, CITATION, f"Command: `{result['command']}`"]
    return "\n\n".join(parts)


def train_warning(split: str) -> str:
    return (f"\n!!! WARNING: scoring the '{split}' split. These figures are for error analysis only and must "
            "not be reported; report dev. !!!\n" if split != "dev" else "")


# Command line --------------------------------------------------------------------------------------------------

def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    env = os.environ.get("NEWSGRAPH_DATA")
    parser.add_argument("--data", type=Path, default=Path(env) if env else None,
                        help="the shared data folder holding polnear/ (default: $NEWSGRAPH_DATA)")
    parser.add_argument("--split", choices=("dev", "train"), default="dev",
                        help="dev (default); train only for error analysis, never reported")
    parser.add_argument("--limit", type=int, help="score only the first N documents")
    parser.add_argument("--model", help="spaCy pipeline (default: newsgraph's default)")
    parser.add_argument("--write", type=Path, help="write the figures into this Markdown file")
    parser.add_argument("--json", type=Path, help="write every figure as JSON to this file")
    parser.add_argument("--errors", type=Path, help="write misses, false positives and wrong speakers (JSONL)")
    args = parser.parse_args(argv)
    if args.data is None or not (args.data / "polnear" / args.split / "attributions").is_dir():
        parser.error(f"no PolNeAR {args.split} split under --data/NEWSGRAPH_DATA ({args.data}): expected "
                     f"DIR/polnear/{args.split}/{{text,attributions}}")
    if args.split != "dev" and args.write:
        parser.error("--write reports figures: only on dev, never on train")
    return args


def run(args: argparse.Namespace, argv: Sequence[str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Load the split, run newsgraph, score it: the figures (as :func:`markdown` reads them) and the error rows."""
    from newsgraph.nlp import default_model_name, load_pipeline

    docs = polnear.load(args.data / "polnear" / args.split)[:args.limit]
    nlp = load_pipeline(args.model)
    records, parsed = run_newsgraph(nlp, docs)
    verbs, verbs_source = speech_verbs()
    cues = [a.cue_text for d in docs for a in d.attributions if a.cue_text]
    cues += [q.cue.text for r in records if r is not None for q in r.quotes if q.cue is not None]
    keys = cue_keys(nlp, cues)
    totals, errors = evaluate(docs, records, lambda cue: cue is not None and keys.get(cue) in verbs, parsed)
    result = {
        "corpus": f"PolNeAR v1.0 {args.split}" + (f" (first {args.limit} documents)" if args.limit else ""),
        "split": args.split, "docs": len(docs),
        "attributions": sum(len(d.attributions) for d in docs),
        "without_content": sum(1 for d in docs for a in d.attributions if not a.content),
        "predicted": sum(len(r.quotes) for r in records if r is not None),
        "failures": sum(r is None for r in records), "mismatches": sum(len(d.mismatches) for d in docs),
        "model": args.model or default_model_name(), "speech_verbs": verbs_source,
        "command": shlex.join(["python", "benchmarks/quotes.py", *argv]),
        "subsets": {subset: figures(totals[subset]) for subset in SUBSETS},
    }
    return result, errors


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    warning = train_warning(args.split)
    if warning:
        print(warning, file=sys.stderr)
    result, errors = run(args, sys.argv[1:] if argv is None else list(argv))
    if warning:
        result["warning"] = warning.strip()
    print(summary(result), *(plain_table(t) for t in tables(result)), sep="\n\n")
    if warning:
        print(warning)
    if args.write:
        write_section(args.write, "quotes", markdown(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
    if args.errors:
        args.errors.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in errors), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
