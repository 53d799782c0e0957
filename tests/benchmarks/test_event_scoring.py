"""The event-coding benchmark's scoring functions (``benchmarks/events.py``) on hand-made inputs; no data, no
model."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import events  # noqa: E402
import plover  # noqa: E402


def actor(country: str | None = None, sector: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(mention=None, name=None, country=country, sector=sector)


def event(kind: str, confidence: float = 0.5, start: int = 0, source=None, target=None) -> SimpleNamespace:
    return SimpleNamespace(type=kind, confidence=confidence, trigger=SimpleNamespace(start=start, text="x"),
                           source=source, target=target, cameo_root=None, mode=None)


def gold(code: str, sector: str | None = None) -> plover.GoldActor:
    return plover.GoldActor(code, code, sector)


def record(ident: str, kind: str, source=(), target=(), reciprocal: bool = False) -> plover.GsrRecord:
    return plover.GsrRecord(ident, "text", kind, kind, tuple(source), tuple(target), reciprocal)


def test_quad_class_of_every_type() -> None:
    assert sorted(events.QUAD_CLASS) == sorted(plover.POLECAT_TYPES)
    assert [events.quad_class(t) for t in ("CONSULT", "AID", "SANCTION", "MOBILIZE")] == [1, 2, 3, 4]
    assert events.quad_class(None) == 0 and events.quad_class("NONE") == 0


def test_pick_event_by_confidence_then_earliest() -> None:
    a, b, c = event("AGREE", 0.4, 0), event("ASSAULT", 0.9, 30), event("AID", 0.9, 10)
    assert events.pick_event([a, b, c]) is c
    same = [event("AGREE", 0.5, 5), event("AID", 0.5, 5)]
    assert events.pick_event(same) is same[0]
    assert events.pick_event([]) is None


def test_actor_codes() -> None:
    assert events.actor_code(actor("isr", "GOV")) == "ISR"
    assert events.actor_code(actor(None, "IGO")) == "IGO"
    assert events.actor_code(actor(None, "GOV")) is None and events.actor_code(None) is None
    golds = [gold("ISR"), gold("IGO", "MIL")]
    assert events.country_right(actor("ISR"), golds) and events.country_right(actor(None, "IGO"), golds)
    assert not events.country_right(actor("PSE"), golds) and not events.country_right(None, golds)


def test_empty_gold_side_wants_no_coded_actor() -> None:
    assert events.side_right(None, ()) and events.side_right(actor(None, "GOV"), ())
    assert not events.side_right(actor("USA"), ()) and not events.side_right(None, [gold("USA")])


def test_country_and_sector() -> None:
    golds = [gold("SRB", "CVL"), gold("IGO", "GOV"), gold("USA")]
    assert [g.code for g in events.sector_gold(golds)] == ["SRB"]
    assert events.country_sector_right(actor("SRB", "CVL"), golds)
    assert not events.country_sector_right(actor("SRB", "GOV"), golds)
    assert not events.country_sector_right(actor("USA"), golds) and not events.country_sector_right(None, golds)


def test_accuracy_and_macro_f1() -> None:
    g = ["A", "A", "B", "C"]
    p = ["A", "B", "B", events.NONE]
    assert events.accuracy(g, p) == 0.5 and events.accuracy([], []) == 0.0
    scores = events.per_label(g, p, ["A", "B", "C", "D"])
    assert (scores["A"]["p"], scores["A"]["r"]) == (1.0, 0.5)
    assert (scores["B"]["p"], scores["B"]["r"]) == (0.5, 1.0)
    assert scores["C"]["f1"] == 0.0 and scores["D"]["gold"] == scores["D"]["pred"] == 0
    # D occurs nowhere and is left out; NONE is not a label
    assert events.macro_f1(g, p, ["A", "B", "C", "D"]) == pytest.approx((2 / 3 + 2 / 3 + 0) / 3)
    assert events.macro_f1([], [], ["A"]) == 0.0
    with pytest.raises(ValueError):
        events.accuracy(["A"], [])


def test_confusions() -> None:
    table = events.confusion(["A", "A", "A", "B", "B"], ["A", "B", "B", "A", events.NONE])
    assert table == {"A": {"A": 1, "B": 2}, "B": {"A": 1, events.NONE: 1}}
    assert events.top_confusions(table, 2) == [("A", "B", 2), ("B", "(none)", 1)]


def test_score_gsr() -> None:
    records = [
        record("r1", "AGREE", [gold("ISR")], [gold("PSE", "GOV")]),
        record("r2", "ASSAULT", [gold("USA", "MIL")], [gold("IRQ"), gold("SYR")]),
        record("r3", "RETREAT", [gold("HTI", "GOV")]),
        record("r4", "CONSULT", [gold("ISR"), gold("LBN")], reciprocal=True),
        record("r5", "REJECT", [gold("RUS")], [gold("IGO")]),
    ]
    predicted = [
        [event("AGREE", 0.9, 0, actor("ISR"), actor("PSE", "GOV")), event("AID", 0.3, 9)],  # all right
        [event("ASSAULT", 0.8, 0, actor("USA", "GOV"), actor("SYR"))],  # right, sector wrong
        [event("RETREAT", 0.7, 0, actor("HTI", "GOV"), actor("USA"))],  # a target where gold has none
        [event("SUPPORT", 0.6, 0, actor("ISR")), event("CONSULT", 0.2, 5, actor("ISR"), actor("LBN"))],
        [],  # uncoded
    ]
    figures, rows = events.score_gsr(records, predicted)
    assert figures["records"] == 5
    assert figures["type_accuracy"] == pytest.approx(3 / 5)
    assert (figures["source_accuracy"], figures["source_n"]) == (pytest.approx(4 / 5), 5)
    # targets: r1 right, r2 right (any gold code), r4 reciprocal without a predicted target, r5 uncoded
    assert (figures["target_accuracy"], figures["target_n"]) == (pytest.approx(2 / 4), 4)
    # sectors: r1 target (PSE GOV) right, r2 source (USA MIL) wrong, r3 source (HTI GOV) right
    assert (figures["sector_accuracy"], figures["sector_n"]) == (pytest.approx(2 / 3), 3)
    assert figures["tuple_accuracy"] == pytest.approx(2 / 5)  # r1, r2
    assert (figures["correct"], figures["uncoded"], figures["extra"], figures["events"]) == (4, 1, 2, 6)
    assert figures["confusion"]["CONSULT"] == {"SUPPORT": 1}
    assert figures["confusion"]["REJECT"] == {events.NONE: 1}
    assert {r["id"]: r["wrong"] for r in rows} == {"r3": ["target"], "r4": ["type", "target"],
                                                   "r5": ["type", "source", "target"]}
    assert rows[0]["predicted"]["target"]["country"] == "USA" and rows[2]["events"] == []


def test_score_gsr_without_events_is_zero() -> None:
    records = [record("r1", "AGREE", [gold("ISR")], [gold("PSE")]), record("r2", "AID", [gold("USA")])]
    figures, rows = events.score_gsr(records, [[], []])
    assert figures["type_accuracy"] == figures["macro_f1"] == figures["tuple_accuracy"] == 0.0
    assert figures["source_accuracy"] == figures["target_accuracy"] == 0.0
    assert figures["sector_accuracy"] is None and figures["uncoded"] == 2 and len(rows) == 2


def test_score_classes() -> None:
    result = events.score_classes([0, 1, 1, 4, 3], [0, 1, 2, 4, 0])
    assert result["accuracy"] == pytest.approx(3 / 5)
    assert result["confusion"][1] == [0, 1, 1, 0, 0] and result["confusion"][3] == [1, 0, 0, 0, 0]
    # class 0: P 1/2 R 1 → 2/3; 1: P 1 R 1/2 → 2/3; 2: 0; 3: 0; 4: 1
    assert result["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 0 + 0 + 1) / 5)


def test_score_petrarch() -> None:
    rec = plover.PetrarchRecord
    records = [rec("a", "DEMO", "t", (("A", "B", "0871"),), types=("RETREAT",)),
               rec("b", "DEMO", "t", (), noevents=True),
               rec("c", "ERROR", "t", (), error=True),
               rec("d", "DEMO", "t", (("A", "B", "023"),), unmapped=("023",))]
    figures, rows = events.score_petrarch(records, [[event("RETREAT"), event("AID", 0.1)], [], [], []])
    assert (figures["sentences"], figures["left_out"]) == (2, 2)
    assert (figures["found"], figures["expected"], figures["extra"], figures["quiet"]) == (1, 1, 1, 1)
    assert figures["top_accuracy"] == 1.0 and [r["id"] for r in rows] == ["a"]


def test_folds_are_stratified_and_deterministic() -> None:
    labels = [0, 0, 1, 0, 1, 1, 0]
    assert events.fold_of(labels, 2) == [0, 1, 0, 0, 1, 0, 1]


def test_as_class() -> None:
    assert [events.as_class(v) for v in (None, 3, "2", "NONE", "ASSAULT")] == [0, 3, 2, 0, 4]
    with pytest.raises(ValueError):
        events.as_class(7)




def test_conflibert_actor_sentences_are_read_with_character_spans(tmp_path) -> None:
    path = tmp_path / "actors.txt"
    path.write_text("Kenyan B-S\npolice I-S\ndetained O\nthree B-T\nactivists I-T\n. O\n\n"
                    "Chile B-R\nand O\nPeru B-R\nmet O\n\n", "utf-8")
    first, second = plover.load_conflibert_actors(path)
    assert first.text == "Kenyan police detained three activists ."
    assert [first.text[a:b] for a, b in first.source] == ["Kenyan police"]
    assert [first.text[a:b] for a, b in first.target] == ["three activists"]
    assert second.number == 2 and [second.text[a:b] for a, b in second.source] == ["Chile", "Peru"]
    assert second.source == second.target  # reciprocal actors count on both sides


def test_actor_spans_score_the_predicted_events_mentions() -> None:
    sentence = plover.ActorSentence(1, "Kenyan police detained three activists .", ((0, 13),), ((23, 38),))
    mention = lambda a, b: SimpleNamespace(start=a, end=b)  # noqa: E731
    right = event("COERCE", 0.9, 14, source=SimpleNamespace(mention=mention(7, 13)),
                  target=SimpleNamespace(mention=mention(0, 6)))
    figures, rows = events.score_actor_spans([sentence, sentence], [[right], []])
    assert figures["source_accuracy"] == 0.5 and figures["target_accuracy"] == 0.0
    assert figures["with_event"] == 1 and len(rows) == 2 and rows[0]["wrong"] == ["target"]
