"""Loading a large corpus store: ``newsgraph ingest --records`` of 100,000 article records.

1. Base texts: the PolNeAR articles (train and dev) and the GeoWebNews texts under ``NEWSGRAPH_DATA`` (or
   ``--data``), extracted once with ``newsgraph extract`` into a cache folder (``--cache``, default a folder
   in the temp directory; the records are never written into the repository).
2. Variants: each benchmark article joins two different base records (text A, a blank line, text B; B's spans
   shifted, its entity ids renumbered), with a new id, a URL on one of 50 made-up sites and a publication
   date shifted by up to ten years. Joined pairs are distinct and unordered, so two variants share at most one
   base text; the few that share a long one joined to short ones are near-duplicates and are linked as such
   (about 1.4 %), the rest are stored.
3. ``newsgraph ingest --records`` loads the variants into a fresh store in a subprocess, timed; its peak
   resident memory is read from the kernel (``ru_maxrss`` of the child).
4. The near-duplicate index alone, in this process afterwards: MinHash signatures per second over the first
   2,000 variant texts, and the memory (``tracemalloc``) of an index holding the store's signatures, added one
   at a time as an ingest adds them.

    python benchmarks/store.py [--articles 100000] [--data DIR] [--cache DIR] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import datetime
import html
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import write_section  # noqa: E402


def base_texts(data: Path) -> list[dict]:
    """Input objects for ``newsgraph extract``: PolNeAR articles and GeoWebNews texts."""
    items = []
    for split in ("train", "dev"):
        folder = data / "polnear" / split / "text"
        if folder.is_dir():
            for f in sorted(folder.glob("*.txt")):
                items.append({"id": f"polnear-{split}-{f.stem}", "text": f.read_text("utf-8")})
    gwn = data / "geo" / "GWN.xml"
    if gwn.exists():
        for i, raw in enumerate(re.findall(r"<text>(.*?)</text>", gwn.read_text("utf-8", errors="replace"), re.S)):
            text = html.unescape(raw).strip()
            if text:
                items.append({"id": f"gwn-{i}", "text": text})
    return [item for item in items if item["text"].strip()]


def extract_base(data: Path, cache: Path, workers: int) -> Path:
    """The cached records of the base texts (extracted on the first run)."""
    cache.mkdir(parents=True, exist_ok=True)
    records = cache / "base-records.jsonl"
    if records.exists() and records.stat().st_size:
        return records
    inputs = cache / "base-input.jsonl"
    with open(inputs, "w", encoding="utf-8") as out:
        for item in base_texts(data):
            out.write(json.dumps(item) + "\n")
    partial = cache / "base-records.partial"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "newsgraph.cli", "extract", str(inputs), "-o", str(partial),
                    "--workers", str(workers)], check=False)
    print(f"extracted base records in {time.perf_counter() - started:,.0f} s", file=sys.stderr)
    partial.rename(records)
    return records


def _shift(span: dict | None, offset: int) -> dict | None:
    if span is None:
        return None
    return {"start": span["start"] + offset, "end": span["end"] + offset, "text": span["text"]}


def join(a: dict, b: dict, ident: str, url: str, published: str, source: str) -> dict:
    """One record whose text is A's, a blank line, then B's, with B's annotations moved along."""
    offset = len(a["text"]) + 2
    renumber = {e["id"]: f"E{len(a['entities']) + i + 1}" for i, e in enumerate(b["entities"])}
    entities = list(a["entities"])
    for e in b["entities"]:
        entities.append({**e, "id": renumber[e["id"]], "mentions": [_shift(m, offset) for m in e["mentions"]]})
    quotes = list(a["quotes"])
    for q in b["quotes"]:
        quotes.append({**q, "content": _shift(q["content"], offset), "parts": [_shift(p, offset) for p in q["parts"]],
                       "cue": _shift(q["cue"], offset), "speaker": _shift(q["speaker"], offset),
                       "speaker_entity": renumber.get(q["speaker_entity"], q["speaker_entity"])})
    places = list(a["places"]) + [{**p, "mention": _shift(p["mention"], offset)} for p in b["places"]]
    dates = list(a["dates"]) + [{**d, "mention": _shift(d["mention"], offset)} for d in b["dates"]]

    def actor(x):
        if x is None:
            return None
        return {**x, "mention": _shift(x["mention"], offset), "entity": renumber.get(x["entity"], x["entity"])}

    events = list(a["events"])
    for ev in b["events"]:
        events.append({**ev, "trigger": _shift(ev["trigger"], offset), "sentence": _shift(ev["sentence"], offset),
                       "source": actor(ev["source"]), "target": actor(ev["target"]),
                       "place": None if ev["place"] is None else ev["place"] + len(a["places"])})
    return {**a, "id": ident, "text": a["text"] + "\n\n" + b["text"], "url": url, "published": published,
            "source": source, "title": f"{a.get('title') or a['id']} / {b.get('title') or b['id']}",
            "entities": entities, "quotes": quotes, "places": places, "dates": dates, "events": events,
            "keyphrases": list(dict.fromkeys(a["keyphrases"] + b["keyphrases"]))}


def write_variants(base: list[dict], n: int, path: Path, seed: int = 7) -> int:
    """``n`` distinct joined records into ``path``; returns the bytes written."""
    rng = random.Random(seed)
    seen: set[tuple[int, int]] = set()
    if n > len(base) * (len(base) - 1) // 2:
        raise SystemExit(f"{len(base)} base records make at most {len(base) * (len(base) - 1) // 2} variants")
    start = datetime.date(2015, 1, 1)
    with open(path, "w", encoding="utf-8") as out:
        k = 0
        while k < n:
            i, j = rng.sample(range(len(base)), 2)
            if (min(i, j), max(i, j)) in seen:
                continue
            seen.add((min(i, j), max(i, j)))
            site = f"site{k % 50:02d}.example"
            day = start + datetime.timedelta(days=rng.randrange(3650))
            record = join(base[i], base[j], f"bench-{k:06d}", f"https://www.{site}/{day:%Y/%m/%d}/story-{k}",
                          day.isoformat(), site)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            k += 1
    return path.stat().st_size


