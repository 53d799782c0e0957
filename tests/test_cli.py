"""The command line: extract end to end, output shapes, exit codes, errors file, demo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from newsgraph import __version__
from newsgraph.cli import app, sample_dir
from newsgraph.record import json_schema

runner = CliRunner()
STORY = ("NAIROBI, Kenya (Harbor Wire) — Interior Minister Ruth Kamau said on Tuesday that the curfew in "
         "Kisumu would be lifted. Kamau told reporters the city was calm.\n")


def records(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and __version__ in result.stdout


@pytest.mark.parametrize("command", [[], ["extract"], ["demo"], ["schema"]])
def test_help_on_every_command(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.stdout


def test_usage_errors_exit_2(tmp_path: Path):
    assert runner.invoke(app, ["extract"]).exit_code == 2
    assert runner.invoke(app, ["extract", "x.txt", "--published", "not-a-date"]).exit_code == 2
    assert runner.invoke(app, ["extract", "x.txt", "--format", "xml"]).exit_code == 2
    (tmp_path / "a.txt").write_text(STORY)
    result = runner.invoke(app, ["extract", str(tmp_path / "a.txt"), "--model", "no_such_model_xyz", "--workers", "1"])
    assert result.exit_code == 2 and "no_such_model_xyz" in result.stderr


@pytest.mark.slow
def test_extract_txt_keeps_text_and_validates(tmp_path: Path):
    path = tmp_path / "story.txt"
    path.write_text(STORY, encoding="utf-8")
    result = runner.invoke(app, ["extract", str(path), "--published", "2025-03-04", "--workers", "1"])
    assert result.exit_code == 0, result.stderr
    [record] = records(result.stdout)
    jsonschema.validate(record, json_schema())
    assert record["text"] == STORY
    assert record["published"] == "2025-03-04"
    kamau = [e for e in record["entities"] if e["name"] == "Ruth Kamau"]
    assert kamau and kamau[0]["roles"] == ["Interior Minister"] and len(kamau[0]["mentions"]) == 2
    for entity in record["entities"]:
        for m in entity["mentions"]:
            assert STORY[m["start"]:m["end"]] == m["text"]


@pytest.mark.slow
def test_failures_are_reported_and_good_items_written(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(STORY)
    (src / "b.txt").write_bytes(b"\xff\xfe\x00bad")
    (src / "c.jsonl").write_text(json.dumps({"id": "c1", "text": "Talks resumed in Oslo."}) + "\n{oops\n")
    errors = tmp_path / "errors.jsonl"
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(src), str(tmp_path / "missing.txt"), "--errors", str(errors),
                                 "-o", str(out), "--workers", "1"])
    assert result.exit_code == 1
    got = records(out.read_text())
    assert [r["id"] for r in got][1:] == ["c1"] and got[0]["text"] == STORY
    failed = [json.loads(line) for line in errors.read_text().splitlines()]
    assert [Path(f["item"]).name for f in failed] == ["b.txt", "c.jsonl:2", "missing.txt"]
    assert all(f["reason"] for f in failed)
    assert "b.txt" in result.stderr and "c.jsonl:2" in result.stderr


@pytest.mark.slow
def test_a_text_that_cannot_be_tokenized_fails_alone(tmp_path: Path):
    """A JSONL text holding a lone surrogate (valid JSON, not valid Unicode text) is one failed item: the
    articles of the same batch still get their records."""
    src = tmp_path / "mixed.jsonl"
    src.write_text("\n".join([json.dumps({"id": "ok1", "text": "Talks resumed in Oslo on Monday."}),
                              '{"id": "bad", "text": "Broken \\ud800 text from a scraper."}',
                              json.dumps({"id": "ok2", "text": "The mayor of Lagos said the bridge would reopen."})])
                   + "\n")
    errors, out = tmp_path / "errors.jsonl", tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(src), "--errors", str(errors), "-o", str(out), "--workers", "1"])
    assert result.exit_code == 1
    assert [r["id"] for r in records(out.read_text())] == ["ok1", "ok2"]
    (failed,) = [json.loads(line) for line in errors.read_text().splitlines()]
    assert failed["item"].endswith("mixed.jsonl:2") and "surrogates" in failed["reason"]


@pytest.mark.slow
def test_json_format_is_an_array_with_one_record_per_line(tmp_path: Path):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"id": str(i), "text": f"Story {i} from Accra."}) + "\n" for i in range(3)))
    result = runner.invoke(app, ["extract", str(path), "--format", "json", "--workers", "1"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [r["id"] for r in data] == ["0", "1", "2"]
    assert len(result.stdout.strip().splitlines()) == 5  # "[", three records, "]"


@pytest.mark.slow
def test_stdin_and_parallel_workers_keep_input_order(tmp_path: Path):
    lines = "".join(json.dumps({"id": f"a{i}", "text": f"Minister Ana Ruiz{i} spoke in Lima on day {i}."}) + "\n"
                    for i in range(40))
    lines += "not json\n"
    errors = tmp_path / "err.jsonl"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([sys.executable, "-m", "newsgraph.cli", "extract", "-", "--workers", "2",
                           "--errors", str(errors)], input=lines, capture_output=True, text=True, env=env,
                          timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert [r["id"] for r in records(proc.stdout)] == [f"a{i}" for i in range(40)]
    assert json.loads(errors.read_text())["item"] == "<stdin>:41"


@pytest.mark.slow
def test_demo_runs_on_the_bundled_samples(tmp_path: Path):
    out = tmp_path / "demo.jsonl"
    result = runner.invoke(app, ["demo", "--workers", "1", "--no-serve", "-o", str(out)])
    assert result.exit_code == 0, result.stdout + result.stderr
    got = records(out.read_text())
    assert len(got) >= 12
    for record in got:
        jsonschema.validate(record, json_schema())
        assert any(e["type"] == "PERSON" and e["roles"] for e in record["entities"])
    assert "articles" in result.stdout


def test_samples_are_shipped_in_all_three_formats():
    kinds = {p.suffix for p in sample_dir().rglob("*") if p.is_file()}
    assert {".txt", ".html", ".jsonl"} <= kinds


def test_workers_must_be_positive():
    assert runner.invoke(app, ["extract", "x.txt", "--workers", "0"]).exit_code == 2


def test_runner_streams_without_reading_ahead():
    """The runner pulls only a bounded window of the input: memory stays flat on any input size."""
    from itertools import count, islice

    from newsgraph.ingest import Article
    from newsgraph.nlp import runner

    pulled = []

    def endless():
        for i in count():
            pulled.append(i)
            yield Article(text=f"Report {i} from Dakar.", id=str(i), item=str(i))

    class FakeNLP:  # records_for only needs make_doc and pipe
        def __init__(self):
            import spacy

            self.blank = spacy.blank("en")

        def make_doc(self, text):
            return self.blank.make_doc(text)

        def pipe(self, docs, batch_size=16):
            return iter(docs)

    original = runner.load_pipeline
    runner.load_pipeline = lambda *a, **k: FakeNLP()
    try:
        first = list(islice(runner.process(endless(), workers=1, chunk_size=8), 20))
    finally:
        runner.load_pipeline = original
    assert [r.id for r in first] == [str(i) for i in range(20)]
    assert len(pulled) <= 24
