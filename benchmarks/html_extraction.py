"""HTML text extraction on the article-extraction benchmark: newsgraph's main text beside trafilatura's defaults.

For each page ``DIR/html/html/ID.html.gz`` the ground truth is ``articleBody`` of ``DIR/html/ground-truth.json``.
Two systems run in the same process on the same bytes:

- **newsgraph**: ``newsgraph.ingest.html.article_from_html(bytes, ...)`` → ``Article.text`` (what ``newsgraph
  extract`` processes; the figure captions it collects go to ``Article.captions``, not into the text);
- **trafilatura**: ``trafilatura.extract(bytes)`` with its default settings (text output, comments included,
  tables included, no URL).

A page a system yields no text for (a ``ReadError``, ``None``, or an empty string) is a *failure*: it is scored
with an empty prediction, as the benchmark's own evaluation does, and counted.

The metric is the benchmark's own (scrapinghub/article-extraction-benchmark, ``evaluate.py``), reimplemented
in :func:`shingle_counts` and :func:`aggregate` and defined in ``DEFINITIONS``.

    python benchmarks/html_extraction.py [--data DIR] [--limit N] [--write docs/benchmarks.md] [--json FILE] [--pages FILE]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shlex
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import markdown_table, plain_table, write_section  # noqa: E402

#: Shingle length of the benchmark (word 4-grams).
SHINGLE_N = 4
_WORD = re.compile(r"\w+", re.UNICODE)

DEFINITIONS = [
    ("tokens", "the maximal runs of word characters (`\\w+`, Unicode, case kept) of a text; punctuation and "
               "spaces only separate them"),
    ("shingles", "the 4-grams of consecutive tokens, counted as a multiset; a text of 1–3 tokens has one "
                 "shingle (all its tokens), an empty text none"),
    ("per page", "TP = Σ min(gold count, predicted count) over shingles, FP = Σ max(0, predicted − gold), "
                 "FN = Σ max(0, gold − predicted); the three are divided by their sum so that every page weighs "
                 "the same"),
    ("page precision / recall", "TP / (TP + FP) and TP / (TP + FN); 1 for both when FP = FN = 0 (both texts "
                                "empty or equal); a page with no predicted shingle is left out of the mean "
                                "precision and has recall 0; a page with no gold shingle is left out of the "
                                "mean recall"),
    ("P / R", "the means of the page precisions and of the page recalls"),
    ("F1", "2·P·R / (P + R) of those means (the benchmark's definition, not a mean of page F1s)"),
    ("failures", "pages for which the system returned no text (an error, None or an empty string); they are "
                 "scored as empty predictions"),
    ("pages below 0.5 F1", "pages whose own F1 (from their page P and R) is below 0.5: partial or wrong "
                           "extractions, failures included"),
]
CITATION = ("Data: the article-extraction benchmark (Scrapinghub/Zyte, "
            "github.com/scrapinghub/article-extraction-benchmark), MIT; the half of its 181 pages that is in "
            "the shared data (90 pages). Published for orientation: trafilatura reaches F1 0.958 on the whole "
            "benchmark (its own setup and version).")


# The metric ----------------------------------------------------------------------------------------------------

def tokens(text: str | None) -> list[str]:
    return _WORD.findall(text or "")


def shingles(text: str | None, n: int = SHINGLE_N) -> Counter:
    """The multiset of word n-grams of a text (one shingle of all its tokens when it has fewer than n)."""
    words = tokens(text)
    if not words:
        return Counter()
    if len(words) < n:
        return Counter([tuple(words)])
    return Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def shingle_counts(gold: str | None, pred: str | None, n: int = SHINGLE_N) -> tuple[float, float, float]:
    """(TP, FP, FN) of one page over shingles, normalized to sum to 1 (all 0 when both texts are empty)."""
    g, p = shingles(gold, n), shingles(pred, n)
    tp = fp = fn = 0
    for key in g.keys() | p.keys():
        a, b = g.get(key, 0), p.get(key, 0)
        tp += min(a, b)
        fp += max(0, b - a)
        fn += max(0, a - b)
    total = tp + fp + fn
    if total == 0:
        return 0.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


def page_precision(tp: float, fp: float, fn: float) -> float:
    if fp == 0 and fn == 0:
        return 1.0
    if tp == 0 and fp == 0:
        return 0.0
    return tp / (tp + fp)


def page_recall(tp: float, fp: float, fn: float) -> float:
    if fp == 0 and fn == 0:
        return 1.0
    if tp == 0 and fn == 0:
        return 0.0
    return tp / (tp + fn)


def page_f1(counts: tuple[float, float, float]) -> float:
    p, r = page_precision(*counts), page_recall(*counts)
    return 2 * p * r / (p + r) if p + r else 0.0


def aggregate(pages: Sequence[tuple[float, float, float]]) -> dict[str, float]:
    """Mean precision (pages with a prediction), mean recall (pages with gold text) and their F1."""
    precisions = [page_precision(*c) for c in pages if c[0] + c[1] > 0]
    recalls = [page_recall(*c) for c in pages if c[0] + c[2] > 0]
    p = statistics.fmean(precisions) if precisions else 0.0
    r = statistics.fmean(recalls) if recalls else 0.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


# The systems ---------------------------------------------------------------------------------------------------

def newsgraph_text(data: bytes) -> str | None:
    from newsgraph.ingest.article import Limits, ReadError
    from newsgraph.ingest.html import article_from_html

    try:
        return article_from_html(data, "<benchmark>", Limits()).text
    except ReadError:
        return None


def trafilatura_text(data: bytes) -> str | None:
    import trafilatura

    return trafilatura.extract(data)


SYSTEMS: dict[str, Callable[[bytes], str | None]] = {"newsgraph": newsgraph_text, "trafilatura": trafilatura_text}


# Running -------------------------------------------------------------------------------------------------------

def load(folder: Path, limit: int | None = None) -> list[tuple[str, bytes, str]]:
    """(page id, HTML bytes, gold article body) for each page with a ground truth, in sorted id order."""
    truth = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    pages = []
    for page_id in sorted(truth)[:limit]:
        path = folder / "html" / f"{page_id}.html.gz"
        if path.is_file():
            pages.append((page_id, gzip.decompress(path.read_bytes()), truth[page_id].get("articleBody") or ""))
    return pages


def score(pages: Sequence[tuple[str, bytes, str]], systems: dict[str, Callable[[bytes], str | None]] = SYSTEMS
          ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Figures per system and one row per page and system."""
    figures: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    for name, extract in systems.items():
        counts, failures, low, seconds = [], 0, 0, 0.0
        for page_id, data, gold in pages:
            start = time.perf_counter()
            try:
                text = extract(data)
            except Exception as err:  # noqa: BLE001 - a crash on one page is a failure of that page
                print(f"  {name} failed on {page_id}: {type(err).__name__}: {err}", file=sys.stderr)
                text = None
            seconds += time.perf_counter() - start
            failed = not (text or "").strip()
            failures += failed
            c = shingle_counts(gold, text or "")
            counts.append(c)
            f1 = page_f1(c)
            low += f1 < 0.5
            rows.append({"system": name, "page": page_id, "failed": failed, "p": page_precision(*c),
                         "r": page_recall(*c), "f1": f1, "chars": len(text or ""), "gold_chars": len(gold)})
        figures[name] = {**aggregate(counts), "failures": failures, "below_half": low, "pages": len(pages),
                         "ms_per_page": 1000 * seconds / len(pages) if pages else 0.0}
    return figures, rows


