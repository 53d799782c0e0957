"""Build and lookup speed of the full GeoNames index (``newsgraph gazetteer import``), on generated files.

The files are generated here in GeoNames' own formats, zipped as GeoNames publishes them (``allCountries.zip``,
``alternateNamesV2.zip``), with realistic column contents: feature classes and codes in GeoNames' proportions,
names of one to four words built from syllables (about 10% with accents, GeoNames' mean length of ~13
characters), most rows with an empty ``alternatenames`` column, populations only on some places; alternate
names in a mix of languages like the real file's (links, Wikidata ids, postal and airport codes, English and
empty-language names, abbreviations, Latin-script and other-script languages, colloquial and historic flags).

It times ``build`` (rows/s per file, the indexing phase, seconds, file size) and ``GeoNamesIndex.lookup`` (after
a warm-up, on a mix of names that are in the index, some in other case or without accents, and names that are
not), then extrapolates the build time of the real dumps (allCountries ~13 million rows, alternateNamesV2 ~16
million) from the measured rates: an extrapolation, not a measurement.

    python benchmarks/gazetteer.py [--rows 1000000] [--altnames 1500000] [--lookups 50000] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import sys
import tempfile
import time
import unicodedata
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import write_section  # noqa: E402

REAL_GEONAMES = 13_000_000
REAL_ALTNAMES = 16_000_000

SYLLABLES = ("ka ra mo li ten bar san ver al on ma de sto ri lan gor vel ash fen dor bra kel mi no ta zu pe "
             "wa chi ro sel tam ber hol wyn dal ur ok ne vi cas tro mer gan").split()
ACCENTED = {"a": "áàâã", "e": "éèê", "o": "óöô", "u": "úü", "i": "íï", "n": "ñ", "c": "ç", "s": "ş"}
PREFIXES = ["", "", "", "", "", "", "Lake ", "Mount ", "San ", "Saint ", "El ", "Rio ", "Port ", "New ",
            "Al ", "Bir ", "Kampung ", "Wadi ", "Jabal "]
SUFFIXES = ["", "", "", "", "", "", " River", " Creek", " Hill", " School", " Church", " Airport", " Springs",
            " District", " Village", " Dam", " Hotel"]
# (feature class, share, codes)
FEATURES = [("P", 0.27, ["PPL", "PPL", "PPL", "PPLX", "PPLA2", "PPLA3", "PPLA"]),
            ("H", 0.21, ["STM", "STM", "LK", "SPNG", "RSV", "WLL", "BAY"]),
            ("T", 0.18, ["MT", "HLL", "MTS", "PK", "VAL", "CAPE", "ISL"]),
            ("S", 0.17, ["SCH", "CH", "BLDG", "FRM", "HTL", "AIRP", "MALL"]),
            ("L", 0.07, ["PRK", "LCTY", "AREA", "RESV"]),
            ("A", 0.05, ["ADM2", "ADM3", "ADM4", "ADMD", "ADM1"]),
            ("V", 0.03, ["FRST", "GRSLD"]),
            ("R", 0.015, ["RD", "RR"]),
            ("U", 0.005, ["SMU", "TRGH"])]
COUNTRIES = ("US CN IN ID BR RU MX DE FR GB IT ES CA AU JP PK NG IR TR PH VN EG TH ZA KE CO AR PL UA SE NO FI NL "
             "BE CH AT CZ RO HU GR PT DZ MA SA IQ AF BD MM NP LK MY KR KP CL PE VE TZ ET SD CD AO").split()
TIMEZONES = ["America/New_York", "Europe/Paris", "Asia/Kolkata", "Asia/Shanghai", "Africa/Lagos",
             "America/Sao_Paulo", "Europe/Moscow", "Asia/Jakarta", "Australia/Sydney", "Asia/Tehran"]
# (isolanguage, share, how the name is made)
LANGUAGES = [("link", 0.12, "link"), ("wkdt", 0.08, "wkdt"), ("post", 0.09, "post"), ("", 0.08, "latin"),
             ("en", 0.11, "latin"), ("abbr", 0.01, "abbr"), ("iata", 0.01, "code"), ("icao", 0.005, "code"),
             ("unlc", 0.01, "code"), ("fr_1793", 0.002, "latin"), ("de", 0.05, "latin"), ("fr", 0.05, "latin"),
             ("es", 0.05, "latin"), ("it", 0.03, "latin"), ("pl", 0.03, "latin"), ("nl", 0.03, "latin"),
             ("pt", 0.02, "latin"), ("sv", 0.02, "latin"), ("ru", 0.06, "cyrillic"), ("uk", 0.03, "cyrillic"),
             ("ar", 0.04, "arabic"), ("fa", 0.02, "arabic"), ("zh", 0.03, "cjk"), ("ja", 0.03, "cjk"),
             ("ko", 0.013, "cjk"), ("he", 0.01, "hebrew")]
SCRIPTS = {"cyrillic": 0x0430, "arabic": 0x0628, "cjk": 0x4E00, "hebrew": 0x05D0}


def make_word(rng: random.Random) -> str:
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((1, 2, 2, 2, 3, 3, 4))))
    if rng.random() < 0.1:
        i = rng.randrange(len(word))
        if word[i] in ACCENTED:
            word = word[:i] + rng.choice(ACCENTED[word[i]]) + word[i + 1:]
    return word.capitalize()


def make_name(rng: random.Random) -> str:
    words = " ".join(make_word(rng) for _ in range(rng.choice((1, 1, 1, 1, 2, 2, 3))))
    return rng.choice(PREFIXES) + words + rng.choice(SUFFIXES)


def ascii_of(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


def other_script(name: str, script: str, rng: random.Random) -> str:
    base = SCRIPTS[script]
    return "".join(" " if c == " " else chr(base + (ord(c) * 7 + rng.randrange(3)) % 28) for c in name.lower())


def write_geonames(path: Path, rows: int, rng: random.Random) -> list[tuple[int, str]]:
    """The allCountries.zip of ``rows`` rows; returns (geonameid, name) of every row."""
    classes = [f for f, _, _ in FEATURES]
    weights = [w for _, w, _ in FEATURES]
    codes = {f: c for f, _, c in FEATURES}
    made = []
    gid = 1_000_000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive, \
            archive.open("allCountries.txt", "w") as raw:
        lines = []
        for _ in range(rows):
            gid += rng.randint(1, 9)
            name = make_name(rng)
            fclass = rng.choices(classes, weights)[0]
            alternates = ""
            if rng.random() < 0.15:
                alts = [make_name(rng) if rng.random() < 0.6 else other_script(name, rng.choice(list(SCRIPTS)), rng)
                        for _ in range(rng.randint(1, 8))]
                alternates = ",".join(alts)
            population = int(rng.lognormvariate(7, 2.2)) if fclass in "PA" and rng.random() < 0.4 else 0
            lines.append("\t".join((
                str(gid), name, ascii_of(name), alternates, f"{rng.uniform(-60, 75):.5f}",
                f"{rng.uniform(-180, 180):.5f}", fclass, rng.choice(codes[fclass]), rng.choice(COUNTRIES), "",
                f"{rng.randint(1, 40):02d}", str(rng.randint(1, 300)) if rng.random() < 0.5 else "", "", "",
                str(population), str(rng.randint(0, 3000)) if rng.random() < 0.1 else "", str(rng.randint(-5, 3000)),
                rng.choice(TIMEZONES), f"20{rng.randint(10, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}")))
            made.append((gid, name))
            if len(lines) >= 20_000:
                raw.write(("\n".join(lines) + "\n").encode("utf-8"))
                lines.clear()
        raw.write(("\n".join(lines) + "\n").encode("utf-8") if lines else b"")
    return made


def write_altnames(path: Path, rows: int, places: list[tuple[int, str]], rng: random.Random) -> None:
    langs = [lang for lang, _, _ in LANGUAGES]
    weights = [w for _, w, _ in LANGUAGES]
    kinds = {lang: kind for lang, _, kind in LANGUAGES}
    # Alternate names concentrate on the better-known places: a quarter of the places get most of them.
    known = places[: max(1, len(places) // 4)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("alternateNamesV2.txt", "w") as raw:
            lines = []
            for alt_id in range(1, rows + 1):
                gid, name = rng.choice(known) if rng.random() < 0.7 else rng.choice(places)
                lang = rng.choices(langs, weights)[0]
                kind = kinds[lang]
                if kind == "link":
                    value = "https://en.wikipedia.org/wiki/" + ascii_of(name).replace(" ", "_")
                elif kind == "wkdt":
                    value = f"Q{rng.randint(1, 99_999_999)}"
                elif kind == "post":
                    value = f"{rng.randint(1000, 99999)}"
                elif kind == "code":
                    value = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(3 if lang != "icao" else 4))
                elif kind == "abbr":
                    value = "".join(w[0] for w in name.split()).upper() or name[:3].upper()
                elif kind == "latin":
                    value = name if rng.random() < 0.4 else make_name(rng)
                else:
                    value = other_script(name, kind, rng)
                flags = ["1" if rng.random() < p else "" for p in (0.15, 0.05, 0.01, 0.03)]
                lines.append("\t".join((str(alt_id), str(gid), lang, value, *flags, "", "")))
                if len(lines) >= 20_000:
                    raw.write(("\n".join(lines) + "\n").encode("utf-8"))
                    lines.clear()
            raw.write(("\n".join(lines) + "\n").encode("utf-8") if lines else b"")
        archive.writestr("iso-languagecodes.txt", "ISO 639-3\tISO 639-2\tISO 639-1\tLanguage Name\n")


def time_lookups(index, names: list[str], n: int, rng: random.Random) -> tuple[float, float, float]:
    """(lookups/s, share of lookups that found something, mean candidates per found lookup)."""
    queries = []
    for _ in range(n):
        r = rng.random()
        if r < 0.5:
            queries.append(rng.choice(names))
        elif r < 0.6:
            queries.append(rng.choice(names).upper())
        elif r < 0.7:
            queries.append(ascii_of(rng.choice(names)).lower())
        else:
            queries.append(make_name(rng) + " " + make_word(rng) + "ville")  # not in the index
    for q in queries[:2000]:  # warm-up: page cache, statement cache
        index.lookup(q)
    start = time.perf_counter()
    found = candidates = 0
    for q in queries:
        got = index.lookup(q)
        if got:
            found += 1
            candidates += len(got)
    seconds = time.perf_counter() - start
    return n / seconds, found / n, candidates / max(found, 1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="geoname rows to generate")
    parser.add_argument("--altnames", type=int, default=None,
                        help="alternate-name rows to generate [default: 1.5 × --rows]")
    parser.add_argument("--lookups", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tmp", type=Path, default=None, help="folder for the generated files and the index")
    parser.add_argument("--write", type=Path, help="write the figures into this Markdown file")
    args = parser.parse_args(argv)
    altnames = args.altnames if args.altnames is not None else int(args.rows * 1.5)

    from newsgraph.geo.geonames import GeoNamesIndex, build

    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        places = write_geonames(folder / "allCountries.zip", args.rows, rng)
        write_altnames(folder / "alternateNamesV2.zip", altnames, places, rng)
        print(f"generated {args.rows:,} geoname rows and {altnames:,} alternate names in "
              f"{time.perf_counter() - start:.0f} s", file=sys.stderr)
        zipped = {p.name: p.stat().st_size for p in folder.glob("*.zip")}
        db = folder / "geonames.sqlite"
        stats = build([folder / "allCountries.zip", folder / "alternateNamesV2.zip"], db)
        geo, alt = stats.files
        geo_rate = (geo.rows + geo.skipped) / geo.seconds
        alt_lines = alt.rows + alt.not_kept + alt.skipped
        alt_rate = alt_lines / alt.seconds
        total_rate = (geo.rows + alt_lines) / stats.seconds
        mb = stats.db_bytes / 2**20
        mb_per_million = mb / (args.rows / 1e6)
        index_scale = (REAL_GEONAMES + REAL_ALTNAMES) / (args.rows + altnames)
        real_seconds = REAL_GEONAMES / geo_rate + REAL_ALTNAMES / alt_rate + stats.index_seconds * index_scale
        real_mb = mb * index_scale
        index = GeoNamesIndex(db)
        lookups_per_s, found_share, per_found = time_lookups(index, [n for _, n in places], args.lookups, rng)

    machine = (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
               f"SQLite {sqlite3.sqlite_version}")
    body = f"""\
