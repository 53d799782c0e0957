"""Batch extraction on Spark against ``newsgraph extract``, in one run: how ``newsgraph batch`` scales from
``local[1]`` to ``local[2]`` on the same input, and what Spark costs per article over ``extract --workers 2``.

Input: WARC.gz files of real news pages, as a news crawl delivers them: the article-extraction-benchmark pages
under ``NEWSGRAPH_DATA/html/html`` (or ``--data``), else the bundled sample pages, each page ``--copies`` times
under its own URI, spread over ``--files`` files. Every configuration reads the same files and runs the whole
path: WARC reading and HTML extraction, the NLP, and writing its output (records to /dev/null for extract,
the Parquet tables and their commits for batch).

Timing is *warm*: the pipeline is already loaded (extract: in the parent process its workers fork from; batch:
in Spark's Python workers, by a warm-up job on the bundled samples, the pipeline loads of the timed run are
reported and should be 0), best of ``--repeat`` runs, each batch run into a fresh output folder, all waves of one
run with the same ``--files`` inputs per wave. ``--cold`` also times both commands end to end in a new process
(JVM start and pipeline loads included). The machine's load average is printed with the figures: other work on
the machine slows the runs, and the ratios less than the absolute figures.

    python benchmarks/spark.py [--copies 2] [--files 6] [--repeat 1] [--cold] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import markdown_table, plain_table, write_section  # noqa: E402


def load_pages(data: Path | None) -> tuple[list[bytes], str]:
    """The HTML pages to crawl, and where they come from."""
    folder = data / "html" / "html" if data else None
    if folder and folder.is_dir():
        pages = [gzip.decompress(p.read_bytes()) if p.name.endswith(".gz") else p.read_bytes()
                 for p in sorted(folder.glob("*.htm*"))]
        return pages, f"article-extraction-benchmark pages ({len(pages)})"
    from newsgraph.cli import sample_dir

    pages = [p.read_bytes() for p in sorted((sample_dir() / "html").glob("*.html"))]
    return pages, f"bundled sample pages ({len(pages)})"


def write_crawl(folder: Path, pages: list[bytes], copies: int, files: int) -> int:
    """``files`` WARC.gz files holding each page ``copies`` times (one response record each); returns the
    number of records."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    folder.mkdir(parents=True)
    records = [(f"https://crawl.example/{c}/{i}", page) for c in range(copies) for i, page in enumerate(pages)]
    for n in range(files):
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True)
        for uri, page in records[n::files]:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(page),
                                                          http_headers=headers))
        (folder / f"crawl-{n:05d}.warc.gz").write_bytes(buffer.getvalue())
    return len(records)


def best_of(repeat: int, run) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = run()
        elapsed = time.perf_counter() - start
        if elapsed < best:
            best, result = elapsed, value
    return best, result


def time_extract(crawl: Path, workers: int, repeat: int) -> tuple[float, int]:
    """``newsgraph extract --workers N``'s path (run_extract), warm: (seconds, records written)."""
    from newsgraph.cli import OutputFormat, run_extract
    from newsgraph.nlp import load_pipeline

    load_pipeline()

    def run():
        with open(os.devnull, "w") as sink:
            written, _ = run_extract([str(crawl)], output=sink, errors=None, fmt=OutputFormat.jsonl, published=None,
                                     model=None, workers=workers, disable=[])
        return written

    return best_of(repeat, run)


