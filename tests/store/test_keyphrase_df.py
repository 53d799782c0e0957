"""Keyphrases with corpus statistics: document frequencies kept in ``phrase_df`` as articles are added, and each
new article's phrases re-ranked against the articles stored before it (invented records)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgraph.record import ArticleRecord
from newsgraph.store import Store
from newsgraph.store import schema


def article(ident: str, phrases: list[str], words: str | None = None) -> ArticleRecord:
    # distinct texts (no near duplicates between them) of invented stories
    body = words or " ".join(f"{ident}word{k}" for k in range(60))
    return ArticleRecord(id=ident, text=f"Story {ident}. {body}", url=f"https://news.example/{ident}",
                         published="2025-03-04", keyphrases=phrases)


def background(n: int) -> list[ArticleRecord]:
    """Articles that all share "government" and "officials", each with a phrase of its own."""
    return [article(f"bg{i}", ["government", f"budget item {i}", "Officials"]) for i in range(n)]


@pytest.fixture()
def store(tmp_path: Path):
    with Store.open(tmp_path / "s.duckdb") as s:
        yield s


def test_a_common_phrase_drops_below_a_rare_specific_one(store):
    store.add(background(8))
    new = article("flood", ["government", "Tessen river floods", "officials"])
    store.add([new])
    # the extractor put "government" first; every stored article has it, none has the river floods
    assert store.keyphrases("flood", order="extracted") == ["government", "Tessen river floods", "officials"]
    assert store.keyphrases("flood") == ["Tessen river floods", "government", "officials"]
    # the record comes back exactly as it was added, in the extractor's order
    assert store.record("flood").keyphrases == ["government", "Tessen river floods", "officials"]
    assert store.con.execute("SELECT phrase, rank, corpus_rank FROM keyphrases WHERE article_id = 'flood' "
                             "ORDER BY rank").fetchall() == [
        ("government", 0, 1), ("Tessen river floods", 1, 0), ("officials", 2, 2)]


def test_document_frequencies_count_articles_under_the_phrase_key(store):
    store.add(background(5))
    store.add([article("twice", ["Government", "government ", "Officials"])])
    df = store.phrase_df(["government", "GOVERNMENT", "officials", "budget item 3", "nowhere"])
    assert df == {"government": 6, "officials": 6, "budget item 3": 1}
    assert store.con.execute("SELECT count(*) FROM phrase_df").fetchone()[0] == 5 + 2


def test_the_first_articles_keep_the_extractors_order(store):
    store.add([article("first", ["government", "rare thing"])])
    assert store.keyphrases("first") == ["government", "rare thing"]


def test_batches_do_not_change_the_ranking(tmp_path: Path):
    records = background(6) + [article("flood", ["government", "Tessen river floods"]),
                               article("storm", ["Tessen river floods", "government", "storm damage"])]
    ranks = []
    for batch_size in (1, 3, 500):
        with Store.open(tmp_path / f"s{batch_size}.duckdb", batch_size=batch_size, max_seconds=60) as store:
            store.add([article(r.id, list(r.keyphrases), r.text.split(". ", 1)[1]) for r in records])
            ranks.append(store.con.execute("SELECT article_id, phrase, rank, corpus_rank FROM keyphrases "
                                           "ORDER BY article_id, rank").fetchall())
            df = dict(store.con.execute("SELECT phrase_key, df FROM phrase_df").fetchall())
            assert df["government"] == 8 and df["tessen river floods"] == 2
    assert ranks[0] == ranks[1] == ranks[2]


def test_duplicates_and_known_articles_do_not_count(store):
    store.add(background(3))
    store.add(background(3))  # present: nothing added
    copy = article("copy", ["government", "budget item 1"])
    copy.text = store.record("bg1").text  # a syndicated copy: an exact duplicate, not stored
    assert store.add([copy]).duplicates == 1
    assert store.phrase_df(["government"]) == {"government": 3}


def test_frequencies_survive_reopening(tmp_path: Path):
    path = tmp_path / "s.duckdb"
    with Store.open(path) as store:
        store.add(background(4))
    with Store.open(path) as store:
        store.add([article("late", ["officials", "harbor strike"])])
        assert store.keyphrases("late") == ["harbor strike", "officials"]
        assert store.phrase_df(["officials"]) == {"officials": 5}
    with Store.open(path, read_only=True) as store:
        assert store.keyphrases("late", order="extracted") == ["officials", "harbor strike"]
        with pytest.raises(KeyError):
            store.keyphrases("nope")
        with pytest.raises(ValueError):
            store.keyphrases("late", order="alphabetical")


def test_the_migration_counts_the_articles_already_stored(tmp_path: Path):
    path = tmp_path / "s.duckdb"
    with Store.open(path) as store:
        store.add(background(4) + [article("x", ["Government", "GOVERNMENT", "Harbor  Strike"])])
        con = store.con
        # back to the store as it was before the migration, then the migration alone
        con.execute("DROP TABLE phrase_df")
        con.execute("ALTER TABLE keyphrases DROP COLUMN corpus_rank")
        schema._v4(con)
        assert dict(con.execute("SELECT phrase_key, df FROM phrase_df").fetchall()) == {
            "government": 5, "officials": 4, "harbor strike": 1,
            **{f"budget item {i}": 1 for i in range(4)}}
        # articles stored before the store kept corpus ranks read back in the extractor's order
        assert con.execute("SELECT count(*) FROM keyphrases WHERE corpus_rank IS NOT NULL").fetchone()[0] == 0
        assert store.keyphrases("x") == ["Government", "GOVERNMENT", "Harbor  Strike"]
