"""Reading records files (``ingest --records``): valid records load, malformed lines are failures naming the line."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from store_helpers import make_record, write_records

from newsgraph.ingest import Failure, Limits
from newsgraph.store import RecordError, Store, read_records, record_from_json


def test_good_and_malformed_lines(tmp_path: Path):
    good = make_record()
    broken_span = good.to_json()
    broken_span["entities"][0]["mentions"][0]["start"] += 1
    path = write_records(tmp_path / "r.jsonl", [good], {
        2: "{not json",
        3: json.dumps({"id": "x"}),
        4: json.dumps(broken_span),
        5: json.dumps([1, 2]),
        6: "",
    })
    got = list(read_records([path]))
    assert [name for name, _ in got] == [f"{path}:{n}" for n in (1, 2, 3, 4, 5)]
    assert got[0][1].to_json() == good.to_json()
    reasons = [r.reason for _, r in got[1:]]
    assert all(isinstance(r, Failure) for _, r in got[1:])
    assert "malformed JSON" in reasons[0] and "column" in reasons[0]
    assert "missing field 'text'" in reasons[1]
    assert "entities[0].mentions[0]" in reasons[2] and "does not match" in reasons[2]
    assert "expected a record object" in reasons[3]
    assert all(r.startswith("malformed record:") for r in reasons)


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.update(id=""), "empty id"),
    (lambda d: d.update(title=3), "'title' must be str"),
    (lambda d: d.update(authors="A"), "'authors' must be list"),
    (lambda d: d.update(authors=[1]), "list of strings"),
    (lambda d: d["quotes"][0].update(kind="rumour"), "kind"),
    (lambda d: d["places"][0].update(lat="north"), "'lat' must be float"),
    (lambda d: d["events"][0].update(confidence=True), "'confidence' must be float"),
    (lambda d: d["events"][0]["source"].update(mention={"start": 0}), "missing field 'end'"),
    (lambda d: d.update(entities={}), "'entities' must be list"),
])
def test_record_from_json_names_the_problem(mutate, message):
    data = make_record().to_json()
    mutate(data)
    with pytest.raises(RecordError, match=message):
        record_from_json(data)


def test_gzip_directories_missing_files_and_limits(tmp_path: Path):
    folder = tmp_path / "recs"
    folder.mkdir()
    with gzip.open(folder / "b.jsonl.gz", "wt", encoding="utf-8") as out:
        out.write(make_record("g1").dumps() + "\n")
    write_records(folder / "a.jsonl", [make_record("p1")])
    got = list(read_records([folder, tmp_path / "missing.jsonl"]))
    assert [r.id for _, r in got[:2]] == ["p1", "g1"]
    assert isinstance(got[2][1], Failure) and got[2][1].reason == "no such file or directory"
    long = list(read_records([folder / "a.jsonl"], Limits(max_chars=10)))
    assert "longer than the limit" in long[0][1].reason


def test_records_load_into_the_store_with_failures_named(tmp_path: Path):
    path = write_records(tmp_path / "r.jsonl", [make_record("k1"), make_record("k2", url=None, text="Other text.")],
                         {2: "{oops"})
    with Store.open(tmp_path / "s.duckdb") as store:
        stats = store.add(read_records([path]), mode="records")
        assert (stats.added, stats.failed) == (2, 1)
        [failure] = store.failures()
        assert failure.locator == ":2" and failure.mode == "records" and failure.item == f"{path}:2"
