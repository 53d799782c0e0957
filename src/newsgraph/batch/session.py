"""Starting Spark for a batch job: checks with clear errors, the workers' Python, quiet defaults.

Under ``spark-submit`` the session spark-submit prepared is used as it is (master, resources and the Python of
the packed environment come from spark-submit's options). Started from ``newsgraph batch`` or ``python -m
newsgraph.batch``, pyspark launches its own JVM; the master is ``--master`` (default: Spark's own, ``local[*]``)
and, in local mode, the workers run this same Python unless ``PYSPARK_PYTHON`` says otherwise.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Mapping


class SparkUnavailable(RuntimeError):
    """pyspark or Java is missing; the message says what to install."""


def under_spark_submit() -> bool:
    """Whether this process was started by ``spark-submit`` (which hands pyspark its JVM's port)."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def java_executable() -> str | None:
    """The ``java`` pyspark will launch (``$JAVA_HOME/bin/java``, else the one on PATH), or None."""
    home = os.environ.get("JAVA_HOME")
    if home and os.access(os.path.join(home, "bin", "java"), os.X_OK):
        return os.path.join(home, "bin", "java")
    return shutil.which("java")


def check_spark() -> None:
    """Raise :class:`SparkUnavailable` unless pyspark is importable and (outside spark-submit) Java is there."""
    if importlib.util.find_spec("pyspark") is None:
        raise SparkUnavailable("pyspark is not installed: pip install 'newsgraph[spark]' (or pyspark>=3.5)")
    if not under_spark_submit() and java_executable() is None:
        raise SparkUnavailable("Spark needs Java (17 or later for pyspark 4), and none was found: install a JDK "
                               "and put java on PATH or set JAVA_HOME")


#: Settings for a quiet local session (tests, benchmarks): no UI, no progress bars, few shuffle partitions.
QUIET = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.driver.memory": "1g",
}


def spark_session(master: str | None = None, conf: Mapping[str, str] | None = None, *,
                  app_name: str = "newsgraph batch", log_level: str = "WARN"):
    """A SparkSession for a batch job (the existing one when there is one, e.g. under spark-submit).

    ``conf`` settings apply when this call starts Spark; ``spark.driver.memory`` and the like only then.
    """
    check_spark()
    from pyspark.sql import SparkSession

    effective = master or (conf or {}).get("spark.master") or "local[*]"
    if not under_spark_submit() and effective.startswith("local") and "PYSPARK_PYTHON" not in os.environ:
        os.environ["PYSPARK_PYTHON"] = sys.executable  # workers import newsgraph from this environment
    builder = SparkSession.builder.appName(app_name)
    if "spark.ui.showConsoleProgress" not in (conf or {}):  # newsgraph reports each wave itself
        builder = builder.config("spark.ui.showConsoleProgress", "false")
    if master:
        builder = builder.master(master)
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(log_level)
    if "spark.sql.debug.maxToStringFields" not in (conf or {}):  # the events table's plan is wide: no warning
        spark.conf.set("spark.sql.debug.maxToStringFields", "500")
    return spark