Generated GeoNames-format files (`benchmarks/gazetteer.py`, seed {args.seed}): `allCountries.zip` with {args.rows:,}
rows ({zipped['allCountries.zip'] / 2**20:,.0f} MB zipped) and `alternateNamesV2.zip` with {altnames:,} rows
({zipped['alternateNamesV2.zip'] / 2**20:,.0f} MB zipped), read streaming from the zips. Machine: {machine}; one
process.

| step | rows | seconds | rows/s |
|---|---:|---:|---:|
| geoname table | {geo.rows:,} | {geo.seconds:,.1f} | {geo_rate:,.0f} |
| alternate names ({alt.rows:,} kept) | {alt_lines:,} | {alt.seconds:,.1f} | {alt_rate:,.0f} |
| indexing (sorted name keys, indexes, ANALYZE) | | {stats.index_seconds:,.1f} | |
| **whole build** | {geo.rows + alt_lines:,} | **{stats.seconds:,.1f}** | **{total_rate:,.0f}** |

Index: {mb:,.0f} MB ({mb_per_million:,.0f} MB per million geoname rows with their alternate names);
{stats.tables['place']:,} places, {stats.tables['name']:,} name keys.

Lookups (`GeoNamesIndex.lookup`, after a 2,000-lookup warm-up; {args.lookups:,} names: 70% in the index, some in
upper case or without accents, 30% not): **{lookups_per_s:,.0f} lookups/s**; {found_share:.0%} found something,
{per_found:.1f} candidates per found name.

Extrapolation (not a measurement) to the real dumps, allCountries (~13 million rows) and alternateNamesV2 (~16
million): at the rates above, about **{real_seconds / 60:,.0f} minutes** to build and about {real_mb / 1024:,.1f} GB
of index; the indexing phase is scaled linearly with the rows, which underestimates its n log n sort a little,
and the real files' mix of languages decides how many alternate names are kept.

Command: `python benchmarks/gazetteer.py --rows {args.rows} --write docs/benchmarks.md`
"""
    print(body)
    if args.write:
        write_section(args.write, "gazetteer", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
