"""The batch job's driver: list the inputs, skip what earlier runs committed, process the rest in waves.

One wave is one Spark job over a group of input files:

1. *read*: one task per file runs newsgraph's reader on it (:func:`newsgraph.batch.worker.read_unit`), giving
   Articles and Failures numbered by their position in the file;
2. *extract*: the items are spread evenly over ``partitions`` partitions (a round-robin ``repartition``, so a
   single large file still keeps every core busy), and each partition runs the pipeline over its articles in
   ``mapPartitions`` (:func:`newsgraph.batch.worker.extract_partition`), the pipeline loaded once per worker
   process;
3. *write*: the rows are cached, counted, and written as Parquet, one Spark write per table, Hive-partitioned
   by ``published_date``, under the wave's staging folder; then the wave is committed
   (:meth:`newsgraph.batch.commit.OutputDir.commit`).

A wave holds at most ``wave_files`` files and ``wave_bytes`` bytes of input (at least one file): smaller waves
lose less work to a kill and commit more often, larger ones keep cores busier at each wave's end.
"""

from __future__ import annotations

import importlib.util
import math
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

from .. import __version__
from .commit import OutputDir, new_wave_ids
from .fs import HadoopFS
from .tables import PARTITION, PARTITIONED, TABLES, spark_schema
from .units import Unit, assign_indices, list_units
from .worker import Settings, extract_partition, read_unit

#: Input bytes per extract partition, when the number of partitions is not given.
BYTES_PER_PARTITION = 64 << 20


@dataclass
class BatchConfig:
    """What to process, where to write, and how (``newsgraph batch``'s options)."""

    inputs: list[str]
    output: str
    model: str | None = None
    disable: tuple[str, ...] = ()
    published: str | None = None
    max_chars: int = 1_000_000
    #: Extract partitions per wave [default: 4 × the default parallelism, more for large waves].
    partitions: int | None = None
    #: Most input files in one wave [default: 4 × the default parallelism].
    wave_files: int | None = None
    #: Most input bytes in one wave [default: 1 GiB × the default parallelism].
    wave_bytes: int | None = None
    #: Open ``file:`` inputs directly in the workers (False: their bytes come through Spark's filesystem layer,
    #: as those of other filesystems do).
    read_local_directly: bool = True


@dataclass
class BatchResult:
    """What a run did."""

    output: str
    inputs: int = 0
    skipped: int = 0
    processed: int = 0
    waves: int = 0
    rows: Counter = field(default_factory=Counter)
    missing: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    pipeline_loads: int = 0
    seconds: float = 0.0

    @property
    def articles(self) -> int:
        return self.rows["articles"]

    @property
    def failures(self) -> int:
        return self.rows["failures"]


def _model_name(model: str | None) -> str:
    """The model the workers will load, checked here first (ModelNotFound names what to install)."""
    from ..nlp.model import ModelNotFound, default_model_name

    if model is None:
        return default_model_name()
    if importlib.util.find_spec(model) is None and not os.path.exists(model):
        raise ModelNotFound(f"spaCy pipeline {model!r} is not installed (the executors need it too: ship it in "
                            "the packed environment, see docs/scale.md)")
    return model


def _check_disable(disable: Iterable[str]) -> tuple[str, ...]:
    from ..nlp.model import COMPONENTS

    disable = tuple(sorted(set(disable)))
    unknown = set(disable) - set(COMPONENTS)
    if unknown:
        raise ValueError(f"unknown component(s) to disable: {', '.join(sorted(unknown))}; newsgraph's components "
                         f"are {', '.join(COMPONENTS)}")
    return disable


def plan_waves(units: list[Unit], max_files: int, max_bytes: int) -> list[list[Unit]]:
    """Consecutive groups of units, each within both limits (a unit larger than ``max_bytes`` alone)."""
    waves: list[list[Unit]] = []
    current: list[Unit] = []
    size = 0
    for unit in units:
        if current and (len(current) >= max_files or size + unit.size > max_bytes):
            waves.append(current)
            current, size = [], 0
        current.append(unit)
        size += unit.size
    if current:
        waves.append(current)
    return waves


def _items(spark, units: list[Unit], settings: Settings, read_local_directly: bool):
    """The RDD of every item of the units: local files opened by the workers, others' bytes through Spark."""
    sc = spark.sparkContext

    def direct_read(unit: Unit) -> bool:  # a missing input only yields its failure: nothing to read
        return unit.missing or (unit.local is not None and read_local_directly)

    direct = [u for u in units if direct_read(u)]
    through_spark = [u for u in units if not direct_read(u)]
    parts = []
    if direct:
        parts.append(sc.parallelize(direct, len(direct)).flatMap(partial(_read_direct, settings=settings)))
    if through_spark:
        by_uri = {u.uri: u for u in through_spark}
        files = sc.binaryFiles(",".join(u.uri for u in through_spark), minPartitions=len(through_spark))
        parts.append(files.flatMap(partial(_read_bytes, units=by_uri, settings=settings)))
    return parts[0] if len(parts) == 1 else sc.union(parts)


def _read_direct(unit: Unit, settings: Settings):
    return read_unit(unit, None, settings)


def _read_bytes(pair: tuple[str, bytes], units: dict[str, Unit], settings: Settings):
    uri, data = pair
    return read_unit(units.get(uri), data, settings, uri)


