"""`newsgraph quotes`, `events`, `search` and `export`: formats (table, JSON lines), paging, errors and exit
codes, on a small store of invented records."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent / "store"))

from test_queries import corpus  # noqa: E402

from newsgraph.cli import app  # noqa: E402
from newsgraph.store import Store  # noqa: E402

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "c.duckdb"
    with Store.open(path) as store:
        store.resolve_entities = False
        store.add(corpus())
    return path


def lines(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_quotes_json_lines_when_piped_with_paging_summary(db: Path):
    result = runner.invoke(app, ["quotes", "--db", str(db), "--speaker", "Aydemir", "--limit", "2"])
    assert result.exit_code == 0, result.stderr
    rows = lines(result)
    assert [(r["article_id"], r["idx"]) for r in rows] == [("a3", 0), ("a1", 0)]
    assert rows[0]["speaker_name"] == "Selin Aydemir" and rows[0]["published"] == "2024-06-20"
    assert "1–2 of 3" in result.stderr and "--offset 2" in result.stderr
    nxt = runner.invoke(app, ["quotes", "--db", str(db), "--speaker", "Aydemir", "--limit", "2", "--offset", "2"])
    assert [(r["article_id"], r["idx"]) for r in lines(nxt)] == [("a1", 1)]


def test_quotes_filters(db: Path):
    result = runner.invoke(app, ["quotes", "--db", str(db), "--kind", "direct", "--since", "2024-02-01",
                                 "--search", "ceasefire"])
    assert [(r["article_id"], r["idx"]) for r in lines(result)] == [("a3", 1)]
    result = runner.invoke(app, ["quotes", "--db", str(db), "--about", "Greece", "--format", "json"])
    assert {r["article_id"] for r in lines(result)} == {"a3"}


def test_table_format_shortens_long_texts(db: Path):
    result = runner.invoke(app, ["quotes", "--db", str(db), "--format", "table"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "Selin Aydemir" in result.stdout and "talks with Greek officials" in result.stdout
    assert not result.stdout.lstrip().startswith("{")
    result = runner.invoke(app, ["search", "drone", "--db", str(db), "--format", "table"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "Drone strikes near villages" in result.stdout


def test_events_and_search_json(db: Path):
    result = runner.invoke(app, ["events", "--db", str(db), "--source", "GRC", "--target", "Turkey"])
    assert result.exit_code == 0
    (row,) = lines(result)
    assert row["type"] == "AGREE" and row["source"]["country"] == "GRC" and row["sentence"] is None
    result = runner.invoke(app, ["events", "--db", str(db), "--type", "ASSAULT", "--sentences"])
    assert [r["article_id"] for r in lines(result)] == ["a1", "a4"]
    assert lines(result)[0]["sentence"] == "Turkish troops shelled positions near the frontier."
    result = runner.invoke(app, ["search", '"fuel prices"', "--db", str(db)])
    assert [r["article_id"] for r in lines(result)] == ["a2"] and "of 1" in result.stderr
    result = runner.invoke(app, ["search", "nothingmatcheshere", "--db", str(db)])
    assert result.exit_code == 0 and lines(result) == [] and "of 0" in result.stderr


def test_errors_exit_2(db: Path, tmp_path: Path):
    missing = tmp_path / "none.duckdb"
    for args in (["quotes"], ["events"], ["search", "x"], ["export", "-f", "jsonl", "-o", str(tmp_path / "o")]):
        result = runner.invoke(app, [*args, "--db", str(missing)])
        assert result.exit_code == 2 and "no store at" in result.stderr, args
    assert not missing.exists()  # a query never creates a store
    assert runner.invoke(app, ["quotes", "--db", str(db), "--since", "yesterday"]).exit_code == 2
    assert runner.invoke(app, ["quotes", "--db", str(db), "--kind", "rumour"]).exit_code == 2
    assert runner.invoke(app, ["quotes", "--db", str(db), "--limit", "-1"]).exit_code == 2
    assert runner.invoke(app, ["quotes", "--db", str(db), "--format", "xml"]).exit_code == 2
    not_a_store = tmp_path / "x.duckdb"
    not_a_store.write_bytes(b"garbage" * 1000)
    assert runner.invoke(app, ["events", "--db", str(not_a_store)]).exit_code == 2
    result = runner.invoke(app, ["export", "--db", str(db), "-f", "gkg", "-o", str(tmp_path / "no" / "x.tsv")])
    assert result.exit_code == 2 and "no such directory" in result.stderr


def test_export_formats(db: Path, tmp_path: Path):
    out = tmp_path / "r.jsonl"
    result = runner.invoke(app, ["export", "--db", str(db), "--format", "jsonl", "--output", str(out)])
    assert result.exit_code == 0 and "4 records written" in result.stderr
    assert [json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()] == ["a1", "a2", "a3", "a4"]
    result = runner.invoke(app, ["export", "--db", str(db), "-f", "polecat", "-o", str(tmp_path / "e.tsv")])
    assert result.exit_code == 0 and "5 events written" in result.stderr
    result = runner.invoke(app, ["export", "--db", str(db), "-f", "parquet", "-o", str(tmp_path / "pq")])
    assert result.exit_code == 0 and (tmp_path / "pq" / "quotes.parquet").exists()
