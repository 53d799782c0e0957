"""Event coding: newsgraph's ``events`` against the PLOVER gold-standard records, ConfliBERT's CAMEO quad classes
and (secondary) ConfliBERT's actor-tagged sentences and PETRARCH2's unit-test sentences.

Each record's or sentence's text is processed as one article, without a publication date, on the path of
``newsgraph extract`` (``load_pipeline``, ``nlp.pipe``, :func:`newsgraph.record.from_doc`); the scoring compares
the record's events with the gold coding (readers: ``plover.py``).  The metrics are defined in ``DEFINITIONS``
below and printed with the figures; until the events component exists every record has no event and every
figure is 0 (class 0 of the quad classes excepted).

The data is ``DIR/events/`` with ``DIR`` from ``--data`` or ``NEWSGRAPH_DATA``.  The shipped event model was
trained on the ConfliBERT sentences, so without ``--folds`` they are scored with the pipeline's rules alone;
``--folds K`` scores them with the whole pipeline, each fold's sentences coded with an event model trained (as
``scripts/train_event_model.py`` trains the shipped one) without them, and reports the fold models alone too.

    python benchmarks/events.py [--data DIR] [--limit N] [--model NAME] [--folds K]
                                [--write docs/benchmarks.md] [--json FILE] [--errors FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import plover  # noqa: E402
from _report import markdown_table, plain_table, write_section  # noqa: E402

GSR_FILE = "plover-gsr-dev.json"
QUAD_FILE = "conflibert-cameo-quadclass-train.tsv"
TABLE_FILE = "CAMEO2PLOVER-2021.txt"
PETRARCH_FILE = "petrarch2-unittest-records.xml"
ACTORS_FILE = "conflibert-cameo-actors-train.txt"
BATCH = 32
NONE = "(none)"  # the predicted type of a record without an event, in confusion tables
TOP_CONFUSIONS = 10

#: PLOVER type → CAMEO quad class (1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material
#: conflict); no event is class 0.
QUAD_CLASS = {
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT"), 1),
    **dict.fromkeys(("COOPERATE", "AID", "CONCEDE", "RETREAT"), 2),
    **dict.fromkeys(("ACCUSE", "REQUEST", "REJECT", "THREATEN", "SANCTION"), 3),
    **dict.fromkeys(("PROTEST", "MOBILIZE", "COERCE", "ASSAULT"), 4),
}
QUAD_NAMES = {0: "no event / statement", 1: "verbal cooperation", 2: "material cooperation",
              3: "verbal conflict", 4: "material conflict"}
#: The issue's targets: (figure, path in the figures, threshold).
TARGETS = [("PLOVER GSR event-type accuracy", ("gsr", "type_accuracy"), 0.80),
           ("PLOVER GSR full-tuple accuracy", ("gsr", "tuple_accuracy"), 0.60),
           ("ConfliBERT five-class macro-F1", ("quadclass", "macro_f1"), 0.75)]

DEFINITIONS = [
    ("predicted event", "of a record (sentence): its highest-confidence event; ties go to the earliest trigger, "
                        "then the first listed. A record without events has no prediction, which is wrong for "
                        "every figure below"),
    ("gold type", "the GSR's PLOVER 0.5b1 label mapped to the 16 POLECAT types (DEMAND → REQUEST, DISAPPROVE → "
                  "ACCUSE, FIGHT → ASSAULT); INVESTIGATE records (no POLECAT type) and the file's DOCUMENT entry "
                  "are left out"),
    ("event-type accuracy", "records whose predicted event has the gold type / all gold records"),
    ("macro-F1 (types)", "per type, P = right predictions of it / predictions of it and R = right predictions / "
                         "gold records of it; F1 averaged over the types that occur in gold or predictions (on "
                         "the whole dev file: all 16); a record without an event is a miss, not a prediction"),
    ("actor code", "gold: an alpha-3 country (`ITL` read as `ITA`), or `IGO`/`NGO`/`IMG` for international "
                   "actors; predicted: the actor's `country`, else its `sector` when that is IGO, NGO or IMG"),
    ("source (target) country accuracy", "over records whose gold has a source (target): the predicted event's "
                                         "source (target) code is the code of one of the gold actors (gold lists "
                                         "can hold several: compound actors). Reciprocal records (actors tagged "
                                         "SRC/TAR, no target) have the source list as gold target too"),
    ("country+sector accuracy", "over gold sides with an actor that has both an alpha-3 country and a sector "
                                "(the sector's first three letters: `CVLalb` → CVL; `***` is no sector, `CIV` is "
                                "CVL): the predicted actor has the country and the sector of one such actor"),
    ("full-tuple accuracy", "records whose predicted event has the gold type, a source as for country accuracy "
                            "and a target as for country accuracy; where the gold has no target (and is not "
                            "reciprocal) the predicted event must have none, or one without a code"),
    ("correct / uncoded / extra (PETRARCH's counts)", "records with an event of the gold type among all their "
                                                      "events / records without any event / events beyond the "
                                                      "first of each record"),
    ("five-class accuracy and macro-F1", "ConfliBERT sentences: the class of the predicted event's type (AGREE, "
                                         "CONSULT, SUPPORT → 1; COOPERATE, AID, CONCEDE, RETREAT → 2; ACCUSE, "
                                         "REQUEST, REJECT, THREATEN, SANCTION → 3; PROTEST, MOBILIZE, COERCE, "
                                         "ASSAULT → 4; no event → 0) against the gold class; macro-F1 over the "
                                         "five classes (no event is class 0 here, a prediction like any other)"),
    ("ConfliBERT actor spans (secondary)", "news sentences with their source and target actors tagged (BIO; "
                                           "an actor of a reciprocal event counts on both sides): over the "
                                           "sentences with a gold source (target), the predicted event's source "
                                           "(target) mention overlaps a gold one; a sentence without an event or "
                                           "without that actor is a miss. Scored with the shipped event model, "
                                           "which only weighs the events' confidence"),
    ("PETRARCH2 unit tests (secondary)", "expected CAMEO codes mapped to PLOVER types through the CAMEO → "
                                         "PLOVER table; sentences whose codes all lack a PLOVER type (01 "
                                         "statements, 02 appeals, the tests' invented codes) and PETRARCH's "
                                         "error tests are left out. Found: expected types among the sentence's "
                                         "event types; extra: events whose type is not expected; quiet: "
                                         "sentences expecting no event that have none"),
]
CITATION = ("Data: PLOVER gold-standard records, dev third (github.com/openeventdata/PLOVER, CC BY-SA 4.0); "
            "ConfliBERT CAMEO quad-class and actor-tagged sentences (Hu et al. 2022, *ConfliBERT: A Pre-trained "
            "Language Model for Political Conflict and Violence*; github.com/eventdata/ConfliBERT; research use); "
            "PETRARCH2 unit-test "
            "records and the CAMEO → PLOVER table (github.com/openeventdata/petrarch2, MIT; "
            "github.com/openeventdata/PLOVER, CC BY-SA 4.0).")


# Scoring functions ---------------------------------------------------------------------------------------------

def quad_class(event_type: str | None) -> int:
    """The quad class of a PLOVER type (0 for no event or an unknown type)."""
    return QUAD_CLASS.get(event_type or "", 0)


def pick_event(events: Sequence[Any]) -> Any:
    """The highest-confidence event (ties: the earliest trigger, then the first listed); None without events."""
    if not events:
        return None

    def key(item: tuple[int, Any]) -> tuple[float, float, int]:
        i, ev = item
        trigger = getattr(ev, "trigger", None)
        start = getattr(trigger, "start", None)
        return (-(getattr(ev, "confidence", 0.0) or 0.0), start if start is not None else float("inf"), i)

    return min(enumerate(events), key=key)[1]


def actor_code(actor: Any) -> str | None:
    """A predicted actor's code: its country, else its sector when that is an international code."""
    if actor is None:
        return None
    country = getattr(actor, "country", None)
    if country:
        return str(country).upper()
    sector = str(getattr(actor, "sector", None) or "").upper()
    return sector if sector in plover.INTERNATIONAL else None


