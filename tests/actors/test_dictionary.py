"""Actor dictionaries (newsgraph.actors) on small PETRARCH-format and CSV files written here, invented actors."""

from __future__ import annotations

import datetime
import multiprocessing
import os
import pickle
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsgraph.actors import dictionary as d
from newsgraph.actors.index import (
    ActorCode, ActorIndex, ActorIndexError, build, default_path, open_default, select_codes,
)

D = datetime.date

ACTORS = """\
# An invented country, its people and institutions
VALDORIA_  [VDR]
+VALDORIAN_
+REPUBLIC_OF_VALDORIA   # a stem: "Republic of Valdoria's" matches too
+GLASSPORT_ # the capital

VALDORIAN_ARMED_FORCES_
+VALDORIAN_ARMY_
\t[VDRMIL]

MIRELA_OSTROVA_  # head of government twice, an elder stateswoman between and after
+PRIME_MINISTER_OSTROVA_
\t[VDRGOV 19950301-19990815]
\t[VDRELI 990816-040101]
\t[VDRGOV >040102]
\t[VDRELI]

TOMAS_BREK_ [VDRGOV <880101] [VDRMILGOV 880102-931231] [VDRELI]
KESTREL_FRONT_(KF)_ [IMGMUSKFR] #  comment after the code
+KESTREL_BRIGADES_+_KESTREL_MARTYRS_
ORBAL_LEAGUE_ [IGOORB]
O.L._
ORBAL_LEAGUE_CHIEF_
\t[IGOORB]
\t[ELI]# glued comment
NORDA_OLDTOWN_ [---]

\t[VDRGOV 2004017-20061201]
IVO_PLANK_ [VDRGOV 20121207-20120802]
LOOSE_LINE_ [VDRGOV] trailing words
"""

AGENTS = """\
# invented agents
!PERSON! = MAN, MEN, WOMAN, WOMEN
!MINIST! = MINISTER, MINISTERS, MINISTRY
FISHER!PERSON! [~AGR]
CONSTABULARY {} [~COP]
HARBOUR_MINIST [~GOVMIL] # a stem
!MINIST! FOR_TIDES [~GOVENV]
SKY_WARDEN {SKY_WARDENS_OF_THE_REALM} [~MIL]
ORCHARDIST [~AGR]
CANAL_PARTY_ [~PTY]
RELIEF_BODY [NGO~]
DRIFTING_PHRASE
RIVER_!NOPE! [~ENV]
"""

