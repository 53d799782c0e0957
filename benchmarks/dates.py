"""Time expressions on TimeBank + AQUAINT (TBAQ-cleaned): newsgraph's ``dates`` against the gold TIMEX3.

Each document's creation time (the TIMEX3 in its ``<DCT>`` header) is given to newsgraph as the publication date;
that header TIMEX3 is not part of the text and is not scored.  newsgraph runs in process (``records_for``'s path:
``from_doc`` over the pipeline's Docs), and its dates are compared with the gold TIMEX3 of ``<TEXT>`` by extent,
type and value as TempEval-3 does.  The metrics are defined in ``DEFINITIONS`` below and printed with the figures.

The data is ``DIR/time/tbaq`` with ``DIR`` from ``--data`` or ``NEWSGRAPH_DATA``.

    python benchmarks/dates.py [--data DIR] [--limit N] [--model NAME]
                               [--write docs/benchmarks.md] [--json FILE] [--errors FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import timeml  # noqa: E402
from _report import markdown_table, plain_table, write_section  # noqa: E402

BATCH = 16
TYPES = ("DATE", "TIME", "DURATION", "SET")

DEFINITIONS = [
    ("gold", "the TIMEX3 elements inside `<TEXT>`; the `<DCT>` TIMEX3 is the publication date given to newsgraph, "
             "not scored"),
    ("strict extent", "a system expression whose character offsets equal a gold TIMEX3's; P = matches / system "
                      "expressions, R = matches / gold TIMEX3"),
    ("relaxed extent", "system and gold paired one-to-one where their characters overlap (greedily, largest "
                       "overlap first); P = pairs / system, R = pairs / gold"),
    ("type accuracy, value accuracy", "over the relaxed pairs: the share whose type (value) equals the gold "
                                      "TIMEX3's, values compared as strings"),
    ("type F1, value F1", "as TempEval-3's attribute F1: a relaxed pair counts when its type (value) is also "
                          "right; P = such pairs / system, R = such pairs / gold"),
    ("per type", "the same counts restricted to gold TIMEX3 of that type (R) and system expressions of that type "
                 "(P)"),
]
ANCHORS = ("For orientation only (a different test set, not comparable one to one): HeidelTime reaches value F1 "
           "77.61 (relaxed extent F1 90.30, strict 81.34) on the TempEval-3 platinum test set (UzZaman et al. "
           "2013), on which TBAQ was the training data.")
CITATION = ("Data: TBAQ-cleaned (TimeBank 1.2 and AQUAINT as cleaned for TempEval-3, UzZaman et al. 2013), "
            "256 documents, 1,822 TIMEX3 in the text.")


@dataclass(frozen=True, slots=True)
class Expr:
    start: int
    end: int
    text: str
    type: str
    value: str


def pairs(gold: Sequence[Expr], system: Sequence[Expr]) -> list[tuple[int, int]]:
    """One-to-one (gold index, system index) pairs of overlapping expressions, largest overlap first."""
    candidates = sorted((-(min(g.end, s.end) - max(g.start, s.start)), i, j)
                        for i, g in enumerate(gold) for j, s in enumerate(system)
                        if g.start < s.end and s.start < g.end)
    used_g: set[int] = set()
    used_s: set[int] = set()
    out = []
    for _, i, j in candidates:
        if i not in used_g and j not in used_s:
            used_g.add(i)
            used_s.add(j)
            out.append((i, j))
    return sorted(out)


def score(gold: Sequence[Expr], system: Sequence[Expr]) -> Counter[str]:
    """The counts behind every figure for one document (overall and per type)."""
    c: Counter[str] = Counter()
    matched = pairs(gold, system)
    exact = {(g.start, g.end) for g in gold} & {(s.start, s.end) for s in system}
    for prefix, keep_g, keep_s in [("", lambda e: True, lambda e: True)] + [
            (t + ":", lambda e, t=t: e.type == t, lambda e, t=t: e.type == t) for t in TYPES]:
        c[prefix + "gold"] += sum(1 for g in gold if keep_g(g))
        c[prefix + "sys"] += sum(1 for s in system if keep_s(s))
        c[prefix + "strict_g"] += sum(1 for g in gold if keep_g(g) and (g.start, g.end) in exact)
        c[prefix + "strict_s"] += sum(1 for s in system if keep_s(s) and (s.start, s.end) in exact)
        for i, j in matched:
            g, s = gold[i], system[j]
            for side, keep, e in (("_g", keep_g, g), ("_s", keep_s, s)):
                if keep(e):
                    c[prefix + "relaxed" + side] += 1
                    c[prefix + "type" + side] += g.type == s.type
                    c[prefix + "value" + side] += g.value == s.value
    return c


def prf(tp_s: int, sys: int, tp_g: int, gold: int) -> dict[str, Any]:
    p = tp_s / sys if sys else 0.0
    r = tp_g / gold if gold else 0.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp_g, "sys": sys, "gold": gold}


def figures(c: Counter[str], prefix: str = "") -> dict[str, Any]:
    get = lambda k: c[prefix + k]  # noqa: E731
    relaxed = get("relaxed_g")
    return {
        "strict": prf(get("strict_s"), get("sys"), get("strict_g"), get("gold")),
        "relaxed": prf(get("relaxed_s"), get("sys"), relaxed, get("gold")),
        "type": prf(get("type_s"), get("sys"), get("type_g"), get("gold")),
        "value": prf(get("value_s"), get("sys"), get("value_g"), get("gold")),
        "type_accuracy": get("type_g") / relaxed if relaxed else 0.0,
        "value_accuracy": get("value_g") / relaxed if relaxed else 0.0,
    }


def run_newsgraph(nlp: Any, docs: Sequence[timeml.Doc]) -> list[Any]:
    """newsgraph's record for each document, with the DCT as the publication date, in batches."""
    from newsgraph.ingest import Article
    from newsgraph.nlp.runner import PUBLISHED_KEY
    from newsgraph.record import from_doc

    records = []
    for start in range(0, len(docs), BATCH):
        batch = docs[start:start + BATCH]
        made = []
        for d in batch:
            doc = nlp.make_doc(d.text)
            doc.user_data[PUBLISHED_KEY] = d.published
            made.append(doc)
        for d, doc in zip(batch, nlp.pipe(made, batch_size=BATCH)):
            record = from_doc(doc, Article(text=d.text, item=d.name, published=d.published))
            record.check_spans()
            records.append(record)
    return records


