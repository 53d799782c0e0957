"""Small files in GeoNames' own formats, for the gazetteer tests: real places (figures as GeoNames gives them,
rounded) and a few invented ones, written plain or zipped the way GeoNames publishes them."""

from __future__ import annotations

import zipfile
from pathlib import Path


def geoname_line(gid, name, asciiname, alternates, lat, lon, fclass, fcode, country, admin1="", population=0,
                 timezone="", alt_sep=","):
    return "\t".join([str(gid), name, asciiname, alt_sep.join(alternates), str(lat), str(lon), fclass, fcode,
                      country, "", admin1, "", "", "", str(population), "", "", timezone, "2024-01-01"])


GEONAMES = [
    geoname_line(6252001, "United States", "United States", ["USA", "America", "Соединённые Штаты"], 39.76,
                 -98.5, "A", "PCLI", "US", "00", 327167434),
    geoname_line(3017382, "France", "France", ["Republique francaise", "Франция"], 46.0, 2.0, "A", "PCLI", "FR",
                 "00", 66987244),
    geoname_line(3469034, "Brazil", "Brazil", ["Brasil"], -10.0, -55.0, "A", "PCLI", "BR", "00", 209469333),
    geoname_line(4331987, "Louisiana", "Louisiana", ["LA", "Luisiana"], 31.00047, -92.0004, "A", "ADM1", "US",
                 "LA", 4533372),
    geoname_line(4736286, "Texas", "Texas", ["TX", "Tejas"], 31.25044, -99.25061, "A", "ADM1", "US", "TX",
                 22875689),
    geoname_line(4330145, "Lafayette", "Lafayette", [], 30.22409, -92.01984, "P", "PPLA2", "US", "LA", 126185),
    geoname_line(2988507, "Paris", "Paris", ["Lutetia", "PAR", "Paname", "Париж"], 48.85341, 2.3488, "P",
                 "PPLC", "FR", "11", 2138551),
    geoname_line(4717560, "Paris", "Paris", [], 33.66094, -95.55551, "P", "PPLA2", "US", "TX", 24782),
    geoname_line(3448439, "São Paulo", "Sao Paulo", ["Sampa"], -23.5475, -46.63611, "P", "PPLA", "BR", "27",
                 10021295),
    geoname_line(2747373, "The Hague", "The Hague", ["Den Haag", "'s-Gravenhage"], 52.07667, 4.29861, "P",
                 "PPLG", "NL", "11", 474292),
    geoname_line(703448, "Kyiv", "Kyiv", ["Kiev", "Київ"], 50.45466, 30.5238, "P", "PPLC", "UA", "12", 2797553),
    geoname_line(1275339, "Mumbai", "Mumbai", ["Bombay"], 19.07283, 72.88261, "P", "PPLA", "IN", "16", 12691836),
    geoname_line(4407066, "St. Louis", "St. Louis", [], 38.62727, -90.19789, "P", "PPLA2", "US", "MO", 315685),
    # invented
    geoname_line(9900001, "Zorvantia Springs", "Zorvantia Springs", [], 12.5, -3.25, "P", "PPL", "BF", "", 0),
    geoname_line(9900002, "Ḱalmér", "Kalmer", [], -7.125, 110.5, "P", "PPL", "ID", "", 812),
]

ALTNAMES = [
    # alternateNameId, geonameid, isolanguage, name, preferred, short, colloquial, historic, from, to
    (1, 6252001, "en", "United States of America", "1", "", "", "", "", ""),
    (2, 6252001, "abbr", "USA", "", "", "", "", "", ""),
    (3, 6252001, "abbr", "U.S.", "", "", "", "", "", ""),
    (4, 6252001, "ru", "Соединённые Штаты Америки", "", "", "", "", "", ""),
    (5, 6252001, "link", "https://en.wikipedia.org/wiki/United_States", "", "", "", "", "", ""),
    (6, 6252001, "wkdt", "Q30", "", "", "", "", "", ""),
    (7, 2988507, "fr", "Paris", "1", "", "", "", "", ""),
    (8, 2988507, "en", "City of Light", "", "", "1", "", "", ""),
    (9, 2988507, "la", "Lutetia", "", "", "", "1", "", ""),
    (10, 2747373, "nl", "Den Haag", "", "1", "", "", "", ""),
    (11, 2747373, "nl", "'s-Gravenhage", "1", "", "", "", "", ""),
    (12, 703448, "en", "Kiev", "", "", "", "1", "", "2022"),
    (13, 703448, "uk", "Київ", "1", "", "", "", "", ""),
    (14, 1275339, "en", "Bombay", "", "", "", "1", "", "1995"),
    (15, 2988507, "iata", "PAR", "", "", "", "", "", ""),
    (16, 703448, "post", "01001", "", "", "", "", "", ""),
    (17, 4331987, "abbr", "La.", "", "", "", "", "", ""),
    (18, 3017382, "de", "Frankreich", "", "", "", "", "", ""),
    (19, 2988507, "fr_1793", "Commune de Paris", "", "", "", "", "", ""),
    (20, 99999999, "en", "Nowhere Land", "", "", "", "", "", ""),
    (21, 4407066, "", "Saint Louis", "", "", "", "", "", ""),
    (22, 3448439, "pt", "São Paulo", "1", "", "", "", "", ""),
    (23, 3448439, "ja", "サンパウロ", "", "", "", "", "", ""),
]

