"""newsgraph's spaCy pipeline components, one job each, registered as ``newsgraph_<name>`` factories.

Each reads what the model and earlier components left on the Doc and writes its own ``Doc._.ng_<name>``
extension holding record objects (:mod:`newsgraph.record`); :func:`newsgraph.record.from_doc` collects them.
"""

from . import entities, places, quotes  # noqa: F401  (registers newsgraph_entities, _places, _quotes)
from . import dates  # noqa: F401  (registers newsgraph_dates)

__all__ = ["entities", "places", "quotes"]
