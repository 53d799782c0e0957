"""Duplicates in the store: syndicated copies, revisions at one URL, near-duplicate texts.

These need :mod:`newsgraph.store.dedup` (canonical URLs and the near-duplicate index)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from store_helpers import make_record, variants

pytest.importorskip("newsgraph.store.dedup",
                    reason="newsgraph.store.dedup is not importable yet (duplicate detection is written separately)")

from newsgraph.record import text_id
from newsgraph.store import Store


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "s.duckdb") as s:
        yield s


def test_syndicated_copy_is_stored_once_and_linked(store):
    original = make_record("wire-1", url="https://wire.example/story")
    copies = [make_record(f"copy-{i}", url=f"https://paper{i}.example/news/story") for i in range(3)]
    stats = store.add([original, *copies])
    assert (stats.added, stats.duplicates) == (1, 3)
    dups = store.duplicates()
    assert {d["article_id"] for d in dups} == {"copy-0", "copy-1", "copy-2"}
    assert {(d["original_id"], d["kind"], d["score"]) for d in dups} == {("wire-1", "exact", 1.0)}
    assert dups[0]["url"].startswith("https://paper")
    # seeing the copies again adds nothing
    assert store.add(copy.deepcopy(copies)).present == 3
    assert len(store.duplicates()) == 3


def test_copies_without_ids_are_linked_by_url(store):
    """Input without ids: copies share the text-derived id, and their URLs tell them apart."""
    text = make_record().text
    first = make_record(text_id(text), url="https://a.example/1")
    second = make_record(text_id(text), url="https://b.example/2")
    stats = store.add([first, second])
    assert (stats.added, stats.duplicates) == (1, 1)
    assert store.add([copy.deepcopy(second)]).present == 1


def test_tracking_parameters_do_not_make_a_new_article(store):
    store.add([make_record("a", url="https://www.news.example/x?id=3")])
    again = make_record("b", url="https://news.example/x?id=3&utm_source=feed#top")
    assert store.add([again]).present == 1


def test_revision_at_the_same_url_is_a_url_duplicate(store):
    store.add([make_record("v1", url="https://news.example/live")])
    revised = make_record("v2", text=make_record().text + " Updated at noon with new figures.",
                          url="https://news.example/live")
    stats = store.add([revised])
    assert stats.duplicates == 1
    [dup] = store.duplicates()
    assert (dup["article_id"], dup["original_id"], dup["kind"]) == ("v2", "v1", "url")


def test_near_duplicate_is_linked_with_its_score(store):
    base = variants(1)[0]
    store.add([base])
    edited = make_record("edited", text=base.text.replace("Story r0:", "Story r0 (updated):") + " More.",
                         url="https://elsewhere.example/e")
    stats = store.add([edited])
    assert stats.duplicates == 1
    [dup] = store.duplicates()
    assert dup["kind"] == "near" and dup["original_id"] == "r0" and 0.8 <= dup["score"] < 1.0


def test_near_index_is_rebuilt_from_stored_signatures(tmp_path: Path):
    path = tmp_path / "s.duckdb"
    base = variants(1)[0]
    with Store.open(path) as store:
        store.add([base])
        assert store.counts()["signatures"] == 1
    with Store.open(path) as store:
        edited = make_record("edited", text=base.text + " A closing line.", url="https://x.example/e")
        assert store.add([edited]).duplicates == 1


def test_articles_without_signatures_get_them(tmp_path: Path):
    path = tmp_path / "s.duckdb"
    base = variants(2)
    with Store.open(path) as store:
        store.add(base)
        store.con.execute("DELETE FROM signatures")
    with Store.open(path) as store:
        edited = make_record("edited", text=base[1].text + " A closing line.", url="https://x.example/e")
        assert store.add([edited]).duplicates == 1
        assert store.counts()["signatures"] == 2


def test_distinct_articles_are_not_duplicates(store):
    stats = store.add(variants(30))
    assert (stats.added, stats.duplicates) == (30, 0)
