"""Where and when a sentence is set: the lookup the events extractor uses."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def _doc(nlp, text, published=None):
    from newsgraph.nlp.runner import PUBLISHED_KEY

    doc = nlp.make_doc(text)
    if published:
        doc.user_data[PUBLISHED_KEY] = published
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def test_a_sentence_takes_its_own_place_and_date(nlp):
    from newsgraph.extract.context import date_of, place_of

    doc = _doc(nlp, "KABUL, Afghanistan (Wire) — Troops withdrew from Kandahar on Tuesday. The talks went on.",
               "2021-03-03")
    sentences = list(doc.sents)
    first = next(s for s in sentences if "Kandahar" in s.text)
    second = next(s for s in sentences if "talks" in s.text)
    assert place_of(doc, first.start_char, first.end_char).mention.text == "Kandahar"
    assert date_of(doc, first.start_char, first.end_char) == "2021-03-02"
    # a sentence naming neither falls back on the dateline and the publication date
    assert place_of(doc, second.start_char, second.end_char).name == "Kabul"
    assert date_of(doc, second.start_char, second.end_char) == "2021-03-03"


def test_nothing_known_gives_none(nlp):
    from newsgraph.extract.context import date_of, place_of

    doc = _doc(nlp, "The committee met again and the vote was postponed.")
    assert place_of(doc, 0, len(doc.text)) is None
    assert date_of(doc, 0, len(doc.text)) is None
