"""Geoparsing on GeoWebNews: newsgraph's ``places`` against the gold toponyms, recognition and resolution.

newsgraph runs in process on each article's text (``run_newsgraph``: the pipeline's Docs through
:func:`newsgraph.record.from_doc`, as ``newsgraph extract`` does; no publication date) and its places
(toponyms and demonyms alike) are compared with the gold toponyms (``gwn.load``).  The gold of recognition and
resolution is the standard geoparsing gold: the toponyms that carry coordinates, which are exactly the literal
and associative types (:data:`COORDINATE_TYPES`; Coercion only where annotated with coordinates).  Predictions
that land on gold annotations without coordinates (demonyms, languages, homonyms, non-toponyms, expressions)
are false positives in precision and are also counted per type, with a precision that leaves them out.

Resolution is scored on the recognized gold toponyms (lenient match), for newsgraph and for a population
baseline: the most populous candidate of the embedded gazetteer (``newsgraph.geo.embedded``) for the gold
surface text, skipped with a message while that module cannot be imported.  The metrics are defined in
``DEFINITIONS`` below and printed with the figures.

The data is ``DIR/geo/GWN.xml`` with ``DIR`` from ``--data`` or ``NEWSGRAPH_DATA``.

    python benchmarks/geo.py [--data DIR] [--limit N] [--model NAME]
                             [--write docs/benchmarks.md] [--json FILE] [--errors FILE]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import statistics
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gwn  # noqa: E402
from _report import markdown_table, plain_table, write_section  # noqa: E402

Piece = tuple[int, int]
Pair = tuple[int, int]  # (gold index, prediction index)

#: Gritta et al.'s maximum error in km (about half the equator), the error of a missing coordinate; haversine
#: distances on the mean-radius sphere stay below it (at most 20,015 km).
MAX_ERROR_KM = 20039.0
#: Mean Earth radius (IUGG) in km.
EARTH_RADIUS_KM = 6371.0088
#: The k of accuracy@k: 161 km (100 miles).
ACC_KM = 161.0
MODES = ("strict", "lenient")
#: The types that carry coordinates in GeoWebNews (literal and associative toponyms), in taxonomy order.
COORDINATE_TYPES = ("Literal", "Mixed", "Metonymic", "Coercion", "Literal_Modifier", "Non_Literal_Modifier",
                    "Embedded_Literal", "Embedded_Non_Lit")
BATCH = 16
CONTEXT = 40

DEFINITIONS = [
    ("gold", "the GeoWebNews toponyms with coordinates (types Literal, Mixed, Metonymic, Coercion, "
             "Literal_Modifier, Non_Literal_Modifier, Embedded_Literal, Embedded_Non_Lit); annotations without "
             "coordinates (Demonym, Language, Homonym, Non_Toponym, Literal_Expression, Non_Lit_Expression and "
             "the Coercions left unresolved) are not gold, and the annotations whose offsets do not index the "
             "text (article 123's title, one artefact) are left out"),
    ("predictions", "every entry of `record.places`, toponyms and demonyms alike"),
    ("strict", "a prediction matches a gold toponym when their character spans are equal; one-to-one"),
    ("lenient", "a prediction matches a gold toponym when their spans overlap; one-to-one, pairs taken by "
                "overlap length, largest first (ties: earlier gold, then earlier prediction)"),
    ("P / R / F1", "P = matched predictions / predictions, R = matched gold / gold, F1 their harmonic mean; "
                   "predictions on gold annotations without coordinates count as false positives"),
    ("P without no-coordinate hits", "the same P with the predictions that match (after the gold toponyms, "
                                     "one-to-one, same mode) an annotation without coordinates left out of "
                                     "the denominator"),
    ("recall per type", "lenient and strict recall of the gold toponyms of each GeoWebNews type"),
    ("error", "great-circle (haversine) distance in km between the gold coordinates and the predicted ones, "
              "on the gold toponyms recognized under the lenient match; a recognized toponym output without "
              "coordinates counts with the maximum error, 20,039 km"),
    ("acc@161", "share of errors ≤ 161 km (100 miles)"),
    ("acc@161 or same GeoNames id", "a resolution also counts when it names the same GeoNames entry as the gold "
                                    "(same geonameid) however far apart the two points are: a country's, "
                                    "state's or region's point is a convention (the embedded gazetteer's "
                                    "country points are GeoNames' own; its states' points are the middle of "
                                    "their towns and can lie a few hundred km from GeoNames' point for a large "
                                    "state or province)"),
    ("median / mean", "median and mean error in km"),
    ("AUC", "area under the curve of ln(error + 1) over the errors sorted ascending (trapezoidal rule, unit "
            "steps), divided by (n − 1) · ln(20,039 + 1): 0 when every error is 0, 1 when every error is the "
            "maximum; lower is better (as Gritta et al. define it)"),
    ("population baseline", "for the same recognized gold toponyms, the most populous candidate that the "
                            "embedded gazetteer returns for the gold surface text (no candidate: maximum "
                            "error); 'oracle recognition' scores it on every gold toponym"),
]
ANCHORS = ("Published figures of another system on another setup, for orientation only (not comparable one to "
           "one): Mordecai3 reports acc@161 94.1 on GeoWebNews resolution (with Elasticsearch and a transformer "
           "model: a different setup).")
CITATION = ("Data: GeoWebNews (Gritta, Pilehvar, Collier 2019, *A Pragmatic Guide to Geoparsing Evaluation*; "
            "github.com/milangritta/Pragmatic-Guide-to-Geoparsing-Evaluation), GPL-3.0.")


# Scoring functions ---------------------------------------------------------------------------------------------

def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlam = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def error_km(gold: tuple[float, float], pred: tuple[float | None, float | None]) -> float:
    """The error of one resolution: the distance, or :data:`MAX_ERROR_KM` when the prediction has no point."""
    if pred[0] is None or pred[1] is None:
        return MAX_ERROR_KM
    return min(MAX_ERROR_KM, haversine(gold[0], gold[1], pred[0], pred[1]))


def overlap(a: Piece, b: Piece) -> int:
    """Characters two spans share."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match(gold: Sequence[Piece], pred: Sequence[Piece], strict: bool = False) -> list[Pair]:
    """One-to-one ``(gold index, prediction index)`` pairs, sorted: equal spans (``strict``) or overlapping
    ones, taken by overlap length, largest first (ties: earlier gold, then earlier prediction)."""
    candidates = sorted((-overlap(g, p), i, j) for i, g in enumerate(gold) for j, p in enumerate(pred)
                        if (g == p if strict else overlap(g, p) > 0))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for _, i, j in candidates:
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def auc(errors: Iterable[float]) -> float | None:
    """Gritta et al.'s AUC of the error curve: the trapezoidal area under ln(error + 1) over the sorted errors,
    normalized by (n − 1) · ln(MAX + 1) (one error: its own ln(error + 1) / ln(MAX + 1)); None without errors."""
    logs = [math.log(min(e, MAX_ERROR_KM) + 1) for e in sorted(errors)]
    if not logs:
        return None
    top = math.log(MAX_ERROR_KM + 1)
    if len(logs) == 1:
        return logs[0] / top
    area = sum((a + b) / 2 for a, b in zip(logs, logs[1:]))
    return area / ((len(logs) - 1) * top)


