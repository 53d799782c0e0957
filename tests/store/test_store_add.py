"""Adding to the store: idempotence, the exact record back, annotation tables, failures, batches."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from store_helpers import make_record, variants

from newsgraph.ingest import Failure
from newsgraph.record import ArticleRecord
from newsgraph.store import Store, failure_key, record_from_json


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "s.duckdb") as s:
        yield s


def test_record_round_trip_is_exact(store):
    record = make_record()
    assert store.add([record]).added == 1
    back = store.record("a1")
    assert isinstance(back, ArticleRecord)
    assert back.to_json() == record.to_json()
    assert back.dumps() == record.dumps()
    with pytest.raises(KeyError):
        store.record("nope")


def test_annotation_tables_hold_the_record(store):
    store.add([make_record()])
    con = store.con
    row = con.execute("SELECT entity_id, name, type, roles, country, n_mentions, corpus_entity FROM entities "
                      "ORDER BY idx").fetchall()[0]
    assert row[:6] == ("E1", "Ana Ruiz", "PERSON", ["Defense Minister"], "AFG", 2)
    assert row[6] is not None  # linked to its corpus entity when the batch is written
    text = make_record().text
    for start, end, covered in con.execute("SELECT start_char, end_char, text FROM mentions").fetchall():
        assert text[start:end] == covered
    assert con.execute("SELECT kind, speaker_entity, cue FROM quotes ORDER BY idx").fetchall() == [
        ("indirect", "E1", "said"), ("direct", "E1", "told")]
    assert con.execute("SELECT type, source_sector, source_text, target_entity, target_name, place_idx FROM events "
                       "ORDER BY idx").fetchall() == [("RETREAT", "MIL", "troops", "E2", "Kandahar", 0),
                                                       ("PROTEST", "CVL", "Protesters", None, None, None)]
    assert con.execute("SELECT name, geonameid, lat FROM places ORDER BY idx").fetchall() == [
        ("Kandahar", 1138336, 31.61332), ("Kabul", None, None)]
    assert con.execute("SELECT type, value FROM dates").fetchall() == [("DATE", "2025-03-04")]
    assert con.execute("SELECT phrase FROM keyphrases ORDER BY rank").fetchall() == [
        ("troops",), ("Kandahar",), ("Ana Ruiz",)]
    assert con.execute("SELECT published_date::VARCHAR, canonical_url FROM articles").fetchone() == (
        "2025-03-04", "https://news.example.com/a1")


def test_adding_twice_adds_nothing(store):
    records = variants(5)
    first = store.add(records)
    before = store.counts()
    second = store.add(copy.deepcopy(records))
    assert (first.added, first.present) == (5, 0)
    assert (second.added, second.present, second.duplicates) == (0, 5, 0)
    assert store.counts() == before


def test_same_id_is_present_even_with_other_text(store):
    store.add([make_record("x1")])
    other = make_record("x1", text="A different text entirely, about Oslo and talks.", url=None)
    assert store.add([other]).present == 1
    assert store.record("x1").text == make_record().text


def test_same_canonical_url_and_text_is_present_under_another_id(store):
    store.add([make_record("x1", url="https://news.example.com/a1")])
    again = make_record("x2", url="https://news.example.com/a1")
    assert store.add([again]).present == 1
    assert len(store) == 1 and store.duplicates() == []


def test_within_one_batch_the_second_copy_is_present(store):
    record = make_record()
    stats = store.add([record, copy.deepcopy(record)])
    assert (stats.added, stats.present) == (1, 1)


def test_batches_commit_by_size(tmp_path: Path):
    with Store.open(tmp_path / "s.duckdb", batch_size=3, max_seconds=1e9) as store:
        for r in variants(7):
            store.add_one(r)
        assert len(store) == 6  # two batches of three committed, one record queued
        store.flush()
        assert len(store) == 7


def test_records_without_a_text_id_get_one(store):
    r = make_record("sha1:placeholder")
    assert store.add([r]).added == 1 and "sha1:placeholder" in store


def test_failures_are_recorded_counted_and_resolved(store, tmp_path: Path):
    bad = tmp_path / "in.jsonl"
    bad.write_text("x\n")
    stats = store.add([Failure(f"{bad}:2", "malformed JSON"), Failure(str(tmp_path / "gone.txt"), "no such file")])
    assert stats.failed == 2
    rows = {r.locator: r for r in store.failures()}
    assert rows[":2"].source == str(bad) and rows[":2"].attempts == 1 and rows[":2"].reason == "malformed JSON"
    assert rows[""].source == str(tmp_path / "gone.txt")
    # failing again counts an attempt; succeeding resolves it
    store.add([Failure(f"{bad}:2", "still malformed")])
    rows = {r.locator: r for r in store.failures()}
    assert rows[":2"].attempts == 2 and rows[":2"].reason == "still malformed"
    stats = store.add([(f"{bad}:2", make_record())])
    assert stats.resolved == 1
    assert [r.locator for r in store.failures()] == [""]
    assert [r.resolved for r in store.failures(unresolved=False) if r.locator == ":2"] == [True]


def test_failure_key(tmp_path: Path):
    f = tmp_path / "a.jsonl"
    assert failure_key(f"{f}:12") == (str(f), ":12")
    assert failure_key(f"{f}[3]") == (str(f), "[3]")
    assert failure_key(str(f)) == (str(f), "")
    assert failure_key("<stdin>:4") == ("<stdin>", ":4")
    odd = tmp_path / "name:5"
    odd.write_text("x")
    assert failure_key(str(odd)) == (str(odd), "")
    # WARC records by offset; feed entries by their link (stable when the feed lists them elsewhere later),
    # or by number without one; a feed URL as it is (its port is no line number)
    warc = tmp_path / "crawl.warc.gz"
    assert failure_key(f"{warc}#1234") == (str(warc), "#1234")
    feed = tmp_path / "news.rss"
    assert failure_key(f"{feed}#3 <https://x.example/a?b=1>") == (str(feed), "<https://x.example/a?b=1>")
    assert failure_key(f"{feed}#4") == (str(feed), "#4")
    url = "http://127.0.0.1:8080"
    assert failure_key(url) == (url, "")
    assert failure_key(f"{url}/feed.xml#2 <{url}/a.html>") == (f"{url}/feed.xml", f"<{url}/a.html>")
    assert failure_key(f"{url}/feed.xml#5") == (f"{url}/feed.xml", "#5")
    hashed = tmp_path / "notes#2"
    hashed.write_text("x")
    assert failure_key(str(hashed)) == (str(hashed), "")


def test_a_file_that_fails_again_in_the_batch_is_not_resolved_by_what_was_read_before(store, tmp_path: Path):
    """The records of a WARC read before its truncation succeed; the file's own failure, recorded again in the
    same batch, stays unresolved (and counts one resolution at most when it is resolved)."""
    warc = tmp_path / "cut.warc.gz"
    warc.write_bytes(b"x")
    store.add([Failure(str(warc), "corrupt or truncated WARC at offset 10, the rest of the file is not read")])
    stats = store.add([(f"{warc}#0", make_record("w0")), (f"{warc}#500", make_record("w1", text="Another text.",
                                                                                         url=None)),
                       Failure(str(warc), "corrupt or truncated WARC at offset 900, the rest of the file is not read")])
    assert (stats.added, stats.failed, stats.resolved) == (2, 1, 0)
    [row] = store.failures()
    assert row.locator == "" and row.attempts == 2 and "offset 900" in row.reason
    stats = store.add([(f"{warc}#1400", make_record("w2", text="A third text.", url=None)),
                       (f"{warc}#1900", make_record("w3", text="A fourth text.", url=None))])
    assert stats.resolved == 1 and store.failures() == []


def test_unencodable_text_is_a_failure_not_a_crash(store):
    bad = make_record("u1", text="Lone surrogate \ud800 in the text.", url=None)
    good = make_record("u2")
    stats = store.add([bad, good])
    assert (stats.failed, stats.added) == (1, 1)
    assert "not valid Unicode" in store.failures()[0].reason


def test_record_from_json_is_the_inverse_of_to_json():
    record = make_record()
    assert record_from_json(record.to_json()).to_json() == record.to_json()


def test_the_fast_serializer_matches_to_json():
    from newsgraph.store.store import record_json

    record = make_record()
    expected = record.to_json()
    del expected["text"]
    assert record_json(record) == expected and list(record_json(record)) == list(expected)


def test_store_survives_reopening(tmp_path: Path):
    path = tmp_path / "s.duckdb"
    with Store.open(path) as store:
        store.add(variants(3))
    with Store.open(path) as store:
        assert len(store) == 3
        assert store.add(variants(3)).present == 3