CSV = """\
name,aliases,country,sector,from,to
Anka Dorr,Minister Dorr;A. Dorr,VDR,GOV,2010-01-01,2014-12-31
Anka Dorr,,VDR,ELI,,
Harbour Watch,,,NGO,,
Bad Country,,XQZ,GOV,,
Bad Date,,VDR,GOV,2010-02-30,
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path) -> list[Path]:
    return [write(tmp_path / "in", "Invented.actors.txt", ACTORS), write(tmp_path / "in", "Invented.agents.txt", AGENTS),
            write(tmp_path / "in", "extra.csv", CSV)]


@pytest.fixture
def index(tmp_path, files) -> ActorIndex:
    stats = build(files, tmp_path / "actors.sqlite")
    assert stats.files[0].kind == "actors" and stats.files[1].kind == "agents" and stats.files[2].kind == "csv"
    return ActorIndex(tmp_path / "actors.sqlite")


def codes(found: list[ActorCode]) -> list[str]:
    return [c.code for c in found]


# --- code splitting -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("code, country, sector, shape", [
    ("IRNGOV", "IRN", "GOV", "country"),
    ("USAMILGOV", "USA", "MILGOV", "country"),
    ("AFG", "AFG", None, "country"),
    ("USRARM", "USR", None, "country"),
    ("IRNMUS", "IRN", "MUS", "country"),
    ("IGOUNO", None, "IGOUNO", "international"),
    ("NGOHRI", None, "NGOHRI", "international"),
    ("IMGMUSTAL", None, "IMGMUSTAL", "international"),
    ("MNC", None, "MNC", "international"),
    ("MEAREB", None, "MEAREB", "region"),
    ("ELI", None, "ELI", "sector"),
    ("KNTGOV", None, "KNTGOV", "unknown"),
    ("---", None, None, "null"),
    ("US-GOV", None, None, "other"),
])
def test_split_code(code, country, sector, shape):
    assert d.split_code(code) == d.CodeParts(country, sector, shape)


def test_dates():
    assert d.parse_date("890604") == D(1989, 6, 4)
    assert d.parse_date("300101") == D(2030, 1, 1) and d.parse_date("310101") == D(1931, 1, 1)
    assert d.parse_date("19930120") == D(1993, 1, 20)
    for bad in ("2004017", "19930230", "1920030320", "abcdef"):
        with pytest.raises(d.MalformedLine):
            d.parse_date(bad)
    assert d.parse_code("IRNGOV >19890604") == d.RawCode("IRNGOV", D(1989, 6, 4), None)
    assert d.parse_code("IRNGOV > 890604") == d.RawCode("IRNGOV", D(1989, 6, 4), None)
    assert d.parse_code("IRNELI <19790211") == d.RawCode("IRNELI", None, D(1979, 2, 11))
    assert d.parse_code("USAGOV 19930120-20010120") == d.RawCode("USAGOV", D(1993, 1, 20), D(2001, 1, 20))


def test_keys():
    assert d.actor_key("U.N.") == d.actor_key("UN") == "un"
    assert d.actor_key("THE_ORBAL_LEAGUE_") == d.actor_key("Orbal League") == "orbal league"
    assert d.name_keys("KESTREL_FRONT_(KF)_") == [("kestrel front kf", False), ("kestrel front", False)]
    assert d.name_keys("HARBOUR_MINIST") == [("harbour minist", True)]


# --- reading the files --------------------------------------------------------------------------------------------

def test_actor_file_entries_and_malformed_lines(files):
    parsed = d.parse_actors(files[0])
    by_name = {e.name: e for e in parsed.entries}
    assert by_name["VALDORIA"].names == ["VALDORIA_", "VALDORIAN_", "REPUBLIC_OF_VALDORIA", "GLASSPORT_"]
    assert by_name["VALDORIAN ARMED FORCES"].codes == [d.RawCode("VDRMIL", None, None)]
    assert len(by_name["MIRELA OSTROVA"].codes) == 4
    assert [c.code for c in by_name["TOMAS BREK"].codes] == ["VDRGOV", "VDRMILGOV", "VDRELI"]
    assert by_name["KESTREL FRONT (KF)"].names[1:] == ["KESTREL_BRIGADES_", "_KESTREL_MARTYRS_"]
    # "O.L._" has no code of its own: it shares the next entry's (PETRARCH's reading)
    assert by_name["O.L."].names == ["O.L._", "ORBAL_LEAGUE_CHIEF_"]
    assert [c.code for c in by_name["O.L."].codes] == ["IGOORB", "ELI"]
    bad = {m.line: m.reason for m in parsed.malformed}
    lines = ACTORS.splitlines()
    assert sorted(bad) == [i for i, line in enumerate(lines, 1)
                           if "2004017" in line or "IVO_PLANK" in line or "LOOSE_LINE" in line]
    assert "2004017" in "".join(bad.values()) and "ends before it starts" in "".join(bad.values())
    assert all(m.file == str(files[0]) for m in parsed.malformed)


def test_agent_file(files):
    parsed = d.parse_agents(files[1])
    phrases = {a.phrase: a for a in parsed.agents}
    for phrase in ("FISHERMAN", "FISHERWOMEN", "MINISTRY FOR_TIDES", "SKY_WARDENS_OF_THE_REALM", "ORCHARDISTS",
                   "CANAL_PARTIES_", "RELIEF_BODIES"):
        assert phrase in phrases, phrase
    assert "CONSTABULARIES" not in phrases and "FISHERMANS" not in phrases and "SKY_WARDENS" not in phrases
    assert phrases["RELIEF_BODY"].sector == "NGO" and phrases["RELIEF_BODY"].code == "NGO~"
    assert phrases["HARBOUR_MINIST"].stem and not phrases["CANAL_PARTY_"].stem
    assert sorted(m.reason.split()[0] for m in parsed.malformed) == ["agent", "substitution"]


def test_csv_file(files):
    parsed = d.parse_csv(files[2])
    assert [e.name for e in parsed.entries] == ["Anka Dorr", "Harbour Watch"]
    dorr = parsed.entries[0]
    assert dorr.names == ["Anka Dorr_", "Minister Dorr_", "A. Dorr_"]
    assert dorr.codes == [d.RawCode("VDRGOV", D(2010, 1, 1), D(2014, 12, 31)), d.RawCode("VDRELI", None, None)]
    assert [m.line for m in parsed.malformed] == [5, 6]


def test_detect(tmp_path, files):
    assert [d.detect(f) for f in files] == ["actors", "agents", "csv"]
    renamed = write(tmp_path, "words.txt", AGENTS)  # agents by content
    assert d.detect(renamed) == "agents"
    for name, text in (("readme.md", "# hello\n"), ("notes.txt", "just some prose\nand more of it\n"),
                       ("bad.csv", "a,b\n1,2\n"), ("empty.txt", "")):
        with pytest.raises(d.UnknownFileError, match=name):
            d.detect(write(tmp_path, name, text))
    with pytest.raises(d.UnknownFileError, match="no such file"):
        d.detect(tmp_path / "missing.txt")


# --- the index ----------------------------------------------------------------------------------------------------

def test_lookup_by_name_and_synonym(index):
    for name in ("Valdoria", "valdorian", "GLASSPORT", "Republic of Valdoria's", "Valdoria's"):
        found = index.lookup(name)
        assert codes(found) == ["VDR"], name
    (valdoria,) = index.lookup("Valdoria")
    assert valdoria == ActorCode("VALDORIA", "VDR", None, "VDR", None, None, "Invented.actors.txt")
    assert index.lookup("Valdorians") == []  # a whole-word name is no stem
    assert codes(index.lookup("valdorian army")) == ["VDRMIL"]
    assert codes(index.lookup("Kestrel Front")) == codes(index.lookup("kestrel martyrs")) == ["IMGMUSKFR"]
    assert index.lookup("Atlantis") == [] and index.lookup("...") == []


def test_dates_choose_the_code(index):
    assert codes(index.lookup("Mirela Ostrova", D(1997, 5, 1))) == ["VDRGOV"]
    assert codes(index.lookup("Prime Minister Ostrova", D(1999, 8, 15))) == ["VDRGOV"]  # bounds included
    assert codes(index.lookup("mirela ostrova", D(2001, 1, 1))) == ["VDRELI"]
    assert index.lookup("Mirela Ostrova", D(2001, 1, 1))[0].end == D(2004, 1, 1)
    assert codes(index.lookup("Mirela Ostrova", D(2020, 1, 1))) == ["VDRGOV"]
    assert codes(index.lookup("Mirela Ostrova", D(1990, 1, 1))) == ["VDRELI"]  # the undated default
    assert index.lookup("Mirela Ostrova", D(1990, 1, 1))[0].start is None
    assert codes(index.lookup("Mirela Ostrova")) == ["VDRGOV"]  # no date: the open-ended one
    assert index.lookup("Mirela Ostrova", "2020-01-01") == index.lookup("Mirela Ostrova", D(2020, 1, 1))
    assert index.lookup("Mirela Ostrova", datetime.datetime(2020, 1, 1, 12)) == index.lookup("Mirela Ostrova")
    brek = index.lookup("Tomas Brek", D(1990, 6, 1))
    assert [(c.code, c.country, c.sector) for c in brek] == [("VDRMILGOV", "VDR", "MILGOV")]
    assert codes(index.lookup("Tomas Brek", D(1980, 1, 1))) == ["VDRGOV"]
    assert codes(index.lookup("Tomas Brek")) == ["VDRELI"]


def test_select_codes_without_a_default_gives_the_latest():
    a = ActorCode("X", "VDR", "GOV", "VDRGOV", D(1990, 1, 1), D(1995, 1, 1), "f")
    b = ActorCode("X", "VDR", "ELI", "VDRELI", D(1995, 1, 2), D(2000, 1, 1), "f")
    assert select_codes([a, b], None) == [b]
    assert select_codes([a, b], D(2010, 1, 1)) == []
    assert select_codes([a, b], D(1991, 1, 1)) == [a]


def test_international_null_and_csv_codes(index):
    (orbal,) = index.lookup("Orbal League")
    assert (orbal.country, orbal.sector) == (None, "IGOORB")
    assert codes(index.lookup("O.L.")) == codes(index.lookup("ol")) == ["IGOORB", "ELI"]
    (null,) = index.lookup("Norda Oldtown")
    assert (null.code, null.country, null.sector) == ("---", None, None)
    assert codes(index.lookup("Minister Dorr", D(2012, 3, 3))) == ["VDRGOV"]
    assert codes(index.lookup("a dorr", D(2016, 1, 1))) == ["VDRELI"]
    (watch,) = index.lookup("harbour watch")
    assert (watch.country, watch.sector, watch.source) == (None, "NGO", "extra.csv")


def test_agents(index):
    assert index.agent("constabulary") == "COP"
    assert index.agent("fishermen") == index.agent("Fisherwoman") == index.agent("orchardists") == "AGR"
    assert index.agent("harbour minister") == index.agent("Harbour Ministry") == "GOVMIL"  # a stem
    assert index.agent("minister for tides") == "GOVENV"
    assert index.agent("canal parties") == "PTY" and index.agent("canal partyx") is None
    assert index.agent("relief bodies") == "NGO"
    assert index.agent("sky wardens of the realm") == "MIL"
    assert index.agent("drifting phrase") is None and index.agent("") is None


def test_build_stats_and_info(tmp_path, files):
    stats = build(files, tmp_path / "a.sqlite")
    actors, agents, table = stats.files
    assert actors.skipped == 3 and agents.skipped == 2 and table.skipped == 2 and stats.skipped == 7
    assert actors.entries == 8 and agents.agents > 10 and table.entries == 2
    assert stats.shapes["international"] >= 2 and stats.shapes["null"] == 1
    info = ActorIndex(tmp_path / "a.sqlite").info()
    assert info["schema_version"] == 1 and [s["file"] for s in info["sources"]] == [f.name for f in files]
    assert info["tables"]["entry"] == 10


def test_file_errors_write_nothing(tmp_path, files):
    db = tmp_path / "a.sqlite"
    with pytest.raises(d.UnknownFileError, match="nope.txt"):
        build([*files, tmp_path / "nope.txt"], db)
    assert not db.exists() and list(tmp_path.glob(".a.sqlite*")) == []


def test_a_failed_build_leaves_the_existing_index_in_place(tmp_path, files, monkeypatch):
    db = tmp_path / "a.sqlite"
    build(files[:1], db)
    before = db.read_bytes()
    from newsgraph.actors import index as index_module

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(index_module, "_load", explode)
    with pytest.raises(RuntimeError):
        build(files, db)
    assert db.read_bytes() == before and list(tmp_path.glob(".a.sqlite.*")) == []
    monkeypatch.undo()
    build(files, db)  # a rebuild replaces it
    assert ActorIndex(db).agent("constabulary") == "COP"


def test_leftovers_of_a_killed_build_are_removed(tmp_path, files):
    dead = tmp_path / ".a.sqlite.999999999.tmp"
    dead.write_text("half")
    build(files, tmp_path / "a.sqlite")
    assert not dead.exists()


def test_bad_index_files(tmp_path):
    with pytest.raises(ActorIndexError, match="no actor index"):
        ActorIndex(tmp_path / "none.sqlite")
    bad = write(tmp_path, "bad.sqlite", "hello")
    with pytest.raises(ActorIndexError, match="not an SQLite database"):
        ActorIndex(bad)
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE x (y)").connection.close()
    with pytest.raises(ActorIndexError, match="not a usable"):
        ActorIndex(other)


def test_default_path_and_open_default(monkeypatch, tmp_path, files):
    monkeypatch.setenv("NEWSGRAPH_ACTORS", str(tmp_path / "x.sqlite"))
    assert default_path() == tmp_path / "x.sqlite" and open_default() is None
    monkeypatch.delenv("NEWSGRAPH_ACTORS")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_path() == tmp_path / "data" / "newsgraph" / "actors.sqlite"
    build(files, default_path())
    assert open_default().agent("constabulary") == "COP"


def test_the_index_is_read_only(index):
    with pytest.raises(sqlite3.OperationalError):
        index._conn().execute("DELETE FROM name")


def _lookup_in_child(index, queue):
    queue.put(index.lookup("Mirela Ostrova", D(1997, 5, 1))[0].code)


def test_usable_after_fork_and_pickling(index):
    index.lookup("Valdoria")  # open a connection in this process first
    copy = pickle.loads(pickle.dumps(index))
    assert codes(copy.lookup("Valdoria")) == ["VDR"]
    if "fork" in multiprocessing.get_all_start_methods() and os.name == "posix":
        ctx = multiprocessing.get_context("fork")
        queue = ctx.Queue()
        child = ctx.Process(target=_lookup_in_child, args=(index, queue))
        child.start()
        child.join(30)
        assert queue.get(timeout=5) == "VDRGOV"


# --- never crash on arbitrary lines -------------------------------------------------------------------------------

LINE_ALPHABET = st.sampled_from(list("AZaz09_+-[]{}<>!#=~;,. \t'()/\"\\") + ["VDRGOV", "890604", "19890604", "ü", "\x00"])


@settings(max_examples=400, deadline=None)
@given(st.lists(LINE_ALPHABET, max_size=40).map("".join) | st.text(max_size=80))
def test_arbitrary_lines_never_crash_the_line_parsers(line):
    for parse in (d.parse_actor_line, d.parse_agent_line):
        try:
            parsed = parse(line)
        except d.MalformedLine:
            continue
        assert parsed.kind in ("skip", "stop", "entry", "synonym", "codes", "macro", "agent")
        for code in parsed.codes:
            assert code.start is None or code.end is None or code.start <= code.end
            d.split_code(code.code)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(LINE_ALPHABET, max_size=30).map("".join), max_size=20))
def test_arbitrary_files_never_crash_the_file_parsers(lines):
    numbered = list(enumerate(lines, 1))
    for parse in (d.parse_actors, d.parse_agents):
        parsed = parse("x.txt", iter(numbered))
        assert all(1 <= m.line <= len(lines) for m in parsed.malformed)
        for entry in parsed.entries:
            assert entry.names and entry.codes


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=12))
def test_split_code_never_crashes(code):
    parts = d.split_code(code)
    assert parts.country is None or len(parts.country) == 3