def resolution(errors: Sequence[float], without_point: int = 0) -> dict[str, Any]:
    """acc@161, median, mean and AUC of a list of errors (None where empty), with their count."""
    n = len(errors)
    return {"n": n, "acc161": sum(e <= ACC_KM for e in errors) / n if n else None,
            "median_km": statistics.median(errors) if n else None,
            "mean_km": statistics.fmean(errors) if n else None, "auc": auc(errors),
            "without_point": without_point}


def prf(tp: int, pred: int, gold: int) -> dict[str, float | int]:
    """Precision, recall and F1 (0 when their denominator is 0) with the counts behind them."""
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "pred": pred, "gold": gold}


# What is compared ----------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Prediction:
    """A record's place, reduced to what the metrics compare."""

    start: int
    end: int
    text: str
    kind: str
    name: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    country: str | None = None
    feature: str | None = None

    @property
    def span(self) -> Piece:
        return (self.start, self.end)


def predictions(record: Any) -> list[Prediction]:
    """A record's places (none for a failed article)."""
    if record is None:
        return []
    return [Prediction(p.mention.start, p.mention.end, p.mention.text, p.kind, p.name, p.lat, p.lon,
                       p.geonameid, p.country, p.feature) for p in record.places]


def _span(t: gwn.Toponym) -> Piece:
    return (t.start, t.end)


