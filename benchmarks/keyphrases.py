"""Keyphrases on a KPTimes sample: newsgraph's ``keyphrases`` against the editors' keyphrases, F1@5 and F1@10.

Each article is processed as ``title + "\\n\\n" + text`` (what a ``.txt`` input with a headline line gives) by
the whole pipeline, in process, and scored three ways:

- **component**: ``record.keyphrases`` as the component writes them (best first, up to 10);
- **rerank of the record's phrases**: those phrases re-ranked by
  :func:`newsgraph.extract.keyphrases.rerank` with document frequencies from a background corpus (what the
  store does with the phrase frequencies it keeps); it reorders the ten phrases, so only F1@5 can change;
- **rerank of 30 candidates**: the component's 30 best candidates (``ranked_candidates``) re-ranked the same
  way and cut to 10: what reranking could give if records kept more phrases.

The background corpus is read at run time from ``$NEWSGRAPH_DATA`` (nothing of it is shipped): the PolNeAR
texts (``polnear/{train,dev}/text/*.txt``) and the GeoWebNews articles (``geo/GWN.xml``). A phrase's document
frequency is the number of background texts that contain it as a run of words (:func:`df_words`: lowercase
word tokens, a plural ``s`` stripped, on both sides).

The metric is defined in ``DEFINITIONS``; 10 articles make a noisy estimate (one phrase more or less moves
F1@10 by about 0.01–0.02).

    python benchmarks/keyphrases.py [--data DIR] [--model NAME] [--write docs/benchmarks.md] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import markdown_table, plain_table, write_section  # noqa: E402

KS = (5, 10)
CANDIDATES = 30
SAMPLE = Path("keyphrases") / "kptimes-train-sample.jsonl"

DEFINITIONS = [
    ("normalization", "a phrase is run through the model's tokenizer, tagger and lemmatizer (the bare spaCy "
                      "pipeline, the same for gold and predicted phrases); its form is the lowercase lemmas of "
                      "its tokens without punctuation, with periods removed (`N.B.A.` = `NBA`) and without a "
                      "leading `the`"),
    ("match", "a predicted phrase is correct when its form equals the form of any variant of a gold phrase "
              "(KPTimes' `keyword` lists variants per phrase: `RNC` counts for `Republican National "
              "Convention`); each gold phrase is matched once, and predictions with the same form count once"),
    ("P@k / R@k / F1@k", "per article: P = correct among the first k predictions / number of those predictions "
                         "(at most k), R = gold phrases matched by the first k / gold phrases, F1 their harmonic "
                         "mean (0 when both are 0); then the mean over the articles (macro average)"),
    ("order ignored", "the same F1@10 with the words of each form sorted: KPTimes writes people surname first "
                      "(`Romney Mitt`), which the exact match never finds"),
    ("document frequency", "number of background texts containing the phrase as a run of words, after "
                           "lowercasing, splitting into word tokens and stripping a plural `s` on both sides"),
]
CITATION = ("Data: KPTimes (Gallina, Boudin, Daille 2019, *KPTimes: A Large-Scale Dataset for Keyphrase "
            "Generation on News Documents*; github.com/ygorg/KPTimes), Apache-2.0: 10 articles of its training "
            "set with the editors' keyphrases. Background corpus (document frequencies only, read at run time): "
            "PolNeAR (Newell, Margolin, Ruths 2018) and GeoWebNews (Gritta et al. 2019) texts.")
CAVEAT = ("Ten articles make a noisy estimate: one phrase more or less moves a mean F1 by 0.01–0.02, so "
          "differences below about 0.05 say nothing. KPTimes' gold phrases are editors' index terms (`Hate "
          "crime`, `Women and Girls`, `Romney Mitt`), many of which never occur in the text, which caps every "
          "extractive method. Published figures for orientation (not comparable one to one: whole test set, "
          "other normalization): unsupervised extractive methods score F1@10 around 0.1–0.2 on KPTimes.")


# The metric ----------------------------------------------------------------------------------------------------

class Normalizer:
    """Phrase → its comparison form (see DEFINITIONS), cached; built on a bare spaCy pipeline."""

    def __init__(self, nlp):
        self.nlp = nlp
        self.cache: dict[str, str] = {}

    def __call__(self, phrase: str) -> str:
        form = self.cache.get(phrase)
        if form is None:
            form = self.cache[phrase] = form_of(self.nlp(phrase))
        return form


def form_of(tokens: Iterable[Any]) -> str:
    """The comparison form of a processed phrase (tokens with ``lemma_`` and ``is_punct``)."""
    words = [t.lemma_.lower().replace(".", "") for t in tokens if not t.is_punct and not t.is_space]
    words = [w for w in words if w]
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def score_article(predicted: Sequence[str], gold: Sequence[Sequence[str]], k: int,
                  normalize: Callable[[str], str], order_free: bool = False) -> dict[str, float]:
    """P, R and F1 of the first k predictions against the gold phrases (each a list of variants)."""
    def form(phrase: str) -> str:
        f = normalize(phrase)
        return " ".join(sorted(f.split())) if order_free else f

    forms: list[str] = []
    for phrase in predicted:
        f = form(phrase)
        if f and f not in forms:
            forms.append(f)
    top = forms[:k]
    gold_forms = [{form(v) for v in variants} - {""} for variants in gold]
    matched_gold: set[int] = set()
    correct = 0
    for f in top:
        for g, variants in enumerate(gold_forms):
            if g not in matched_gold and f in variants:
                matched_gold.add(g)
                correct += 1
                break
    p = correct / len(top) if top else 0.0
    r = len(matched_gold) / len(gold_forms) if gold_forms else 0.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def mean_scores(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.fmean(r[key] for r in rows) if rows else 0.0 for key in ("p", "r", "f1")}


# Document frequencies ------------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")


def df_words(text: str) -> list[str]:
    """Lowercase word tokens with a plural ``s`` stripped (``crimes`` = ``crime``; not ``ss``, not short words)."""
    words = _WORD.findall(text.lower())
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words]


def background_texts(data: Path) -> list[str]:
    """The background corpus: PolNeAR texts and GeoWebNews articles (empty when neither is there)."""
    texts = []
    for split in ("train", "dev"):
        folder = data / "polnear" / split / "text"
        if folder.is_dir():
            texts += [p.read_text("utf-8", errors="replace") for p in sorted(folder.glob("*.txt"))]
    gwn_path = data / "geo" / "GWN.xml"
    if gwn_path.is_file():
        import gwn

        texts += [a.text for a in gwn.load(gwn_path)]
    return texts


def document_frequencies(phrases: Iterable[str], texts: Sequence[str]) -> dict[str, int]:
    """Phrase → number of texts that contain its words as a run (see :func:`df_words`)."""
    keys = {p: tuple(df_words(p)) for p in set(phrases)}
    lengths = {len(k) for k in keys.values() if k}
    wanted = set(keys.values())
    counts: dict[tuple[str, ...], int] = {}
    for text in texts:
        words = df_words(text)
        present = {tuple(words[i:i + n]) for n in lengths for i in range(len(words) - n + 1)} & wanted
        for key in present:
            counts[key] = counts.get(key, 0) + 1
    return {p: counts.get(k, 0) for p, k in keys.items()}


# Running -------------------------------------------------------------------------------------------------------

def load_sample(data: Path) -> list[dict[str, Any]]:
    with (data / SAMPLE).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def run(args: argparse.Namespace, argv: Sequence[str]) -> dict[str, Any]:
    from newsgraph.extract.keyphrases import KeyphraseExtractor, ranked_candidates, rerank
    from newsgraph.nlp import default_model_name, load_pipeline

    articles = load_sample(args.data)
    nlp = load_pipeline(args.model)
    normalize = Normalizer(load_pipeline(args.model, components=False))
    texts = [f"{a['title']}\n\n{a['abstract']}" for a in articles]
    golds = [a["keyword"] for a in articles]

    start = time.perf_counter()
    docs = list(nlp.pipe(texts))
    pipeline_s = time.perf_counter() - start
    extractor = KeyphraseExtractor()
    start = time.perf_counter()
    for _ in range(5):
        for doc in docs:
            extractor(doc)
    component_s = (time.perf_counter() - start) / 5

    component = [list(doc._.ng_keyphrases or []) for doc in docs]
    candidates = [[p for p, _ in ranked_candidates(doc)][:CANDIDATES] for doc in docs]
    background = background_texts(args.data)
    df = document_frequencies([p for c in candidates for p in c], background)
    n_docs = len(background)
    systems = {
        "component": component,
        "rerank of the record's phrases": [rerank(c, df, n_docs) for c in component],
        f"rerank of {CANDIDATES} candidates": [rerank(c, df, n_docs)[:10] for c in candidates],
    }
    figures: dict[str, Any] = {}
    for name, predictions in systems.items():
        figures[name] = {f"@{k}": mean_scores([score_article(p, g, k, normalize) for p, g in zip(predictions, golds)])
                         for k in KS}
        figures[name]["@10 order ignored"] = mean_scores(
            [score_article(p, g, 10, normalize, order_free=True) for p, g in zip(predictions, golds)])
    return {
        "articles": len(articles), "gold": sum(len(g) for g in golds), "background": n_docs,
        "model": args.model or default_model_name(), "figures": figures,
        "examples": [{"gold": [v[0] for v in g], "component": c} for g, c in zip(golds, component)],
        "pipeline_ms_per_article": 1000 * pipeline_s / len(docs),
        "component_ms_per_article": 1000 * component_s / len(docs),
        "command": shlex.join(["python", "benchmarks/keyphrases.py", *argv]),
    }


# Report --------------------------------------------------------------------------------------------------------

def table(result: dict[str, Any]) -> list[list[str]]:
    rows = [["system", "P@5", "R@5", "F1@5", "P@10", "R@10", "F1@10", "F1@10 order ignored"]]
    for name, f in result["figures"].items():
        rows.append([name, *(f"{f[f'@{k}'][m]:.3f}" for k in KS for m in ("p", "r", "f1")),
                     f"{f['@10 order ignored']['f1']:.3f}"])
    return rows


def summary(result: dict[str, Any]) -> str:
    share = result["component_ms_per_article"] / result["pipeline_ms_per_article"]
    return (f"KPTimes sample: {result['articles']} articles, {result['gold']} gold phrases; background corpus "
            f"{result['background']} texts; model `{result['model']}`. Cost of the component: "
            f"{result['component_ms_per_article']:.2f} ms per article, {100 * share:.1f} % of the whole "
            f"pipeline's {result['pipeline_ms_per_article']:.0f} ms (this run, one process).")


def markdown(result: dict[str, Any]) -> str:
    definitions = "\n".join(f"- **{term}**: {text}." for term, text in DEFINITIONS)
    return "\n\n".join([summary(result), markdown_table(table(result)), CAVEAT, definitions, CITATION,
                        f"Command: `{result['command']}`"])


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    env = os.environ.get("NEWSGRAPH_DATA")
    parser.add_argument("--data", type=Path, default=Path(env) if env else None,
                        help=f"the shared data folder holding {SAMPLE} (default: $NEWSGRAPH_DATA)")
    parser.add_argument("--model", help="spaCy pipeline (default: newsgraph's default)")
    parser.add_argument("--write", type=Path, help="write the figures into this Markdown file (section 'keyphrases')")
    parser.add_argument("--json", type=Path, help="write the figures and the predictions as JSON to this file")
    args = parser.parse_args(argv)
    if args.data is None or not (args.data / SAMPLE).is_file():
        parser.error(f"no KPTimes sample under --data/NEWSGRAPH_DATA ({args.data}): expected DIR/{SAMPLE}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    result = run(args, sys.argv[1:] if argv is None else list(argv))
    print(summary(result), plain_table(table(result)), sep="\n\n")
    if args.write:
        write_section(args.write, "keyphrases", markdown(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
