"""Exports (newsgraph.store.exports): JSONL records, Parquet tables, GDELT GKG 2.1-style and POLECAT-style tables,
each read back (json, duckdb's read_parquet, csv) and checked row by row."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest
from test_queries import corpus

from newsgraph.store import Store
from newsgraph.store.exports import GKG_COLUMNS, POLECAT_COLUMNS, ExportError, export


@pytest.fixture()
def store(tmp_path: Path):
    records = corpus()
    records[0].keyphrases = ["border", "Turkish troops"]
    with Store.open(tmp_path / "e.duckdb") as s:
        s.resolve_entities = False
        s.add(records)
        yield s


def test_jsonl_is_the_full_records_in_article_order(store, tmp_path: Path):
    out = tmp_path / "r.jsonl"
    assert export(store, "jsonl", out) == 4
    lines = out.read_text("utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["a1", "a2", "a3", "a4"]
    assert [json.loads(line) for line in lines] == [store.record(i).to_json() for i in ("a1", "a2", "a3", "a4")]


def test_parquet_writes_one_file_per_table_offline(store, tmp_path: Path):
    folder = tmp_path / "pq"
    export(store, "parquet", folder)
    con = duckdb.connect()
    for table, n in (("articles", 4), ("quotes", 8), ("events", 5), ("entities", 8), ("places", 1)):
        path = folder / f"{table}.parquet"
        assert con.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[0] == n, table
    assert con.execute(f"SELECT content FROM read_parquet('{folder / 'quotes.parquet'}') WHERE article_id = 'a3' "
                       "AND idx = 1").fetchone()[0] == '"The ceasefire holds,"'
    assert not list(folder.glob("search_*"))  # the index is not data
    with pytest.raises(ExportError):
        export(store, "parquet", tmp_path / "pq" / "articles.parquet")  # a file, not a folder


def read_tsv(path: Path, header: bool = False) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_gkg_has_27_columns_and_fills_documented_ones(store, tmp_path: Path):
    out = tmp_path / "g.gkg.csv"
    assert export(store, "gkg", out) == 4
    rows = read_tsv(out)
    assert len(rows) == 4 and all(len(r) == len(GKG_COLUMNS) == 27 for r in rows)
    row = dict(zip(GKG_COLUMNS, rows[0]))
    assert row["GKGRECORDID"] == "20240110000000-1" and row["V2.1DATE"] == "20240110000000"
    assert row["V2SOURCECOMMONNAME"] == "Lantern Wire"
    assert row["V2DOCUMENTIDENTIFIER"] == "https://wire.example/a1"
    assert row["V1PERSONS"] == "Selin Aydemir"
    assert row["V2ENHANCEDPERSONS"] == f"Selin Aydemir,{corpus()[0].text.index('Selin Aydemir')}"
    assert row["V1LOCATIONS"] == "4#Ankara#TUR##39.9000#32.8000#1000"
    assert row["V2ENHANCEDLOCATIONS"].startswith("4#Ankara#TUR###39.9000#32.8000#1000#")
    assert row["V1THEMES"] == "BORDER;TURKISH_TROOPS"
    offset, length, verb, quote = row["V2.1QUOTATIONS"].split("|")
    assert quote == '"We will not close it,"' and int(length) == len(quote)
    assert corpus()[0].text[int(offset):int(offset) + int(length)] == quote
    assert row["V1.5TONE"] == "" and row["V2GCAM"] == ""  # not computed
    assert "<PAGE_TITLE>Border to stay open</PAGE_TITLE>" in row["V2EXTRASXML"]
    undated = dict(zip(GKG_COLUMNS, rows[3]))
    assert undated["V2.1DATE"] == "" and undated["GKGRECORDID"] == "0-4"
    assert "Osei" in undated["V1PERSONS"] and undated["V2.1QUOTATIONS"].count("|") == 3  # one direct quote


def test_polecat_events_table(store, tmp_path: Path):
    out = tmp_path / "events.tsv"
    assert export(store, "polecat", out) == 5
    rows = read_tsv(out)
    assert tuple(rows[0]) == POLECAT_COLUMNS and len(rows) == 6
    by_id = {r[0]: dict(zip(POLECAT_COLUMNS, r)) for r in rows[1:]}
    assert [r[0] for r in rows[1:]] == ["a1-0", "a2-0", "a2-1", "a3-0", "a4-0"]
    first = by_id["a1-0"]
    assert first["event_type"] == "ASSAULT" and first["event_date"] == "2024-01-10"
    assert first["source_actor"] == "Turkish troops" and first["source_country"] == "TUR"
    assert first["place_name"] == "Ankara" and float(first["latitude"]) == 39.9 and first["geonameid"] == "1000"
    assert first["sentence"] == "Turkish troops shelled positions near the frontier."
    assert first["url"] == "https://wire.example/a1" and float(first["confidence"]) == 0.8
    agree = by_id["a3-0"]
    assert (agree["source_country"], agree["target_country"], agree["target_actor"]) == ("GRC", "TUR", "Turkey")
    assert by_id["a4-0"]["event_date"] == ""  # neither an event date nor a publication date


def test_export_errors(store, tmp_path: Path):
    with pytest.raises(ExportError):
        export(store, "xml", tmp_path / "x")
    with pytest.raises(ExportError):
        export(store, "jsonl", tmp_path / "no" / "such" / "x.jsonl")
    with pytest.raises(ExportError):
        export(store, "gkg", tmp_path)  # a folder