# The population baseline ---------------------------------------------------------------------------------------

def load_gazetteer() -> tuple[Any, str]:
    """The embedded gazetteer and a description of it, or ``None`` and why it is not there."""
    try:
        from newsgraph.geo.embedded import default_gazetteer
    except Exception as err:  # noqa: BLE001 - the module is being written; any import failure skips the baseline
        return None, (f"population baseline skipped: newsgraph.geo.embedded.default_gazetteer is not importable "
                      f"({type(err).__name__}: {err})")
    return default_gazetteer(), "newsgraph.geo.embedded.default_gazetteer()"


def population_picker(gazetteer: Any) -> Callable[[str], Any]:
    """Surface text → the most populous candidate the gazetteer returns for it (first of equals; None when
    there is none), cached."""
    cache: dict[str, Any] = {}

    def pick(name: str) -> Any:
        if name not in cache:
            candidates = gazetteer.lookup(name)
            cache[name] = max(candidates, key=lambda c: c.population or 0) if candidates else None
        return cache[name]

    return pick


# Scoring an article --------------------------------------------------------------------------------------------

@dataclass(slots=True)
class Totals:
    counts: Counter[str]
    errors: dict[str, list[float]]  # series → errors in km

    @classmethod
    def empty(cls) -> "Totals":
        return cls(Counter(), {})

    def add_error(self, series: str, value: float) -> None:
        self.errors.setdefault(series, []).append(value)


def score_article(article: gwn.Article, preds: Sequence[Prediction], totals: Totals,
                  pick: Callable[[str], Any] | None = None) -> list[dict[str, Any]]:
    """Add one article's counts and errors to ``totals``; its error rows."""
    text = article.text
    gold = [t for t in article.toponyms if t.has_coordinates]
    other = [t for t in article.toponyms if not t.has_coordinates]
    c = totals.counts
    c["gold"] += len(gold)
    c["pred"] += len(preds)
    for t in gold:
        c[f"type_gold:{t.type}"] += 1
    for t in other:
        c[f"type_other:{t.type}"] += 1
    for p in preds:
        c[f"kind_pred:{p.kind}"] += 1
    rows: list[dict[str, Any]] = []
    lenient: list[Pair] = []
    for mode in MODES:
        strict = mode == "strict"
        pairs = match([_span(t) for t in gold], [p.span for p in preds], strict)
        c[f"{mode}_tp"] += len(pairs)
        for i, j in pairs:
            c[f"{mode}_type_hit:{gold[i].type}"] += 1
            c[f"{mode}_kind_tp:{preds[j].kind}"] += 1
        used = {j for _, j in pairs}
        rest = [j for j in range(len(preds)) if j not in used]
        extra = match([_span(t) for t in other], [preds[j].span for j in rest], strict)
        c[f"{mode}_nocoord"] += len(extra)
        for i, _ in extra:
            c[f"{mode}_nocoord_type:{other[i].type}"] += 1
        if not strict:
            lenient = pairs
            on_other = {rest[k]: other[i] for i, k in extra}
            matched_gold = {i for i, _ in pairs}
            rows += [{"doc": article.file, "error": "miss", "gold": describe_gold(text, gold[i])}
                     for i in range(len(gold)) if i not in matched_gold]
            rows += [{"doc": article.file, "error": "false_positive", "pred": describe_pred(text, preds[j]),
                      "gold_without_coordinates": describe_gold(text, on_other[j]) if j in on_other else None}
                     for j in rest]
    for i, j in lenient:
        g, p = gold[i], preds[j]
        err = error_km((g.lat, g.lon), (p.lat, p.lon))  # type: ignore[arg-type]
        c["res_without_point"] += p.lat is None or p.lon is None
        c["res_literal_without_point"] += g.type == "Literal" and (p.lat is None or p.lon is None)
        totals.add_error("newsgraph", err)
        same_entry = err <= ACC_KM or (g.geonameid is not None and g.geonameid == p.geonameid)
        c["entry_ok"] += same_entry
        if g.type == "Literal":
            totals.add_error("newsgraph_literal", err)
            c["entry_ok_literal"] += same_entry
        base = None
        if pick is not None:
            base = pick(g.name)
            base_err = error_km((g.lat, g.lon), (base.lat, base.lon) if base else (None, None))  # type: ignore
            totals.add_error("population", base_err)
            if g.type == "Literal":
                totals.add_error("population_literal", base_err)
        if err > ACC_KM:
            row = {"doc": article.file, "error": "resolution", "error_km": round(err, 1),
                   "gold": describe_gold(text, g), "pred": describe_pred(text, p)}
            if base is not None:
                row["population_pick"] = {"name": base.name, "geonameid": base.geonameid, "lat": base.lat,
                                          "lon": base.lon, "country": base.country}
            rows.append(row)
    if pick is not None:
        for g in gold:
            base = pick(g.name)
            base_err = error_km((g.lat, g.lon), (base.lat, base.lon) if base else (None, None))  # type: ignore
            totals.add_error("population_oracle", base_err)
            if g.type == "Literal":
                totals.add_error("population_oracle_literal", base_err)
    return rows