def table(figures: dict[str, Any]) -> list[list[str]]:
    rows = [["system", "P", "R", "F1", "failures", "pages below 0.5 F1", "pages", "ms / page"]]
    for name, f in figures.items():
        rows.append([name, f"{f['p']:.3f}", f"{f['r']:.3f}", f"{f['f1']:.3f}", str(f["failures"]),
                     str(f["below_half"]), str(f["pages"]), f"{f['ms_per_page']:.0f}"])
    return rows


def markdown(result: dict[str, Any]) -> str:
    definitions = "\n".join(f"- **{term}**: {text}." for term, text in DEFINITIONS)
    intro = (f"Main text of {result['pages']} HTML pages against the benchmark's `articleBody`, with the "
             f"benchmark's own metric (token 4-gram shingles). newsgraph: `Article.text` of "
             f"`newsgraph.ingest.html.article_from_html` (trafilatura {result['trafilatura']} with newsgraph's "
             f"options; captions are kept apart, in `Article.captions`); trafilatura: `trafilatura.extract(html)` "
             f"with default settings, in the same run.")
    return "\n\n".join([intro, markdown_table(table(result["figures"])), definitions, CITATION,
                        f"Command: `{result['command']}`"])


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    env = os.environ.get("NEWSGRAPH_DATA")
    parser.add_argument("--data", type=Path, default=Path(env) if env else None,
                        help="the shared data folder holding html/ground-truth.json (default: $NEWSGRAPH_DATA)")
    parser.add_argument("--limit", type=int, help="score only the first N pages (sorted by id)")
    parser.add_argument("--write", type=Path, help="write the figures into this Markdown file (section 'html')")
    parser.add_argument("--json", type=Path, help="write the figures as JSON to this file")
    parser.add_argument("--pages", type=Path, help="write one JSONL row per page and system")
    args = parser.parse_args(argv)
    if args.data is None or not (args.data / "html" / "ground-truth.json").is_file():
        parser.error(f"no article-extraction benchmark under --data/NEWSGRAPH_DATA ({args.data}): "
                     f"expected DIR/html/ground-truth.json")
    return args


def run(args: argparse.Namespace, argv: Sequence[str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    import trafilatura

    pages = load(args.data / "html", args.limit)
    figures, rows = score(pages)
    result = {"pages": len(pages), "trafilatura": trafilatura.__version__, "figures": figures,
              "command": shlex.join(["python", "benchmarks/html_extraction.py", *argv])}
    return result, rows


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    result, rows = run(args, sys.argv[1:] if argv is None else list(argv))
    print(plain_table(table(result["figures"])))
    if args.write:
        write_section(args.write, "html", markdown(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    if args.pages:
        args.pages.write_text("".join(json.dumps(row) + "\n" for row in rows), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
