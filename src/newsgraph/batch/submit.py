"""The ``spark-submit`` entry point of ``newsgraph batch``: the same arguments and options.

    spark-submit --master yarn --deploy-mode cluster \\
        --archives newsgraph-env.tar.gz#environment \\
        --conf spark.pyspark.python=./environment/bin/python \\
        "$(python -c 'import newsgraph.batch.submit as m; print(m.__file__)')" \\
        s3a://bucket/crawl-data/CC-NEWS/2024/05/ --output s3a://bucket/newsgraph/2024-05

Without ``--master``, the session is the one spark-submit configured. ``python -m newsgraph.batch`` runs the
same (pyspark then starts its own local Spark unless ``--master`` names another). See ``docs/scale.md``.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run ``newsgraph batch`` with ``argv`` (default: this process's arguments); exits with its exit code."""
    from newsgraph.cli import app

    app(args=["batch", *(sys.argv[1:] if argv is None else argv)], prog_name="newsgraph")


if __name__ == "__main__":
    # Run as a file (spark-submit), this folder is sys.path[0]: its modules (fs, job, ...) must not shadow
    # top-level packages of the same name.
    _here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _here]
    main()