def system_exprs(record: Any) -> list[Expr]:
    return [Expr(d.mention.start, d.mention.end, d.mention.text, d.type, d.value) for d in record.dates]


def gold_exprs(doc: timeml.Doc) -> list[Expr]:
    return [Expr(t.start, t.end, t.text, t.type, t.value) for t in doc.timexes]


def error_rows(doc: timeml.Doc, gold: Sequence[Expr], system: Sequence[Expr]) -> list[dict[str, Any]]:
    matched = pairs(gold, system)
    mg, ms = {i for i, _ in matched}, {j for _, j in matched}

    def show(e: Expr) -> dict[str, Any]:
        context = doc.text[max(0, e.start - 60):e.end + 60].replace("\n", " ")
        return {"text": e.text, "type": e.type, "value": e.value, "offsets": [e.start, e.end], "context": context}

    rows = [{"doc": doc.name, "dct": doc.dct, "error": "miss", "gold": show(g)} for i, g in enumerate(gold)
            if i not in mg]
    rows += [{"doc": doc.name, "dct": doc.dct, "error": "false_positive", "system": show(s)}
             for j, s in enumerate(system) if j not in ms]
    for i, j in matched:
        g, s = gold[i], system[j]
        problems = [name for name, bad in (("extent", (g.start, g.end) != (s.start, s.end)),
                                           ("type", g.type != s.type), ("value", g.value != s.value)) if bad]
        if problems:
            rows.append({"doc": doc.name, "dct": doc.dct, "error": "+".join(problems), "gold": show(g),
                         "system": show(s)})
    return rows


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def tables(result: dict[str, Any]) -> list[list[list[str]]]:
    overall = result["overall"]
    main = [["figure", "P", "R", "F1", "counts (matched gold / gold, system)"]]
    for label, key in (("extent, strict", "strict"), ("extent, relaxed", "relaxed"), ("type", "type"),
                       ("value", "value")):
        f = overall[key]
        main.append([label, _pct(f["p"]), _pct(f["r"]), _pct(f["f1"]), f"{f['tp']}/{f['gold']}, {f['sys']}"])
    main.append(["type accuracy (relaxed pairs)", "", "", _pct(overall["type_accuracy"]), ""])
    main.append(["value accuracy (relaxed pairs)", "", "", _pct(overall["value_accuracy"]), ""])
    per_type = [["type", "gold", "system", "relaxed P", "relaxed R", "relaxed F1", "strict F1", "value P",
                 "value R", "value F1", "value accuracy"]]
    for t in TYPES:
        f = result["per_type"][t]
        per_type.append([t, str(f["relaxed"]["gold"]), str(f["relaxed"]["sys"]), _pct(f["relaxed"]["p"]),
                         _pct(f["relaxed"]["r"]), _pct(f["relaxed"]["f1"]), _pct(f["strict"]["f1"]),
                         _pct(f["value"]["p"]), _pct(f["value"]["r"]), _pct(f["value"]["f1"]),
                         _pct(f["value_accuracy"])])
    return [main, per_type]


