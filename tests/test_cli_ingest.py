"""`newsgraph ingest`: records and articles into the store, idempotent re-runs, failures and --retry-failed,
exit codes; `newsgraph demo` storing its records."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent / "store"))
sys.path.insert(0, str(Path(__file__).resolve().parent / "ingest"))

from store_helpers import make_record, variants, write_records  # noqa: E402

from newsgraph.cli import app  # noqa: E402
from newsgraph.store import Store  # noqa: E402

runner = CliRunner()


def summary(result) -> dict[str, int]:
    line = result.stderr.strip().splitlines()[-1]
    return {key: int(n.replace(",", "")) for n, key in re.findall(
        r"([\d,]+) (articles added|duplicates|already present|failures|earlier failures resolved)", line)}


def test_usage_errors_exit_2(tmp_path: Path):
    assert runner.invoke(app, ["ingest"]).exit_code == 2
    assert runner.invoke(app, ["ingest", "x.jsonl", "--published", "soon"]).exit_code == 2
    assert runner.invoke(app, ["ingest", "x.jsonl", "--workers", "0"]).exit_code == 2
    not_a_store = tmp_path / "x.duckdb"
    not_a_store.write_bytes(b"garbage" * 1000)
    result = runner.invoke(app, ["ingest", "--records", "x.jsonl", "--db", str(not_a_store)])
    assert result.exit_code == 2 and "x.duckdb" in result.stderr
    assert runner.invoke(app, ["ingest", "x", "--db", str(tmp_path / "no" / "dir.duckdb")]).exit_code == 2


def test_help():
    result = runner.invoke(app, ["ingest", "--help"])
    assert result.exit_code == 0 and "--retry-failed" in result.stdout and "--records" in result.stdout


def test_records_load_then_rerun_adds_nothing(tmp_path: Path):
    path = write_records(tmp_path / "r.jsonl", variants(12))
    db = tmp_path / "c.duckdb"
    first = runner.invoke(app, ["ingest", "--records", str(path), "--db", str(db)])
    assert first.exit_code == 0, first.stderr
    assert summary(first) == {"articles added": 12, "duplicates": 0, "already present": 0, "failures": 0}
    second = runner.invoke(app, ["ingest", "--records", str(path), "--db", str(db)])
    assert second.exit_code == 0
    assert summary(second)["already present"] == 12 and summary(second)["articles added"] == 0
    with Store.open(db) as store:
        assert len(store) == 12 and store.record("r5").to_json() == variants(12)[5].to_json()


def test_malformed_records_are_failures_naming_the_line_and_retry_resolves_them(tmp_path: Path):
    good = variants(3)
    path = write_records(tmp_path / "r.jsonl", good, {2: "{broken", 4: json.dumps({"id": "no-text"})})
    db = tmp_path / "c.duckdb"
    result = runner.invoke(app, ["ingest", "--records", str(path), "--db", str(db), "--published", "2024-05-01"])
    assert result.exit_code == 1
    assert f"{path}:2" in result.stderr and f"{path}:4" in result.stderr and "missing field 'text'" in result.stderr
    assert summary(result)["failures"] == 2 and summary(result)["articles added"] == 3
    # fix the file, then retry only what failed
    write_records(path, good, {2: make_record("fixed-2", url=None, text="Fixed line two.").dumps(),
                               4: make_record("fixed-4", url=None, text="Fixed line four.").dumps()})
    retry = runner.invoke(app, ["ingest", "--retry-failed", "--db", str(db)])
    assert retry.exit_code == 0, retry.stderr
    assert summary(retry)["articles added"] == 2 and summary(retry)["earlier failures resolved"] == 2
    assert summary(retry)["already present"] == 0  # only the failed lines were read again
    with Store.open(db) as store:
        assert store.failures() == [] and len(store) == 5
        assert store.record("r0").published == "2025-03-04"


def test_retry_with_nothing_to_retry_and_unreadable_stdin(tmp_path: Path):
    db = tmp_path / "c.duckdb"
    assert runner.invoke(app, ["ingest", "--retry-failed", "--db", str(db)]).exit_code == 0
    result = runner.invoke(app, ["ingest", "--records", "-", "--db", str(db)], input="{bad\n")
    assert result.exit_code == 1 and "<stdin>:1" in result.stderr
    retry = runner.invoke(app, ["ingest", "--retry-failed", "--db", str(db)])
    assert retry.exit_code == 0 and "cannot re-read" in retry.stderr
    with Store.open(db) as store:
        assert [f.item for f in store.failures()] == ["<stdin>:1"]


def test_records_from_stdin(tmp_path: Path):
    db = tmp_path / "c.duckdb"
    lines = "".join(r.dumps() + "\n" for r in variants(4))
    result = runner.invoke(app, ["ingest", "--records", "-", "--db", str(db)], input=lines)
    assert result.exit_code == 0 and summary(result)["articles added"] == 4


@pytest.mark.slow
def test_articles_through_the_pipeline_with_a_syndicated_copy(tmp_path: Path):
    story = "Minister Ana Ruiz said in Lima on Tuesday that the talks had failed. Ruiz left the city."
    src = tmp_path / "in"
    src.mkdir()
    (src / "feed.jsonl").write_text(
        json.dumps({"id": "w1", "text": story, "url": "https://wire.example/ruiz"}) + "\n"
        + json.dumps({"id": "p1", "text": story, "url": "https://paper.example/world/ruiz"}) + "\n"
        + "{oops\n", encoding="utf-8")
    (src / "b.txt").write_text("Rebels attacked a convoy near Goma on Monday, the army said.\n", encoding="utf-8")
    db = tmp_path / "c.duckdb"
    first = runner.invoke(app, ["ingest", str(src), "--db", str(db), "--workers", "1", "--published", "2025-03-04"])
    assert first.exit_code == 1 and f"{src / 'feed.jsonl'}:3" in first.stderr
    assert summary(first) == {"articles added": 2, "duplicates": 1, "already present": 0, "failures": 1}
    with Store.open(db) as store:
        record = store.record("w1")
        assert record.published == "2025-03-04" and any(e.name == "Ana Ruiz" for e in record.entities)
        [dup] = store.duplicates()
        assert (dup["article_id"], dup["original_id"], dup["kind"]) == ("p1", "w1", "exact")
    # a second run finds everything before the NLP runs: an unknown model is never loaded
    second = runner.invoke(app, ["ingest", str(src / "b.txt"), str(src / "feed.jsonl"), "--db", str(db),
                                 "--model", "no_such_model_xyz"])
    assert second.exit_code == 1, second.stderr  # line 3 still fails
    assert summary(second)["already present"] == 3 and summary(second)["articles added"] == 0
    # an unknown model is a usage error once something needs it
    (src / "c.txt").write_text("Talks resumed in Oslo.", encoding="utf-8")
    third = runner.invoke(app, ["ingest", str(src / "c.txt"), "--db", str(db), "--model", "no_such_model_xyz"])
    assert third.exit_code == 2 and "no_such_model_xyz" in third.stderr


@pytest.mark.slow
def test_retry_failed_reads_a_repaired_warc_from_the_failed_record_on(tmp_path: Path):
    from test_retry_failed import warc_page
    from test_warc import Warc

    warc = Warc(tmp_path / "crawl.warc", compress=False)
    for town in ("Kano", "Zaria", "Jos"):
        warc.response(f"https://news.example/{town}", warc_page(town))
    data = warc.save()
    warc.path.write_bytes(data[: warc.offsets[1] + 600])  # the download broke off inside the second record
    db = tmp_path / "c.duckdb"
    first = runner.invoke(app, ["ingest", str(warc.path), "--db", str(db), "--workers", "1"])
    assert first.exit_code == 1 and f"{warc.path}#{warc.offsets[1]}" in first.stderr
    assert summary(first)["articles added"] == 1 and summary(first)["failures"] == 1

    warc.path.write_bytes(data)  # downloaded again, whole
    retry = runner.invoke(app, ["ingest", "--retry-failed", "--db", str(db), "--workers", "1"])
    assert retry.exit_code == 0, retry.stderr
    # the failed record and the rest of the file after it; the record before is not read again
    assert summary(retry)["articles added"] == 2 and summary(retry)["earlier failures resolved"] == 1
    assert summary(retry)["already present"] == 0
    with Store.open(db) as store:
        assert store.failures() == [] and len(store) == 3


@pytest.mark.slow
def test_demo_stores_its_records(tmp_path: Path):
    db = tmp_path / "demo.duckdb"
    result = runner.invoke(app, ["demo", "--workers", "1", "--no-serve", "--db", str(db)])
    assert result.exit_code == 0, result.stdout
    assert "13 articles added" in result.stdout and "newsgraph quotes --db" in result.stdout
    assert "newsgraph search --db" in result.stdout
    with Store.open(db) as store:
        assert len(store) == 13 and store.counts()["quotes"] > 50
