"""Property: any valid record added to the store comes back exactly."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsgraph.record import Actor, ArticleRecord, Date, Entity, Event, Place, Quote, Span
from newsgraph.store import Store

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200).filter(lambda t: t.strip())
WORD = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
OPT = st.none() | WORD
NUM = st.floats(allow_nan=False, allow_infinity=False, width=64)


@st.composite
def records(draw) -> ArticleRecord:
    text = draw(TEXT)

    def span():
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, len(text)))
        return Span.of(text, start, end)

    def maybe_span():
        return span() if draw(st.booleans()) else None

    def actor():
        if draw(st.booleans()):
            return None
        return Actor(maybe_span(), draw(OPT), draw(OPT), draw(OPT), draw(OPT))

    def many(make, most=3):
        return [make() for _ in range(draw(st.integers(0, most)))]

    return ArticleRecord(
        id=draw(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30)),
        text=text, title=draw(OPT), url=draw(OPT), published=draw(st.none() | st.dates().map(str) | WORD),
        source=draw(OPT), authors=draw(st.lists(WORD, max_size=3)), tags=draw(st.lists(WORD, max_size=3)),
        captions=draw(st.lists(WORD, max_size=2)), language=draw(OPT),
        entities=many(lambda: Entity(draw(WORD), draw(WORD), draw(WORD), draw(st.lists(WORD, max_size=2)),
                                     draw(OPT), many(span))),
        quotes=many(lambda: Quote(draw(st.sampled_from(["direct", "indirect", "mixed"])), span(), many(span, 2),
                                  maybe_span(), maybe_span(), draw(OPT), draw(OPT))),
        places=many(lambda: Place(span(), draw(st.sampled_from(["toponym", "demonym"])), draw(WORD),
                                  draw(st.none() | st.integers(0, 2**62)), draw(OPT), draw(OPT),
                                  draw(st.none() | NUM), draw(st.none() | NUM), draw(OPT))),
        dates=many(lambda: Date(span(), draw(st.sampled_from(["DATE", "TIME", "DURATION", "SET"])), draw(WORD))),
        events=many(lambda: Event(draw(WORD), span(), span(), draw(OPT), actor(), actor(),
                                  draw(st.none() | st.integers(0, 50)), draw(OPT), draw(OPT), draw(NUM))),
        keyphrases=draw(st.lists(WORD, max_size=4)),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records(), min_size=1, max_size=4, unique_by=lambda r: r.id))
def test_add_then_record_round_trips(generated):
    if True:
        with Store.open(":memory:") as store:
            store.add(generated)
            stored = {row[0] for row in store.con.execute("SELECT id FROM articles").fetchall()}
            for record in generated:
                if record.id in stored:
                    assert store.record(record.id).to_json() == record.to_json()
            # records left out were judged copies of stored ones (same text or URL), never lost silently
            assert len(stored) + len(store.duplicates()) + store.stats.present == len(generated)