def _wide_schema():
    """One row type for every table: the table's name, then one struct column per table (the row's own filled)."""
    from pyspark.sql import types as T

    return T.StructType([T.StructField("table", T.StringType(), False)]
                        + [T.StructField(t, spark_schema(t)) for t in TABLES])


_SLOT = {t: i for i, t in enumerate(TABLES)}


def _wide_row(pair: tuple[str, tuple]) -> tuple:
    table, row = pair
    slots: list = [None] * len(TABLES)
    slots[_SLOT[table]] = row
    return (table, *slots)


#: Failed items named in the log per wave (all are in the failures table).
SHOWN_FAILURES = 5


def run_wave(spark, out: OutputDir, wave: str, units: list[Unit], settings: Settings, partitions: int,
             loads, read_local_directly: bool = True, log: Callable[[str], None] = lambda message: None) -> Counter:
    """Process one wave into its staging folder and commit it; returns the rows written per table.

    The rows of all tables come out of the Python workers once, as one DataFrame (:func:`_wide_schema`) cached
    in the JVM; each table's write then selects its rows there, without another pass through Python.
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    items = _items(spark, units, settings, read_local_directly)
    rows = items.repartition(partitions).mapPartitions(partial(extract_partition, settings=settings, loads=loads))
    wide = spark.createDataFrame(rows.map(_wide_row), _wide_schema()).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        counts = Counter({r["table"]: r["count"] for r in wide.groupBy("table").count().collect()})
        if counts["failures"]:
            for r in wide.where(F.col("table") == "failures").select("failures.item", "failures.reason").limit(
                    SHOWN_FAILURES).collect():
                log(f"failed: {r['item']}: {r['reason']}")
            if counts["failures"] > SHOWN_FAILURES:
                log(f"... and {counts['failures'] - SHOWN_FAILURES:,} more failed items in this wave")

        def write(table: str) -> None:
            frame = wide.where(F.col("table") == table).select(f"{table}.*")
            if table in PARTITIONED:  # one file per date and wave, not one per date and partition
                writer = frame.repartition(PARTITION).write.partitionBy(PARTITION)
            else:
                writer = frame.coalesce(1).write
            writer.mode("overwrite").option("compression", "zstd").parquet(out.staging(wave, table))

        # The writes are small jobs over the cached rows: run side by side, they overlap their scheduling.
        with ThreadPoolExecutor(len(TABLES), thread_name_prefix="newsgraph-write") as pool:
            for done in [pool.submit(write, t) for t in TABLES if counts[t]]:
                done.result()
    finally:
        wide.unpersist()
    out.commit(wave, {u.key: u.index for u in units}, {t: counts[t] for t in TABLES})
    return Counter({t: counts[t] for t in TABLES})


def run_batch(spark, config: BatchConfig, log: Callable[[str], None] | None = None) -> BatchResult:
    """Run the job on a SparkSession; returns what it did. Raises ModelNotFound or ValueError for bad settings,
    :class:`newsgraph.batch.commit.OutputError` for an output folder made with other settings."""
    log = log or (lambda message: None)
    started = time.perf_counter()
    model = _model_name(config.model)
    disable = _check_disable(config.disable)
    sc = spark.sparkContext
    parallelism = max(1, sc.defaultParallelism)
    fs = HadoopFS(spark)
    out = OutputDir(fs, config.output)
    out.check_settings({"model": model, "disable": list(disable), "published": config.published,
                        "max_chars": config.max_chars, "newsgraph": __version__})
    result = BatchResult(output=out.uri)
    if sc.getConf().get("spark.python.worker.reuse", "true").strip().lower() == "false":
        log("warning: spark.python.worker.reuse is false: every task loads the pipeline again (seconds each)")
    result.recovered = out.recover()
    if result.recovered:
        log(f"removed what a killed run left of {len(result.recovered)} uncommitted wave(s); their inputs are "
            "processed again")
    known = {key: index for marker in out.markers() for key, index in marker.units.items()}
    units = assign_indices(list_units(fs, config.inputs, exclude=out.uri), known)
    pending = [u for u in units if u.key not in known]
    result.inputs, result.skipped = len(units), len(units) - len(pending)
    result.missing = [u.name for u in units if u.missing]
    for name in result.missing:
        log(f"no such file or directory: {name}")
    if result.skipped:
        log(f"{result.skipped} of {len(units)} inputs were committed by an earlier run: skipped")
    waves = plan_waves(pending, config.wave_files or 4 * parallelism, config.wave_bytes or parallelism << 30)
    loads = sc.accumulator(0)
    for number, (wave, group) in enumerate(zip(new_wave_ids(), waves), start=1):
        size = sum(u.size for u in group)
        partitions = config.partitions or max(4 * parallelism, math.ceil(size / BYTES_PER_PARTITION))
        settings = Settings(model=model, disable=disable, published=config.published,
                            max_chars=config.max_chars, wave=wave)
        log(f"wave {number}/{len(waves)}: {len(group)} inputs, {size / 1e6:,.1f} MB, {partitions} partitions")
        wave_started = time.perf_counter()
        counts = run_wave(spark, out, wave, group, settings, partitions, loads, config.read_local_directly, log)
        result.rows.update(counts)
        result.processed += len(group)
        result.waves += 1
        log(f"wave {number}/{len(waves)} committed: {counts['articles']:,} articles, {counts['failures']:,} "
            f"failed items in {time.perf_counter() - wave_started:,.1f} s")
    result.pipeline_loads = loads.value
    result.seconds = time.perf_counter() - started
    return result
