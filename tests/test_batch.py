"""`newsgraph batch` on Spark in local mode: its tables hold what `newsgraph extract` gives for the same inputs,
Hive-partitioned by publication date; failed items land in the failures table; a rerun (also after a SIGKILL)
skips what was committed and completes the rest exactly once; `ingest --records DIR` loads the output into the
store as it loads extract's records.

One SparkSession (local[2]) serves the module. Every expectation comes from running `extract` on the same inputs,
never from hard-coded outputs.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install '.[spark]')")

from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from newsgraph.batch import BatchConfig, OutputError, run_batch, spark_session  # noqa: E402
from newsgraph.batch.commit import OutputDir, wave_of  # noqa: E402
from newsgraph.batch.fs import HadoopFS  # noqa: E402
from newsgraph.batch.job import plan_waves  # noqa: E402
from newsgraph.batch.session import QUIET, java_executable  # noqa: E402
from newsgraph.batch.units import Unit, assign_indices  # noqa: E402
from newsgraph.batch.worker import Settings, read_unit  # noqa: E402

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(java_executable() is None, reason="Spark needs Java (17+): none on PATH or in JAVA_HOME"),
]

KINDS = ("entities", "quotes", "events", "places", "dates")


# -- inputs the tests write ------------------------------------------------------------------------------------


def _sample_dir() -> Path:
    from newsgraph.cli import sample_dir

    return sample_dir()


def write_warc(path: Path, pages: list[tuple[str, bytes]], *, truncate: bool = False) -> None:
    """A WARC with an HTML response per page, and records that are skipped or fail around them."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=path.name.endswith(".gz"))

    def response(uri: str, body: bytes, content_type: str = "text/html; charset=utf-8", status: str = "200 OK"):
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                                      http_headers=headers))

    writer.write_record(writer.create_warcinfo_record(path.name, {"software": "newsgraph-tests"}))
    for uri, body in pages:
        response(uri, body)
    response("https://news.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(100), content_type="image/png")
    response("https://news.example/gone", b"<html><body>Not found</body></html>", status="404 Not Found")
    response("https://news.example/empty", b"<html><head><title>Empty</title></head><body><p>Hi.</p></body></html>")
    data = buffer.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data[:-20] if truncate else data)  # cut inside the last record's payload


