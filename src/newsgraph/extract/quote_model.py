"""A small learned model for where a reported quotation ends.

The rules in :mod:`.quotes` find what a cue reports from the parse: the cue's clausal complement, its object,
the clause before it.  Where that content *ends* is what a small parser gets wrong most often: a trailing
"..., who ..." or "after ..." hung on the reported verb, or a coordinated "..., but ..." hung on the cue.
This model re-ranks the possible ends of a report that follows its cue.

- :func:`end_candidates` lists the token positions where the content could end: the rules' own end, the
  sentence end, and every break in between or after it (a punctuation mark, a conjunction, a subordinator, a
  relative word, a preposition, the left edge of a clause).
- :func:`end_features` describes one candidate with string features (the words and dependency labels around
  the break, the clause that starts there and what it hangs on, what the candidate cuts off or adds compared
  with the rules' end).  It reads only the parse already on the Doc.
- :class:`QuoteEndModel` is a conditional logit over a report's candidates (a linear score per candidate,
  softmax over the candidates of one report), trained in numpy by :func:`train`; weights are a compressed
  ``.npz`` (no pickle).  :func:`default_model` loads the shipped weights (``newsgraph/models/quote_ends.npz``,
  built by ``scripts/train_quote_model.py`` from PolNeAR train; provenance in ``newsgraph/models/README.md``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, Token

MODEL_FILE = "quote_ends.npz"
#: The most candidates one report is given (those nearest the rules' end).
MAX_CANDIDATES = 40
#: Words a break is named by in the features (others by their part of speech).
_BREAK_WORDS = frozenset("""which who whom whose where when while as but and or although though because after
before since until unless if whether despite including even according that so yet nor than like with without
for to by from in on at of about over during amid following through via --""".split())
_BREAK_DEPS = frozenset({"cc", "mark", "prep", "agent", "relcl", "advcl", "conj", "acl", "appos", "npadvmod",
                         "ccomp", "xcomp", "parataxis", "advmod"})
_CLOSING = frozenset({"”", '"', "’", "'", "''", "»", ")"})


def _word(token: Token) -> str:
    low = token.lower_
    if token.is_punct or low in _BREAK_WORDS or token.tag_ in ("WDT", "WP", "WP$", "WRB"):
        return low
    return token.pos_


def _bin(n: int) -> str:
    if n == 0:
        return "0"
    sign = "+" if n > 0 else "-"
    n = abs(n)
    return sign + ("1" if n == 1 else "2-3" if n <= 3 else "4-7" if n <= 7 else "8-15" if n <= 15 else "16+")


def _trim_end(doc: Doc, start: int, end: int) -> int:
    """The end with trailing punctuation (but not a closing quotation mark) and spaces left out."""
    while end > start + 1 and (doc[end - 1].is_punct and doc[end - 1].text not in _CLOSING
                               or doc[end - 1].is_space):
        end -= 1
    return end


def _sentence_end(doc: Doc, start: int) -> int:
    sent = doc[start].sent
    end = sent.end
    for k in range(start, sent.end):  # reported content stays within its paragraph
        if "\n" in doc[k].text or "\n" in doc[k].whitespace_:
            end = k + 1
            break
    return _trim_end(doc, start, end)


def _time_of_cue(doc: Doc, k: int, cue: Token, start: int, end: int) -> bool:
    """Token ``k`` is a date or time of the speech act itself ("called them “reckless” on Tuesday"): it hangs
    on the cue, not on what was said."""
    if doc[k].ent_type_ not in ("DATE", "TIME"):
        return False
    t = doc[k]
    for _ in range(6):
        if t.i == cue.i:
            return True
        if start <= t.i < end or t.head.i == t.i:
            return False
        t = t.head
    return False


def end_candidates(doc: Doc, start: int, end: int, cue: Token | None = None) -> list[int]:
    """Token positions (exclusive ends) where a report starting at ``start`` could end, the rules' ``end``
    among them; in text order.  With the ``cue``, no candidate takes in the date or time of the speech act."""
    last = max(_sentence_end(doc, start), end)
    # every candidate keeps the head of the rules' content ("the decision, which ..., would cost lives": not
    # "the decision")
    root = min((t.i for t in doc[start:end] if not start <= t.head.i < end or t.head.i == t.i), default=start)
    if cue is not None:
        stop = next((k for k in range(end, last) if _time_of_cue(doc, k, cue, start, end)), None)
        if stop is not None:
            last = max(_trim_end(doc, start, stop), end)
        joined = _next_report(doc, cue, end, last)
        if joined is not None:
            last = max(_trim_end(doc, start, joined), end)
    found = {end, last}
    for k in range(start + 2, last):
        t = doc[k]
        if t.is_punct and t.text not in _CLOSING and not _inside_word(doc, k) \
                or t.dep_ in _BREAK_DEPS and t.left_edge.i == k \
                or t.lower_ in _BREAK_WORDS or t.tag_ in ("WDT", "WP", "WP$", "WRB"):
            found.add(_trim_end(doc, start, k))
    ordered = sorted(e for e in found if max(start, root) < e <= last)
    if len(ordered) > MAX_CANDIDATES:
        keep = set(sorted(ordered, key=lambda e: abs(e - end))[:MAX_CANDIDATES]) | {end}
        ordered = [e for e in ordered if e in keep]
    return ordered


def _next_report(doc: Doc, cue: Token, end: int, last: int) -> int | None:
    """Where another speech verb's clause starts after the rules' end ("urges her husband to come out and
    repeatedly says ...", "..., meddling the congressman said is ..."): no candidate runs into a second report."""
    from .quotes import speech_verbs  # the quote rules' own lexicon (imported here: quotes imports this module)

    verbs = speech_verbs()
    for k in range(end, last):
        t = doc[k]
        if t.i != cue.i and t.pos_ == "VERB" and t.lemma_.lower() in verbs and t.tag_ != "VBN" and not any(
                c.dep_ == "mark" or c.dep_ == "advmod" and c.tag_ == "WRB" for c in t.children):
            # not "when he said ...", "when asked to": a clause about the report, which it may hold
            cut = max(end, min(t.left_edge.i, k))
            while cut > end and (doc[cut - 1].dep_ == "cc" or doc[cut - 1].is_punct and doc[cut - 1].text not in _CLOSING):
                cut -= 1
            return cut
    return None


def _inside_word(doc: Doc, k: int) -> bool:
    """A hyphen or slash inside a word ("well-connected", "and/or"), no break."""
    return k > 0 and not doc[k - 1].whitespace_ and not doc[k].whitespace_ and doc[k].text in ("-", "/", "–")


def _constituent(doc: Doc, k: int) -> Token:
    """The largest phrase that starts at token ``k``."""
    a = doc[k]
    while a.head.i != a.i and a.head.left_edge.i == k:
        a = a.head
    return a


def end_features(doc: Doc, cue: Token, start: int, end: int, rule_end: int, sentence_end: int) -> list[str]:
    """String features of ending the report that starts at ``start`` at ``end`` (the rules chose
    ``rule_end``)."""
    feats = ["bias:" + _bin(end - rule_end)]
    if end == rule_end:
        feats.append("rule")
    if end >= sentence_end:
        feats.append("sentence_end")
    prev = doc[end - 1]
    feats.append("p:" + _word(prev))
    if end < len(doc):
        nxt = doc[end]
        after = doc[end + 1] if end + 1 < len(doc) else None
        feats += ["n:" + _word(nxt), "nd:" + nxt.dep_, "ne:" + (nxt.ent_type_ or "-")]
        if after is not None:
            feats.append("n2:" + _word(nxt) + "_" + _word(after))
        k = end + 1 if nxt.is_punct and end + 1 < len(doc) else end
        c = _constituent(doc, k)
        where = "cue" if c.head.i == cue.i else "in" if start <= c.head.i < end else "out"
        feats += ["c:" + c.dep_, "ch:" + where, "c:" + c.dep_ + "|" + where, "cw:" + _word(doc[k]) + "|" + where]
        if nxt.is_punct:
            feats.append("pc:" + nxt.text + "|" + c.dep_)
    lo, hi = sorted((end, rule_end))
    if lo < hi:
        side = "cut" if end < rule_end else "ext"
        seg = doc[lo:hi]
        feats.append(side + "_len:" + _bin(hi - lo))
        if any(t.pos_ in ("VERB", "AUX") for t in seg):
            feats.append(side + "_verb")
        if any(t.dep_ in ("nsubj", "nsubjpass") for t in seg):
            feats.append(side + "_subj")
        if any(t.text in _CLOSING or t.text in ("“", "‘", "«") for t in seg):
            feats.append(side + "_quote")
        if any(t.ent_type_ in ("DATE", "TIME") for t in seg):
            feats.append(side + "_date")  # "... on Tuesday", "... last week"
        if seg[0].ent_type_ in ("DATE", "TIME") or len(seg) > 1 and seg[0].dep_ == "prep" \
                and seg[1].ent_type_ in ("DATE", "TIME"):
            feats.append(side + "_starts_with_date")
        if any(t.text in (";", ":") for t in seg):
            feats.append(side + "_semicolon")
        if any(t.lemma_.lower() in _speech_lemmas() and t.pos_ == "VERB" for t in seg):
            feats.append(side + "_speech")
    feats.append("len:" + _bin(end - start))
    return feats


@lru_cache(maxsize=1)
def _speech_lemmas() -> frozenset[str]:
    from .quotes import speech_verbs

    return frozenset(speech_verbs())


class QuoteEndModel:
    """A linear score per candidate end; the best-scoring candidate is the report's end."""

    def __init__(self, vocab: Sequence[str], weights: np.ndarray, meta: dict | None = None):
        self.vocab = list(vocab)
        self.index = {f: i for i, f in enumerate(self.vocab)}
        self.weights = np.asarray(weights, dtype=np.float32)
        self.meta = meta or {}

    def score(self, feats: Sequence[str]) -> float:
        return float(sum(self.weights[self.index[f]] for f in feats if f in self.index))

    def choose(self, doc: Doc, cue: Token, start: int, end: int) -> int:
        """The chosen end of the report ``doc[start:end]`` (the rules' end when no candidate scores higher)."""
        candidates = end_candidates(doc, start, end, cue)
        sentence_end = _sentence_end(doc, start)
        best, best_score = end, None
        for e in candidates:
            s = self.score(end_features(doc, cue, start, e, end, sentence_end))
            if best_score is None or s > best_score:
                best, best_score = e, s
        return best

    def save(self, path: str | Path) -> None:
        np.savez_compressed(path, vocab=np.array(self.vocab, dtype=str), weights=self.weights.astype(np.float32),
                            meta=np.array(json.dumps(self.meta, sort_keys=True)))

    @classmethod
    def load(cls, path) -> "QuoteEndModel":
        with np.load(path, allow_pickle=False) as data:
            return cls([str(v) for v in data["vocab"]], data["weights"], json.loads(str(data["meta"])))


@lru_cache(maxsize=1)
def default_model() -> QuoteEndModel:
    """The shipped model."""
    with resources.as_file(resources.files("newsgraph.models") / MODEL_FILE) as path:
        return QuoteEndModel.load(path)


def train(groups: Sequence[tuple[list[list[str]], "int | set[int]"]], *, l2: float = 1e-3, epochs: int = 300,
          lr: float = 0.05, min_count: int = 2) -> QuoteEndModel:
    """Fit the conditional logit: ``groups`` holds, per report, its candidates' features and the index of the
    right candidate, or a set of indices (a partial label: "one of these", whose loss is ``-log`` of the
    probability mass on the set).  Full-batch Adam on the mean loss plus ``l2``·‖w‖²."""
    counts = Counter(f for cands, _ in groups for feats in cands for f in set(feats))
    vocab = sorted(f for f, n in counts.items() if n >= min_count)
    index = {f: i for i, f in enumerate(vocab)}
    rows, cols, group_of, label_rows = [], [], [], []
    r = 0
    for g, (cands, label) in enumerate(groups):
        for j, feats in enumerate(cands):
            for f in feats:
                if f in index:
                    rows.append(r)
                    cols.append(index[f])
            group_of.append(g)
            if j == label or isinstance(label, (set, frozenset)) and j in label:
                label_rows.append(r)
            r += 1
    rows_a, cols_a = np.array(rows), np.array(cols)
    group_a = np.array(group_of)
    label_a = np.array(label_rows)
    n_groups = len(groups)
    w = np.zeros(len(vocab))
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for step in range(1, epochs + 1):
        scores = np.bincount(rows_a, weights=w[cols_a], minlength=r)
        top = np.full(n_groups, -np.inf)
        np.maximum.at(top, group_a, scores)
        ex = np.exp(scores - top[group_a])
        total = np.bincount(group_a, weights=ex, minlength=n_groups)
        p = ex / total[group_a]
        on_label = np.zeros(r)
        on_label[label_a] = p[label_a]
        mass = np.bincount(group_a, weights=on_label, minlength=n_groups)
        resid = p - on_label / mass[group_a]  # d(-log mass on the label set)/d score
        grad = np.bincount(cols_a, weights=resid[rows_a], minlength=len(vocab)) / n_groups + 2 * l2 * w
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= lr * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    return QuoteEndModel(vocab, w, {"l2": l2, "epochs": epochs, "lr": lr, "min_count": min_count,
                                    "reports": n_groups, "candidates": r, "features": len(vocab)})
