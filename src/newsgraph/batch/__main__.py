"""``python -m newsgraph.batch INPUT... --output DIR``: ``newsgraph batch`` (see :mod:`newsgraph.batch.submit`)."""

from newsgraph.batch.submit import main

main()