def country_right(actor: Any, gold: Sequence[plover.GoldActor]) -> bool:
    """The predicted actor's code is one of the gold actors' codes."""
    code = actor_code(actor)
    return code is not None and code in {g.code for g in gold if g.code}


def side_right(actor: Any, gold: Sequence[plover.GoldActor]) -> bool:
    """For the full tuple: as :func:`country_right`; an empty gold side wants no predicted actor, or one without
    a code."""
    return country_right(actor, gold) if gold else actor_code(actor) is None


def sector_gold(gold: Sequence[plover.GoldActor]) -> list[plover.GoldActor]:
    """The gold actors that country+sector accuracy scores: an alpha-3 country and a sector."""
    return [g for g in gold if g.country and g.sector]


def country_sector_right(actor: Any, gold: Sequence[plover.GoldActor]) -> bool:
    """The predicted actor has the country and the sector of one gold actor that has both."""
    if actor is None:
        return False
    country = str(getattr(actor, "country", None) or "").upper()
    sector = str(getattr(actor, "sector", None) or "").upper()
    return any(g.country == country and g.sector == sector for g in sector_gold(gold))


def accuracy(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> float:
    """Share of positions where the prediction equals the gold label (0 for no items)."""
    return sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold) if gold else 0.0


def per_label(gold: Sequence[Hashable], pred: Sequence[Hashable],
              labels: Iterable[Hashable]) -> dict[Hashable, dict[str, float | int]]:
    """P, R, F1 (0 where undefined) with tp, pred and gold counts for each label; a prediction outside
    ``labels`` (no event) counts for no label."""
    gold_n, pred_n, tp = Counter(gold), Counter(pred), Counter(g for g, p in zip(gold, pred, strict=True) if g == p)
    out: dict[Hashable, dict[str, float | int]] = {}
    for label in labels:
        p = tp[label] / pred_n[label] if pred_n[label] else 0.0
        r = tp[label] / gold_n[label] if gold_n[label] else 0.0
        out[label] = {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp[label],
                      "pred": pred_n[label], "gold": gold_n[label]}
    return out


