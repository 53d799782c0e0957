"""Event actors: which phrase is the source and the target, and how each is coded (original sentences)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def one(record, type_):
    found = [e for e in record.events if e.type == type_]
    assert found, [(e.type, e.trigger.text) for e in record.events]
    return max(found, key=lambda e: e.confidence)


def span(actor, text):
    """The actor's mention as (start, end, text), to compare with the sentence's own offsets."""
    assert actor is not None and actor.mention is not None, actor
    return actor.mention.start, actor.mention.end, actor.mention.text


def at(text, phrase):
    start = text.index(phrase)
    return start, start + len(phrase), phrase


def test_an_international_organization_has_no_country(extract_record):
    text = "The European Union imposed new sanctions on Belarus on Monday."
    e = one(extract_record(text), "SANCTION")
    assert span(e.source, text) == at(text, "European Union")
    assert (e.source.country, e.source.sector) == (None, "IGO")  # not Belarus's, though the sentence is about it
    assert span(e.target, text) == at(text, "Belarus") and e.target.country == "BLR"


def test_an_ngo_source_and_a_demonym_coded_target_of_a_demand(extract_record):
    text = "Amnesty International demanded that the Egyptian government release the jailed journalist Omar Hadid."
    e = one(extract_record(text), "REQUEST")
    assert (e.source.country, e.source.sector) == (None, "NGO")
    assert span(e.target, text) == at(text, "Egyptian government")
    assert (e.target.country, e.target.sector) == ("EGY", "GOV")


def test_a_demand_that_someone_act_targets_the_clause_subject(extract_record):
    text = "Opposition groups in Kenya demanded that President Otieno Marlow step down."
    e = one(extract_record(text), "REQUEST")
    assert span(e.source, text) == at(text, "Opposition groups")
    assert (e.source.country, e.source.sector) == ("KEN", "OPP")
    assert span(e.target, text) == at(text, "President Otieno Marlow")
    assert (e.target.country, e.target.sector) == ("KEN", "GOV")


def test_a_conditional_threat_targets_the_one_whose_conduct_it_is_about(extract_record):
    text = "Chile threatened to recall its ambassador if Argentina goes ahead with the new tariffs."
    e = one(extract_record(text), "THREATEN")
    assert e.source.country == "CHL"
    assert span(e.target, text) == at(text, "Argentina") and e.target.country == "ARG"


def test_a_capital_stands_for_its_government(extract_record):
    text = "Moscow rejected a proposal from Norway for talks on fishing rights."
    e = one(extract_record(text), "REJECT")
    assert span(e.source, text) == at(text, "Moscow")
    assert (e.source.country, e.source.sector) == ("RUS", "GOV")
    assert e.target.country == "NOR"


def test_a_pronoun_in_a_reported_clause_is_the_reporter(extract_record):
    text = "Chile's foreign ministry announced that it would expel two Peruvian diplomats."
    e = next(e for e in extract_record(text).events if e.trigger.text == "expel")
    assert span(e.source, text) == at(text, "Chile's foreign ministry")
    assert (e.source.country, e.source.sector) == ("CHL", "GOV")
    assert e.target.country == "PER"


def test_passive_voice_with_the_attacker_in_a_when_clause(extract_record):
    text = "Lebanese soldiers were wounded when Syrian forces shelled a border post."
    e = next(e for e in extract_record(text).events if e.trigger.text == "wounded")
    assert e.type == "ASSAULT"
    assert span(e.source, text) == at(text, "Syrian forces")
    assert (e.source.country, e.source.sector) == ("SYR", "MIL")
    assert span(e.target, text) == at(text, "Lebanese soldiers") and e.target.country == "LBN"


def test_a_verb_joined_to_a_passive_one_keeps_its_own_voice(extract_record):
    text = "Peru's prime minister has been questioned by prosecutors and will resign."
    e = next(e for e in extract_record(text).events if e.trigger.text == "resign")
    assert span(e.source, text) == at(text, "Peru's prime minister")  # the one who resigns, not a target
    assert (e.source.country, e.source.sector) == ("PER", "GOV")
    assert e.target is None


def test_weapons_fired_by_someone_are_theirs(extract_record):
    text = "The missiles fired by the Iranian navy struck an oil tanker in the Gulf."
    e = one(extract_record(text), "ASSAULT")
    assert span(e.source, text) == at(text, "Iranian navy")
    assert (e.source.country, e.source.sector) == ("IRN", "MIL")


def test_an_unattributed_bombing_is_coded_to_where_it_happened(extract_record):
    text = "A car bomb killed three police officers in Kandahar on Sunday."
    e = one(extract_record(text), "ASSAULT")
    assert (e.source.country, e.source.sector) == ("AFG", "UAF")
    assert span(e.target, text) == at(text, "three police officers")
    assert e.target.sector == "COP"


def test_a_victims_nationality_is_not_where_an_unattributed_attack_happened(extract_record):
    text = "A roadside bomb killed two French soldiers on Sunday."
    e = one(extract_record(text), "ASSAULT")
    assert e.target.country == "FRA"
    assert e.source is None or e.source.country is None


def test_a_counted_crowd_is_civilians_of_the_place(extract_record):
    text = "Hundreds of thousands of people marched in Santiago to protest against the government."
    e = one(extract_record(text), "PROTEST")
    assert span(e.source, text) == at(text, "people")
    assert (e.source.country, e.source.sector) == ("CHL", "CVL")


def test_in_defiance_of_names_the_target(extract_record):
    text = "Workers at the Tarsis steel plant in Turkey went on strike in defiance of the Labour Ministry."
    e = one(extract_record(text), "PROTEST")
    assert (e.source.country, e.source.sector) == ("TUR", "LAB")
    assert span(e.target, text) == at(text, "Labour Ministry")
    assert (e.target.country, e.target.sector) == ("TUR", "GOV")


def test_a_named_movement_is_not_a_place_of_that_name(extract_record):
    text = "Washington and its allies demanded that Hamas release the hostages."
    e = one(extract_record(text), "REQUEST")
    assert (e.source.country, e.source.sector) == ("USA", "GOV")
    assert span(e.target, text) == at(text, "Hamas")
    assert (e.target.country, e.target.sector) == ("PSE", "REB")


def test_an_international_militant_group_inside_a_possessive(extract_record):
    text = "Osama Farouk's al-Qaeda network has threatened to strike the United States and Kenya."
    e = one(extract_record(text), "THREATEN")
    assert (e.source.country, e.source.sector) == (None, "IMG")
    assert e.target.country in ("USA", "KEN")


def test_aid_donated_and_delivered_reaches_the_recipient_of_the_second_verb(extract_record):
    text = "Nurses from two Danish charities donated and delivered medicine to a hospital in Mosul."
    e = one(extract_record(text), "AID")
    assert e.source.country == "DNK"
    assert e.target is not None and e.target.country == "IRQ"


def test_a_named_target_is_not_replaced_by_where_it_was(extract_record):
    text = "Israeli agents kidnapped a Hezbollah commander in Beirut."
    e = one(extract_record(text), "ASSAULT")
    assert e.source.country == "ISR"
    assert span(e.target, text) == at(text, "Hezbollah commander")
    assert (e.target.country, e.target.sector) == ("LBN", "REB")


def test_troops_sent_to_a_mission_are_aimed_at_where_it_serves(extract_record):
    text = "Ghana is sending 400 troops to the UN peacekeeping mission in Mali."
    e = next(e for e in extract_record(text).events if e.trigger.text == "sending")
    assert e.source.country == "GHA"
    assert span(e.target, text) == at(text, "Mali") and e.target.country == "MLI"


def test_a_relative_pronoun_stands_for_its_noun(extract_record):
    text = "Police fired tear gas at protesters who defied a curfew in Lusaka."
    defied = next(e for e in extract_record(text).events if e.trigger.text == "defied")
    assert span(defied.source, text) == at(text, "protesters")
    assert (defied.source.country, defied.source.sector) == ("ZMB", "CVL")


def test_well_known_seats_of_government_are_coded(extract_record):
    text = "The Kremlin accused Finland of provoking tensions on the border."
    e = one(extract_record(text), "ACCUSE")
    assert span(e.source, text) == at(text, "Kremlin")
    assert (e.source.country, e.source.sector) == ("RUS", "GOV")
    assert e.target.country == "FIN"


def test_coordinated_parties_to_talks_are_each_others_target(extract_record):
    text = "Colombia and Ecuador resumed talks on a new border crossing."
    e = one(extract_record(text), "CONSULT")
    assert span(e.source, text) == at(text, "Colombia")
    assert span(e.target, text) == at(text, "Ecuador")  # not the topic of the talks


def test_a_concession_after_talks_targets_the_other_party(extract_record):
    text = "The teachers' union called off its strike after talks with the Ghanaian government."
    e = one(extract_record(text), "CONCEDE")
    assert span(e.target, text) == at(text, "Ghanaian government")
    assert (e.target.country, e.target.sector) == ("GHA", "GOV")


def test_the_possessor_in_an_apposition_after_as_is_the_target(extract_record):
    text = "Norway denounced as a grave violation Russia's detention of two fishermen."
    e = one(extract_record(text), "ACCUSE")
    assert e.source.country == "NOR"
    assert span(e.target, text) == at(text, "Russia") and e.target.country == "RUS"