def _context(text: str, start: int, end: int) -> str:
    return text[max(0, start - CONTEXT):end + CONTEXT].replace("\n", " ")


def describe_gold(text: str, t: gwn.Toponym) -> dict[str, Any]:
    return {"text": t.name, "start": t.start, "end": t.end, "type": t.type, "normalised": t.normalised,
            "geonameid": t.geonameid, "lat": t.lat, "lon": t.lon, "context": _context(text, t.start, t.end)}


def describe_pred(text: str, p: Prediction) -> dict[str, Any]:
    return {"text": p.text, "start": p.start, "end": p.end, "kind": p.kind, "name": p.name,
            "geonameid": p.geonameid, "country": p.country, "feature": p.feature, "lat": p.lat, "lon": p.lon,
            "context": _context(text, p.start, p.end)}


def figures(totals: Totals) -> dict[str, Any]:
    """Every figure from the summed counts and errors."""
    c = totals.counts
    recognition = {}
    for mode in MODES:
        recognition[mode] = prf(c[f"{mode}_tp"], c["pred"], c["gold"])
        kept = c["pred"] - c[f"{mode}_nocoord"]
        recognition[mode]["p_without_nocoord"] = c[f"{mode}_tp"] / kept if kept else 0.0
        recognition[mode]["nocoord_hits"] = c[f"{mode}_nocoord"]
    types = {name: {"gold": c[f"type_gold:{name}"], **{mode: c[f"{mode}_type_hit:{name}"] for mode in MODES},
                    "without_coordinates": c[f"type_other:{name}"],
                    **{f"{mode}_without": c[f"{mode}_nocoord_type:{name}"] for mode in MODES}}
             for name in gwn.TYPES}
    kinds = {kind: {"pred": c[f"kind_pred:{kind}"], **{mode: c[f"{mode}_kind_tp:{kind}"] for mode in MODES}}
             for kind in ("toponym", "demonym")}
    errors = totals.errors
    res = {"newsgraph": resolution(errors.get("newsgraph", []), c["res_without_point"]),
           "newsgraph_literal": resolution(errors.get("newsgraph_literal", []), c["res_literal_without_point"])}
    res["newsgraph"]["entry_ok"] = c["entry_ok"]
    res["newsgraph_literal"]["entry_ok"] = c["entry_ok_literal"]
    for series in ("population", "population_literal", "population_oracle", "population_oracle_literal"):
        if series in errors:
            res[series] = resolution(errors[series])
    return {"recognition": recognition, "types": types, "kinds": kinds, "resolution": res}


# Running newsgraph ---------------------------------------------------------------------------------------------

