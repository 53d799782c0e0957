"""newsgraph's spaCy pipeline components, one job each, registered as ``newsgraph_<name>`` factories.

Each reads what the model and earlier components left on the Doc and writes its own ``Doc._.ng_<name>``
extension holding record objects (:mod:`newsgraph.record`); :func:`newsgraph.record.from_doc` collects them.
"""

from . import dates, entities, events, keyphrases, places, quotes  # noqa: F401  (registers newsgraph_* factories)

__all__ = ["dates", "entities", "events", "keyphrases", "places", "quotes"]
