"""`newsgraph entity`: the profile (table and JSON), ambiguous names, --why, exit codes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent / "store"))

from test_corpus_entities import O, P, article  # noqa: E402

from newsgraph.cli import app  # noqa: E402
from newsgraph.store import Store  # noqa: E402

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.duckdb"
    with Store.open(path) as store:
        store.add([
            article("a1", "2021-03-01", P("Muammar Gaddafi", ["Defense Minister"], "LBY"), O("Tripoli Port Authority"),
                    quotes=[0], events=[("THREATEN", 0, 1)]),
            article("a2", "2022-05-01", P("Moamer Kadhafi", ["Defense Minister"], "LBY"), O("Tripoli Port Authority")),
            article("a3", "2024-02-01", P("Muammar al-Qadhafi", ["Prime Minister"], "LBY"), quotes=[0]),
            article("a4", "2024-02-02", P("Ahmed Karimi", ["Judge"], "IRN")),
            article("a5", "2024-02-03", P("Leila Karimi", ["Lawyer"], "IRN")),
            article("a6", "2024-02-04", P("Karimi", [], "IRN")),
        ])
    return path


def test_profile_as_a_table(db: Path):
    result = runner.invoke(app, ["entity", "moammar qaddafi", "--db", str(db)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Muammar Gaddafi" in out and "PERSON" in out and "LBY" in out
    assert "3 articles" in out and "2 quotes" in out and "1 as source" in out
    assert "Defense Minister" in out and "Prime Minister" in out
    assert "Moamer Kadhafi" in out and "Tripoli Port Authority" in out
    assert "why" not in out


def test_profile_as_json_with_why(db: Path):
    result = runner.invoke(app, ["entity", "Gaddafi", "--db", str(db), "--format", "json", "--why"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "found"
    profile = data["profile"]
    assert profile["n_articles"] == 3 and profile["quotes"] == 2
    assert [(r["role"], r["first_seen"], r["last_seen"]) for r in profile["roles"]] == [
        ("Defense Minister", "2021-03-01", "2022-05-01"), ("Prime Minister", "2024-02-01", "2024-02-01")]
    assert {a["name"] for a in profile["aliases"]} == {"Muammar Gaddafi", "Moamer Kadhafi", "Muammar al-Qadhafi"}
    assert {(d["name"], d["rule"]) for d in data["why"]} == {("Moamer Kadhafi", "transliteration"),
                                                            ("Muammar al-Qadhafi", "transliteration")}
    assert all(d["article_ids"] for d in data["why"])


def test_why_shows_the_guards(db: Path):
    result = runner.invoke(app, ["entity", "Leila Karimi", "--db", str(db), "--why"])
    assert result.exit_code == 0, result.output
    assert "different given names" in result.stdout
    assert "ambiguous" in result.stdout  # the bare "Karimi" matches both Karimis
    assert "near misses kept apart" in result.stdout


def test_an_ambiguous_name_lists_the_candidates(db: Path):
    result = runner.invoke(app, ["entity", "Karimi", "--db", str(db)])
    assert result.exit_code == 1
    assert "Ahmed Karimi" in result.stdout and "Leila Karimi" in result.stdout and "by its id" in result.stdout
    data = json.loads(runner.invoke(app, ["entity", "Karimi", "--db", str(db), "-f", "json"]).stdout)
    assert data["status"] == "ambiguous" and len(data["candidates"]) >= 2
    chosen = data["candidates"][0]["id"]
    picked = runner.invoke(app, ["entity", chosen, "--db", str(db), "-f", "json"])
    assert picked.exit_code == 0 and json.loads(picked.stdout)["profile"]["id"] == chosen


def test_unknown_names_and_usage_errors(db: Path, tmp_path: Path):
    result = runner.invoke(app, ["entity", "Nobody Known", "--db", str(db)])
    assert result.exit_code == 1 and "no corpus entity" in result.stdout
    assert runner.invoke(app, ["entity", "X", "--db", str(tmp_path / "missing.duckdb")]).exit_code == 2
    assert not (tmp_path / "missing.duckdb").exists()
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"not a database" * 100)
    assert runner.invoke(app, ["entity", "X", "--db", str(garbage)]).exit_code == 2
    assert runner.invoke(app, ["entity", "X", "--db", str(db), "--format", "xml"]).exit_code == 2
