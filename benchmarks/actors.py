"""Import and lookup speed of the actor index (``newsgraph actors import``) on the real Phoenix dictionaries.

Reads PETRARCH2's Phoenix actor and agent dictionaries (MIT) from ``$NEWSGRAPH_DATA/events/phoenix-dictionaries``
(or ``--dir``), builds the index in a child process (so that its peak resident memory is the import's alone:
interpreter, newsgraph's import, the parsed files and SQLite), then times ``ActorIndex.lookup`` (after a warm-up)
on a mix of the dictionaries' own names, some with a date, some in other case, and names that are not there, and
``ActorIndex.agent`` on agent words.

    python benchmarks/actors.py [--lookups 50000] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import write_section  # noqa: E402

FILES = ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt", "Phoenix.MilNonState.actors.txt",
         "Phoenix.agents.txt")

_CHILD = """
import json, resource, sys, time
start = time.perf_counter()
from newsgraph.actors.index import build
stats = build(sys.argv[2:], sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - start, "build_seconds": stats.seconds,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "tables": stats.tables, "skipped": stats.skipped, "db_bytes": stats.db_bytes,
                  "files": [[f.path, f.lines, f.seconds] for f in stats.files]}))
"""


def queries(db: Path, n: int, rng: random.Random) -> tuple[list[tuple[str, str | None]], list[str]]:
    conn = sqlite3.connect(db)
    names = [row[0] for row in conn.execute("SELECT name FROM entry")]
    agents = [row[0] for row in conn.execute("SELECT key FROM agent")]
    conn.close()
    out = []
    for _ in range(n):
        r = rng.random()
        day = f"{rng.randint(1980, 2020)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if r < 0.4:
            out.append((rng.choice(names).title(), day))
        elif r < 0.6:
            out.append((rng.choice(names), None))
        elif r < 0.7:
            out.append((rng.choice(names).lower() + "'s", day))
        else:
            out.append((f"Nobody {rng.randint(0, 10**6)} Of Nowhere", day))
    words = [rng.choice(agents) if rng.random() < 0.7 else f"unknown{rng.randint(0, 999)} person"
             for _ in range(n)]
    return out, words


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=None, help="folder of the Phoenix dictionaries")
    parser.add_argument("--lookups", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--write", type=Path, help="write the figures into this Markdown file")
    args = parser.parse_args(argv)
    folder = args.dir
    if folder is None:
        data = os.environ.get("NEWSGRAPH_DATA")
        if not data:
            parser.error("set NEWSGRAPH_DATA (the shared data folder) or give --dir")
        folder = Path(data) / "events" / "phoenix-dictionaries"
    files = [folder / name for name in FILES]
    input_mb = sum(f.stat().st_size for f in files) / 2**20

    from newsgraph.actors.index import ActorIndex

    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "actors.sqlite"
        child = subprocess.run([sys.executable, "-c", _CHILD, str(db), *map(str, files)], capture_output=True,
                               text=True, check=True)
        built = json.loads(child.stdout)
        index = ActorIndex(db)
        names, words = queries(db, args.lookups, rng)
        for name, day in names[:2000]:  # warm-up
            index.lookup(name, day)
        start = time.perf_counter()
        found = codes = 0
        for name, day in names:
            got = index.lookup(name, day)
            if got:
                found += 1
                codes += len(got)
        lookup_rate = len(names) / (time.perf_counter() - start)
        start = time.perf_counter()
        agents_found = sum(index.agent(w) is not None for w in words)
        agent_rate = len(words) / (time.perf_counter() - start)

    lines = sum(f[1] for f in built["files"])
    tables = built["tables"]
    machine = (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
               f"SQLite {sqlite3.sqlite_version}")
    body = f"""\
PETRARCH2's Phoenix dictionaries (`{"`, `".join(FILES)}`; {input_mb:,.1f} MB, {lines:,} lines; MIT), imported
with `newsgraph.actors.build` in a fresh process. Machine: {machine}.

| measure | value |
|---|---:|
| import (parse, split codes, write the index) | **{built['build_seconds']:,.2f} s** |
| import, with loading newsgraph's modules | {built['seconds']:,.2f} s |
| peak resident memory of the importing process | {built['rss_mb']:,.0f} MB |
| index size | {built['db_bytes'] / 2**20:,.1f} MB |
| entries / codes / name keys / agent phrases | {tables['entry']:,} / {tables['code']:,} / {tables['name keys']:,} / {tables['agent']:,} |
| malformed lines skipped (named by the import) | {built['skipped']} |
| `ActorIndex.lookup` | **{lookup_rate:,.0f} lookups/s** |
| `ActorIndex.agent` | {agent_rate:,.0f} lookups/s |

Lookups: {args.lookups:,} names after a 2,000-lookup warm-up, 70% the dictionaries' own entry names (title case,
as written, or lower case with a possessive), most with a date between 1980 and 2020, 30% names that are in no
dictionary (these also try the stem search); {found / len(names):.0%} found codes, {codes / max(found, 1):.2f}
codes per found name (a dated name gets nothing on a day none of its codes covers and it has no default). Agent words: 70% the index's own agent phrases, 30% unknown; {agents_found / len(words):.0%}
found.

Command: `NEWSGRAPH_DATA=../shared/data python benchmarks/actors.py --write docs/benchmarks.md`
"""
    print(body)
    if args.write:
        write_section(args.write, "actors", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
