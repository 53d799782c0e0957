"""The embedded gazetteer's points and names: GeoNames' country points, counties, province abbreviations."""

from __future__ import annotations

import math

import pytest

from newsgraph.geo.embedded import default_gazetteer


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@pytest.mark.parametrize("code, lat, lon", [
    ("US", 39.76, -98.5),       # GeoNames' point for the United States, near the centre of the lower 48
    ("CA", 60.10867, -113.64258),
    ("IN", 22.0, 79.0),
    ("JP", 35.68536, 139.75309),
])
def test_country_points_are_geonames_own(code, lat, lon):
    country = default_gazetteer().country(code)
    assert country is not None and km(country.lat, country.lon, lat, lon) < 5


def test_every_country_has_a_point_inside_the_globe():
    gazetteer = default_gazetteer()
    for code in ("FR", "BR", "AU", "RU", "ZA", "XK"):
        c = gazetteer.country(code)
        assert c is not None and -90 <= c.lat <= 90 and -180 <= c.lon <= 180


def test_counties_are_second_level_divisions_with_their_state():
    found = default_gazetteer().lookup("Miami-Dade County")
    county = next(c for c in found if c.feature_code == "ADM2")
    assert county.country == "US" and county.admin1 == "FL"
    assert km(county.lat, county.lon, 25.6, -80.5) < 60
    kent = [c for c in default_gazetteer().lookup("Kent") if c.feature_code == "ADM2"]
    assert kent and kent[0].country == "GB" and km(kent[0].lat, kent[0].lon, 51.2, 0.7) < 60


def test_irish_counties_answer_to_their_short_name():
    for name in ("Donegal", "County Donegal", "Donegal County"):
        found = [c for c in default_gazetteer().lookup(name) if c.feature_code == "ADM2" and c.country == "IE"]
        assert found and found[0].name == "County Donegal"


@pytest.mark.parametrize("alias, country, name", [
    ("N.B.", "CA", "New Brunswick"),
    ("Ont.", "CA", "Ontario"),
    ("NSW", "AU", "New South Wales"),
    ("WA", "AU", "Western Australia"),
])
def test_province_abbreviations_find_the_province(alias, country, name):
    found = [c for c in default_gazetteer().lookup(alias) if c.feature_code == "ADM1" and c.country == country]
    assert found and found[0].name == name
