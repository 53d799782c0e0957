"""External actor dictionaries: PETRARCH/Phoenix actor and agent files and actor CSVs, imported into a local
SQLite index and looked up by name and date (see :mod:`newsgraph.actors.dictionary` for the formats and
:mod:`newsgraph.actors.index` for the index)."""

from .dictionary import CodeParts, MalformedLine, UnknownFileError, actor_key, split_code
from .index import ActorCode, ActorIndex, ActorIndexError, BuildStats, build, default_path, open_default

__all__ = ["ActorCode", "ActorIndex", "ActorIndexError", "BuildStats", "CodeParts", "MalformedLine",
           "UnknownFileError", "actor_key", "build", "default_path", "open_default", "split_code"]
