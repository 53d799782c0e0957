"""Exporting a corpus store: the records (JSONL), the tables (Parquet), a GDELT GKG 2.1-style table and a
POLECAT-style event table. The formats and their columns are documented in ``docs/exports.md``.

    from newsgraph.store import Store
    from newsgraph.store.exports import export

    with Store.open("newsgraph.duckdb", read_only=True) as store:
        export(store, "gkg", "corpus.gkg.csv")

Articles are exported in article order: the order they were stored in (the store's insertion order). Each function returns the
number of rows (records, table rows, GKG documents, events) it wrote.
"""

from __future__ import annotations

import csv
import datetime
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # pragma: no cover
    from .store import Store

FORMATS = ("jsonl", "parquet", "gkg", "polecat")

_CHUNK = 500


class ExportError(Exception):
    """The export cannot be written (an unwritable path, an unknown format)."""


def _records(store: "Store"):
    """The stored records, in article order (streamed: a whole store does not fit in memory)."""
    from .records import record_from_json

    cursor = store.con.execute("SELECT text, record FROM articles")  # insertion order (DuckDB preserves it)
    while rows := cursor.fetchmany(_CHUNK):
        for text, data in rows:
            obj = json.loads(data)
            obj["text"] = text
            yield record_from_json(obj)


def export_jsonl(store: "Store", output: Path) -> int:
    """The full records (as :meth:`Store.record` gives them), one JSON object per line, in article order."""
    n = 0
    with open(output, "w", encoding="utf-8", newline="\n") as out:
        for record in _records(store):
            out.write(record.dumps() + "\n")
            n += 1
    return n


def _tables(store: "Store") -> list[str]:
    return [row[0] for row in store.con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE' "
        "ORDER BY table_name").fetchall()]


def export_parquet(store: "Store", output: Path) -> int:
    """One Parquet file per table (``articles.parquet``, ``quotes.parquet``, ...) in the folder ``output``, with
    DuckDB's own Parquet writer (built into DuckDB: nothing is downloaded). The search index tables are
    left out (they are rebuilt from the articles); returns the number of rows written."""
    output.mkdir(parents=True, exist_ok=True)
    total = 0
    for table in _tables(store):
        if table.startswith("search_"):
            continue
        target = output / f"{table}.parquet"
        store.con.execute(f"COPY (SELECT * FROM {table}) TO '{_sql_path(target)}' "
                          "(FORMAT PARQUET, COMPRESSION ZSTD)")
        total += store.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return total


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


# --- GDELT GKG 2.1 -----------------------------------------------------------------------------------------------

#: The 27 columns of GDELT's Global Knowledge Graph 2.1, in order.
GKG_COLUMNS = ("GKGRECORDID", "V2.1DATE", "V2SOURCECOLLECTIONIDENTIFIER", "V2SOURCECOMMONNAME",
               "V2DOCUMENTIDENTIFIER", "V1COUNTS", "V2.1COUNTS", "V1THEMES", "V2ENHANCEDTHEMES", "V1LOCATIONS",
               "V2ENHANCEDLOCATIONS", "V1PERSONS", "V2ENHANCEDPERSONS", "V1ORGANIZATIONS", "V2ENHANCEDORGANIZATIONS",
               "V1.5TONE", "V2.1ENHANCEDDATES", "V2GCAM", "V2.1SHARINGIMAGE", "V2.1RELATEDIMAGES",
               "V2.1SOCIALIMAGEEMBEDS", "V2.1SOCIALVIDEOEMBEDS", "V2.1QUOTATIONS", "V2.1ALLNAMES", "V2.1AMOUNTS",
               "V2.1TRANSLATIONINFO", "V2EXTRASXML")


def _clean(value) -> str:
    """A field value without GKG's delimiters (tab, newline, ``;``, ``#``, ``|``, ``,``)."""
    text = " ".join(str(value).split())
    for ch in ";#|,":
        text = text.replace(ch, " ")
    return " ".join(text.split())


def _gkg_date(published: str | None) -> str:
    if not published:
        return ""
    try:
        moment = datetime.datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = datetime.datetime.combine(datetime.date.fromisoformat(published[:10]), datetime.time())
        except ValueError:
            return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return moment.strftime("%Y%m%d%H%M%S")