def summary(result: dict[str, Any]) -> str:
    return (f"{result['corpus']}: {result['docs']} documents, {result['gold']:,} gold TIMEX3, {result['system']:,} "
            f"system expressions; model `{result['model']}`; {result['seconds']:.0f} s.")


def markdown(result: dict[str, Any]) -> str:
    definitions = "\n".join(f"- **{term}**: {text}." for term, text in DEFINITIONS)
    main, per_type = tables(result)
    return "\n\n".join([summary(result), markdown_table(main), markdown_table(per_type), definitions, ANCHORS,
                        CITATION, f"Command: `{result['command']}`"])


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    env = os.environ.get("NEWSGRAPH_DATA")
    parser.add_argument("--data", type=Path, default=Path(env) if env else None,
                        help="the shared data folder holding time/tbaq (default: $NEWSGRAPH_DATA)")
    parser.add_argument("--limit", type=int, help="score only the first N documents (sorted by path)")
    parser.add_argument("--model", help="spaCy pipeline (default: newsgraph's default)")
    parser.add_argument("--write", type=Path, help="write the figures into this Markdown file")
    parser.add_argument("--json", type=Path, help="write every figure as JSON to this file")
    parser.add_argument("--errors", type=Path, help="write misses, false positives and wrong attributes (JSONL)")
    args = parser.parse_args(argv)
    if args.data is None or not (args.data / "time" / "tbaq").is_dir():
        parser.error(f"no TBAQ data under --data/NEWSGRAPH_DATA ({args.data}): expected DIR/time/tbaq/*/*.tml")
    return args


def run(args: argparse.Namespace, argv: Sequence[str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    from newsgraph.nlp import default_model_name, load_pipeline

    docs = timeml.load(args.data / "time" / "tbaq")[:args.limit]
    nlp = load_pipeline(args.model)
    began = time.perf_counter()
    records = run_newsgraph(nlp, docs)
    seconds = time.perf_counter() - began
    totals: Counter[str] = Counter()
    errors: list[dict[str, Any]] = []
    for doc, record in zip(docs, records):
        gold, system = gold_exprs(doc), system_exprs(record)
        totals += score(gold, system)
        errors += error_rows(doc, gold, system)
    result = {
        "corpus": "TBAQ-cleaned (TimeBank + AQUAINT)" + (f", first {args.limit} documents" if args.limit else ""),
        "docs": len(docs), "gold": totals["gold"], "system": totals["sys"],
        "model": args.model or default_model_name(), "seconds": seconds,
        "command": shlex.join(["python", "benchmarks/dates.py", *argv]),
        "overall": figures(totals), "per_type": {t: figures(totals, t + ":") for t in TYPES},
    }
    return result, errors


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    result, errors = run(args, sys.argv[1:] if argv is None else list(argv))
    print(summary(result), *(plain_table(t) for t in tables(result)), sep="\n\n")
    if args.write:
        write_section(args.write, "dates", markdown(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
    if args.errors:
        args.errors.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in errors), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
