"""The event-data readers (``benchmarks/plover.py``) on small files written here, and on the real files where the
shared data is available (``NEWSGRAPH_DATA``)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import plover  # noqa: E402

GSR = [
    {"id": "X-DOCUMENT-0001", "event": "DOCUMENT", "eventText": "documentation"},
    {"id": "X-INVESTIGATE-0001", "event": "INVESTIGATE", "text": "The panel looked into it.",
     "source": [{"actorText": "panel", "code": "NGO"}], "target": ""},
    {"id": "X-DEMAND-0001", "event": "DEMAND", "text": "Valdorian villagers asked Rome for wells.",
     "source": [{"actorText": "Valdorian villagers", "code": "vld", "sector": "CVLabc"}],
     "target": [{"actorText": "Rome", "code": "ITL", "sector": "***"}], "mode": "", "context": "legal, economic",
     "eventText": "asked for wells",
     "textInfo": {"markup": "(SRC: Valdorian villagers) (EVT: asked) (TAR: Rome) for (EVT: wells)."}},
    {"id": "X-CONSULT-0001", "event": "CONSULT", "text": "Arnor and Gondor renewed talks.",
     "source": [{"actorText": "Arnor", "code": "ARN"}, {"actorText": "Gondor", "code": "GON", "sector": "CIV"}],
     "target": None, "textInfo": {"markup": "(SRC/TAR: Arnor) and (SRC/TAR: Gondor) (EVT: renewed talks)."}},
    {"id": "X-FIGHT-0001", "event": "FIGHT", "text": "Rebels shelled the U.N. base in Osgiliath.",
     "source": [{"actorText": "Rebels", "code": "GON", "sector": "REB"}],
     "target": [{"actorText": "U.N. base", "code": "IGO", "sector": "MIL"}], "mode": "heavy-weapons",
     "eventLoc": {"name": "Osgiliath"},
     "textInfo": {"markup": "(SRC: Rebels) (EVT: shelled) the (TAR: U.N. base) (LOC: in (SRC: Osgiliath))."}},
    {"id": "X-RETREAT-0001", "event": "RETREAT", "text": "The minister resigned.",
     "source": [{"actorText": "The minister", "code": "GON", "sector": "GOV"}], "target": ""},
    {"id": "X-AGREE-0001", "event": "AGREE", "source": [], "target": ""},  # no text: skipped
    {"id": "X-BOGUS-0001", "event": "BOGUS", "text": "?"},
]


def test_gsr_reader(tmp_path: Path) -> None:
    path = tmp_path / "gsr.json"
    path.write_text(json.dumps(GSR), "utf-8")
    data = plover.load_gsr(path)
    assert [r.id for r in data.records] == ["X-DEMAND-0001", "X-CONSULT-0001", "X-FIGHT-0001", "X-RETREAT-0001"]
    assert data.left_out == Counter({"DOCUMENT": 1, "INVESTIGATE": 1})
    assert [ident for ident, _ in data.skipped] == ["X-AGREE-0001", "X-BOGUS-0001"]
    assert data.labels["DEMAND"] == 1 and sum(data.labels.values()) == 8

    demand, consult, fight, retreat = data.records
    assert (demand.label, demand.type, fight.type) == ("DEMAND", "REQUEST", "ASSAULT")
    assert demand.source == (plover.GoldActor("Valdorian villagers", "VLD", "CVL", "abc", "vld", "CVLabc"),)
    rome = demand.target[0]
    assert (rome.code, rome.country, rome.sector, rome.raw_code) == ("ITA", "ITA", None, "ITL")
    assert demand.mode is None and demand.context == ("legal", "economic")
    assert demand.tags == (("SRC", "Valdorian villagers"), ("EVT", "asked"), ("TAR", "Rome"), ("EVT", "wells"))

    assert consult.reciprocal and consult.target == () and consult.gold_target() == consult.source
    assert consult.source[1].sector == "CVL"  # CIV read as CVL

    un = fight.target[0]
    assert (un.code, un.country, un.sector) == ("IGO", None, "MIL")
    assert fight.mode == "heavy-weapons" and fight.location == "Osgiliath"
    assert ("LOC", "in Osgiliath") in fight.tags and ("SRC", "Osgiliath") in fight.tags

    assert not retreat.reciprocal and retreat.gold_target() == ()


def test_markup_tags_tolerate_unclosed_pieces() -> None:
    assert plover.markup_tags("(SRC: A) did (EVT: b") == (("SRC", "A"), ("EVT", "b"))
    assert plover.markup_tags("no tags here") == ()


def test_quadclass_reader(tmp_path: Path) -> None:
    path = tmp_path / "quad.tsv"
    lines = ["Troops shelled the town.\t4", "", "A line without a tab", "Talks went well.\t7",
             "A sentence\twith a tab inside.\t1", "\t2", "Officials met.\t1 "]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    data = plover.load_quadclass(path)
    assert [(s.line, s.text, s.label) for s in data.sentences] == [
        (1, "Troops shelled the town.", 4), (5, "A sentence\twith a tab inside.", 1), (7, "Officials met.", 1)]
    assert [n for n, _ in data.malformed] == [2, 3, 4, 6]


TABLE = """# CAMEO to PLOVER conversion table

