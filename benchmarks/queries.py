"""Query latency on a corpus store: ``quotes``, ``events`` and ``search`` (newsgraph.store.queries).

The store is built like ``benchmarks/store.py`` builds its own (the same cached base records and joined
variants, under ``--cache``; ``newsgraph ingest --records`` into ``queries-N.duckdb`` there), unless ``--db``
names an existing store. Each query runs with several parameter sets (a frequent and a rare speaker, a type and
a pair of countries, a common and a rare search word, ...) picked from the store itself, ``--repeat`` times
after one warm-up run; the table gives p50 and p95 of the wall time per call (a page of 50 rows and its total).

    python benchmarks/queries.py [--articles 10000] [--db STORE] [--repeat 30] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import write_section  # noqa: E402


def build_store(args) -> Path:
    import store as store_bench  # benchmarks/store.py: the base records and the variants

    db = args.cache / f"queries-{args.articles}.duckdb"
    if db.exists():
        return db
    base_path = store_bench.extract_base(args.data, args.cache, args.workers)
    variants = args.cache / f"variants-{args.articles}.jsonl"
    if not variants.exists():
        import json

        base = [json.loads(line) for line in base_path.read_text("utf-8").splitlines() if line.strip()]
        store_bench.write_variants(base, args.articles, variants)
    partial = db.with_name(db.name + ".partial")
    for stale in (partial, partial.with_name(partial.name + ".wal")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "newsgraph.cli", "ingest", "--records", str(variants), "--db",
                    str(partial)], check=True)
    print(f"built {db.name} in {time.perf_counter() - started:,.0f} s", file=sys.stderr)
    partial.rename(db)
    return db


def cases(store) -> list[tuple[str, str, dict]]:
    """(query, label, parameters): parameter sets drawn from the store's own frequent and rare values."""
    con = store.con
    speakers = con.execute("SELECT speaker_name, count(*) AS n FROM quotes WHERE speaker_name IS NOT NULL "
                           "GROUP BY 1 ORDER BY n DESC, 1").fetchall()
    frequent, rare = speakers[0], speakers[-1]
    surname = frequent[0].split()[-1]
    types = con.execute("SELECT type, count(*) AS n FROM events GROUP BY 1 ORDER BY n DESC, 1").fetchall()
    pair = con.execute("SELECT source_country, target_country, count(*) AS n FROM events WHERE source_country "
                       "IS NOT NULL AND target_country IS NOT NULL AND source_country <> target_country "
                       "GROUP BY 1, 2 ORDER BY n DESC, 1, 2").fetchone()
    years = con.execute("SELECT min(published_date), max(published_date) FROM articles").fetchone()
    mid = years[0] + (years[1] - years[0]) / 2
    return [
        ("quotes", "no filter (newest 50)", {}),
        ("quotes", f"frequent speaker ({frequent[1]:,} quotes)", {"speaker": frequent[0]}),
        ("quotes", "frequent speaker by surname", {"speaker": surname}),
        ("quotes", f"rare speaker ({rare[1]} quote)", {"speaker": rare[0]}),
        ("quotes", "kind + one year", {"kind": "direct", "since": mid.isoformat(),
                                       "until": (mid.replace(year=mid.year + 1)).isoformat()}),
        ("quotes", "about an entity", {"about": "Iran"}),
        ("quotes", "about a phrase", {"about": "health care"}),
        ("quotes", "search words in quotes", {"search": "tax returns"}),
        ("events", "no filter (newest 50)", {}),
        ("events", f"type {types[0][0]}", {"type": types[0][0]}),
        ("events", f"rare type {types[-1][0]}", {"type": types[-1][0]}),
        ("events", f"countries {pair[0]} → {pair[1]}", {"source": pair[0], "target": pair[1]}),
        ("events", "source by name + type", {"source": surname, "type": types[0][0]}),
        ("events", "country name + date range", {"source": "Russia", "since": mid.isoformat()}),
        ("search", "common word", {"text": "said"}),
        ("search", "two words", {"text": "health care"}),
        ("search", "phrase", {"text": '"health care"'}),
        ("search", "rare word", {"text": "ceasefire"}),
        ("search", "absent word", {"text": "zyzzyva"}),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ["NEWSGRAPH_DATA"])
                        if os.environ.get("NEWSGRAPH_DATA") else None)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--db", type=Path, help="an existing store to query (else one is built)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "newsgraph-bench-store")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--write", type=Path, help="write the figures into this Markdown file")
    args = parser.parse_args(argv)
    if args.db is None:
        if args.data is None or not args.data.is_dir():
            parser.error("set NEWSGRAPH_DATA (or --data), or give --db")
        args.cache.mkdir(parents=True, exist_ok=True)
        db = build_store(args)
    else:
        db = args.db

    from newsgraph.store import Store
    from newsgraph.store import queries as Q

    functions = {"quotes": Q.quotes, "events": Q.events, "search": Q.search}
    rows, worst = [], 0.0
    with Store.open(db, read_only=True, memory_limit=None) as store:
        n_articles = len(store)
        counts = {t: store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("quotes", "events")}
        for query, label, params in cases(store):
            fn = functions[query]
            page = fn(store, **params)  # warm-up
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                fn(store, **params)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            p50 = statistics.median(times)
            p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
            worst = max(worst, p95)
            shown = ", ".join(f"{k}={v!r}" for k, v in params.items())
            rows.append(f"| {query} | {label} | `{shown}` | {page.total:,} | {p50:,.1f} | {p95:,.1f} |")
            print(rows[-1], file=sys.stderr)
    size_mb = sum(p.stat().st_size for p in (db, db.with_name(db.name + ".wal")) if p.exists()) / 1e6
    body = "\n".join([
        f"Query latency on a store of {n_articles:,} articles ({counts['quotes']:,} quotes, {counts['events']:,} "
        f"events; {size_mb:,.0f} MB with its search index), one process, {args.repeat} runs per query after a "
        "warm-up; each call returns a page of 50 rows and the total:",
        "",
        "| query | case | parameters | total | p50 ms | p95 ms |",
        "|---|---|---|---:|---:|---:|",
        *rows,
        "",
        f"Worst p95: {worst:,.0f} ms (target: p95 < 200 ms on a 100,000-article store).",
        "",
        f"Command: `python benchmarks/queries.py --articles {args.articles}` ({os.cpu_count()} cores).",
    ])
    print(body)
    if args.write:
        write_section(args.write, "queries", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
