"""Events: PLOVER types, CAMEO roots, modes and actors coded from original sentences."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsgraph.record import PLOVER_TYPES

pytestmark = pytest.mark.slow


def events_of(record, type_=None):
    return [e for e in record.events if type_ is None or e.type == type_]


def one(record, type_):
    found = events_of(record, type_)
    assert found, [(e.type, e.trigger.text) for e in record.events]
    return max(found, key=lambda e: e.confidence)


def test_shelling_by_troops_named_by_a_demonym(extract_record):
    record = extract_record("Turkish troops shelled Kurdish positions near Kobani on Tuesday.", "2024-05-08")
    e = one(record, "ASSAULT")
    assert e.trigger.text == "shelled" and e.cameo_root == "19" and e.mode == "heavy-weapons"
    assert e.source.country == "TUR" and e.source.sector == "MIL"
    assert e.date == "2024-05-07"  # the sentence's Tuesday, not the publication date
    assert e.place is not None and record.places[e.place].mention.text == "Kobani"


def test_negated_and_hypothetical_attacks_are_not_assaults(extract_record):
    assert not events_of(extract_record("The militia did not attack the convoy on Sunday."), "ASSAULT")
    record = extract_record("Officials fear the rebels could strike the capital if the talks fail.")
    assert not events_of(record, "ASSAULT")


def test_a_threat_is_threaten_with_source_and_target(extract_record):
    record = extract_record("Russia threatened to cut gas supplies to Moldova over the winter.")
    e = one(record, "THREATEN")
    assert e.cameo_root == "13" and e.source.country == "RUS" and e.target.country == "MDA"
    assert not events_of(record, "SANCTION")


def test_passive_strike_codes_its_author_and_victim(extract_record):
    record = extract_record("A local militia commander was killed in a Turkish drone strike near Qamishli.")
    e = one(record, "ASSAULT")
    assert e.source.country == "TUR" and e.source.sector == "MIL"
    assert "commander" in e.target.mention.text
    assert e.mode == "aerial"


def test_a_quoted_threat_belongs_to_the_speaker(extract_record):
    record = extract_record('Gen. Tarik Osmanov, the army chief, spoke in Baku. "We will strike back at any '
                            'aggressor," he said.')
    e = one(record, "THREATEN")
    assert e.source.name == "Tarik Osmanov"
    assert e.source.sector == "MIL"


def test_a_demand_is_request_and_an_appeal_is_not_coded(extract_record):
    record = extract_record("Opposition leaders in Zimbabwe demanded that the president resign.")
    e = one(record, "REQUEST")
    assert e.source.sector == "OPP" and e.source.country == "ZWE"
    appeal = extract_record("The envoy urged both sides to return to the negotiating table.")
    assert not events_of(appeal, "REQUEST")


def test_refusing_cooperation_is_reject(extract_record):
    record = extract_record("The Finnish government will not lift the ban on fishing trawlers from Estonia.")
    e = one(record, "REJECT")
    assert e.source.country == "FIN" and e.source.sector == "GOV"


def test_meeting_between_officials_is_consult_with_both_sides(extract_record):
    record = extract_record("Iran's foreign minister met his Iraqi counterpart in Baghdad on Monday.")
    e = one(record, "CONSULT")
    assert e.cameo_root == "04"
    assert e.source.country == "IRN" and e.source.sector == "GOV"
    assert e.target.country == "IRQ"


def test_sanctions_arrests_and_protests(extract_record):
    sanctions = one(extract_record("The European Union imposed new sanctions on Belarus."), "SANCTION")
    assert sanctions.source.sector == "IGO" and sanctions.target.country == "BLR"
    arrests = one(extract_record("Police arrested forty demonstrators in Minsk on Saturday."), "COERCE")
    assert arrests.mode == "arrest" and arrests.source.sector == "COP"
    protest = one(extract_record("Thousands of students marched through Tbilisi demanding new elections."),
                  "PROTEST")
    assert protest.mode == "demo" and protest.source.sector == "EDU"


def test_promised_aid_is_agree_and_future_cooperation_too(extract_record):
    record = extract_record("Norway promised to send medical supplies to Sudan.")
    e = one(record, "AGREE")
    assert e.source.country == "NOR"
    future = extract_record("Japan will give Kenya a loan of 200 million dollars.")
    assert one(future, "AGREE").target.country == "KEN"


def test_roles_give_sectors(extract_record):
    record = extract_record("Defense Secretary Mara Lindqvist condemned the attack. The cleric Hassan Nouri "
                            "praised the ceasefire. Lawmaker Ines Dal criticized the budget.")
    sectors = {e.source.name: e.source.sector for e in record.events if e.source and e.source.name}
    assert sectors.get("Mara Lindqvist") == "GOV"
    assert sectors.get("Hassan Nouri") == "REL"
    assert sectors.get("Ines Dal") == "LEG"


def test_no_events_in_a_plain_statement(extract_record):
    assert extract_record("The weather in Lisbon was mild and the markets were closed for the holiday.").events == []


_WORDS = ["Turkey", "attacked", "did", "not", "troops", "Russia", "threatened", "to", "strike", "Kabul",
          "police", "arrested", "protesters", "the", "said", "will", "could", "if", "met", "sanctions", "on",
          ",", ".", '"', "We", "he", "Iraqi", "minister"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=30))
def test_event_spans_types_and_confidence_are_well_formed(extract_record, words):
    record = extract_record(" ".join(words) + ".")
    for e in record.events:
        assert e.type in PLOVER_TYPES
        assert record.text[e.trigger.start:e.trigger.end] == e.trigger.text
        assert e.sentence.start <= e.trigger.start and e.trigger.end <= e.sentence.end
        assert 0.0 <= e.confidence <= 1.0
        assert e.cameo_root is None or (len(e.cameo_root) == 2 and e.cameo_root.isdigit())
        for actor in (e.source, e.target):
            if actor is not None and actor.mention is not None:
                assert record.text[actor.mention.start:actor.mention.end] == actor.mention.text
            if actor is not None and actor.country is not None:
                assert len(actor.country) == 3
        if e.place is not None:
            assert 0 <= e.place < len(record.places)


def test_a_protest_without_a_target_is_aimed_at_the_government_where_it_happens(extract_record):
    record = extract_record("Thousands of nurses protested in Nairobi on Monday.")
    e = one(record, "PROTEST")
    assert e.source.country == "KEN"  # named without a country, in a sentence set in Nairobi
    assert e.target is not None and e.target.country == "KEN"
    bare = one(extract_record("Thousands of Kenyan nurses protested on Monday over unpaid wages."), "PROTEST")
    assert bare.target is not None and (bare.target.country, bare.target.sector) == ("KEN", "GOV")


def test_a_misspelled_country_still_codes(extract_record):
    record = extract_record("Ethopia has agreed to reopen its borders to aid convoys.")
    assert any(e.source is not None and e.source.country == "ETH" for e in record.events)


def test_well_known_armed_groups_are_coded_without_a_dictionary(extract_record):
    record = extract_record("Hezbollah fighters fired rockets at an army post near the border.")
    e = one(record, "ASSAULT")
    assert (e.source.country, e.source.sector) == ("LBN", "REB")
    assert e.mode == "heavy-weapons"


def test_a_demand_targets_the_one_asked(extract_record):
    record = extract_record("Afghanistan demanded that Pakistan immediately reopen the Torkham border crossing.")
    e = one(record, "REQUEST")
    assert e.source.country == "AFG" and e.target.country == "PAK"
