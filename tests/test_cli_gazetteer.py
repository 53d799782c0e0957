"""The gazetteer commands: import, info and lookup, their output and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent / "geo"))

import geonames_files as gf  # noqa: E402

from newsgraph.cli import app  # noqa: E402

runner = CliRunner()


@pytest.fixture
def dump(tmp_path: Path) -> list[str]:
    return [str(p) for p in gf.write_dump(tmp_path / "in")]


@pytest.fixture
def db(tmp_path: Path, dump) -> Path:
    path = tmp_path / "geonames.sqlite"
    result = runner.invoke(app, ["gazetteer", "import", *dump, "--db", str(path)])
    assert result.exit_code == 0, result.stderr
    return path


@pytest.mark.parametrize("command", [["gazetteer"], ["gazetteer", "import"], ["gazetteer", "info"],
                                     ["gazetteer", "lookup"]])
def test_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.stdout


def test_import_prints_a_summary(tmp_path, dump):
    path = tmp_path / "sub" / "g.sqlite"
    result = runner.invoke(app, ["gazetteer", "import", *dump, "--db", str(path)])
    assert result.exit_code == 0, result.stderr
    assert path.is_file()
    for word in ("allCountries.zip", "alternateNamesV2.zip", "place 15", "rows/s", "file size", "malformed"):
        assert word in result.stderr, word


def test_import_reports_malformed_lines_and_exits_1(tmp_path):
    src = gf.write_plain(tmp_path / "cities500.txt", gf.GEONAMES + ["42\tshort line"])
    result = runner.invoke(app, ["gazetteer", "import", str(src), "--db", str(tmp_path / "g.sqlite")])
    assert result.exit_code == 1
    assert f"cities500.txt:{len(gf.GEONAMES) + 1}" in result.stderr and "1 malformed" in result.stderr
    assert (tmp_path / "g.sqlite").is_file()


def test_import_usage_errors_exit_2(tmp_path, dump):
    odd = gf.write_plain(tmp_path / "readme.md", ["# hello"])
    db = tmp_path / "g.sqlite"
    result = runner.invoke(app, ["gazetteer", "import", *dump, str(odd), "--db", str(db)])
    assert result.exit_code == 2 and "readme.md" in result.stderr and not db.exists()
    result = runner.invoke(app, ["gazetteer", "import", str(tmp_path / "nope.zip"), "--db", str(db)])
    assert result.exit_code == 2 and "nope.zip" in result.stderr
    assert runner.invoke(app, ["gazetteer", "import", "--db", str(db)]).exit_code == 2
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["gazetteer", "import", *dump, "--db", str(blocker / "g.sqlite")])
    assert result.exit_code == 2 and "cannot write" in result.stderr


def test_info(db):
    result = runner.invoke(app, ["gazetteer", "info", "--db", str(db)])
    assert result.exit_code == 0, result.stderr
    assert str(db) in result.stdout.replace("\n", "")
    for word in ("schema 1", "place 15", "alternateNamesV2.zip", "admin1CodesASCII.txt", "countryInfo.txt"):
        assert word in result.stdout, word


def test_info_and_lookup_without_an_index(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSGRAPH_GAZETTEER", str(tmp_path / "none.sqlite"))
    for command in (["info"], ["lookup", "Paris"]):
        result = runner.invoke(app, ["gazetteer", *command])
        assert result.exit_code == 1
        assert "no gazetteer index" in result.stderr and "newsgraph gazetteer import" in result.stderr


def test_info_and_lookup_on_a_bad_file_exit_2(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_text("hello")
    for command in (["info"], ["lookup", "Paris"]):
        result = runner.invoke(app, ["gazetteer", *command, "--db", str(bad)])
        assert result.exit_code == 2 and "not an SQLite database" in result.stderr


def test_lookup_json_and_table(db, monkeypatch):
    result = runner.invoke(app, ["gazetteer", "lookup", "paris", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0
    found = json.loads(result.stdout)
    assert [c["geonameid"] for c in found] == [2988507, 4717560]
    assert found[0] == {"geonameid": 2988507, "name": "Paris", "lat": 48.85341, "lon": 2.3488,
                        "feature_class": "P", "feature_code": "PPLC", "country": "FR", "admin1": "11",
                        "population": 2138551}
    monkeypatch.setenv("NEWSGRAPH_GAZETTEER", str(db))  # the default path
    result = runner.invoke(app, ["gazetteer", "lookup", "Sao Paulo"])
    assert result.exit_code == 0 and "São Paulo" in result.stdout and "3448439" in result.stdout
    result = runner.invoke(app, ["gazetteer", "lookup", "Atlantis", "-f", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    result = runner.invoke(app, ["gazetteer", "lookup", "Atlantis"])
    assert result.exit_code == 0 and "no entry" in result.stdout


def test_cli_startup_does_not_import_sqlite():
    """The command stays quick to start: the gazetteer module and sqlite3 load only inside commands."""
    code = ("import sys, newsgraph.cli; "
            "print(any(m in sys.modules for m in ('sqlite3', 'newsgraph.geo.geonames')))")
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False", out
    assert time.perf_counter() - start < 30
