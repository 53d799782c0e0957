"""Gazetteers: where a place name may point (see :mod:`newsgraph.geo.gazetteer`)."""
