"""The embedded corpus store (DuckDB): articles, their annotations, duplicates and failures in one file.

    from newsgraph.store import Store

    with Store.open("newsgraph.duckdb") as store:
        stats = store.add(records)          # idempotent; committed in small batches
        record = store.record(article_id)   # the exact record back

``newsgraph ingest`` fills a store from articles (through the NLP pipeline) or from records.
"""

from .records import RecordError, read_records, record_from_json
from .schema import SCHEMA_VERSION
from .store import AddStats, FailureRow, Store, StoreError, Verdict, canonical_url, failure_key, text_hash

__all__ = ["AddStats", "FailureRow", "RecordError", "SCHEMA_VERSION", "Store", "StoreError", "Verdict",
           "canonical_url", "failure_key", "read_records", "record_from_json", "text_hash"]
