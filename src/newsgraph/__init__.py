"""newsgraph: turn news articles into structured, verifiable knowledge.

Data flows one way: ``ingest`` (source → Article) → ``nlp`` (the shared spaCy pipeline with newsgraph's
components from ``extract``) → ``record.from_doc`` (Doc → ArticleRecord) → output.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newsgraph")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
