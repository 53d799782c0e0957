"""The record: span invariants (property tests), JSON shape, and the shipped JSON Schema."""

from __future__ import annotations

import json

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsgraph.record import ArticleRecord, Entity, Quote, Span, SpanError, json_schema, text_id


@given(st.text(), st.data())
def test_span_of_covers_exactly_its_text(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    span = Span.of(text, start, end)
    assert span.text == text[start:end]
    span.check(text)


@given(st.text(max_size=50), st.integers(-5, 60), st.integers(-5, 60))
def test_span_of_refuses_offsets_outside_the_text(text, start, end):
    if 0 <= start <= end <= len(text):
        assert Span.of(text, start, end).text == text[start:end]
    else:
        with pytest.raises(SpanError):
            Span.of(text, start, end)


@given(st.text(min_size=1))
def test_check_spans_catches_a_wrong_text(text):
    record = ArticleRecord(id="x", text=text,
                           entities=[Entity("E1", "n", "PERSON", mentions=[Span(0, len(text), text + "!")])])
    with pytest.raises(SpanError):
        record.check_spans()


@given(st.text(min_size=1))
def test_dumps_is_one_physical_line_that_round_trips(text):
    record = ArticleRecord(id=text_id(text), text=text)
    line = record.dumps()
    assert "\n" not in line and "\r" not in line and "\u2028" not in line and "\u2029" not in line
    assert json.loads(line)["text"] == text


def test_text_id_is_stable_and_distinct():
    assert text_id("a") == text_id("a") != text_id("b")


def test_empty_record_validates_against_the_schema():
    jsonschema.validate(ArticleRecord(id="a", text="Some text.").to_json(), json_schema())


def test_schema_rejects_a_missing_field_and_a_bad_kind():
    record = ArticleRecord(id="a", text="He said it.",
                           quotes=[Quote("direct", Span.of("He said it.", 8, 10))]).to_json()
    jsonschema.validate(record, json_schema())
    broken = json.loads(json.dumps(record))
    broken["quotes"][0]["kind"] = "rumour"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, json_schema())
    del record["entities"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(record, json_schema())


def test_schema_lists_every_record_field():
    fields = set(ArticleRecord.__dataclass_fields__)
    assert fields == set(json_schema()["properties"]) == set(json_schema()["required"])
