"""The job's units of work: the input files, listed on the driver in the order ``newsgraph extract`` reads them.

An input is a file, a folder (walked as ``newsgraph extract`` walks one: a folder's files in sorted order, then
its sub-folders in sorted order, hidden names left out) or a glob pattern (``s3a://bucket/CC-NEWS/2024/05/*.warc.gz``),
on any filesystem Spark reads. Each file is one :class:`Unit`: it is read whole by one task, and the job records
it as done once its output is committed (see :mod:`newsgraph.batch.commit`). An input that does not exist is a
unit too, one that only yields its failure.

A unit's ``index`` orders the output as the inputs were listed (``articles.input_index``, then ``position``
within the file): indices of units an earlier run committed are kept, new units get the next ones in listing
order, so a rerun with more inputs appends to the order instead of reshuffling it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from .fs import GLOB_CHARS, FileInfo, HadoopFS


@dataclass(frozen=True, slots=True)
class Unit:
    """One input file (or a missing input), as the workers need it."""

    #: The qualified URI (``file:/data/a.warc.gz``, ``hdfs://nn/data/a.warc.gz``).
    uri: str
    #: What items are named after: the local path for ``file:`` URIs (as ``newsgraph extract`` names them,
    #: made absolute), else the URI.
    name: str
    size: int = 0
    #: The local path the workers open directly; None for other filesystems (their bytes come through Spark).
    local: str | None = None
    #: True for an input that does not exist: the unit yields one Failure.
    missing: bool = False
    index: int = -1

    @property
    def key(self) -> str:
        """What the job's commit markers record for this unit."""
        return f"missing:{self.uri}" if self.missing else self.uri


def _walk(fs: HadoopFS, folder: str) -> Iterable[FileInfo]:
    """Files below a folder: its own files in sorted order, then each sub-folder's, hidden names left out
    (the order of ``newsgraph.ingest.read_sources``)."""
    entries = [e for e in fs.list(folder) if not e.name.startswith(".")]
    yield from (e for e in entries if not e.is_dir)
    for sub in (e for e in entries if e.is_dir):
        yield from _walk(fs, sub.uri)


def _unit(info: FileInfo) -> Unit:
    local = HadoopFS.local_path(info.uri)
    return Unit(uri=info.uri, name=local or info.uri, size=info.size, local=local)


def list_units(fs: HadoopFS, inputs: Iterable[str], exclude: str | None = None) -> list[Unit]:
    """The units of the inputs, in input order; a file listed twice (or matched by two inputs) counts once.
    Files below the folder ``exclude`` (the job's own output, when it lies inside an input folder) are left
    out."""
    units: dict[str, Unit] = {}
    inside = exclude.rstrip("/") + "/" if exclude else None
    for source in inputs:
        if any(ch in source for ch in GLOB_CHARS):
            found = fs.glob(source)
            if not found:
                uri = fs.qualify(source)
                units.setdefault(f"missing:{uri}", Unit(uri=uri, name=HadoopFS.local_path(uri) or uri,
                                                        missing=True))
        else:
            uri = fs.qualify(source)
            info = fs.stat(uri)
            if info is None:
                units.setdefault(f"missing:{uri}", Unit(uri=uri, name=HadoopFS.local_path(uri) or uri,
                                                        missing=True))
                continue
            found = [info]
        for info in found:
            for f in (_walk(fs, info.uri) if info.is_dir else [info]):
                if inside is None or not f.uri.startswith(inside):
                    units.setdefault(f.uri, _unit(f))
    return list(units.values())


def assign_indices(units: list[Unit], known: Mapping[str, int]) -> list[Unit]:
    """The units with their ``index``: the one a committed run gave them (``known``, by key), else the next
    free index in listing order."""
    following = max(known.values(), default=-1) + 1
    out = []
    for unit in units:
        if unit.key in known:
            out.append(replace(unit, index=known[unit.key]))
        else:
            out.append(replace(unit, index=following))
            following += 1
    return out
