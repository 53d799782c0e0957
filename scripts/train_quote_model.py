"""Train the quote-end model shipped in ``src/newsgraph/models/`` and print its held-out figures.

    python scripts/train_quote_model.py --data ../shared/data            # or NEWSGRAPH_DATA=...
    python scripts/train_quote_model.py --data ../shared/data --no-write # figures only

Training examples come from PolNeAR **train** only (``polnear/train``; dev is never read): each article is parsed
by newsgraph's pipeline (its tokenizer settings and sentence boundaries, no extractors), every verb cue the
quote rules find gets its rule content (``quotes._rule_content``), and where a gold attribution has that cue
and a content starting where the rule content starts (within two tokens), the report becomes one example: its
candidate ends (``quote_model.end_candidates``) and the candidate that ends where the gold content ends
(within two characters; reports whose gold end is no candidate are counted and left out).

Figures: end accuracy (the chosen end is the gold end) of the rules and of the model on a held-out fifth of the
training articles (a model trained on the other four fifths), then the shipped model is trained on all of them.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import polnear  # noqa: E402  (benchmarks/polnear.py: the PolNeAR reader)

from newsgraph.extract import quote_model as qm  # noqa: E402
from newsgraph.extract import quotes as qx  # noqa: E402
from newsgraph.nlp.model import COMPONENTS, load_pipeline  # noqa: E402

OUT_DIR = ROOT / "src" / "newsgraph" / "models"
L2 = 1e-3
HOLDOUT_BUCKET = 0  # articles whose name hashes to 0 mod 5 are held out for the figures


def examples(doc, gold: list[polnear.Attribution], stats: dict) -> list[tuple[list[list[str]], int, int]]:
    """(candidate features, index of the gold end, index of the rules' end) for each matched report."""
    out = []
    text = doc.text
    for cue in qx._cues(doc):
        if cue.kind != "verb":
            continue
        content = qx._rule_content(doc, cue, text)
        if content is None or not qx._end_model_applies(doc, cue, content):
            continue
        start, rule_end = content
        head_char = cue.head.idx
        low = doc[max(0, start - 2)].idx
        high = doc[min(len(doc) - 1, start + 2)].idx
        match = None
        for a in gold:
            if not a.cue or not any(s <= head_char < e for s, e in a.cue) or not a.content:
                continue
            piece = next((p for p in a.content if low <= p[0] <= high), None)
            if piece is not None:
                match = piece
                break
        if match is None:
            continue
        stats["reports"] += 1
        candidates = qm.end_candidates(doc, start, rule_end, cue.head)
        ends = [doc[e - 1].idx + len(doc[e - 1]) for e in candidates]
        label = min(range(len(candidates)), key=lambda j: abs(ends[j] - match[1]))
        if abs(ends[label] - match[1]) > 2:
            stats["gold end not a candidate"] += 1
            continue
        sentence_end = qm._sentence_end(doc, start)
        feats = [qm.end_features(doc, cue.head, start, e, rule_end, sentence_end) for e in candidates]
        lengths = [e - start for e in candidates]
        out.append((feats, label, candidates.index(rule_end), lengths))
    return out


def training_groups(rows) -> list[tuple[list[list[str]], "int | set[int]"]]:
    """Each report twice: once with the gold end as its label, once with the set of ends that cover the gold
    content at 0.5 (the benchmark's match), so the model learns the exact end and, above all, not to stray far."""
    groups = []
    for feats, label, _, lengths in rows:
        groups.append((feats, label))
        groups.append((feats, {j for j in range(len(feats)) if _covers(lengths, j, label)}))
    return groups


def _covers(lengths: list[int], chosen: int, label: int) -> bool:
    """Both contents start at the same token: the shorter holds at least half of the longer."""
    a, b = lengths[chosen], lengths[label]
    return min(a, b) >= 0.5 * max(a, b)


def accuracy(model: qm.QuoteEndModel, rows) -> dict[str, float]:
    """End accuracy (exact) and 0.5-coverage accuracy of the rules' end and of the model's choice."""
    figures = {"rules exact": 0, "model exact": 0, "rules 0.5 coverage": 0, "model 0.5 coverage": 0}
    for feats, label, rule, lengths in rows:
        scores = [model.score(f) for f in feats]
        chosen = max(range(len(scores)), key=lambda j: (scores[j], -j))
        figures["rules exact"] += rule == label
        figures["model exact"] += chosen == label
        figures["rules 0.5 coverage"] += _covers(lengths, rule, label)
        figures["model 0.5 coverage"] += _covers(lengths, chosen, label)
    return {k: v / len(rows) for k, v in figures.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=os.environ.get("NEWSGRAPH_DATA"), help="the shared data folder")
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: newsgraph's default)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N training articles")
    parser.add_argument("--no-write", action="store_true", help="print the figures, do not write the model")
    parser.add_argument("--l2", type=float, default=L2, help=f"L2 penalty (default {L2})")
    parser.add_argument("--cache", type=Path, default=None,
                        help="keep the parsed articles in this spaCy DocBin file and reuse it on the next run")
    args = parser.parse_args(argv)
    if not args.data:
        parser.error("give --data or set NEWSGRAPH_DATA")
    split = Path(args.data) / "polnear" / "train"
    t0 = time.time()
    docs = polnear.load(split)[: args.limit]
    nlp = load_pipeline(args.model, disable=COMPONENTS)
    stats = {"reports": 0, "gold end not a candidate": 0}
    train_rows, held_rows, all_rows = [], [], []
    for gdoc, doc in zip(docs, _parsed(nlp, docs, args.cache)):
        rows = examples(doc, gdoc.attributions, stats)
        (held_rows if zlib.crc32(gdoc.name.encode()) % 5 == HOLDOUT_BUCKET else train_rows).extend(rows)
        all_rows.extend(rows)
    print(f"PolNeAR train: {len(docs)} articles parsed in {time.time() - t0:.0f} s; {stats['reports']} reports "
          f"matched to a gold content, {stats['gold end not a candidate']} of them with a gold end that is no "
          f"candidate; {len(all_rows)} examples ({len(held_rows)} held out)")
    held_model = qm.train(training_groups(train_rows), l2=args.l2)
    held = accuracy(held_model, held_rows)
    print(f"held-out ({len(held_rows)} reports): " + ", ".join(f"{k} {100 * v:.1f}" for k, v in held.items()))
    model = qm.train(training_groups(all_rows), l2=args.l2)
    model.meta.update({
        "data": "PolNeAR v1.0 train (polnear/train), research use; see newsgraph/models/README.md",
        "articles": len(docs),
        "spacy_pipeline": nlp.meta.get("name", "?") + " " + nlp.meta.get("version", "?"),
        "heldout": {**{k: round(v, 4) for k, v in held.items()}, "reports": len(held_rows)},
        "training_files_sha256": _digest(sorted((split / "attributions").glob("*.ann"))
                                         + sorted((split / "text").glob("*.txt"))),
    })
    if not args.no_write:
        path = OUT_DIR / qm.MODEL_FILE
        model.save(path)
        print(f"wrote {path} ({path.stat().st_size:,} bytes, {len(model.vocab)} features)")
    return 0


def _parsed(nlp, docs: list[polnear.Doc], cache: Path | None):
    """The parsed articles, from ``cache`` when it holds exactly these texts."""
    from spacy.tokens import DocBin

    if cache is not None and cache.exists():
        parsed = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if [d.text for d in parsed] == [d.text for d in docs]:
            return parsed
    parsed = list(nlp.pipe((d.text for d in docs), batch_size=16))
    if cache is not None:
        DocBin(attrs=["ORTH", "TAG", "POS", "DEP", "HEAD", "LEMMA", "ENT_IOB", "ENT_TYPE", "SENT_START"],
               docs=parsed).to_disk(cache)
    return parsed


def _digest(paths: list[Path]) -> str:
    """SHA-256 prefix over the training files, in order (which files and what they held)."""
    h = hashlib.sha256()
    for p in paths:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


if __name__ == "__main__":
    sys.exit(main())
