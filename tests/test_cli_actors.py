"""The actors commands: import, info and lookup, their output and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsgraph.cli import app

runner = CliRunner()

ACTORS = """\
# invented
VALDORIA_ [VDR]
+VALDORIAN_
MIRELA_OSTROVA_
\t[VDRGOV 950301-990815]
\t[VDRELI]
"""
AGENTS = "CONSTABULARY {} [~COP]\nFISHER [~AGR]\n"


@pytest.fixture
def inputs(tmp_path) -> list[str]:
    (tmp_path / "in").mkdir()
    a = tmp_path / "in" / "Invented.actors.txt"
    a.write_text(ACTORS)
    g = tmp_path / "in" / "Invented.agents.txt"
    g.write_text(AGENTS)
    return [str(a), str(g)]


@pytest.fixture
def db(tmp_path, inputs) -> Path:
    path = tmp_path / "actors.sqlite"
    result = runner.invoke(app, ["actors", "import", *inputs, "--db", str(path)])
    assert result.exit_code == 0, result.stderr
    return path


@pytest.mark.parametrize("command", [["actors"], ["actors", "import"], ["actors", "info"], ["actors", "lookup"]])
def test_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.stdout


def test_import_prints_a_summary(tmp_path, inputs):
    path = tmp_path / "sub" / "a.sqlite"
    result = runner.invoke(app, ["actors", "import", *inputs, "--db", str(path)])
    assert result.exit_code == 0, result.stderr
    assert path.is_file()
    for word in ("Invented.actors.txt", "Invented.agents.txt", "entry 2", "agent 3", "file size"):
        assert word in result.stderr, word


def test_import_reports_malformed_lines_and_exits_1(tmp_path, inputs):
    bad = tmp_path / "bad.actors.txt"
    bad.write_text(ACTORS + "BROKEN_ [VDRGOV 2004017-20061201]\n")
    result = runner.invoke(app, ["actors", "import", str(bad), "--db", str(tmp_path / "a.sqlite")])
    assert result.exit_code == 1
    assert f"bad.actors.txt:{len(ACTORS.splitlines()) + 1}" in result.stderr and "1 malformed" in result.stderr
    assert "2004017" in result.stderr
    assert (tmp_path / "a.sqlite").is_file()


def test_import_usage_errors_exit_2(tmp_path, inputs):
    odd = tmp_path / "readme.md"
    odd.write_text("# hello\n")
    db = tmp_path / "a.sqlite"
    result = runner.invoke(app, ["actors", "import", *inputs, str(odd), "--db", str(db)])
    assert result.exit_code == 2 and "readme.md" in result.stderr and not db.exists()
    result = runner.invoke(app, ["actors", "import", str(tmp_path / "nope.txt"), "--db", str(db)])
    assert result.exit_code == 2 and "nope.txt" in result.stderr
    assert runner.invoke(app, ["actors", "import", "--db", str(db)]).exit_code == 2
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["actors", "import", *inputs, "--db", str(blocker / "a.sqlite")])
    assert result.exit_code == 2 and "cannot write" in result.stderr


def test_info(db):
    result = runner.invoke(app, ["actors", "info", "--db", str(db)])
    assert result.exit_code == 0, result.stderr
    for word in ("schema 1", "entry 2", "Invented.actors.txt", "Invented.agents.txt", "country"):
        assert word in result.stdout, word


def test_info_and_lookup_without_an_index(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSGRAPH_ACTORS", str(tmp_path / "none.sqlite"))
    for command in (["info"], ["lookup", "Valdoria"]):
        result = runner.invoke(app, ["actors", *command])
        assert result.exit_code == 1
        assert "no actor index" in result.stderr and "newsgraph actors import" in result.stderr


def test_info_and_lookup_on_a_bad_file_exit_2(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_text("hello")
    for command in (["info"], ["lookup", "Valdoria"]):
        result = runner.invoke(app, ["actors", *command, "--db", str(bad)])
        assert result.exit_code == 2 and "not an SQLite database" in result.stderr


def test_lookup_json_and_table(db, monkeypatch):
    result = runner.invoke(app, ["actors", "lookup", "mirela ostrova", "--date", "1996-01-01", "--db", str(db),
                                 "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [{"name": "MIRELA OSTROVA", "country": "VDR", "sector": "GOV",
                                          "code": "VDRGOV", "start": "1995-03-01", "end": "1999-08-15",
                                          "source": "Invented.actors.txt"}]
    monkeypatch.setenv("NEWSGRAPH_ACTORS", str(db))  # the default path
    result = runner.invoke(app, ["actors", "lookup", "Mirela Ostrova", "-f", "json"])
    assert [c["code"] for c in json.loads(result.stdout)] == ["VDRELI"]
    result = runner.invoke(app, ["actors", "lookup", "Valdorian"])
    assert result.exit_code == 0 and "VDR" in result.stdout and "VALDORIA" in result.stdout
    result = runner.invoke(app, ["actors", "lookup", "constabulary"])
    assert result.exit_code == 0 and "no actor" in result.stdout and "COP" in result.stdout
    result = runner.invoke(app, ["actors", "lookup", "Atlantis", "-f", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    result = runner.invoke(app, ["actors", "lookup", "Atlantis", "--date", "1996-02-30"])
    assert result.exit_code == 2


def test_cli_startup_does_not_import_the_actor_index():
    code = ("import sys, newsgraph.cli; "
            "print(any(m in sys.modules for m in ('sqlite3', 'newsgraph.actors', 'pycountry')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False", out
