"""Shared fixtures: the loaded pipeline (once per session) and the dev-set location."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def nlp():
    from newsgraph.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def extract_record(nlp):
    """Process one text (and optional publication date) into an ArticleRecord."""
    from newsgraph.ingest import Article
    from newsgraph.nlp.runner import records_for

    def run(text: str, published: str | None = None):
        (record,) = records_for(nlp, [Article(text=text, published=published, item="<test>")])
        record.check_spans()
        return record

    return run


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The dev sets (NEWSGRAPH_DATA, as .ci/run sets it); tests that need them skip without it."""
    value = os.environ.get("NEWSGRAPH_DATA")
    if not value or not Path(value).is_dir():
        pytest.skip("dev sets not available: set NEWSGRAPH_DATA to the shared data folder (../shared/data)")
    return Path(value)


from served_corpus import client, corpus  # noqa: E402,F401 - the served sample corpus (tests/api, tests/web)
