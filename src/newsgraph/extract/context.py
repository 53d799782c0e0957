"""Where and when a passage is set: the lookup later extractors (events) use for a sentence.

Both read what the places and dates components left on the Doc (``Doc._.ng_places``, ``Doc._.ng_dates``) and the
publication date the runner stored (:data:`newsgraph.nlp.runner.PUBLISHED_KEY`).
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from ..record import Date, Place
from .places import dateline_end, dateline_place

_SPECIFIC = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")


def place_of(doc: Doc, start: int, end: int) -> Place | None:
    """The place the passage ``doc.text[start:end]`` names (its first resolved toponym; a demonym only when it
    names no toponym; the dateline's place is not named by the sentence that follows it), else the article's
    dateline place, else None."""
    places = [p for p in doc._.ng_places or () if p.lat is not None]
    opening = doc[:80].text  # a dateline opens the text (Doc.text would rebuild the whole text on each call)
    line = dateline_place(opening)
    after = dateline_end(opening)
    inside = [p for p in places if start <= p.mention.start and p.mention.end <= end and p.mention.start >= after]
    toponyms = [p for p in inside if p.kind == "toponym"]
    if toponyms or inside:
        return (toponyms or inside)[0]
    if line is not None:
        for p in places:
            if p.mention.start == line[0]:
                return p
    return None


def date_of(doc: Doc, start: int, end: int) -> str | None:
    """The date the passage ``doc.text[start:end]`` refers to: the value of its first DATE or TIME expression
    that names a calendar date, year or month ("2021-03-02", "2021-W08" is left for a date), else the
    publication date (YYYY-MM-DD), else None."""
    from ..nlp.runner import PUBLISHED_KEY

    dates: list[Date] = [d for d in doc._.ng_dates or () if start <= d.mention.start and d.mention.end <= end]
    for d in dates:
        if d.type in ("DATE", "TIME") and _SPECIFIC.match(d.value) and "W" not in d.value[:8]:
            return d.value
    published = doc.user_data.get(PUBLISHED_KEY)
    return str(published)[:10] if published else None