03: AGREE
030: AGREE,  , diplomatic # Express intent to cooperate
0311: AGREE,  ,   economic # Express intent to cooperate economically
08: CONCEDE
080: CONCEDE,   ,  # Yield
08: RETREAT
0871: RETREAT, ceasefire, military # Declare truce, ceasefire
091: ACCUSE, investigate, crime; corruption # Investigate crime, corruption
175: ASSAULT, pro_autocracy , military # Use violent repression
175: ASSAULT, pro_autocracy , military # Use tactics of violent repression
19: ASSAULT
190: ASSAULT, , military # Use conventional military force
bad line
~~~~~
"""


def test_cameo_table(tmp_path: Path) -> None:
    path = tmp_path / "table.txt"
    path.write_text(TABLE, "utf-8")
    table = plover.load_cameo_table(path)
    assert set(table.entries) == {"030", "0311", "080", "0871", "091", "175", "190"}
    assert table.roots == {"03": ("AGREE",), "08": ("CONCEDE", "RETREAT"), "19": ("ASSAULT",)}
    assert table.duplicates == ["175"] and len(table.malformed) == 1
    assert table.lookup("0871") == plover.CameoEntry("0871", "RETREAT", "ceasefire", ("military",),
                                                     "Declare truce, ceasefire")
    assert table.lookup("091").context == ("crime", "corruption")
    assert table.plover_type("19") == "ASSAULT"  # a root through its X0 code
    assert table.lookup("03115").code == "0311"  # not in the table: the longest code it extends
    assert table.lookup("0312") is None  # 031 is not in this table, and 03 is only a root
    assert table.plover_type("175K") == "ASSAULT"
    assert table.plover_type("023") is None and table.plover_type("") is None and table.plover_type(None) is None
    assert table.plover_type("080") == "CONCEDE"


PETRARCH = """<Validation><Sentences>
<Sentence date="19950101" id="T-01" category="DEMO" sentence="true">
<EventCoding sourcecode="ARN" targetcode="GON" eventcode="0871"></EventCoding>
<EventCoding sourcecode="GON" targetcode="ARN" eventcode="023"></EventCoding>
<Text>
Arnor declared a
truce with Gondor.
</Text>
<Parse>(ROOT (S ...))</Parse>
</Sentence>
<Sentence date="19950101" id="T-02" category="DEMO" sentence="true">
<EventCoding noevents="True"></EventCoding>
<Text>Nothing happened.</Text>
</Sentence>
<Sentence date="19950101" id="T-03" category="ERROR" sentence="true">
<EventCoding error="some error"></EventCoding>
<Text>Broken.</Text>
</Sentence>
<Sentence date="19950101" id="T-04" category="VERB" sentence="true">
<EventCoding sourcecode="ARN" targetcode="GON" eventcode="903"></EventCoding>
<Text>Arnor blorked Gondor.</Text>
</Sentence>
</Sentences></Validation>
"""


def test_petrarch_reader(tmp_path: Path) -> None:
    table_path, xml_path = tmp_path / "table.txt", tmp_path / "petr.xml"
    table_path.write_text(TABLE, "utf-8")
    xml_path.write_text(PETRARCH, "utf-8")
    records = plover.load_petrarch(xml_path, plover.load_cameo_table(table_path))
    first, quiet, error, invented = records
    assert first.text == "Arnor declared a truce with Gondor."
    assert first.codings == (("ARN", "GON", "0871"), ("GON", "ARN", "023"))
    assert first.types == ("RETREAT",) and first.unmapped == ("023",) and first.scorable
    assert quiet.noevents and quiet.types == () and quiet.scorable
    assert error.error and not error.scorable
    assert invented.unmapped == ("903",) and not invented.scorable


# The real files ------------------------------------------------------------------------------------------------

def test_real_gsr(data_dir: Path) -> None:
    data = plover.load_gsr(data_dir / "events" / "plover-gsr-dev.json")
    assert len(data.records) == 99 and not data.skipped
    assert data.left_out == Counter({"INVESTIGATE": 3, "DOCUMENT": 1})
    types = Counter(r.type for r in data.records)
    assert set(types) == set(plover.POLECAT_TYPES)
    assert (types["REQUEST"], types["ACCUSE"], types["ASSAULT"]) == (11, 5, 10)
    assert sum(r.reciprocal for r in data.records) == 6
    assert all(r.source for r in data.records)
    codes = {a.code for r in data.records for a in r.source + r.target}
    assert all(len(c) == 3 and c.isupper() for c in codes) and "ITL" not in codes
    assert codes & plover.INTERNATIONAL == {"IGO", "NGO", "IMG"}
    sectors = {a.sector for r in data.records for a in r.source + r.target} - {None}
    assert all(len(s) == 3 and s.isupper() for s in sectors) and "CIV" not in sectors


def test_real_quadclass(data_dir: Path) -> None:
    data = plover.load_quadclass(data_dir / "events" / "conflibert-cameo-quadclass-train.tsv")
    assert len(data.sentences) == 1349 and data.malformed == []
    assert Counter(s.label for s in data.sentences) == Counter({3: 337, 2: 303, 1: 248, 0: 240, 4: 221})


def test_real_table_and_petrarch(data_dir: Path) -> None:
    table = plover.load_cameo_table(data_dir / "events" / "CAMEO2PLOVER-2021.txt")
    assert not table.malformed and len(table.entries) == 256
    assert {t for types in table.roots.values() for t in types} == set(plover.POLECAT_TYPES)
    assert table.plover_type("1712") == "ASSAULT" and table.plover_type("163") == "COERCE"
    assert table.plover_type("01") is None and table.plover_type("02") is None
    records = plover.load_petrarch(data_dir / "events" / "petrarch2-unittest-records.xml", table)
    assert len(records) == 284
    assert sum(r.scorable for r in records) == 203 and sum(r.error for r in records) == 7
    assert all(t in plover.POLECAT_TYPES for r in records for t in r.types)
