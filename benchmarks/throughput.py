"""Throughput of ``newsgraph extract`` against bare spaCy on the same texts, in one run.

Bare spaCy is the same pipeline's ``nlp.pipe`` (the model alone, docs discarded); newsgraph is the extraction
path ``newsgraph extract`` runs (readers' Articles in, records out, serialized to JSON lines), with all its
components. Both run on one process and on all cores (spaCy's ``n_process`` against ``--workers``); each
configuration is timed after its pipeline is loaded, best of ``--repeat`` runs.

Texts: the PolNeAR dev articles under ``NEWSGRAPH_DATA`` (or ``--data``) when present, else the bundled
samples; ``--copies`` repeats them to make a longer run.

    python benchmarks/throughput.py [--data DIR] [--copies 3] [--repeat 2] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import write_section  # noqa: E402


def load_texts(data: Path | None) -> tuple[list[str], str]:
    if data and (data / "polnear" / "dev" / "text").is_dir():
        files = sorted((data / "polnear" / "dev" / "text").glob("*.txt"))
        return [f.read_text("utf-8") for f in files], f"PolNeAR dev ({len(files)} articles)"
    from newsgraph.cli import sample_dir
    from newsgraph.ingest import Article, read_sources

    texts = [a.text for a in read_sources([sample_dir()]) if isinstance(a, Article)]
    return texts, f"bundled samples ({len(texts)} articles)"


def best_of(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def component_times(nlp, texts: list[str], repeat: int, batch_size: int = 16) -> dict[str, float]:
    """Seconds each pipeline component takes over ``texts`` (best of ``repeat`` passes), the components run one
    after another over the same batches as ``nlp.pipe`` would (their own ``pipe`` where they have one). Measured
    inside one run, so a slower or faster machine moment shifts every component alike."""
    best: dict[str, float] = {}
    for _ in range(repeat):
        spent = dict.fromkeys(nlp.pipe_names, 0.0)
        for at in range(0, len(texts), batch_size):
            docs = [nlp.make_doc(t) for t in texts[at:at + batch_size]]
            for name, proc in nlp.pipeline:
                start = time.perf_counter()
                docs = list(proc.pipe(docs, batch_size=batch_size)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
                spent[name] += time.perf_counter() - start
        best = {name: min(t, best.get(name, t)) for name, t in spent.items()}
    return best


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ["NEWSGRAPH_DATA"]) if os.environ.get("NEWSGRAPH_DATA") else None)
    parser.add_argument("--model", default=None)
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--write", type=Path, help="write the figures into this Markdown file")
    args = parser.parse_args(argv)

    from newsgraph.ingest import Article
    from newsgraph.nlp import default_model_name, load_pipeline, process
    from newsgraph.nlp.model import COMPONENTS

    base, corpus = load_texts(args.data)
    texts = base * args.copies
    model = args.model or default_model_name()
    bare = load_pipeline(model, components=False)
    full = load_pipeline(model)
    tokens = sum(len(doc) for doc in bare.pipe(base)) * args.copies

    def run_bare(n_process: int):
        def run():
            for _ in bare.pipe(texts, batch_size=16, n_process=n_process):
                pass
        return run

    def run_newsgraph(workers: int):
        def run():
            articles = (Article(text=t, item=str(i)) for i, t in enumerate(texts))
            with open(os.devnull, "w") as sink:
                for record in process(articles, model=model, workers=workers):
                    sink.write(record.dumps() + "\n")
        return run

    full("warm up")
    rows = []
    for label, n in (("1 process", 1), (f"{args.workers} processes", args.workers)):
        t_bare = best_of(args.repeat, run_bare(n))
        t_ng = best_of(args.repeat, run_newsgraph(n))
        rows.append((label, len(texts) / t_bare, tokens / t_bare, len(texts) / t_ng, tokens / t_ng, t_bare / t_ng))
        print(f"{label}: bare {len(texts) / t_bare:.1f} art/s, newsgraph {len(texts) / t_ng:.1f} art/s, "
              f"ratio {t_bare / t_ng:.2f}", flush=True)

    components = [p for p in full.pipe_names if p.startswith("newsgraph_")]
    # what each extractor adds to extract time: its own time in the pipeline (one process, the pipeline's
    # components timed one by one over the same batches), against the rest of the one-process extract time
    t_extract = len(texts) / rows[0][3]  # the one-process run
    own = component_times(full, texts, args.repeat)
    costs = []
    for name in COMPONENTS:
        t_x = own.get(f"newsgraph_{name}", 0.0)
        costs.append((name, t_x / max(t_extract - t_x, 1e-9)))
        print(f"{name}: adds {100 * costs[-1][1]:.1f}% to extract time", flush=True)
    lines = [
        f"Texts: {corpus} × {args.copies} = {len(texts)} articles, {tokens:,} tokens; model `{model}`; "
        f"newsgraph components: {', '.join(components)}; machine: {os.cpu_count()} cores. Best of {args.repeat}.",
        "",
        "| run | bare spaCy articles/s | bare tokens/s | newsgraph articles/s | newsgraph tokens/s | newsgraph / bare |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, a1, t1, a2, t2, ratio in rows:
        lines.append(f"| {label} | {a1:.1f} | {t1:,.0f} | {a2:.1f} | {t2:,.0f} | **{ratio:.2f}** |")
    lines += ["", "What each extractor adds to `extract` time (one process: the extractor's own time in the pipeline, "
              "each component timed over the same batches, best of the repeats, against the rest of the extract "
              "time):", "", "| extractor | adds |", "|---|---:|"]
    lines += [f"| {name} | {100 * cost:+.1f}% |" for name, cost in costs]
    lines += ["", "Command: `python benchmarks/throughput.py --copies "
              f"{args.copies} --repeat {args.repeat} --write docs/benchmarks.md` (target: ratio ≥ 0.85)."]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(args.write, "throughput", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