def write_jsonl_with_bad_lines(path: Path, html_page: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps({"id": "ok-text", "text": "Flooding closed the main road into Gaborone on Monday, the transport "
                                             "ministry said, and buses were diverted through Mogoditshane.",
                    "published": "2024-02-12", "title": "Road closed"}),
        "{broken",
        json.dumps({"id": "no-text", "title": "Nothing to read"}),
        json.dumps([1, 2, 3]),
        json.dumps({"id": "blank", "text": "   "}),
        json.dumps({"id": "from-html", "html": html_page, "url": "https://news.example/from-html"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The bundled samples plus a WARC.gz, a truncated WARC, a JSONL with bad lines and an unsupported file."""
    root = tmp_path_factory.mktemp("corpus") / "in"
    shutil.copytree(_sample_dir(), root)
    html = sorted((root / "html").glob("*.html"))
    pages = [(f"https://warc.example/{p.stem}", p.read_bytes()) for p in html[:2]]
    write_warc(root / "crawl" / "cc-news-00001.warc.gz", pages)
    write_warc(root / "crawl" / "cc-news-00002.warc", pages[1:], truncate=True)
    write_jsonl_with_bad_lines(root / "more" / "feed-dump.jsonl", html[2].read_text("utf-8"))
    (root / "more" / "notes.pdf").write_bytes(b"%PDF-1.4 not an article")
    return root


def run_extract_on(paths: list[str]) -> tuple[list[dict], list[dict]]:
    """`newsgraph extract`'s records and failures for the paths, as the CLI writes them (in-process)."""
    from newsgraph.cli import OutputFormat, run_extract

    out, errors = io.StringIO(), io.StringIO()
    run_extract(paths, output=out, errors=errors, fmt=OutputFormat.jsonl, published=None, model=None, workers=1,
                disable=[])
    return ([json.loads(line) for line in out.getvalue().splitlines()],
            [json.loads(line) for line in errors.getvalue().splitlines()])


@pytest.fixture(scope="module")
def inputs(corpus) -> list[str]:
    return [str(corpus), str(corpus.parent / "not-there.jsonl")]


@pytest.fixture(scope="module")
def extracted(inputs):
    return run_extract_on(inputs)


# -- Spark -------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark():
    session = spark_session("local[2]", {**QUIET, "spark.app.name": "newsgraph-tests"})
    yield session
    session.stop()


@pytest.fixture(scope="module")
def batch(spark, inputs, tmp_path_factory):
    output = tmp_path_factory.mktemp("batch") / "out"
    result = run_batch(spark, BatchConfig(inputs=inputs, output=str(output), wave_files=10))
    return output, result


def table(spark, output: Path, name: str) -> list[dict]:
    if not (output / name).exists():
        return []
    return [row.asDict(recursive=True) for row in spark.read.parquet(str(output / name)).collect()]


def records_of(spark, output: Path) -> list[dict]:
    """The articles table's records (record JSON plus text), in input order."""
    rows = sorted(table(spark, output, "articles"), key=lambda r: (r["input_index"], r["position"]))
    return [json.loads(r["record"]) | {"text": r["text"]} for r in rows]


def failures_of(spark, output: Path) -> list[dict]:
    rows = sorted(table(spark, output, "failures"), key=lambda r: (r["input_index"], r["position"]))
    return [{"item": r["item"], "reason": r["reason"]} for r in rows]


# -- the tables against extract ----------------------------------------------------------------------------------


def test_articles_table_holds_extracts_records_in_input_order(spark, batch, extracted):
    output, result = batch
    records, _ = extracted
    assert len(records) > 13  # the samples, the WARC pages and the good JSONL lines
    assert records_of(spark, output) == records
    assert result.articles == len(records) and result.waves > 1
    assert result.pipeline_loads <= 2 * result.waves  # per worker process, never per article
    for row in table(spark, output, "articles"):
        record = next(r for r in records if r["id"] == row["id"])
        assert row["url"] == record["url"] and row["keyphrases"] == record["keyphrases"]
        assert row["n_entities"] == len(record["entities"]) and row["n_events"] == len(record["events"])


def _span(row: dict, prefix: str):
    start, end, text = row[f"{prefix}_start"], row[f"{prefix}_end"], row[prefix]
    return None if start is None else {"start": start, "end": end, "text": text}


def _actor(row: dict, side: str):
    cols = {k: row[f"{side}_{k}"] for k in ("entity", "name", "country", "sector", "start", "end", "text")}
    if all(v is None for v in cols.values()):
        return None
    mention = None if cols["start"] is None else {"start": cols["start"], "end": cols["end"], "text": cols["text"]}
    return {"mention": mention, "entity": cols["entity"], "name": cols["name"], "country": cols["country"],
            "sector": cols["sector"]}


def _mention(row: dict):
    return {"start": row["start_char"], "end": row["end_char"], "text": row["text"]}


#: A table row back in the record's JSON form (written here, independently of newsgraph.batch.tables).
UNFLATTEN = {
    "entities": lambda r: {"id": r["entity_id"], "name": r["name"], "type": r["type"], "roles": r["roles"],
                           "country": r["country"], "mentions": r["mentions"]},
    "quotes": lambda r: {"kind": r["kind"], "content": _span(r, "content"), "parts": r["parts"],
                         "cue": _span(r, "cue"), "speaker": _span(r, "speaker"),
                         "speaker_entity": r["speaker_entity"], "speaker_name": r["speaker_name"]},
    "events": lambda r: {"type": r["type"], "trigger": _span(r, "trigger"), "sentence": _span(r, "sentence"),
                         "cameo_root": r["cameo_root"], "source": _actor(r, "source"),
                         "target": _actor(r, "target"), "place": r["place_idx"], "date": r["date"],
                         "mode": r["mode"], "confidence": r["confidence"]},
    "places": lambda r: {"mention": _mention(r), "kind": r["kind"], "name": r["name"], "geonameid": r["geonameid"],
                         "country": r["country"], "admin1": r["admin1"], "lat": r["lat"], "lon": r["lon"],
                         "feature": r["feature"]},
    "dates": lambda r: {"mention": _mention(r), "type": r["type"], "value": r["value"]},
}


@pytest.mark.parametrize("kind", KINDS)
def test_annotation_tables_flatten_extracts_lists(spark, batch, extracted, kind):
    output, _ = batch
    records, _ = extracted
    rows = table(spark, output, kind)
    by_article: dict[str, list[dict]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r["article_id"], r["idx"])):
        by_article[row["article_id"]].append(row)
    expected = {r["id"]: r[kind] for r in records if r[kind]}
    assert expected, f"the corpus gives no {kind}: the test would prove nothing"
    assert {aid: [UNFLATTEN[kind](r) for r in rs] for aid, rs in by_article.items()} == expected
    assert all([r["idx"] for r in rs] == list(range(len(rs))) for rs in by_article.values())


def test_tables_are_hive_partitioned_by_publication_date(spark, batch, extracted):
    output, _ = batch
    records, _ = extracted
    dates = {r["published"][:10] for r in records if r["published"]}
    folders = {p.name for p in (output / "articles").iterdir() if p.is_dir()}
    assert folders == {f"published_date={d}" for d in dates} | (
        {"published_date=__HIVE_DEFAULT_PARTITION__"} if any(not r["published"] for r in records) else set())
    for row in table(spark, output, "articles"):
        assert (row["published_date"].isoformat() if row["published_date"] else None) == \
            (row["published"][:10] if row["published"] else None)
    for kind in KINDS:  # annotation rows sit in their article's partition
        day = {r["id"]: r["published_date"] for r in table(spark, output, "articles")}
        assert all(r["published_date"] == day[r["article_id"]] for r in table(spark, output, kind))
    files = [p for p in output.rglob("*.parquet")]
    assert files and all(wave_of(p.name) for p in files)


def test_failures_table_names_each_failed_item_and_reason_as_extract_does(spark, batch, extracted, inputs):
    output, result = batch
    _, failures = extracted
    reasons = " ".join(f["reason"] for f in failures)
    for expected in ("malformed JSON", "neither 'text' nor 'html'", "empty text", "unsupported file type",
                     "no such file or directory", "truncated", "no article text"):
        assert expected in reasons  # the corpus exercises each kind of failure
    assert failures_of(spark, output) == failures
    assert result.failures == len(failures)
    stages = {r["stage"] for r in table(spark, output, "failures")}
    assert stages == {"read"}


# -- reruns ------------------------------------------------------------------------------------------------------


def _data_files(output: Path) -> list[str]:
    return sorted(str(p.relative_to(output)) for p in output.rglob("*.parquet"))


def test_rerun_skips_every_committed_input(spark, batch, inputs):
    output, first = batch
    before = _data_files(output)
    again = run_batch(spark, BatchConfig(inputs=inputs, output=str(output), wave_files=10))
    assert again.skipped == again.inputs == first.inputs and again.processed == 0 and again.waves == 0
    assert _data_files(output) == before


def test_rerun_with_other_settings_is_refused(spark, batch, inputs):
    output, _ = batch
    with pytest.raises(OutputError, match="disable"):
        run_batch(spark, BatchConfig(inputs=inputs, output=str(output), disable=("quotes",)))


def test_output_folder_of_something_else_is_refused(spark, tmp_path):
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(OutputError, match="not empty"):
        run_batch(spark, BatchConfig(inputs=[str(_sample_dir() / "txt")], output=str(tmp_path)))


def test_new_inputs_are_appended_and_inputs_read_through_spark_match_extract(spark, tmp_path):
    """A rerun with more inputs processes only them, ordered after the others; files read through Spark's
    filesystem layer (as on HDFS or S3) give the same records and item names as files opened directly."""
    folder = tmp_path / "in"
    shutil.copytree(_sample_dir() / "txt", folder)
    later = tmp_path / "later.jsonl"
    later.write_text(json.dumps({"id": "late", "text": "Farmers in Kisumu said on Friday that the rains came late.",
                                 "published": "2024-04-02"}) + "\n", encoding="utf-8")
    bad = tmp_path / "bad-unicode.jsonl"  # a lone surrogate (valid JSON, not valid Unicode): fails alone
    bad.write_text(json.dumps({"id": "lone", "text": "Rain fell on Kisumu \ud800 on Friday."}) + "\n"
                   + json.dumps({"id": "fine", "text": "Rain fell on Kisumu on Saturday."}) + "\n", encoding="utf-8")
    output = tmp_path / "out"
    first = run_batch(spark, BatchConfig(inputs=[str(folder)], output=str(output), read_local_directly=False))
    second = run_batch(spark, BatchConfig(inputs=[str(folder), later.as_uri(), str(bad)], output=str(output),
                                          read_local_directly=False))
    assert first.processed == 5 and second.skipped == 5 and second.processed == 2
    fine = tmp_path / "fine.jsonl"
    fine.write_text(bad.read_text("utf-8").splitlines()[1] + "\n", encoding="utf-8")
    records, failures = run_extract_on([str(folder), str(later), str(fine)])
    assert failures == [] and records_of(spark, output) == records
    assert failures_of(spark, output) == [{"item": f"{bad}:1", "reason": failures_of(spark, output)[0]["reason"]}]
    assert "not valid Unicode" in failures_of(spark, output)[0]["reason"]
    assert {r["input"]: r["input_index"] for r in table(spark, output, "articles")}[str(later)] == 5


def test_recovery_removes_what_an_uncommitted_wave_left(spark, tmp_path):
    """A run killed while moving a wave's files leaves some of them in the tables, no marker: the readers
    ignore them and the next run deletes them before redoing the wave. (An output folder inside the input
    folder is not read as input.)"""
    from newsgraph.store.batch_records import read_batch_output

    folder = tmp_path / "in"
    shutil.copytree(_sample_dir() / "txt", folder)
    output = folder / "out"  # inside the input folder: not read as input
    first = run_batch(spark, BatchConfig(inputs=[str(folder)], output=str(output)))
    again = run_batch(spark, BatchConfig(inputs=[str(folder)], output=str(output)))
    assert first.inputs == again.inputs == again.skipped == 5
    committed = list(read_batch_output(output))
    source = next((output / "articles").rglob("*.parquet"))
    stray = source.with_name("w20000101T000000-abcdef-00001-" + source.name.split("-", 3)[3])
    shutil.copy(source, stray)
    (output / "_newsgraph" / "staging" / "w20000101T000000-abcdef-00001" / "articles").mkdir(parents=True)
    assert len(list(read_batch_output(output))) == len(committed)
    out = OutputDir(HadoopFS(spark), str(output))
    assert out.recover() == ["w20000101T000000-abcdef-00001"]
    assert not stray.exists() and source.exists()
    assert not (output / "_newsgraph" / "staging").exists() or not any((output / "_newsgraph" / "staging").iterdir())


def test_a_killed_run_is_rerun_to_completion(spark, tmp_path):
    """spark-submit the job (the documented entry point), SIGKILL it after its first commit, rerun: every
    article exactly once, as extract gives it."""
    import pyspark

    folder = tmp_path / "in"
    shutil.copytree(_sample_dir() / "txt", folder / "txt")
    shutil.copy(_sample_dir() / "articles.jsonl", folder / "articles.jsonl")
    output = tmp_path / "out"
    submit = Path(pyspark.__file__).parent / "bin" / "spark-submit"
    entry = Path(importlib.import_module("newsgraph.batch.submit").__file__)
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable,
           "SPARK_HOME": str(submit.parent.parent)}
    log = open(tmp_path / "run.log", "wb")
    process = subprocess.Popen(
        [str(submit), "--master", "local[2]", "--conf", "spark.ui.enabled=false", "--conf",
         "spark.ui.showConsoleProgress=false", "--driver-memory", "1g", str(entry), str(folder), "--output",
         str(output), "--wave-files", "1"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    done = output / "_newsgraph" / "done"
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if done.is_dir() and any(done.glob("*.json")):
                break
            time.sleep(0.2)
        assert process.poll() is None, "the job ended before it could be killed:\n" + (tmp_path / "run.log").read_text()
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the driver, its JVM and its Python workers: one process group
        process.wait()
        log.close()
    committed = {m.name for m in done.glob("*.json")}
    assert 1 <= len(committed) < 6
    result = run_batch(spark, BatchConfig(inputs=[str(folder)], output=str(output), wave_files=3))
    assert result.skipped >= len(committed) and result.skipped + result.processed == 6
    records, _ = run_extract_on([str(folder)])
    assert records_of(spark, output) == records  # each article once, in input order
    assert result.failures == 0 and table(spark, output, "failures") == []


# -- the CLI and the store ---------------------------------------------------------------------------------------


def test_cli_rerun_and_usage_errors(spark, batch, inputs, tmp_path):
    """`newsgraph batch` (in-process, on the module's session): a committed output exits 0 doing nothing; bad
    inputs and other settings exit 2 naming the problem."""
    from typer.testing import CliRunner

    from newsgraph.cli import app

    runner = CliRunner()
    output, _ = batch
    result = runner.invoke(app, ["batch", *inputs, "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert " 0 processed" in result.stderr and "0 items failed" in result.stderr
    assert runner.invoke(app, ["batch", "-", "--output", str(tmp_path / "o")]).exit_code == 2
    refused = runner.invoke(app, ["batch", *inputs, "--output", str(output), "--disable", "events"])
    assert refused.exit_code == 2 and "written with other settings" in " ".join(refused.stderr.split())
    unknown = runner.invoke(app, ["batch", *inputs, "--output", str(tmp_path / "o2"), "--disable", "sentiment"])
    assert unknown.exit_code == 2 and "sentiment" in unknown.stderr


def test_module_entry_point_help():
    result = subprocess.run([sys.executable, "-m", "newsgraph.batch", "--help"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and "--master" in result.stdout and "--output" in result.stdout


def test_ingest_records_of_batch_output_fills_the_store_as_extracts_records_do(spark, batch, extracted, tmp_path):
    from typer.testing import CliRunner

    from newsgraph.cli import app
    from newsgraph.store import Store
    from newsgraph.store.exports import export_jsonl

    output, _ = batch
    records, failures = extracted
    jsonl = tmp_path / "records.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    runner = CliRunner()
    from_batch = runner.invoke(app, ["ingest", "--records", str(output), "--db", str(tmp_path / "b.duckdb")])
    from_extract = runner.invoke(app, ["ingest", "--records", str(jsonl), "--db", str(tmp_path / "e.duckdb")])
    assert from_extract.exit_code == 0, from_extract.stderr
    assert from_batch.exit_code == 1 and "failures" in from_batch.stderr  # the failed items are stored too

    def content(db: Path):
        with Store.open(db, read_only=True) as store:
            export_jsonl(store, tmp_path / f"{db.stem}.jsonl")
            counts = {k: v for k, v in store.counts().items() if k != "failures"}
            tables = {t: store.con.execute(f"SELECT * EXCLUDE (seen_at, item) FROM {t} ORDER BY ALL").fetchall()
                      if t == "duplicates" else store.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                      for t in ("entities", "quotes", "events", "places", "dates", "keyphrases", "duplicates")}
            failed = sorted((f.item, f.reason, f.mode) for f in store.failures())
        return (tmp_path / f"{db.stem}.jsonl").read_text("utf-8"), counts, tables, failed

    batch_jsonl, batch_counts, batch_tables, batch_failed = content(tmp_path / "b.duckdb")
    extract_jsonl, extract_counts, extract_tables, extract_failed = content(tmp_path / "e.duckdb")
    assert batch_jsonl == extract_jsonl and batch_counts == extract_counts and batch_tables == extract_tables
    assert extract_counts["duplicates"] >= 1  # the WARC repeats an HTML page: which copy is kept depends on order
    assert extract_failed == []
    expected = {(f["item"], f["reason"]) for f in failures}
    assert {(item, reason) for item, reason, _ in batch_failed} == expected
    assert {mode for *_, mode in batch_failed} == {"articles"}  # --retry-failed extracts them from their input


# -- pieces without Spark ----------------------------------------------------------------------------------------


def test_waves_respect_both_limits():
    units = [Unit(uri=f"file:/u{i}", name=f"/u{i}", size=size) for i, size in enumerate([5, 5, 5, 20, 1, 1, 1])]
    waves = plan_waves(units, max_files=3, max_bytes=12)
    assert [[u.uri for u in w] for w in waves] == [["file:/u0", "file:/u1"], ["file:/u2"], ["file:/u3"],
                                                   ["file:/u4", "file:/u5", "file:/u6"]]


def test_indices_keep_committed_ones_and_append_new_ones():
    units = [Unit(uri=f"file:/{n}", name=f"/{n}") for n in ("a", "b", "c")]
    assert [u.index for u in assign_indices(units, {"file:/b": 0})] == [1, 0, 2]


def test_read_unit_names_spooled_items_after_their_input_and_refuses_feeds(tmp_path):
    settings = Settings(model="unused")
    data = b'{"id": "x", "text": "A short article about a bridge."}\n{broken\n'
    unit = Unit(uri="hdfs://nn/data/a.jsonl", name="hdfs://nn/data/a.jsonl", index=3)
    items = list(read_unit(unit, data, settings))
    assert [(i, p, n) for i, p, n, _ in items] == [(3, 0, unit.name), (3, 1, unit.name)]
    assert items[0][3].item == "hdfs://nn/data/a.jsonl:1" and items[1][3].item == "hdfs://nn/data/a.jsonl:2"
    assert "malformed JSON" in items[1][3].reason
    [(_, _, _, feed)] = list(read_unit(Unit(uri="file:/x/news.rss", name="/x/news.rss", local="/x/news.rss"),
                                       None, settings))
    assert "feed files are not read" in feed.reason
    [(_, _, _, missing)] = list(read_unit(Unit(uri="file:/x/gone", name="/x/gone", missing=True), None, settings))
    assert missing.reason == "no such file or directory"