# Runs the CLI in the child and reports the child's own peak resident memory (not the extraction's) and CPU time.
_MEASURED = """
import atexit, resource, sys
def report():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"maxrss_kb={usage.ru_maxrss} cpu_s={usage.ru_utime + usage.ru_stime:.1f}", file=sys.stderr)
atexit.register(report)
from newsgraph.cli import app
sys.argv = ["newsgraph", *sys.argv[1:]]
app()
"""


def near_index_figures(variants: Path, con) -> str:
    """Signatures per second and index memory of :class:`NearDuplicateIndex` (one line of Markdown)."""
    import tracemalloc

    import numpy as np

    from newsgraph.store.dedup import NearDuplicateIndex

    texts = []
    with open(variants, encoding="utf-8") as f:
        for line in f:
            texts.append(json.loads(line)["text"])
            if len(texts) == 2000:
                break
    index = NearDuplicateIndex()
    started = time.perf_counter()
    signature = getattr(index, "signature_array", index.signature)  # (signature alone before there was one)
    for text in texts:
        signature(text)
    rate = len(texts) / (time.perf_counter() - started)
    chars = sum(map(len, texts)) / len(texts)
    cursor = con.execute("SELECT article_id, signature FROM signatures")
    keys, blocks = [], []
    while rows := cursor.fetchmany(10_000):
        keys.extend(r[0] for r in rows)
        blocks.append(np.array([r[1] for r in rows], dtype=np.uint32))
    if not keys:
        return f"Near-duplicate signatures: {rate:,.0f}/s (texts of {chars:,.0f} characters on average)."
    signatures = np.concatenate(blocks)
    tracemalloc.start()
    index = NearDuplicateIndex()
    started = time.perf_counter()
    for key, signature in zip(keys, signatures):
        index.add(key, signature)
    added = len(keys) / (time.perf_counter() - started)
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (f"Near-duplicate index: {rate:,.0f} signatures/s (texts of {chars:,.0f} characters on average); "
            f"holding the store's {len(keys):,} signatures it takes {held / 1e6:,.0f} MB (tracemalloc; "
            f"{held / 1e6 * 100_000 / len(keys):,.0f} MB per 100,000), {added:,.0f} additions/s.")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ["NEWSGRAPH_DATA"])
                        if os.environ.get("NEWSGRAPH_DATA") else None)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "newsgraph-bench-store")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="for the one-time extraction")
    parser.add_argument("--write", type=Path, help="write the figures into this Markdown file")
    args = parser.parse_args(argv)
    if args.data is None or not args.data.is_dir():
        parser.error("set NEWSGRAPH_DATA (or --data) to the shared data folder")

    base_path = extract_base(args.data, args.cache, args.workers)
    base = [json.loads(line) for line in base_path.read_text("utf-8").splitlines() if line.strip()]
    variants = args.cache / f"variants-{args.articles}.jsonl"
    started = time.perf_counter()
    if not variants.exists():
        write_variants(base, args.articles, variants)
    size = variants.stat().st_size
    print(f"{args.articles:,} variants ({size / 1e9:,.2f} GB) in {time.perf_counter() - started:,.0f} s",
          file=sys.stderr)
    del base

    db = args.cache / "bench.duckdb"
    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _MEASURED, "ingest", "--records", str(variants), "--db", str(db)],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    lines = proc.stderr.strip().splitlines()
    if proc.returncode != 0 or not lines or not lines[-1].startswith("maxrss_kb="):
        print(proc.stderr[-3000:], file=sys.stderr)
        return 1
    measured = dict(part.split("=") for part in lines[-1].split())
    peak_mb, cpu_s = int(measured["maxrss_kb"]) / 1024, float(measured["cpu_s"])
    print(lines[-2], file=sys.stderr)

    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    tables = {row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("articles", "entities", "mentions", "quotes", "events", "places", "dates", "keyphrases",
                        "phrase_df", "duplicates", "signatures") if t in tables}
    near = near_index_figures(variants, con)
    con.close()
    store_mb = sum(p.stat().st_size for p in (db, db.with_name(db.name + ".wal")) if p.exists()) / 1e6
    rate = args.articles / seconds
    body = "\n".join([
        f"`newsgraph ingest --records` of {args.articles:,} article records ({size / 1e9:,.2f} GB of JSONL: joined "
        f"pairs of {len(base_path.read_text('utf-8').splitlines()):,} PolNeAR and GeoWebNews records) into a fresh "
        "store, in one process:",
        "",
        "| records | seconds | records/s | CPU seconds | records per CPU second | peak memory | store file |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {args.articles:,} | {seconds:,.1f} | {rate:,.0f} | {cpu_s:,.1f} | {args.articles / cpu_s:,.0f} | "
        f"{peak_mb:,.0f} MB | {store_mb:,.0f} MB |",
        "",
        "CPU seconds are the loading process's own (user + system, DuckDB's threads included): on a shared "
        "machine they say more than the wall clock.",
        "",
        "Rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()) + ".",
        "",
        near,
        "",
        f"Command: `python benchmarks/store.py --articles {args.articles}` ({os.cpu_count()} cores).",
    ])
    print(body)
    if args.write:
        write_section(args.write, "store", body)
    return 0 if peak_mb < 2048 else 1


if __name__ == "__main__":
    raise SystemExit(main())