def _worker_peak_rss(_) -> list[tuple[int, float]]:
    """(pid, peak resident memory in MB) of the Python worker running this task."""
    import resource

    return [(os.getpid(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)]


def time_batch(crawl: Path, scratch: Path, master: str, files: int, repeat: int) -> tuple[float, object, float]:
    """``newsgraph batch --master MASTER``'s job on a warm session: (seconds, BatchResult of the best run, the
    largest peak memory of a Python worker in MB)."""
    from newsgraph.batch import BatchConfig, run_batch, spark_session
    from newsgraph.batch.session import QUIET
    from newsgraph.cli import sample_dir

    spark = spark_session(master, {**QUIET, "spark.driver.memory": "2g"}, app_name=f"newsgraph-bench-{master}")
    try:
        run_batch(spark, BatchConfig(inputs=[str(sample_dir())], output=str(scratch / f"warm-{master}")))
        runs = iter(range(repeat))
        seconds, result = best_of(repeat, lambda: run_batch(spark, BatchConfig(
            inputs=[str(crawl)], output=str(scratch / f"out-{master}-{next(runs)}"), wave_files=files)))
        peaks = spark.sparkContext.parallelize(range(8), 8).flatMap(_worker_peak_rss).collect()
        return seconds, result, max(rss for _, rss in peaks)
    finally:
        spark.stop()


def time_command(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path,
                        default=Path(os.environ["NEWSGRAPH_DATA"]) if os.environ.get("NEWSGRAPH_DATA") else None)
    parser.add_argument("--copies", type=int, default=2, help="times each page is in the crawl")
    parser.add_argument("--files", type=int, default=6, help="WARC files (and files per wave)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--cold", action="store_true", help="also time both commands end to end in a new process")
    parser.add_argument("--write", type=Path, help="write the figures into this Markdown file")
    args = parser.parse_args(argv)

    pages, corpus = load_pages(args.data)
    scratch = Path(tempfile.mkdtemp(prefix="newsgraph-bench-spark-"))
    try:
        crawl = scratch / "crawl"
        n_records = write_crawl(crawl, pages, args.copies, args.files)
        size = sum(p.stat().st_size for p in crawl.iterdir())
        load_before = os.getloadavg()[0]
        t_extract, n_extract = time_extract(crawl, 2, args.repeat)
        print(f"extract --workers 2: {t_extract:.1f} s, {n_extract} records", flush=True)
        t1, r1, _ = time_batch(crawl, scratch, "local[1]", args.files, args.repeat)
        print(f"batch local[1]: {t1:.1f} s, {r1.articles} articles, {r1.pipeline_loads} pipeline loads", flush=True)
        t2, r2, rss = time_batch(crawl, scratch, "local[2]", args.files, args.repeat)
        print(f"batch local[2]: {t2:.1f} s, {r2.articles} articles, {r2.pipeline_loads} pipeline loads", flush=True)
        output_bytes = sum(f.stat().st_size for f in (scratch / "out-local[2]-0").rglob("*.parquet"))
        cold = None
        if args.cold:
            newsgraph = str(Path(sys.executable).with_name("newsgraph"))
            cold = (time_command([newsgraph, "extract", str(crawl), "--workers", "2", "-o", os.devnull]),
                    time_command([newsgraph, "batch", str(crawl), "--output", str(scratch / "cold"), "--master",
                                  "local[2]", "--wave-files", str(args.files), "--conf", "spark.ui.enabled=false",
                                  "--conf", "spark.ui.showConsoleProgress=false"]))
            print(f"cold: extract {cold[0]:.1f} s, batch {cold[1]:.1f} s", flush=True)
        load_after = os.getloadavg()[0]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    if not (n_extract == r1.articles == r2.articles):
        print(f"record counts differ: extract {n_extract}, local[1] {r1.articles}, local[2] {r2.articles}")
        return 1
    n = n_extract
    rows = [["run", "seconds", "articles/s", "articles/hour/core"],
            ["extract --workers 2", f"{t_extract:.1f}", f"{n / t_extract:.2f}", f"{n / t_extract / 2 * 3600:,.0f}"],
            ["batch local[1]", f"{t1:.1f}", f"{n / t1:.2f}", f"{n / t1 * 3600:,.0f}"],
            ["batch local[2]", f"{t2:.1f}", f"{n / t2:.2f}", f"{n / t2 / 2 * 3600:,.0f}"]]
    speedup, overhead = t1 / t2, t2 / t_extract
    per_article = (t2 - t_extract) / n * 1000
    lines = [
        f"Input: {corpus} × {args.copies} = {n_records} HTML responses in {args.files} WARC.gz files "
        f"({size / 1e6:.1f} MB), {n} articles; model and components as `newsgraph extract`'s defaults; machine: "
        f"{os.cpu_count()} cores, 1-minute load average {load_before:.1f} before the runs (other work on the machine "
        f"slows them) and {load_after:.1f} after (the runs' own load included). Warm runs (pipelines loaded), best "
        f"of {args.repeat}; batch: "
        f"{args.files} inputs per wave, pipeline loads during the timed runs: local[1] {r1.pipeline_loads}, "
        f"local[2] {r2.pipeline_loads}.",
        "",
        markdown_table(rows),
        "",
        f"- speedup local[2] / local[1]: **{speedup:.2f}×** (target ≥ 1.7)",
        f"- Spark overhead: batch local[2] / extract --workers 2 = **{overhead:.2f}** "
        f"({per_article:+.0f} ms of wall time per article on 2 cores)",
        f"- sizing: Parquet output {output_bytes / n / 1024:.1f} KiB per article (all tables, zstd); peak memory of "
        f"a Python worker (pipeline loaded, after the run) {rss:,.0f} MB",
    ]
    if cold:
        lines.append(f"- end to end in a new process (JVM start and pipeline loads included): extract --workers 2 "
                     f"{cold[0]:.1f} s, batch --master local[2] {cold[1]:.1f} s")
    lines += ["", f"Command: `python benchmarks/spark.py --copies {args.copies} --files {args.files} "
                  f"--repeat {args.repeat}{' --cold' if args.cold else ''} --write docs/benchmarks.md`."]
    text = "\n".join(lines)
    print(plain_table(rows))
    print(text)
    if args.write:
        write_section(args.write, "spark", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
