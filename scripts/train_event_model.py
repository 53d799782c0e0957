"""Train the sentence-level event-type model shipped in ``src/newsgraph/models/`` and print its held-out figures.

    python scripts/train_event_model.py --data ../shared/data            # or NEWSGRAPH_DATA=...
    python scripts/train_event_model.py --data ../shared/data --no-write # figures only
    python scripts/train_event_model.py --data ../shared/data --compare  # also naive Bayes and ablations

Training examples (see ``src/newsgraph/models/README.md``):

- NGEC synthetic stories (``events/ngec-synthetic-plover-stories.csv``): the first two sentences of each story's
  ``text`` and its filled title (first line of ``prompt``), labelled with the story's PLOVER type;
- ConfliBERT quad-class sentences (``events/conflibert-cameo-quadclass-train.tsv``): class 0 as ``NONE``, classes
  1-4 as partial labels (the set of PLOVER types in that class: the loss is the mass on the set).

Figures (fixed seeds; everything held out from the model that is scored):

(a) 16-type accuracy and macro-F1 on a stratified 20% of the NGEC stories (their first sentence; the model is
    trained on the other 80% and all ConfliBERT sentences);
(b) five-class accuracy and macro-F1 on the ConfliBERT file by 5-fold cross-validation (each fold's model is
    trained on all NGEC stories and the other four folds; predicted class = the class of the top type);
(c) reliability tables: the softmax temperature is fitted on one half of the out-of-fold ConfliBERT predictions
    and scored on the other (and the reverse), and on the NGEC held-out set.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from newsgraph.extract import event_model as em

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "src" / "newsgraph" / "models"
SEED = 0
LEAD_SENTENCES = 2
CB_WEIGHT = 10.0  # ConfliBERT sentences are real news, the model's target: each counts ten times
L2 = 2e-5


# ------------------------------------------------------------------------------------------------------ data

def load_ngec(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    stories = []
    for row in rows:
        if row["label"] not in em.PLOVER_TYPES:
            continue
        title = row["prompt"].split("\n", 1)[0].strip()
        stories.append({"text": row["text"], "title": title, "label": row["label"]})
    return stories


def load_conflibert(path: Path) -> list[tuple[str, int]]:
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            sentence, _, label = line.rpartition("\t")
            out.append((sentence.strip(), int(label)))
    return out


def parse_all(nlp, stories, conflibert):
    """Features: per story its lead sentences' and title's; per ConfliBERT sentence its own."""
    t0 = time.perf_counter()
    heads = [s["text"][:1200] for s in stories]
    for story, doc in zip(stories, nlp.pipe(heads, batch_size=64)):
        sents = [s for s in doc.sents if sum(not t.is_punct and not t.is_space for t in s) >= 4]
        story["lead"] = [em.features(s) for s in sents[:LEAD_SENTENCES]]
    for story, doc in zip(stories, nlp.pipe((s["title"] for s in stories), batch_size=128)):
        story["title_feats"] = em.features(doc[:])
    cb_feats = [em.features(doc[:]) for doc in nlp.pipe((s for s, _ in conflibert), batch_size=64)]
    print(f"parsed {len(stories)} stories (lead + title) and {len(conflibert)} sentences "
          f"in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return cb_feats


def parsed_features(stories, conflibert, cache: Path | None):
    key = [len(stories), len(conflibert), LEAD_SENTENCES]
    if cache and cache.exists():
        data = json.loads(cache.read_text())
        if data["key"] == key:
            for story, lead, title in zip(stories, data["lead"], data["title"]):
                story["lead"], story["title_feats"] = lead, title
            return data["conflibert"]
    from newsgraph.nlp import load_pipeline

    cb_feats = parse_all(load_pipeline(components=False), stories, conflibert)
    if cache:
        cache.write_text(json.dumps({"key": key, "lead": [s["lead"] for s in stories],
                                     "title": [s["title_feats"] for s in stories], "conflibert": cb_feats}))
    return cb_feats


def stratified_split(labels, fraction, seed):
    rng = np.random.default_rng(seed)
    by = defaultdict(list)
    for i, label in enumerate(labels):
        by[label].append(i)
    held = []
    for label in sorted(by):
        idx = np.array(by[label])
        rng.shuffle(idx)
        held.extend(idx[:round(len(idx) * fraction)].tolist())
    return sorted(held)


def stratified_folds(labels, k, seed):
    rng = np.random.default_rng(seed)
    fold = np.zeros(len(labels), dtype=int)
    by = defaultdict(list)
    for i, label in enumerate(labels):
        by[label].append(i)
    for label in sorted(by):
        idx = np.array(by[label])
        rng.shuffle(idx)
        fold[idx] = np.arange(len(idx)) % k
    return fold


def examples(stories, cb_feats, cb_labels, *, titles=True, partial=True, lead=LEAD_SENTENCES):
    feats, labels, weights = [], [], []
    for s in stories:
        for f in s["lead"][:lead]:
            feats.append(f), labels.append(s["label"]), weights.append(1.0)
        if titles:
            feats.append(s["title_feats"]), labels.append(s["label"]), weights.append(1.0)
    for f, q in zip(cb_feats, cb_labels):
        if q == 0:
            feats.append(f), labels.append(em.NONE), weights.append(CB_WEIGHT)
        elif partial:
            feats.append(f), labels.append(em.QUAD_TYPES[q]), weights.append(CB_WEIGHT)
    return feats, labels, weights


# --------------------------------------------------------------------------------------------------- metrics

def macro_f1(gold, pred, labels):
    f1s = []
    for c in labels:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        fp = sum(g != c and p == c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(f1s))


def accuracy(gold, pred):
    return float(np.mean([g == p for g, p in zip(gold, pred)]))


def reliability(conf, correct, bins=(0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)):
    conf, correct = np.asarray(conf), np.asarray(correct, dtype=float)
    lines = ["  confidence    n   mean conf  accuracy"]
    ece = 0.0
    for lo, hi in zip(bins, bins[1:]):
        sel = (conf >= lo) & (conf < hi)
        if sel.any():
            gap = abs(conf[sel].mean() - correct[sel].mean())
            ece += sel.sum() / len(conf) * gap
            lines.append(f"  {lo:.1f}-{min(hi, 1):.1f}  {sel.sum():5d}   {conf[sel].mean():.3f}      "
                         f"{correct[sel].mean():.3f}")
    lines.append(f"  ECE {ece:.3f} (n={len(conf)})")
    return "\n".join(lines)


def quad_probs(P):
    """(n, 17) type probabilities -> (n, 5) quad-class probabilities."""
    out = np.zeros((len(P), 5))
    for j, c in enumerate(em.CLASSES):
        out[:, em.quad_class(c)] += P[:, j]
    return out


# ---------------------------------------------------------------------------------------------- experiments

def fit(feats, labels, weights, **kw):
    kw.setdefault("l2", L2)
    return em.train(feats, labels, weights=weights, features_given=True, seed=SEED, **kw)


def eval_ngec(stories, cb_feats, cb_labels, held, *, learner=fit, **opts):
    held_set = set(held)
    train_stories = [s for i, s in enumerate(stories) if i not in held_set]
    model = learner(*examples(train_stories, cb_feats, cb_labels, **opts))
    test = [stories[i] for i in held]
    gold = [s["label"] for s in test]
    Z = np.stack([model.logits(s["lead"][0] if s["lead"] else []) for s in test])
    return model, gold, Z


def eval_conflibert(stories, cb_feats, cb_labels, folds, *, learner=fit, **opts):
    Z = np.zeros((len(cb_feats), len(em.CLASSES)))
    for k in range(folds.max() + 1):
        tr = [i for i in range(len(cb_feats)) if folds[i] != k]
        model = learner(*examples(stories, [cb_feats[i] for i in tr], [cb_labels[i] for i in tr], **opts))
        te = np.flatnonzero(folds == k)
        Z[te] = np.stack([model.logits(cb_feats[i]) for i in te])
    return Z


def report_ngec(gold, Z, name=""):
    P = em._softmax(Z.copy())
    top = [em.CLASSES[i] for i in P.argmax(1)]
    top16 = [em.CLASSES[i] for i in P[:, :16].argmax(1)]
    print(f"(a){name} NGEC held-out first sentences (n={len(gold)}): 16-type accuracy "
          f"{accuracy(gold, top16):.3f}, macro-F1 {macro_f1(gold, top16, em.PLOVER_TYPES):.3f} "
          f"(best of the 16 types); top class incl. NONE: accuracy {accuracy(gold, top):.3f}, "
          f"macro-F1 {macro_f1(gold, top, em.PLOVER_TYPES):.3f}, NONE predicted {top.count(em.NONE)}")


def report_conflibert(cb_labels, Z, name=""):
    P = em._softmax(Z.copy())
    pred = [em.quad_class(em.CLASSES[i]) for i in P.argmax(1)]
    pred_sum = quad_probs(P).argmax(1).tolist()
    print(f"(b){name} ConfliBERT 5-fold CV (n={len(cb_labels)}): five-class accuracy "
          f"{accuracy(cb_labels, pred):.3f}, macro-F1 {macro_f1(cb_labels, pred, range(5)):.3f} "
          f"(top type's class); summed class probabilities: accuracy {accuracy(cb_labels, pred_sum):.3f}, "
          f"macro-F1 {macro_f1(cb_labels, pred_sum, range(5)):.3f}")
    return pred


def naive_bayes(feats, labels, weights, alpha=0.3):
    """Multinomial naive Bayes over the same features, for comparison (partial labels spread evenly)."""
    mask = em._label_mask(labels, em.CLASSES).astype(float)
    resp = mask / mask.sum(1, keepdims=True) * np.asarray(weights)[:, None]
    vocab = sorted({f for fs in feats for f in fs})
    index = {f: i for i, f in enumerate(vocab)}
    counts = np.zeros((len(vocab), len(em.CLASSES)))
    for fs, r in zip(feats, resp):
        for f in set(fs):
            counts[index[f]] += r
    logp = np.log(counts + alpha) - np.log((counts + alpha).sum(0))
    prior = np.log(resp.sum(0) / resp.sum())

    class NB(em.EventTypeModel):
        def logits(self, fs):
            rows = self._indices(fs)
            return self.bias + (self.weights[rows].sum(0) if rows else 0)

    return NB(vocab, logp, prior)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=os.environ.get("NEWSGRAPH_DATA"),
                        help="the shared data folder (default: $NEWSGRAPH_DATA)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help=f"where to write the model (default {OUT_DIR})")
    parser.add_argument("--no-write", action="store_true", help="print the figures only")
    parser.add_argument("--compare", action="store_true", help="also figures for naive Bayes and ablations")
    parser.add_argument("--cache", type=Path, help="keep the parsed features in this JSON file (reused if there)")
    args = parser.parse_args(argv)
    if not args.data:
        parser.error("give --data or set NEWSGRAPH_DATA")
    events = Path(args.data) / "events"
    ngec_path = events / "ngec-synthetic-plover-stories.csv"
    cb_path = events / "conflibert-cameo-quadclass-train.tsv"
    stories = load_ngec(ngec_path)
    conflibert = load_conflibert(cb_path)
    cb_labels = [q for _, q in conflibert]

    cb_feats = parsed_features(stories, conflibert, args.cache)

    held = stratified_split([s["label"] for s in stories], 0.2, SEED)
    folds = stratified_folds(cb_labels, 5, SEED)

    t0 = time.perf_counter()
    _, gold_a, Z_a = eval_ngec(stories, cb_feats, cb_labels, held)
    t_train = time.perf_counter() - t0
    Z_b = eval_conflibert(stories, cb_feats, cb_labels, folds)

    # temperature: fitted on half of the out-of-fold ConfliBERT predictions, scored on the other half
    half = np.random.default_rng(SEED).permutation(len(cb_labels)) % 2
    quad_sets = [em.QUAD_TYPES[q] for q in cb_labels]
    temps = []

    class _Logits:  # fit_temperature works on a model's logits: here the precomputed out-of-fold ones
        classes = em.CLASSES

        def __init__(self, Z):
            self.Z = Z

        def logits(self, i):
            return self.Z[i]

    for h in (0, 1):
        idx = np.flatnonzero(half == h)
        temps.append(em.fit_temperature(_Logits(Z_b), idx.tolist(), [quad_sets[i] for i in idx]))
    conf_b, correct_b = [], []
    for h in (0, 1):
        idx = np.flatnonzero(half == h)
        Q = quad_probs(em._softmax(Z_b[idx] / temps[1 - h]))
        top = Q.argmax(1)
        conf_b.extend(Q[np.arange(len(idx)), top].tolist())
        correct_b.extend([t == cb_labels[i] for t, i in zip(top, idx)])
    # the shipped temperature: fitted on all out-of-fold ConfliBERT predictions (quad-class likelihood) and
    # the NGEC held-out predictions (type likelihood) together, so that both levels stay close to calibrated
    Z_ab = np.concatenate([Z_b, Z_a])
    temperature = em.fit_temperature(_Logits(Z_ab), list(range(len(Z_ab))), quad_sets + gold_a)

    print(f"data: {len(stories)} NGEC stories ({ngec_path.name}), {len(conflibert)} ConfliBERT sentences "
          f"({cb_path.name}); seed {SEED}")
    report_ngec(gold_a, Z_a)
    report_conflibert(cb_labels, Z_b)
    print(f"(c) reliability, ConfliBERT out-of-fold (top quad class's summed probability vs it being right; "
          f"temperature fitted on the other half: {temps[0]:.2f} / {temps[1]:.2f}):")
    print(reliability(conf_b, correct_b))
    P_a = em._softmax(Z_a / temperature)
    top_a = P_a.argmax(1)
    print(f"(c) reliability, NGEC held-out first sentences (top class probability vs type right; "
          f"temperature {temperature:.2f}, fitted on these and the ConfliBERT ones):")
    print(reliability(P_a[np.arange(len(top_a)), top_a], [em.CLASSES[t] == g for t, g in zip(top_a, gold_a)]))
    Q = quad_probs(em._softmax(Z_b / temperature))
    print("(c) reliability, ConfliBERT out-of-fold, every class's summed probability vs that class being right "
          f"(temperature {temperature:.2f}, fitted on these and the NGEC ones):")
    print(reliability(Q.ravel(), (np.arange(5)[None, :] == np.array(cb_labels)[:, None]).ravel(),
                      bins=(0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1.0001)))
    print(f"one training run (80% NGEC + ConfliBERT): {t_train:.1f} s")

    if args.compare:
        for name, opts in [(" no ConfliBERT 1-4", {"partial": False}), (" no titles", {"titles": False}),
                           (" first sentence only", {"lead": 1})]:
            report_ngec(*eval_ngec(stories, cb_feats, cb_labels, held, **opts)[1:], name=name)
            report_conflibert(cb_labels, eval_conflibert(stories, cb_feats, cb_labels, folds, **opts), name=name)
        for name, opts in [(" naive Bayes", {}), (" naive Bayes, no ConfliBERT 1-4", {"partial": False})]:
            report_ngec(*eval_ngec(stories, cb_feats, cb_labels, held, learner=naive_bayes, **opts)[1:], name=name)
            report_conflibert(cb_labels, eval_conflibert(stories, cb_feats, cb_labels, folds,
                                                         learner=naive_bayes, **opts), name=name)

    if args.no_write:
        return 0
    feats, labels, weights = examples(stories, cb_feats, cb_labels)
    model = fit(feats, labels, weights)
    model.temperature = temperature
    model.meta.update({"temperature_fit": "out-of-fold ConfliBERT (quad-class likelihood) + NGEC held-out 20%",
                       "data": {ngec_path.name: _sha(ngec_path), cb_path.name: _sha(cb_path)},
                       "examples_by_label": dict(sorted(Counter(
                           lab if isinstance(lab, str) else f"quad{em.quad_class(lab[0])}"
                           for lab in labels).items()))})
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / em.MODEL_FILE
    model.save(path)
    print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB, {len(model.vocab)} features, "
          f"temperature {temperature:.2f})")
    return 0


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


if __name__ == "__main__":
    sys.exit(main())