def run_newsgraph(nlp: Any, articles: Sequence[gwn.Article]) -> list[Any]:
    """newsgraph's record for each article (``None`` where processing failed), in batches: the same path as
    ``newsgraph extract`` (:func:`newsgraph.record.from_doc` over the pipeline's Docs), no publication date."""
    from newsgraph.ingest import Article
    from newsgraph.record import from_doc

    def article(a: gwn.Article) -> Article:
        return Article(text=a.text, title=a.title, url=a.link, item=f"GWN {a.file}")

    records: list[Any] = []
    for start in range(0, len(articles), BATCH):
        batch = articles[start:start + BATCH]
        try:
            docs = nlp.pipe([nlp.make_doc(a.text) for a in batch], batch_size=BATCH)
            records += [from_doc(doc, article(a)) for a, doc in zip(batch, docs)]
        except Exception as err:  # noqa: BLE001 - retried one by one; a failing article scores as empty
            print(f"  batch failed ({type(err).__name__}: {err}); retrying one by one", file=sys.stderr)
            for a in batch:
                try:
                    records.append(from_doc(nlp(nlp.make_doc(a.text)), article(a)))
                except Exception as one:  # noqa: BLE001
                    print(f"  article {a.file} failed: {type(one).__name__}: {one}", file=sys.stderr)
                    records.append(None)
        print(f"  {len(records)}/{len(articles)} articles", file=sys.stderr, flush=True)
    return records