def _location_type(place) -> int:
    """GKG's location type: 1 country, 2 US state, 3 US city, 4 world city, 5 world state."""
    feature = place.feature or ""
    if feature.startswith("A.PCL"):
        return 1
    if feature.startswith("A.ADM1"):
        return 2 if place.country == "USA" else 5
    if feature.startswith("P."):
        return 3 if place.country == "USA" else 4
    return 4 if place.lat is not None else 1


def _gkg_row(record, counter: int) -> list[str]:
    """One GKG 2.1 row for a record (see docs/exports.md for which columns are filled and how)."""
    text = record.text
    persons = [e for e in record.entities if e.type == "PERSON"]
    orgs = [e for e in record.entities if e.type == "ORG"]

    def enhanced(entities) -> tuple[str, str]:
        v1 = ";".join(dict.fromkeys(_clean(e.name) for e in entities if _clean(e.name)))
        v2 = ";".join(f"{_clean(e.name)},{m.start}" for e in entities for m in e.mentions if _clean(e.name))
        return v1, v2

    v1_persons, v2_persons = enhanced(persons)
    v1_orgs, v2_orgs = enhanced(orgs)
    v1_locs, v2_locs = [], []
    seen = set()
    for place in record.places:
        name = _clean(place.name or place.mention.text)
        ltype = _location_type(place)
        lat = "" if place.lat is None else f"{place.lat:.4f}"
        lon = "" if place.lon is None else f"{place.lon:.4f}"
        country = place.country or ""
        adm1 = f"{country}{place.admin1}" if country and place.admin1 else ""
        fid = "" if place.geonameid is None else str(place.geonameid)
        fields = [str(ltype), name, country, adm1, lat, lon, fid]
        if (name, fid) not in seen:
            seen.add((name, fid))
            v1_locs.append("#".join(fields))
        v2_locs.append("#".join(fields[:4] + [""] + fields[4:] + [str(place.mention.start)]))
    themes = ";".join(dict.fromkeys(_clean(k).upper().replace(" ", "_") for k in record.keyphrases if _clean(k)))
    v2_themes = ";".join(f"{_clean(k).upper().replace(' ', '_')},{text.find(k) if k in text else 0}"
                         for k in record.keyphrases if _clean(k))
    dates = []
    for d in record.dates:
        if d.type != "DATE" or len(d.value) < 4 or not d.value[:4].isdigit():
            continue
        parts = d.value.split("-")
        year = parts[0]
        month = parts[1] if len(parts) > 1 and parts[1].isdigit() else "0"
        day = parts[2][:2] if len(parts) > 2 and parts[2][:2].isdigit() else "0"
        resolution = 4 if day != "0" else 2 if month != "0" else 1
        dates.append(f"{resolution}#{int(month)}#{int(day)}#{int(year)}#{d.mention.start}")
    quotations = []
    for q in record.quotes:
        if q.kind == "indirect":
            continue
        verb = _clean(q.cue.text) if q.cue else ""
        quotations.append(f"{q.content.start}|{q.content.end - q.content.start}|{verb}|"
                          f"{' '.join(q.content.text.replace('|', ' ').replace('#', ' ').split())}")
    all_names = ";".join(f"{_clean(m.text)},{m.start}" for e in record.entities
                         if e.type not in ("PERSON", "ORG", "GPE", "LOC", "FAC") for m in e.mentions)
    extras = f"<PAGE_TITLE>{_xml(record.title)}</PAGE_TITLE>" if record.title else ""
    if record.authors:
        extras += f"<PAGE_AUTHORS>{_xml('; '.join(record.authors))}</PAGE_AUTHORS>"
    stamp = _gkg_date(record.published)
    row = {
        "GKGRECORDID": f"{stamp or '0'}-{counter}",
        "V2.1DATE": stamp,
        "V2SOURCECOLLECTIONIDENTIFIER": "1" if record.url else "6",
        "V2SOURCECOMMONNAME": record.source or _host(record.url),
        "V2DOCUMENTIDENTIFIER": record.url or record.id,
        "V1THEMES": themes,
        "V2ENHANCEDTHEMES": v2_themes,
        "V1LOCATIONS": ";".join(v1_locs),
        "V2ENHANCEDLOCATIONS": ";".join(v2_locs),
        "V1PERSONS": v1_persons,
        "V2ENHANCEDPERSONS": v2_persons,
        "V1ORGANIZATIONS": v1_orgs,
        "V2ENHANCEDORGANIZATIONS": v2_orgs,
        "V2.1ENHANCEDDATES": ";".join(dates),
        "V2.1QUOTATIONS": "#".join(quotations),
        "V2.1ALLNAMES": all_names,
        "V2EXTRASXML": " ".join(extras.split()),
    }
    return [" ".join(str(row.get(c, "")).replace("\t", " ").split()) if c not in ("V2.1QUOTATIONS",)
            else str(row.get(c, "")).replace("\t", " ").replace("\n", " ") for c in GKG_COLUMNS]


