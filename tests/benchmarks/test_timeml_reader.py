"""The TimeML reader: plain text without tags, gold TIMEX3 offsets exact into it, DCT kept apart."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import timeml  # noqa: E402

SAMPLE = """<?xml version="1.0" ?>
<TimeML>
<DOCID>WIRE20210303.0001</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2021-03-03" temporalFunction="false" functionInDocument="CREATION_TIME">20210303</TIMEX3></DCT>
<TITLE>Port of Durban &amp; strike</TITLE>
<TEXT>
Dockworkers in Durban <EVENT eid="e1" class="OCCURRENCE">walked</EVENT> out <TIMEX3 tid="t1" type="DATE" value="2021-03-02" temporalFunction="true" anchorTimeID="t0">Tuesday</TIMEX3> &amp; said the strike would <EVENT eid="e2" class="OCCURRENCE">last</EVENT> <TIMEX3 tid="t2" type="DURATION" value="P3D">three days</TIMEX3>.

<TIMEX3 tid="t3" type="DATE" value="PRESENT_REF">Now</TIMEX3> the union, led by Sipho Dlamini &lt;sd&gt;, meets <TIMEX3 tid="t4" type="SET" value="P1W">every <SIGNAL sid="s1">week</SIGNAL></TIMEX3>.
</TEXT>
<TLINK lid="l1" relType="BEFORE" eventInstanceID="ei1" relatedToTime="t0"/>
</TimeML>
"""


def test_reader_strips_tags_and_keeps_offsets(tmp_path):
    path = tmp_path / "WIRE20210303.0001.tml"
    path.write_text(SAMPLE, "utf-8")
    doc = timeml.read(path)
    assert doc.name == "WIRE20210303.0001"
    assert doc.dct == "2021-03-03" and doc.published == "2021-03-03"
    assert "<" not in doc.text.replace("<sd>", "") and "&amp;" not in doc.text
    assert doc.text.startswith("\nDockworkers in Durban walked out Tuesday & said")
    assert [(t.text, t.type, t.value) for t in doc.timexes] == [
        ("Tuesday", "DATE", "2021-03-02"), ("three days", "DURATION", "P3D"), ("Now", "DATE", "PRESENT_REF"),
        ("every week", "SET", "P1W")]
    for t in doc.timexes:
        assert doc.text[t.start:t.end] == t.text
    assert all(t.tid != "t0" for t in doc.timexes)  # the DCT is the document's date, not a timex of its text


def test_reader_without_dct():
    doc = timeml.parse("<TimeML><TEXT>It rained <TIMEX3 tid='t1' type='DATE' value='XXXX-WXX-1'>Monday"
                       "</TIMEX3>.</TEXT></TimeML>")
    assert doc.dct is None and doc.published is None
    assert [(t.start, t.end, t.text) for t in doc.timexes] == [(10, 16, "Monday")]


@pytest.mark.data
def test_reader_on_tbaq(data_dir):
    folder = data_dir / "time" / "tbaq"
    if not folder.is_dir():
        pytest.skip("no time/tbaq in NEWSGRAPH_DATA")
    docs = timeml.load(folder)
    assert len(docs) == 256
    assert sum(len(d.timexes) for d in docs) == 1822
    for doc in docs:
        assert doc.published is not None
        for t in doc.timexes:
            assert doc.text[t.start:t.end] == t.text
            assert t.type in ("DATE", "TIME", "DURATION", "SET")