def evaluate(articles: Sequence[gwn.Article], records: Sequence[Any],
             gazetteer: Any = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The figures and the error rows of the articles against their records."""
    totals = Totals.empty()
    pick = population_picker(gazetteer) if gazetteer is not None else None
    if pick is not None:  # the baseline's rows show n = 0 rather than a dash when nothing was recognized
        for series in ("population", "population_literal", "population_oracle", "population_oracle_literal"):
            totals.errors[series] = []
    rows: list[dict[str, Any]] = []
    for article, record in zip(articles, records):
        rows += score_article(article, predictions(record), totals, pick)
    return figures(totals), rows


# Report --------------------------------------------------------------------------------------------------------

RESOLUTION_ROWS = [("newsgraph, all types", "newsgraph"), ("newsgraph, Literal only", "newsgraph_literal"),
                   ("population baseline, all types", "population"),
                   ("population baseline, Literal only", "population_literal"),
                   ("population baseline, oracle recognition, all types", "population_oracle"),
                   ("population baseline, oracle recognition, Literal only", "population_oracle_literal")]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}"


def _num(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def tables(result: dict[str, Any]) -> list[list[list[str]]]:
    """The tables (recognition; recall per type; hits on annotations without coordinates; resolution) as rows
    of cells, header first."""
    f = result["figures"]
    rec = [["match", "P", "R", "F1", "P without no-coordinate hits", "matched", "predictions", "gold"]]
    for mode in MODES:
        m = f["recognition"][mode]
        rec.append([mode, _pct(m["p"]), _pct(m["r"]), _pct(m["f1"]), _pct(m["p_without_nocoord"]), str(m["tp"]),
                    str(m["pred"]), str(m["gold"])])
    per_type = [["gold type (with coordinates)", "gold", "recall strict", "recall lenient"]]
    for name, t in f["types"].items():
        if name in COORDINATE_TYPES or t["gold"]:
            per_type.append([name, str(t["gold"])] + [f"{_pct(t[m] / t['gold'] if t['gold'] else None)} ({t[m]})"
                                                      for m in MODES])
    nocoord = [["annotation type without coordinates", "annotated", "predictions on it, strict",
                "predictions on it, lenient"]]
    for name, t in f["types"].items():
        if name not in COORDINATE_TYPES or t["without_coordinates"]:
            nocoord.append([name, str(t["without_coordinates"]), str(t["strict_without"]),
                            str(t["lenient_without"])])
    res = [["resolution", "n", "acc@161", "acc@161 or same GeoNames id", "median km", "mean km", "AUC",
            "without coordinates"]]
    for label, key in RESOLUTION_ROWS:
        r = f["resolution"].get(key)
        if r is None:
            res.append([label, "—", "—", "—", "—", "—", "—", "—"])
            continue
        entry = r.get("entry_ok")
        res.append([label, str(r["n"]), _pct(r["acc161"]), _pct(entry / r["n"] if entry is not None and r["n"] else None),
                    _num(r["median_km"]), _num(r["mean_km"]),
                    _num(r["auc"], 3), str(r["without_point"]) if key.startswith("newsgraph") else ""])
    return [rec, per_type, nocoord, res]


def summary(result: dict[str, Any]) -> str:
    kinds = result["figures"]["kinds"]
    return (f"{result['corpus']}: {result['docs']} articles, {result['annotations']:,} annotations of which "
            f"{result['gold']:,} gold toponyms with coordinates; {result['misplaced']} annotations whose offsets "
            f"do not index the text left out ({result['misplaced_with_coordinates']} with coordinates); "
            f"{result['predicted']:,} predicted places ({kinds['toponym']['pred']:,} toponyms, "
            f"{kinds['demonym']['pred']:,} demonyms); model `{result['model']}`; gazetteer: {result['gazetteer']}; "
            f"articles that failed: {result['failures']}.")


def markdown(result: dict[str, Any]) -> str:
    definitions = "\n".join(f"- **{term}**: {text}." for term, text in DEFINITIONS)
    parts = [summary(result), *(markdown_table(t) for t in tables(result)),
             "Figures are percentages (counts in brackets) except the distances (km) and AUC (0–1, lower is "
             "better). A recognized toponym output without coordinates counts with the maximum error, 20,039 km.",
             definitions, ANCHORS, CITATION, f"Command: `{result['command']}`"]
    return "\n\n".join(parts)


# Command line --------------------------------------------------------------------------------------------------

def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    env = os.environ.get("NEWSGRAPH_DATA")
    parser.add_argument("--data", type=Path, default=Path(env) if env else None,
                        help="the shared data folder holding geo/GWN.xml (default: $NEWSGRAPH_DATA)")
    parser.add_argument("--limit", type=int, help="score only the first N articles")
    parser.add_argument("--model", help="spaCy pipeline (default: newsgraph's default)")
    parser.add_argument("--write", type=Path, help="write the figures into this Markdown file (section 'geo')")
    parser.add_argument("--json", type=Path, help="write every figure as JSON to this file")
    parser.add_argument("--errors", type=Path,
                        help="write misses, false positives and resolution errors over 161 km (JSONL)")
    args = parser.parse_args(argv)
    if args.data is None or not (args.data / "geo" / "GWN.xml").is_file():
        parser.error(f"no GeoWebNews under --data/NEWSGRAPH_DATA ({args.data}): expected DIR/geo/GWN.xml")
    return args


def run(args: argparse.Namespace, argv: Sequence[str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Load GeoWebNews, run newsgraph, score it: the figures (as :func:`markdown` reads them) and the error rows."""
    from newsgraph.nlp import default_model_name, load_pipeline

    articles = gwn.load(args.data / "geo" / "GWN.xml")[:args.limit]
    gazetteer, gazetteer_note = load_gazetteer()
    if gazetteer is None:
        print(gazetteer_note, file=sys.stderr)
    records = run_newsgraph(load_pipeline(args.model), articles)
    figs, rows = evaluate(articles, records, gazetteer)
    misplaced = [t for a in articles for t in a.misplaced]
    result = {
        "corpus": "GeoWebNews" + (f" (first {args.limit} articles)" if args.limit else ""),
        "docs": len(articles),
        "annotations": sum(len(a.toponyms) + len(a.misplaced) for a in articles),
        "gold": figs["recognition"]["lenient"]["gold"],
        "misplaced": len(misplaced), "misplaced_with_coordinates": sum(t.has_coordinates for t in misplaced),
        "mismatches": [m for a in articles for m in a.mismatches],
        "predicted": sum(len(r.places) for r in records if r is not None),
        "failures": sum(r is None for r in records),
        "model": args.model or default_model_name(), "gazetteer": gazetteer_note,
        "command": shlex.join(["python", "benchmarks/geo.py", *argv]),
        "figures": figs,
    }
    return result, rows


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    result, errors = run(args, sys.argv[1:] if argv is None else list(argv))
    print(summary(result), *(plain_table(t) for t in tables(result)), sep="\n\n")
    if args.write:
        write_section(args.write, "geo", markdown(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
    if args.errors:
        args.errors.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in errors), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