def _xml(text: str) -> str:
    return " ".join(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").split())


def _host(url: str | None) -> str:
    if not url or "://" not in url:
        return ""
    host = url.split("://", 1)[1].split("/", 1)[0].lower()
    return host[4:] if host.startswith("www.") else host


def export_gkg(store: "Store", output: Path, *, header: bool = False) -> int:
    """A GDELT GKG 2.1-style file: tab-separated, one row per article, GKG's 27 columns in order, no header
    (as GDELT publishes it; ``header=True`` writes the column names first)."""
    n = 0
    with open(output, "w", encoding="utf-8", newline="\n") as out:  # GDELT's own files quote nothing
        if header:
            out.write("\t".join(GKG_COLUMNS) + "\n")
        for record in _records(store):
            n += 1
            out.write("\t".join(_gkg_row(record, n)) + "\n")
    return n


# --- POLECAT ------------------------------------------------------------------------------------------------------

#: The columns of the POLECAT-style event table, in order (see docs/exports.md).
POLECAT_COLUMNS = ("event_id", "event_date", "event_type", "event_mode", "event_context", "cameo_root",
                   "source_actor", "source_country", "source_sector", "target_actor", "target_country",
                   "target_sector", "place_name", "place_country", "latitude", "longitude", "geonameid",
                   "trigger", "sentence", "article_id", "url", "source", "published", "confidence")


def export_polecat(store: "Store", output: Path) -> int:
    """A POLECAT-style event table: tab-separated with a header, one row per event, in article order then
    event order."""
    n = 0
    sql = """
        SELECT e.article_id || '-' || e.idx, coalesce(e.date, a.published_date::VARCHAR), e.type, e.mode, NULL,
               e.cameo_root, coalesce(e.source_name, e.source_text), e.source_country, e.source_sector,
               coalesce(e.target_name, e.target_text), e.target_country, e.target_sector,
               p.name, p.country, p.lat, p.lon, p.geonameid, e.trigger,
               substr(a.text, e.sentence_start + 1, e.sentence_end - e.sentence_start),
               e.article_id, a.url, a.source, a.published, e.confidence
        FROM (SELECT rowid AS r, id, text, url, source, published, published_date FROM articles) a
        JOIN events e ON e.article_id = a.id
        LEFT JOIN places p ON p.article_id = e.article_id AND p.idx = e.place_idx
        ORDER BY a.r, e.idx"""
    with open(output, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(POLECAT_COLUMNS)
        cursor = store.con.execute(sql)
        while rows := cursor.fetchmany(10_000):
            for row in rows:
                writer.writerow(["" if v is None else " ".join(v.split()) if isinstance(v, str) else v
                                 for v in row])
                n += 1
    return n


EXPORTERS: dict[str, Callable[["Store", Path], int]] = {
    "jsonl": export_jsonl, "parquet": export_parquet, "gkg": export_gkg, "polecat": export_polecat}


def export(store: "Store", fmt: str, output: str | os.PathLike) -> int:
    """Write the store in format ``fmt`` (one of :data:`FORMATS`) to ``output`` (a folder for parquet, else a
    file); returns the number of rows written. Raises :class:`ExportError` for an unknown format or an
    unwritable path."""
    if fmt not in EXPORTERS:
        raise ExportError(f"unknown export format {fmt!r} (use {', '.join(FORMATS)})")
    path = Path(output)
    parent = path if fmt == "parquet" else path.parent
    if fmt == "parquet" and path.exists() and not path.is_dir():
        raise ExportError(f"{path} is a file: parquet writes one file per table into a folder")
    if fmt != "parquet" and path.is_dir():
        raise ExportError(f"{path} is a folder: give a file name")
    if fmt != "parquet" and not parent.exists():
        raise ExportError(f"cannot write {path}: no such directory {parent}")
    try:
        return EXPORTERS[fmt](store, path)
    except OSError as err:
        raise ExportError(f"cannot write {path}: {err.strerror or err}") from None
