"""The full GeoNames index (newsgraph.geo.geonames) on small GeoNames-format files written by the tests."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sqlite3
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

import geonames_files as gf  # noqa: E402

from newsgraph.geo import geonames  # noqa: E402
from newsgraph.geo.gazetteer import Candidate, name_key  # noqa: E402
from newsgraph.geo.geonames import (  # noqa: E402
    ADMIN1, ALTNAMES, COUNTRY, GEONAME, GazetteerIndexError, GeoNamesIndex, MalformedLine, UnknownFileError,
    build, detect, parse_altname, parse_geoname,
)


@pytest.fixture(scope="module", params=["zipped", "plain"])
def index(request, tmp_path_factory) -> GeoNamesIndex:
    folder = tmp_path_factory.mktemp(request.param)
    files = gf.write_dump(folder / "in", zipped=request.param == "zipped")
    stats = build(files, folder / "geonames.sqlite")
    assert stats.skipped == 0 and not stats.malformed
    assert [f.kind for f in stats.files] == [GEONAME, ALTNAMES, ADMIN1, COUNTRY]
    return GeoNamesIndex(folder / "geonames.sqlite")


def ids(candidates: list[Candidate]) -> list[int]:
    return [c.geonameid for c in candidates]


# --- lookups ----------------------------------------------------------------------------------------------------

def test_lookup_by_name_most_populous_first(index):
    paris = index.lookup("Paris")
    assert ids(paris) == [2988507, 4717560]
    assert paris[0] == Candidate(2988507, "Paris", 48.85341, 2.3488, "P", "PPLC", "FR", "11", 2138551)
    assert paris[1].country == "US" and paris[1].admin1 == "TX"


def test_lookup_by_ascii_name_accents_and_case(index):
    for name in ("São Paulo", "Sao Paulo", "SAO PAULO", "são  paulo"):
        assert ids(index.lookup(name)) == [3448439], name
    for name in ("Kalmer", "kalmér", "ḰALMÉR"):
        assert ids(index.lookup(name)) == [9900002], name
    assert ids(index.lookup("the hague")) == ids(index.lookup("Hague")) == [2747373]
    assert ids(index.lookup("St Louis")) == ids(index.lookup("st. louis")) == [4407066]


def test_lookup_by_alternate_names_and_abbreviations(index):
    assert ids(index.lookup("United States of America")) == [6252001]
    assert ids(index.lookup("USA")) == ids(index.lookup("U.S.")) == [6252001]
    assert ids(index.lookup("La.")) == [4331987]
    assert ids(index.lookup("Den Haag")) == ids(index.lookup("'s-Gravenhage")) == [2747373]
    assert ids(index.lookup("Kiev")) == [703448]  # historic names are kept
    assert ids(index.lookup("Bombay")) == [1275339]
    assert ids(index.lookup("Frankreich")) == [3017382]  # other languages in Latin script
    assert ids(index.lookup("Saint Louis")) == [4407066]  # no language


def test_names_left_out(index):
    for name in ("Київ", "Соединённые Штаты Америки", "サンパウロ",  # not Latin script
                 "City of Light",  # colloquial
                 "PAR", "Q30", "01001", "https://en.wikipedia.org/wiki/United_States", "Commune de Paris",  # codes
                 "Nowhere Land",  # its geonameid is not in the index
                 "", "  ", "Atlantis"):
        assert index.lookup(name) == [], name


def test_country_and_admin1(index):
    assert index.country("US").name == "United States"
    assert index.country("fr") == index.lookup("France")[0]
    assert index.country("NL") is None
    assert index.country("FR").admin1 is None  # GeoNames' "00"
    louisiana = index.admin1("US", "LA")
    assert louisiana.name == "Louisiana" and louisiana.feature_code == "ADM1" and louisiana.geonameid == 4331987
    assert index.admin1("us", "TX").name == "Texas"
    assert index.admin1("FR", "11") is None  # its place row is not in the index
    assert index.admin1("US", "ZZ") is None


def test_info_describes_the_sources(index):
    info = index.info()
    assert info["schema_version"] == geonames.SCHEMA_VERSION and info["bytes"] > 0
    assert info["tables"]["place"] == len(gf.GEONAMES) and info["tables"]["admin1"] == 4
    assert info["tables"]["country"] == 3
    sources = {s["kind"]: s for s in info["sources"]}
    assert sources[ALTNAMES]["rows"] == 14 and sources[ALTNAMES]["not_kept"] == 9


# --- file kinds -------------------------------------------------------------------------------------------------

def test_kinds_by_name_and_by_columns(tmp_path):
    geo, alt = gf.GEONAMES[:4], gf.altname_lines()[:6]
    cases = {
        gf.write_zip(tmp_path / "cities500.zip", "cities500.txt", geo): GEONAME,
        gf.write_plain(tmp_path / "cities15000.txt", geo): GEONAME,
        gf.write_zip(tmp_path / "FR.zip", "FR.txt", geo): GEONAME,  # country extract of the geoname table
        gf.write_plain(tmp_path / "places.tsv", geo): GEONAME,
        gf.write_zip(tmp_path / "NL.zip", "NL.txt", alt): ALTNAMES,  # country file of alternate names
        gf.write_plain(tmp_path / "alternateNames.txt", gf.altname_lines(columns=8)[:6]): ALTNAMES,
        gf.write_plain(tmp_path / "codes.txt", gf.ADMIN1): ADMIN1,
        gf.write_plain(tmp_path / "countries.tsv", gf.COUNTRY_HEADER + gf.COUNTRIES): COUNTRY,
    }
    for path, kind in cases.items():
        assert detect(path)[0] == kind, path.name


def test_eight_column_alternate_names_are_read(tmp_path):
    files = [gf.write_plain(tmp_path / "allCountries.txt", gf.GEONAMES),
             gf.write_plain(tmp_path / "alternateNames.txt", gf.altname_lines(columns=8))]
    build(files, tmp_path / "g.sqlite")
    assert ids(GeoNamesIndex(tmp_path / "g.sqlite").lookup("Bombay")) == [1275339]


def test_unknown_files_are_rejected_by_name(tmp_path):
    odd = gf.write_plain(tmp_path / "notes.txt", ["just some text", "more text here"])
    with pytest.raises(UnknownFileError, match="notes.txt"):
        build([odd], tmp_path / "g.sqlite")
    postal = gf.write_plain(tmp_path / "allCountries.txt", ["\t".join(["US", "99553", "Akutan"] + ["x"] * 9)] * 3)
    with pytest.raises(UnknownFileError, match=r"allCountries.txt.*12 columns"):
        build([postal], tmp_path / "g.sqlite")
    with pytest.raises(UnknownFileError, match="missing.zip"):
        build([tmp_path / "missing.zip"], tmp_path / "g.sqlite")
    broken = tmp_path / "cities500.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UnknownFileError, match="cities500.zip"):
        build([broken], tmp_path / "g.sqlite")
    two = tmp_path / "bundle.zip"
    with zipfile.ZipFile(two, "w") as archive:
        archive.writestr("a.txt", gf.text(gf.GEONAMES))
        archive.writestr("b.txt", gf.text(gf.GEONAMES))
    with pytest.raises(UnknownFileError, match="bundle.zip"):
        build([two], tmp_path / "g.sqlite")
    admin2 = gf.write_plain(tmp_path / "admin2Codes.txt", ["US.LA.055\tLafayette Parish\tLafayette Parish\t4330151"])
    with pytest.raises(UnknownFileError, match="admin2Codes.txt"):
        build([admin2], tmp_path / "g.sqlite")
    with pytest.raises(UnknownFileError, match="not a file"):
        build([tmp_path], tmp_path / "g.sqlite")
    assert not (tmp_path / "g.sqlite").exists()


# --- malformed lines --------------------------------------------------------------------------------------------

def test_malformed_lines_are_counted_and_named(tmp_path):
    bad_geo = gf.GEONAMES[:3] + [
        "12345\tToo few columns",
        gf.geoname_line("x12", "Bad Id", "Bad Id", [], 1.0, 2.0, "P", "PPL", "US"),
        gf.geoname_line(77, "Bad Lat", "Bad Lat", [], 91.5, 2.0, "P", "PPL", "US"),
    ] + gf.GEONAMES[3:]
    path = tmp_path / "allCountries.txt"
    content = gf.text(bad_geo).encode("utf-8") + b"88\t\xff\xfebroken\n"
    path.write_bytes(content)
    alt = gf.write_plain(tmp_path / "alternateNamesV2.txt",
                         gf.altname_lines() + ["1\t2\ten\tName\tyes\t\t\t\t\t"])
    stats = build([path, alt], tmp_path / "g.sqlite")
    assert stats.skipped == 5
    geo_file, alt_file = stats.files
    assert geo_file.skipped == 4 and geo_file.rows == len(gf.GEONAMES)
    assert alt_file.skipped == 1
    named = [(Path(m.file).name, m.line) for m in stats.malformed]
    assert named == [("allCountries.txt", 4), ("allCountries.txt", 5), ("allCountries.txt", 6),
                     ("allCountries.txt", len(bad_geo) + 1), ("alternateNamesV2.txt", len(gf.ALTNAMES) + 1)]
    reasons = " | ".join(m.reason for m in stats.malformed)
    assert "2 columns" in reasons and "geonameid" in reasons and "latitude" in reasons and "UTF-8" in reasons
    assert ids(GeoNamesIndex(tmp_path / "g.sqlite").lookup("Paris")) == [2988507, 4717560]


def test_only_a_few_malformed_lines_are_named_per_file(tmp_path):
    lines = gf.GEONAMES * 3 + ["1\tbad"] * 12
    stats = build([gf.write_plain(tmp_path / "cities500.txt", lines)], tmp_path / "g.sqlite")
    assert stats.skipped == 12 and len(stats.malformed) == geonames.MAX_EXAMPLES


# --- the build --------------------------------------------------------------------------------------------------

def test_alternatenames_column_stands_in_without_the_alternate_names_file(tmp_path):
    build([gf.write_zip(tmp_path / "cities500.zip", "cities500.txt", gf.GEONAMES)], tmp_path / "g.sqlite")
    index = GeoNamesIndex(tmp_path / "g.sqlite")
    assert ids(index.lookup("Den Haag")) == [2747373] and ids(index.lookup("Sampa")) == [3448439]
    assert index.lookup("Париж") == []
    assert index.country("US").name == "United States"  # found among the places, no countryInfo
    assert index.admin1("US", "LA").name == "Louisiana"  # likewise without admin1CodesASCII


def test_the_column_is_not_used_when_the_alternate_names_file_is(tmp_path):
    files = [gf.write_plain(tmp_path / "allCountries.txt", gf.GEONAMES),
             gf.write_plain(tmp_path / "alternateNamesV2.txt", gf.altname_lines())]
    build(files, tmp_path / "g.sqlite")
    index = GeoNamesIndex(tmp_path / "g.sqlite")
    assert index.lookup("Sampa") == [] and index.lookup("PAR") == []


def test_file_order_does_not_matter(tmp_path):
    files = gf.write_dump(tmp_path / "in")
    build(list(reversed(files)), tmp_path / "g.sqlite")
    assert ids(GeoNamesIndex(tmp_path / "g.sqlite").lookup("Kiev")) == [703448]


def test_a_failed_build_leaves_the_existing_index_in_place(tmp_path):
    db = tmp_path / "g.sqlite"
    build([gf.write_plain(tmp_path / "cities500.txt", gf.GEONAMES[:8])], db)
    before = db.read_bytes()
    unknown = gf.write_plain(tmp_path / "notes.txt", ["hello"])
    with pytest.raises(UnknownFileError):
        build(gf.write_dump(tmp_path / "in") + [unknown], db)

    def interrupt(event):
        if event.phase == "read" and "alternateNames" in event.file:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build(gf.write_dump(tmp_path / "in"), db, progress=interrupt)
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cities500.txt", "g.sqlite", "in", "notes.txt"]
    index = GeoNamesIndex(db)
    assert ids(index.lookup("Paris")) == [2988507, 4717560] and index.lookup("Kyiv") == []
    build(gf.write_dump(tmp_path / "in"), db)  # a good build replaces it
    assert ids(GeoNamesIndex(db).lookup("Kyiv")) == [703448]


def test_a_killed_build_leaves_nothing_in_use_and_its_leftovers_are_removed(tmp_path):
    db = tmp_path / "g.sqlite"
    dead = 999_999_999  # above any pid_max: no such process
    leftovers = [tmp_path / f".g.sqlite.{dead}.tmp", tmp_path / f".g.sqlite.{dead}.stage"]
    for path in leftovers:
        path.write_bytes(b"half-written")
    keep = tmp_path / f".g.sqlite.{os.getpid()}.note"  # not a build's file
    keep.write_text("x")
    build([gf.write_plain(tmp_path / "cities500.txt", gf.GEONAMES)], db)
    assert not any(p.exists() for p in leftovers) and keep.exists()
    assert ids(GeoNamesIndex(db).lookup("Kyiv")) == [703448]


def test_progress_reports_bytes_and_rows(tmp_path):
    events = []
    files = gf.write_dump(tmp_path / "in")
    build(files, tmp_path / "g.sqlite", progress=events.append)
    reads = [e for e in events if e.phase == "read"]
    assert reads[-1].bytes_done == reads[-1].bytes_total and reads[-1].rows > len(gf.GEONAMES)
    assert events[-1].phase == "index"


# --- opening the index ------------------------------------------------------------------------------------------

def test_default_path(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSGRAPH_GAZETTEER", str(tmp_path / "x.sqlite"))
    assert geonames.default_path() == tmp_path / "x.sqlite"
    monkeypatch.delenv("NEWSGRAPH_GAZETTEER")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert geonames.default_path() == tmp_path / "data" / "newsgraph" / "geonames.sqlite"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert geonames.default_path() == tmp_path / "home" / ".local" / "share" / "newsgraph" / "geonames.sqlite"


def test_open_default(monkeypatch, tmp_path):
    db = tmp_path / "g.sqlite"
    monkeypatch.setenv("NEWSGRAPH_GAZETTEER", str(db))
    assert geonames.open_default() is None
    db.write_text("not a database")
    with pytest.raises(GazetteerIndexError, match="not an SQLite database"):
        geonames.open_default()
    db.unlink()
    sqlite3.connect(db).execute("CREATE TABLE other (x)").connection.commit()
    with pytest.raises(GazetteerIndexError, match="not a usable"):
        geonames.open_default()
    db.unlink()
    build([gf.write_plain(tmp_path / "cities500.txt", gf.GEONAMES)], db)
    assert ids(geonames.open_default().lookup("Mumbai")) == [1275339]
    conn = sqlite3.connect(db)
    conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(GazetteerIndexError, match="schema 999.*rebuild"):
        geonames.open_default()


def test_the_index_is_opened_read_only(tmp_path):
    db = tmp_path / "g.sqlite"
    build([gf.write_plain(tmp_path / "cities500.txt", gf.GEONAMES)], db)
    index = GeoNamesIndex(db)
    index.lookup("Paris")
    with pytest.raises(sqlite3.OperationalError):
        index._conn().execute("DELETE FROM place")


def _child_lookup(index, queue):
    queue.put(ids(index.lookup("Paris")))


@pytest.mark.skipif(sys.platform == "win32", reason="fork")
def test_usable_after_fork_and_pickling(tmp_path):
    db = tmp_path / "g.sqlite"
    build([gf.write_plain(tmp_path / "cities500.txt", gf.GEONAMES)], db)
    index = GeoNamesIndex(db)
    assert ids(index.lookup("Paris")) == [2988507, 4717560]  # the parent's connection is open
    parent_conn = index._conn()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child_lookup, args=(index, queue))
    child.start()
    assert queue.get(timeout=30) == [2988507, 4717560]
    child.join(30)
    assert child.exitcode == 0
    assert index._conn() is parent_conn and ids(index.lookup("Paris")) == [2988507, 4717560]
    clone = pickle.loads(pickle.dumps(index))
    assert ids(clone.lookup("Paris")) == [2988507, 4717560] and clone._conn() is not parent_conn
    assert os.getpid() == index._local.pid


# --- the line parsers (property tests) --------------------------------------------------------------------------

_cell = st.text(st.characters(blacklist_characters="\t\n\r"), max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_characters="\n"), max_size=30), min_size=1, max_size=22))
def test_arbitrary_lines_never_crash_the_parsers(cells):
    line = "\t".join(cells)
    for parse in geonames.PARSERS.values():
        try:
            parse(line)
        except MalformedLine:
            pass


_name = st.text(st.characters(blacklist_characters="\t\n\r,", blacklist_categories=("Cs",)), min_size=1,
                max_size=20).filter(lambda s: s.strip("\r\n") == s)
_code = st.text(st.characters(blacklist_characters="\t\n\r", blacklist_categories=("Cs",)), max_size=6)

geoname_rows = st.builds(
    geonames.GeonameRow, st.integers(0, 2**40), _name, _code, st.lists(_name, max_size=4).map(tuple),
    st.floats(-90, 90), st.floats(-180, 180), _code, _code, _code, _code, _code, _code, _code, _code,
    st.integers(0, 2**40), _code, _code, _code, _code)


@settings(max_examples=200, deadline=None)
@given(geoname_rows)
def test_geoname_rows_round_trip(row):
    assert parse_geoname(geonames.format_geoname(row)) == row
    assert parse_geoname(geonames.format_geoname(row) + "\r\n") == row


altname_rows = st.builds(
    geonames.AltNameRow, st.integers(0, 2**40), st.integers(0, 2**40), _code, _name, st.booleans(), st.booleans(),
    st.booleans(), st.booleans(), _code, _code)


@settings(max_examples=200, deadline=None)
@given(altname_rows)
def test_altname_rows_round_trip(row):
    assert parse_altname(geonames.format_altname(row)) == row


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=30) | st.text(alphabet="aThE e'`.-  _0é", max_size=20))
def test_fast_key_is_name_key(name):
    assert geonames.fast_key(name) == name_key(name)


@pytest.mark.parametrize("name", ["The Hague", "St. Louis", "O'Hare", "a`b", "the", "The  ", "--", "Ünïcode"])
def test_fast_key_examples(name):
    assert geonames.fast_key(name) == name_key(name)
