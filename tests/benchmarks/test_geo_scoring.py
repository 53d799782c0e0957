"""The geoparsing benchmark's scoring functions (``benchmarks/geo.py``) on hand-made inputs; no data, no model."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import geo  # noqa: E402
import gwn  # noqa: E402

PARIS, LONDON, NEW_YORK = (48.8566, 2.3522), (51.5074, -0.1278), (40.7128, -74.0060)


def test_haversine_between_known_cities() -> None:
    assert geo.haversine(*PARIS, *LONDON) == pytest.approx(343.5, abs=1.0)
    assert geo.haversine(*LONDON, *NEW_YORK) == pytest.approx(5570.2, abs=1.0)
    assert geo.haversine(*PARIS, *PARIS) == 0.0
    antipodes = geo.haversine(0, 0, 0, 180)  # half a great circle of the mean-radius sphere
    assert antipodes == pytest.approx(math.pi * geo.EARTH_RADIUS_KM) and antipodes < geo.MAX_ERROR_KM


def test_a_missing_coordinate_is_the_maximum_error() -> None:
    assert geo.error_km(PARIS, (None, None)) == geo.MAX_ERROR_KM
    assert geo.error_km(PARIS, LONDON) == pytest.approx(343.5, abs=1.0)


def test_auc_bounds_and_shape() -> None:
    assert geo.auc([0.0, 0.0, 0.0]) == 0.0
    assert geo.auc([geo.MAX_ERROR_KM] * 4) == pytest.approx(1.0)
    assert geo.auc([]) is None
    assert geo.auc([geo.MAX_ERROR_KM]) == pytest.approx(1.0)
    top = math.log(geo.MAX_ERROR_KM + 1)
    # sorted errors 0, e-1, MAX: trapezoids (0 + 1) / 2 + (1 + top) / 2 over 2 · top
    assert geo.auc([geo.MAX_ERROR_KM, 0.0, math.e - 1]) == pytest.approx((0.5 + (1 + top) / 2) / (2 * top))
    assert geo.auc([10, 100]) < geo.auc([10, 1000])


def test_resolution_figures() -> None:
    r = geo.resolution([0.0, 100.0, 161.0, 500.0], without_point=1)
    assert (r["n"], r["acc161"], r["median_km"], r["mean_km"], r["without_point"]) == (4, 0.75, 130.5, 190.25, 1)
    empty = geo.resolution([])
    assert (empty["n"], empty["acc161"], empty["median_km"], empty["auc"]) == (0, None, None, None)


def test_matching_is_one_to_one() -> None:
    gold = [(0, 5), (10, 20), (30, 40)]
    assert geo.match(gold, [(0, 5), (10, 15), (31, 40)], strict=True) == [(0, 0)]
    assert geo.match(gold, [(0, 5), (10, 15), (31, 40)]) == [(0, 0), (1, 1), (2, 2)]
    # one prediction over two gold spans matches only one of them: the larger overlap
    assert geo.match([(0, 5), (6, 20)], [(0, 20)]) == [(1, 0)]
    # two predictions inside one gold span: only the larger overlap counts
    assert geo.match([(0, 20)], [(0, 4), (5, 20)]) == [(0, 1)]
    # equal overlaps: earlier gold, then earlier prediction
    assert geo.match([(0, 10), (10, 20)], [(5, 15)]) == [(0, 0)]
    assert geo.match(gold, [(50, 60)]) == [] and geo.match([], [(0, 1)]) == []
    # duplicate predictions of one span: one matches, the other is a false positive
    assert geo.match([(0, 5)], [(0, 5), (0, 5)], strict=True) == [(0, 0)]


def test_prf_on_zero_predictions() -> None:
    assert geo.prf(0, 0, 10) == {"p": 0.0, "r": 0.0, "f1": 0.0, "tp": 0, "pred": 0, "gold": 10}


TEXT = "Troops left Aleppo for Damascus, Syrian media said; Aleppo Airport stayed shut."


def topo(name: str, kind: str, coords: tuple[float, float] | None, nth: int = 0) -> gwn.Toponym:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(name, start + 1)
    lat, lon = coords or (None, None)
    return gwn.Toponym(name, None, kind, None, False, start, start + len(name), None, lat, lon)


def place(text: str, kind: str = "toponym", coords: tuple[float, float] | None = None, nth: int = 0):
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(text, start + 1)
    lat, lon = coords or (None, None)
    mention = SimpleNamespace(start=start, end=start + len(text), text=text)
    return SimpleNamespace(mention=mention, kind=kind, name=text, lat=lat, lon=lon, geonameid=None, country=None,
                           feature=None)


ALEPPO, DAMASCUS, AIRPORT = (36.2021, 37.1343), (33.5102, 36.2913), (36.1807, 37.2244)


def article() -> gwn.Article:
    return gwn.Article("1", "t", "l", TEXT, [
        topo("Aleppo", "Literal", ALEPPO), topo("Damascus", "Literal", DAMASCUS),
        topo("Syrian", "Demonym", None), topo("Aleppo Airport", "Literal", AIRPORT)])


def test_an_article_without_places_scores_zero() -> None:
    figures, rows = geo.evaluate([article()], [SimpleNamespace(places=[])])
    assert figures["recognition"]["lenient"]["gold"] == 3 and figures["recognition"]["strict"]["f1"] == 0.0
    assert figures["resolution"]["newsgraph"]["n"] == 0 and figures["resolution"]["newsgraph"]["acc161"] is None
    assert [r["error"] for r in rows] == ["miss"] * 3
    assert geo.tables({"figures": figures})  # renders with nothing to show


def test_recognition_resolution_and_hits_without_coordinates() -> None:
    record = SimpleNamespace(places=[
        place("Aleppo", coords=ALEPPO),                       # exact, right
        place("Damascus", coords=PARIS),                      # exact, ~3,000 km off
        place("Syrian", "demonym", coords=(35.0, 38.0)),      # on a Demonym: no coordinates in gold
        place("Aleppo", coords=None, nth=1),                  # lenient only, no coordinates: maximum error
    ])
    figures, rows = geo.evaluate([article()], [record])
    strict, lenient = figures["recognition"]["strict"], figures["recognition"]["lenient"]
    assert (strict["tp"], lenient["tp"], lenient["pred"], lenient["gold"]) == (2, 3, 4, 3)
    assert lenient["nocoord_hits"] == 1 and lenient["p_without_nocoord"] == 1.0
    assert figures["types"]["Literal"] == {"gold": 3, "strict": 2, "lenient": 3, "without_coordinates": 0,
                                           "strict_without": 0, "lenient_without": 0}
    assert figures["types"]["Demonym"]["lenient_without"] == 1
    assert figures["kinds"]["demonym"] == {"pred": 1, "strict": 0, "lenient": 0}
    res = figures["resolution"]["newsgraph"]
    assert res["n"] == 3 and res["acc161"] == pytest.approx(1 / 3) and res["without_point"] == 1
    assert res["median_km"] == pytest.approx(geo.haversine(*DAMASCUS, *PARIS))
    kinds = sorted(r["error"] for r in rows)
    assert kinds == ["false_positive", "resolution", "resolution"]
    fp = next(r for r in rows if r["error"] == "false_positive")
    assert fp["gold_without_coordinates"]["type"] == "Demonym"


def test_population_baseline_takes_the_most_populous_candidate() -> None:
    def candidate(name: str, lat: float, lon: float, population: int):
        return SimpleNamespace(name=name, lat=lat, lon=lon, population=population, geonameid=None, country=None)

    table = {"Aleppo": [candidate("Aleppo village", 0.0, 0.0, 10), candidate("Aleppo", *ALEPPO, 2_000_000)],
             "Damascus": [candidate("Damascus", *DAMASCUS, 1_700_000)]}
    gazetteer = SimpleNamespace(lookup=lambda name: table.get(name, []))
    record = SimpleNamespace(places=[place("Aleppo", coords=ALEPPO), place("Damascus", coords=DAMASCUS)])
    figures, _ = geo.evaluate([article()], [record], gazetteer)
    base = figures["resolution"]["population"]
    assert base["n"] == 2 and base["acc161"] == 1.0 and base["median_km"] == pytest.approx(0.0)
    oracle = figures["resolution"]["population_oracle"]
    assert oracle["n"] == 3 and oracle["acc161"] == pytest.approx(2 / 3)  # "Aleppo Airport": no candidate