def macro_f1(gold: Sequence[Hashable], pred: Sequence[Hashable], labels: Iterable[Hashable]) -> float:
    """Mean F1 over the labels that occur in gold or predictions (0 when none does)."""
    scores = [s["f1"] for s in per_label(gold, pred, labels).values() if s["gold"] or s["pred"]]
    return sum(scores) / len(scores) if scores else 0.0


def confusion(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> dict[Any, dict[Any, int]]:
    """gold label → predicted label → count."""
    table: dict[Any, Counter[Any]] = {}
    for g, p in zip(gold, pred, strict=True):
        table.setdefault(g, Counter())[p] += 1
    return {g: dict(c) for g, c in table.items()}


def top_confusions(table: dict[Any, dict[Any, int]], n: int = TOP_CONFUSIONS) -> list[tuple[Any, Any, int]]:
    """The ``n`` most frequent (gold, predicted, count) with gold ≠ predicted; ties in label order."""
    pairs = [(g, p, c) for g, row in table.items() for p, c in row.items() if g != p and c]
    return sorted(pairs, key=lambda x: (-x[2], str(x[0]), str(x[1])))[:n]


def reliability(pairs: Sequence[tuple[float, bool]], edges: Sequence[float] = (0.0, 0.5, 0.6, 0.7, 0.8, 1.0001)
                ) -> dict[str, Any]:
    """How well confidence predicts being right: per confidence bin, the events, their mean confidence and the
    share right; and the expected calibration error (the bins' |confidence − accuracy| weighted by size)."""
    bins = []
    ece = 0.0
    for lo, hi in zip(edges, edges[1:]):
        inside = [(p, ok) for p, ok in pairs if lo <= p < hi]
        if not inside:
            continue
        conf = sum(p for p, _ in inside) / len(inside)
        acc = sum(ok for _, ok in inside) / len(inside)
        ece += len(inside) / len(pairs) * abs(conf - acc)
        bins.append({"from": lo, "to": min(hi, 1.0), "n": len(inside), "confidence": conf, "accuracy": acc})
    return {"bins": bins, "ece": ece if pairs else None}


def score_gsr(records: Sequence[plover.GsrRecord], events: Sequence[Sequence[Any]]
              ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The GSR figures and the rows of the records got wrong (type or tuple), given each record's events."""
    c: Counter[str] = Counter()
    gold_types, pred_types, rows = [], [], []
    reliability_pairs: list[tuple[float, bool]] = []
    for record, evs in zip(records, events, strict=True):
        top = pick_event(evs)
        kind = getattr(top, "type", None)
        source, target = getattr(top, "source", None), getattr(top, "target", None)
        gold_target = record.gold_target()
        gold_types.append(record.type)
        pred_types.append(kind or NONE)
        type_ok = kind == record.type
        c["type_ok"] += type_ok
        if top is not None:
            reliability_pairs.append((float(getattr(top, "confidence", 0.0)), bool(type_ok)))
        c["correct"] += any(getattr(e, "type", None) == record.type for e in evs)
        c["uncoded"] += not evs
        c["extra"] += max(0, len(evs) - 1)
        c["events"] += len(evs)
        wrong = [] if type_ok else ["type"]
        for side, actor, gold in (("source", source, record.source), ("target", target, gold_target)):
            if gold:
                c[f"{side}_n"] += 1
                c[f"{side}_ok"] += country_right(actor, gold)
            if sector_gold(gold):
                c["sector_n"] += 1
                c["sector_ok"] += country_sector_right(actor, gold)
            if not side_right(actor, gold):
                wrong.append(side)
        c["tuple_ok"] += not wrong
        if wrong:
            rows.append({"set": "plover-gsr", "id": record.id, "text": record.text, "wrong": wrong,
                         "gold": describe_gold(record), "predicted": describe_event(top),
                         "events": [describe_event(e) for e in evs]})
    n = len(records)
    table = confusion(gold_types, pred_types)
    c_reliability = reliability(reliability_pairs)
    figures = {
        "records": n, "type_accuracy": c["type_ok"] / n if n else 0.0,
        "macro_f1": macro_f1(gold_types, pred_types, plover.POLECAT_TYPES),
        "per_type": per_label(gold_types, pred_types, plover.POLECAT_TYPES),
        "reliability": c_reliability,
        "source_accuracy": _ratio(c["source_ok"], c["source_n"]), "source_n": c["source_n"],
        "target_accuracy": _ratio(c["target_ok"], c["target_n"]), "target_n": c["target_n"],
        "sector_accuracy": _ratio(c["sector_ok"], c["sector_n"]), "sector_n": c["sector_n"],
        "tuple_accuracy": c["tuple_ok"] / n if n else 0.0,
        "correct": c["correct"], "uncoded": c["uncoded"], "extra": c["extra"], "events": c["events"],
        "confusion": table, "top_confusions": top_confusions(table),
    }
    return figures, rows


def score_classes(gold: Sequence[int], pred: Sequence[int]) -> dict[str, Any]:
    """Five-class accuracy, macro-F1, per-class figures and the confusion matrix (rows gold, columns predicted)."""
    labels = plover.QUAD_LABELS
    matrix = [[sum(1 for g, p in zip(gold, pred) if g == a and p == b) for b in labels] for a in labels]
    return {"sentences": len(gold), "accuracy": accuracy(gold, pred), "macro_f1": macro_f1(gold, pred, labels),
            "per_class": {str(k): v for k, v in per_label(gold, pred, labels).items()}, "confusion": matrix}


def overlaps(actor: Any, spans: Sequence[tuple[int, int]]) -> bool:
    """The actor's mention shares a character with one of the spans."""
    mention = getattr(actor, "mention", None)
    if mention is None:
        return False
    return any(mention.start < b and a < mention.end for a, b in spans)


def score_actor_spans(sentences: Sequence[plover.ActorSentence], events: Sequence[Sequence[Any]]
                      ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Source and target mention accuracy of the predicted event on the ConfliBERT actor sentences."""
    c: Counter[str] = Counter()
    rows = []
    for sentence, evs in zip(sentences, events, strict=True):
        top = pick_event(evs)
        c["with_event"] += top is not None
        wrong = []
        for side, spans in (("source", sentence.source), ("target", sentence.target)):
            if not spans:
                continue
            c[f"{side}_n"] += 1
            ok = overlaps(getattr(top, side, None), spans)
            c[f"{side}_ok"] += ok
            if not ok:
                wrong.append(side)
        if wrong:
            rows.append({"set": "conflibert-actors", "id": f"sentence {sentence.number}", "text": sentence.text,
                         "wrong": wrong, "gold": {"source": [sentence.text[a:b] for a, b in sentence.source],
                                                  "target": [sentence.text[a:b] for a, b in sentence.target]},
                         "predicted": describe_event(top)})
    figures = {"sentences": len(sentences), "with_event": c["with_event"],
               "source_n": c["source_n"], "source_accuracy": _ratio(c["source_ok"], c["source_n"]),
               "target_n": c["target_n"], "target_accuracy": _ratio(c["target_ok"], c["target_n"])}
    return figures, rows


def score_petrarch(records: Sequence[plover.PetrarchRecord], events: Sequence[Sequence[Any]]
                   ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """PETRARCH-style counts on the scorable unit-test sentences."""
    c: Counter[str] = Counter()
    rows = []
    for record, evs in zip(records, events, strict=True):
        if not record.scorable:
            continue
        c["sentences"] += 1
        found = {getattr(e, "type", None) for e in evs}
        expected = set(record.types)
        c["expected"] += len(expected)
        c["found"] += len(expected & found)
        c["extra"] += sum(1 for e in evs if getattr(e, "type", None) not in expected)
        c["uncoded"] += bool(expected) and not evs
        c["no_event_expected"] += not expected
        c["quiet"] += not expected and not evs
        top = pick_event(evs)
        c["top_ok"] += (getattr(top, "type", None) in expected) if expected else top is None
        if expected - found or any(getattr(e, "type", None) not in expected for e in evs):
            rows.append({"set": "petrarch2", "id": record.id, "text": record.text,
                         "gold": {"types": list(record.types), "codings": [list(x) for x in record.codings],
                                  "unmapped": list(record.unmapped), "noevents": record.noevents},
                         "events": [describe_event(e) for e in evs]})
    figures = {key: c[key] for key in ("sentences", "expected", "found", "extra", "uncoded", "no_event_expected",
                                       "quiet", "top_ok")}
    figures["recall"] = _ratio(c["found"], c["expected"])
    figures["top_accuracy"] = _ratio(c["top_ok"], c["sentences"])
    figures["left_out"] = sum(1 for r in records if not r.scorable)
    return figures, rows


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


# Describing gold and predictions -------------------------------------------------------------------------------

def describe_actor(actor: Any) -> dict[str, Any] | None:
    if actor is None:
        return None
    mention = getattr(actor, "mention", None)
    return {"mention": getattr(mention, "text", None), "name": getattr(actor, "name", None),
            "country": getattr(actor, "country", None), "sector": getattr(actor, "sector", None)}


def describe_event(ev: Any) -> dict[str, Any] | None:
    if ev is None:
        return None
    trigger = getattr(ev, "trigger", None)
    return {"type": getattr(ev, "type", None), "trigger": getattr(trigger, "text", None),
            "cameo_root": getattr(ev, "cameo_root", None), "mode": getattr(ev, "mode", None),
            "confidence": getattr(ev, "confidence", None), "source": describe_actor(getattr(ev, "source", None)),
            "target": describe_actor(getattr(ev, "target", None))}


def describe_gold(record: plover.GsrRecord) -> dict[str, Any]:
    def actors(items: Sequence[plover.GoldActor]) -> list[dict[str, Any]]:
        return [{"text": a.text, "code": a.code, "sector": a.sector} for a in items]
    return {"type": record.type, "label": record.label, "event_text": record.event_text,
            "source": actors(record.source), "target": actors(record.target), "reciprocal": record.reciprocal,
            "mode": record.mode, "markup": record.markup}


# Cross-validation (the trained model's path) -------------------------------------------------------------------

def fold_of(labels: Sequence[Hashable], k: int) -> list[int]:
    """A fold 0..k-1 for each item, stratified and deterministic: the items of each label, in order, dealt
    round-robin."""
    seen: Counter[Hashable] = Counter()
    folds = []
    for label in labels:
        folds.append(seen[label] % k)
        seen[label] += 1
    return folds


def as_class(value: Any) -> int:
    """A model's prediction as a quad class: an int 0..4 as it is, a PLOVER type through :data:`QUAD_CLASS`,
    None as 0."""
    if value is None:
        return 0
    if isinstance(value, int) and value in plover.QUAD_LABELS:
        return value
    if isinstance(value, str):
        return int(value) if value.strip() in {str(c) for c in plover.QUAD_LABELS} else quad_class(value)
    raise ValueError(f"cannot read {value!r} as a quad class")


def pipeline_cross_validation(args: argparse.Namespace, sentences: Sequence[Any], gold: Sequence[int],
                              events_of: Callable[[Sequence[tuple[str, str]], str], list[list[Any]]]
                              ) -> tuple[list[list[Any]], list[int]]:
    """The events of each ConfliBERT sentence from the pipeline whose event model was trained (as the shipped
    one: NGEC lead sentences and titles plus the other folds' ConfliBERT sentences) without the sentence's
    fold; and the class each fold model alone predicts."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    import train_event_model as recipe

    from newsgraph.extract import event_model
    from newsgraph.extract import events as event_coder

    folder = args.data / "events"
    stories = recipe.load_ngec(folder / "ngec-synthetic-plover-stories.csv")
    conflibert = recipe.load_conflibert(folder / QUAD_FILE)
    if [t for t, _ in conflibert][:len(sentences)] != [s.text for s in sentences]:
        raise SystemExit("the training recipe and the benchmark read the ConfliBERT file differently")
    print("  parsing the training sentences (NGEC leads and titles, ConfliBERT)", file=sys.stderr, flush=True)
    cb_feats = recipe.parsed_features(stories, conflibert, None)
    cb_labels = [q for _, q in conflibert]
    folds = recipe.stratified_folds(cb_labels, args.folds, recipe.SEED)
    shipped = event_model.default_model()
    events: list[list[Any]] = [[] for _ in sentences]
    alone: list[int] = [0] * len(sentences)
    for fold in range(args.folds):
        train_idx = [i for i in range(len(cb_labels)) if folds[i] != fold]
        test_idx = [i for i in range(len(sentences)) if folds[i] == fold]
        feats, labels, weights = recipe.examples(stories, [cb_feats[i] for i in train_idx],
                                                 [cb_labels[i] for i in train_idx])
        model = recipe.fit(feats, labels, weights)
        model.temperature = shipped.temperature
        for i in test_idx:
            top = model.top(cb_feats[i], 1)[0][0]
            alone[i] = 0 if top == event_model.NONE else event_model.quad_class(top)
        event_coder.use_model(model)
        try:
            found = events_of([(f"line {sentences[i].line}", sentences[i].text) for i in test_idx], "ConfliBERT")
        finally:
            event_coder.use_model(event_coder.SHIPPED)
        for i, evs in zip(test_idx, found):
            events[i] = evs
        print(f"  fold {fold + 1}/{args.folds}: {len(test_idx)} sentences", file=sys.stderr, flush=True)
    return events, alone


# Running newsgraph ---------------------------------------------------------------------------------------------

def run_newsgraph(nlp: Any, items: Sequence[tuple[str, str]], what: str) -> list[list[Any] | None]:
    """The events of each ``(id, text)`` item's record (None where processing failed), in batches: the path of
    ``newsgraph extract``, no publication date."""
    from newsgraph.ingest import Article
    from newsgraph.record import from_doc

    def article(ident: str, text: str) -> Article:
        return Article(text=text, id=ident, item=f"{what} {ident}")

    out: list[list[Any] | None] = []
    for start in range(0, len(items), BATCH):
        batch = items[start:start + BATCH]
        try:
            docs = nlp.pipe([nlp.make_doc(text) for _, text in batch], batch_size=BATCH)
            out += [list(from_doc(doc, article(i, t)).events) for (i, t), doc in zip(batch, docs)]
        except Exception as err:  # noqa: BLE001 - retried one by one; a failing item scores as no event
            print(f"  batch failed ({type(err).__name__}: {err}); retrying one by one", file=sys.stderr)
            for ident, text in batch:
                try:
                    out.append(list(from_doc(nlp(nlp.make_doc(text)), article(ident, text)).events))
                except Exception as one:  # noqa: BLE001
                    print(f"  {what} {ident} failed: {type(one).__name__}: {one}", file=sys.stderr)
                    out.append(None)
    print(f"  {what}: {len(out)} texts", file=sys.stderr, flush=True)
    return out


# Report --------------------------------------------------------------------------------------------------------

def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}"


def _get(result: dict[str, Any], path: Sequence[str]) -> Any:
    for key in path:
        result = result[key]
    return result


def tables(result: dict[str, Any]) -> list[list[list[str]]]:
    """The tables (GSR figures; top confusions; quad classes; quad confusion; PETRARCH; targets), header first."""
    g, q = result["gsr"], result["quadclass"]
    gsr = [["PLOVER GSR", "value", "n"],
           ["event-type accuracy", _pct(g["type_accuracy"]), str(g["records"])],
           ["macro-F1 (types)", _pct(g["macro_f1"]), str(g["records"])],
           ["source country accuracy", _pct(g["source_accuracy"]), str(g["source_n"])],
           ["target country accuracy", _pct(g["target_accuracy"]), str(g["target_n"])],
           ["country+sector accuracy", _pct(g["sector_accuracy"]), str(g["sector_n"])],
           ["full-tuple accuracy", _pct(g["tuple_accuracy"]), str(g["records"])],
           ["correct (PETRARCH)", str(g["correct"]), str(g["records"])],
           ["uncoded (PETRARCH)", str(g["uncoded"]), str(g["records"])],
           ["extra (PETRARCH)", str(g["extra"]), str(g["events"])]]
    rel = [["confidence of the top event (GSR)", "events", "mean confidence", "type right"]]
    for b in g.get("reliability", {}).get("bins", []):
        rel.append([f"{b['from']:.1f}–{b['to']:.1f}", str(b["n"]), _pct(b["confidence"]), _pct(b["accuracy"])])
    if g.get("reliability", {}).get("ece") is not None:
        rel.append(["expected calibration error", "", "", _pct(g["reliability"]["ece"])])
    conf = [["gold type", "predicted", "records"]]
    conf += [[str(a), str(b), str(n)] for a, b, n in g["top_confusions"]] or [["—", "—", "0"]]
    quad = [["quad class", "gold", "predicted", "P", "R", "F1"]]
    for k in plover.QUAD_LABELS:
        s = q["per_class"][str(k)]
        quad.append([f"{k} {QUAD_NAMES[k]}", str(s["gold"]), str(s["pred"]), _pct(s["p"]), _pct(s["r"]),
                     _pct(s["f1"])])
    quad.append(["all: newsgraph (see the method above)", str(q["sentences"]), f"accuracy {_pct(q['accuracy'])}",
                 "", "", f"macro {_pct(q['macro_f1'])}"])
    if q.get("model_alone"):
        m = q["model_alone"]
        quad.append(["all: the fold models alone (top type's class)", str(m["sentences"]),
                     f"accuracy {_pct(m['accuracy'])}", "", "", f"macro {_pct(m['macro_f1'])}"])
    matrix = [["gold \\ predicted", *map(str, plover.QUAD_LABELS)]]
    matrix += [[str(k), *map(str, row)] for k, row in zip(plover.QUAD_LABELS, q["confusion"])]
    out = [gsr, rel, conf, quad, matrix]
    a = result.get("actor_spans")
    if a:
        out.append([["ConfliBERT actor spans (secondary)", "value", "n"],
                    ["sentences with an event", str(a["with_event"]), str(a["sentences"])],
                    ["source mention right", _pct(a["source_accuracy"]), str(a["source_n"])],
                    ["target mention right", _pct(a["target_accuracy"]), str(a["target_n"])]])
    p = result.get("petrarch")
    if p:
        out.append([["PETRARCH2 unit tests (secondary)", "value"],
                    ["sentences scored (left out)", f"{p['sentences']} ({p['left_out']})"],
                    ["expected types found", f"{p['found']}/{p['expected']} ({_pct(p['recall'])})"],
                    ["extra events", str(p["extra"])], ["uncoded", str(p["uncoded"])],
                    ["no event expected, none given", f"{p['quiet']}/{p['no_event_expected']}"],
                    ["predicted event right", _pct(p["top_accuracy"])]])
    targets = [["target", "threshold", "measured", "met"]]
    for name, path, threshold in TARGETS:
        value = _get(result, path)
        targets.append([name, _pct(threshold), _pct(value), "yes" if value >= threshold else "no"])
    out.append(targets)
    return out


def summary(result: dict[str, Any]) -> str:
    d = result["data"]
    left = ", ".join(f"{n} {label}" for label, n in sorted(d["gsr_left_out"].items())) or "none"
    text = (f"PLOVER GSR dev{d['limit_note']}: {d['gsr_records']} records with a POLECAT type (the file's {left} "
            f"left out); "
            f"{result['gsr']['events']} predicted events. ConfliBERT quad classes{d['limit_note']}: "
            f"{d['quad_sentences']} sentences ({d['quad_malformed']} malformed lines skipped), scored by "
            f"{result['quadclass']['method']}. ")
    if result.get("actor_spans"):
        text += f"ConfliBERT actor spans{d['limit_note']}: {result['actor_spans']['sentences']} sentences. "
    if result.get("petrarch"):
        text += f"PETRARCH2 unit tests{d['limit_note']}: {d['petrarch_records']} sentences. "
    return text + f"Model `{result['model']}`; items that failed: {result['failures']}."


def markdown(result: dict[str, Any]) -> str:
    definitions = "\n".join(f"- **{term}**: {text}." for term, text in DEFINITIONS)
    parts = [summary(result), *(markdown_table(t) for t in tables(result)),
             "Figures are percentages except the counts. Targets of the issue: event-type accuracy ≥ 80, full-tuple "
             "accuracy ≥ 60, five-class macro-F1 ≥ 75.", definitions, CITATION, f"Command: `{result['command']}`"]
    return "\n\n".join(parts)


# Command line --------------------------------------------------------------------------------------------------

def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    env = os.environ.get("NEWSGRAPH_DATA")
    parser.add_argument("--data", type=Path, default=Path(env) if env else None,
                        help="the shared data folder holding events/ (default: $NEWSGRAPH_DATA)")
    parser.add_argument("--limit", type=int, help="score only the first N items of each set")
    parser.add_argument("--model", help="spaCy pipeline (default: newsgraph's default)")
    parser.add_argument("--folds", type=int, metavar="K",
                        help="score the quad classes with the whole pipeline, K-fold cross-validated: each fold "
                             "coded with an event model trained without it (slow: parses the training data)")
    parser.add_argument("--write", type=Path, help="write the figures into this Markdown file (section 'events')")
    parser.add_argument("--json", type=Path, help="write every figure as JSON to this file")
    parser.add_argument("--errors", type=Path, help="write each wrong record with gold and predicted events (JSONL)")
    args = parser.parse_args(argv)
    events = args.data / "events" if args.data else None
    if events is None or not all((events / name).is_file() for name in (GSR_FILE, QUAD_FILE, TABLE_FILE)):
        parser.error(f"no event data under --data/NEWSGRAPH_DATA ({args.data}): expected DIR/events/{GSR_FILE}, "
                     f"{QUAD_FILE} and {TABLE_FILE}")
    if args.folds is not None and args.folds < 2:
        parser.error("--folds needs K ≥ 2")
    if args.limit is not None and args.limit < 1:
        parser.error("--limit needs N ≥ 1")
    return args


def run(args: argparse.Namespace, argv: Sequence[str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Load the sets, run newsgraph (and the trainer with ``--folds``), score: the figures and the error rows."""
    from newsgraph.nlp import default_model_name, load_pipeline

    folder = args.data / "events"
    gsr = plover.load_gsr(folder / GSR_FILE)
    quad = plover.load_quadclass(folder / QUAD_FILE)
    table = plover.load_cameo_table(folder / TABLE_FILE)
    petrarch = (plover.load_petrarch(folder / PETRARCH_FILE, table)
                if (folder / PETRARCH_FILE).is_file() else [])
    records, sentences, tests = gsr.records[:args.limit], quad.sentences[:args.limit], petrarch[:args.limit]

    nlp = load_pipeline(args.model)
    failures = 0

    def events_of(items: Sequence[tuple[str, str]], what: str) -> list[list[Any]]:
        nonlocal failures
        found = run_newsgraph(nlp, items, what)
        failures += sum(evs is None for evs in found)
        return [evs or [] for evs in found]

    gsr_figures, rows = score_gsr(records, events_of([(r.id, r.text) for r in records], "GSR"))

    gold = [s.label for s in sentences]
    from newsgraph.extract import events as event_coder

    model_alone = None
    if args.folds:
        # the shipped event model was trained on these sentences: the pipeline is scored with, for each fold, a
        # model trained the same way without that fold (scripts/train_event_model.py's recipe)
        quad_events, model_alone = pipeline_cross_validation(args, sentences, gold, events_of)
        pred = [quad_class(getattr(pick_event(evs), "type", None)) for evs in quad_events]
        method = (f"the pipeline, {args.folds}-fold cross-validated: each fold's sentences coded with an event "
                  f"model trained without them")
    else:
        event_coder.use_model(None)  # the shipped model saw these sentences: score the rules alone
        try:
            quad_events = events_of([(f"line {s.line}", s.text) for s in sentences], "ConfliBERT")
        finally:
            event_coder.use_model(event_coder.SHIPPED)
        pred = [quad_class(getattr(pick_event(evs), "type", None)) for evs in quad_events]
        method = "the pipeline's rules alone (the shipped event model was trained on these sentences)"
    quad_figures = {**score_classes(gold, pred), "method": method}
    if model_alone is not None:
        quad_figures["model_alone"] = score_classes(gold, model_alone)
    for i, (s, p) in enumerate(zip(sentences, pred)):
        if s.label != p:
            rows.append({"set": "quadclass", "id": f"line {s.line}", "text": s.text, "gold": s.label,
                         "predicted": p,
                         "events": [describe_event(e) for e in quad_events[i]] if quad_events else None})

    actor_figures = None
    if (folder / ACTORS_FILE).is_file():
        spans = plover.load_conflibert_actors(folder / ACTORS_FILE)[:args.limit]
        actor_figures, actor_rows = score_actor_spans(
            spans, events_of([(f"sentence {s.number}", s.text) for s in spans], "ConfliBERT actors"))
        rows += actor_rows

    petrarch_figures = None
    if tests:
        test_events = events_of([(t.id, t.text) for t in tests], "PETRARCH2")
        petrarch_figures, test_rows = score_petrarch(tests, test_events)
        rows += test_rows

    gsr_figures["confusion_types"] = [*plover.POLECAT_TYPES, NONE]
    result = {
        "command": shlex.join(["python", "benchmarks/events.py", *argv]),
        "model": args.model or default_model_name(),
        "failures": failures,
        "data": {"limit_note": f" (first {args.limit})" if args.limit else "",
                 "gsr_records": len(records), "gsr_left_out": dict(gsr.left_out), "gsr_skipped": gsr.skipped,
                 "gsr_labels": dict(gsr.labels),
                 "quad_sentences": len(sentences), "quad_malformed": len(quad.malformed),
                 "quad_labels": {str(k): v for k, v in sorted(Counter(gold).items())},
                 "cameo_codes": len(table.entries), "petrarch_records": len(tests)},
        "gsr": gsr_figures, "quadclass": quad_figures, "petrarch": petrarch_figures, "actor_spans": actor_figures,
    }
    return result, rows


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    result, errors = run(args, sys.argv[1:] if argv is None else list(argv))
    print(summary(result), *(plain_table(t) for t in tables(result)), sep="\n\n")
    if args.write:
        write_section(args.write, "events", markdown(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
    if args.errors:
        args.errors.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in errors), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