ADMIN1 = [
    "US.LA\tLouisiana\tLouisiana\t4331987",
    "US.TX\tTexas\tTexas\t4736286",
    "FR.11\tÎle-de-France\tIle-de-France\t3012874",
    "BR.27\tSão Paulo\tSao Paulo\t3448433",
]

COUNTRY_HEADER = [
    "# GeoNames.org Country Information",
    "# ================================",
    "#ISO\tISO3\tISO-Numeric\tfips\tCountry\tCapital\tArea(in sq km)\tPopulation\tContinent\ttld\tCurrencyCode"
    "\tCurrencyName\tPhone\tPostal Code Format\tPostal Code Regex\tLanguages\tgeonameid\tneighbours"
    "\tEquivalentFipsCode",
]
COUNTRIES = [
    "US\tUSA\t840\tUS\tUnited States\tWashington\t9629091\t327167434\tNA\t.us\tUSD\tDollar\t1\t#####-####"
    "\t^\\d{5}(-\\d{4})?$\ten-US,es-US,haw,fr\t6252001\tCA,MX,CU\t",
    "FR\tFRA\t250\tFR\tFrance\tParis\t547030\t66987244\tEU\t.fr\tEUR\tEuro\t33\t#####\t^(\\d{5})$"
    "\tfr-FR,frp,br,co,ca,eu,oc\t3017382\tCH,DE,BE,LU,IT,AD,MC,ES\t",
    "BR\tBRA\t076\tBR\tBrazil\tBrasilia\t8511965\t209469333\tSA\t.br\tBRL\tReal\t55\t#####-###"
    "\t^\\d{5}-\\d{3}$\tpt-BR,es,en,fr\t3469034\tSR,PE,BO,UY,GY,PY,GF,VE,CO,AR\t",
]


def text(lines) -> str:
    return "".join(line + "\n" for line in lines)


def altname_lines(rows=ALTNAMES, columns=10):
    return ["\t".join(str(v) for v in row[:columns]) for row in rows]


def write_plain(path: Path, lines) -> Path:
    path.write_text(text(lines), encoding="utf-8")
    return path


def write_zip(path: Path, member: str, lines, extra: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, text(lines))
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return path


def write_dump(folder: Path, zipped: bool = True) -> list[Path]:
    """The full set: geoname table, alternate names, admin1 codes, country info."""
    folder.mkdir(parents=True, exist_ok=True)
    if zipped:
        return [
            write_zip(folder / "allCountries.zip", "allCountries.txt", GEONAMES),
            write_zip(folder / "alternateNamesV2.zip", "alternateNamesV2.txt", altname_lines(),
                      {"iso-languagecodes.txt": "ISO 639-3\tISO 639-2\tISO 639-1\tLanguage Name\n"}),
            write_plain(folder / "admin1CodesASCII.txt", ADMIN1),
            write_plain(folder / "countryInfo.txt", COUNTRY_HEADER + COUNTRIES),
        ]
    return [
        write_plain(folder / "allCountries.txt", GEONAMES),
        write_plain(folder / "alternateNamesV2.txt", altname_lines()),
        write_plain(folder / "admin1CodesASCII.txt", ADMIN1),
        write_plain(folder / "countryInfo.txt", COUNTRY_HEADER + COUNTRIES),
    ]
