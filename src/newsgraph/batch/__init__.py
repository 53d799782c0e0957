"""Batch extraction on Apache Spark: ``newsgraph batch`` (or ``spark-submit .../newsgraph/batch/submit.py``).

Reads JSONL, JSON, WARC (``.warc``, ``.warc.gz``), HTML and text files from any filesystem Spark reads, runs the
same readers and pipeline as ``newsgraph extract`` in the executors, and writes Parquet tables (``articles``,
``entities``, ``quotes``, ``events``, ``places``, ``dates``, Hive-partitioned by ``published_date``, and
``failures``) to an output folder; a rerun skips the inputs an earlier run committed. ``docs/scale.md`` tells how
to run it on a cluster.

Modules: :mod:`.job` (the driver), :mod:`.worker` (what runs in the executors), :mod:`.tables` (the tables'
columns and rows), :mod:`.units` (listing the inputs), :mod:`.commit` (the output folder, commits and recovery),
:mod:`.fs` (Hadoop filesystem access from the driver), :mod:`.session` (starting Spark), :mod:`.submit` (the
``spark-submit`` entry point). pyspark is imported only when a job runs.

    from newsgraph.batch import BatchConfig, run_batch, spark_session

    spark = spark_session("local[2]")
    result = run_batch(spark, BatchConfig(inputs=["crawl/"], output="out/"))
"""

from .commit import OutputError
from .job import BatchConfig, BatchResult, run_batch
from .session import SparkUnavailable, spark_session
from .tables import COLUMNS, PARTITION, TABLES

__all__ = ["BatchConfig", "BatchResult", "COLUMNS", "OutputError", "PARTITION", "SparkUnavailable", "TABLES",
           "run_batch", "spark_session"]
