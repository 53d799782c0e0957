"""Places resolved with the article's context: counties, province abbreviations, the article's own town or
country for names the gazetteer lacks, datelines split by the tagger (original sentences, real places)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def places(record, text):
    found = [p for p in record.places if p.mention.text == text]
    assert found, [(p.mention.text, p.name) for p in record.places]
    return found


def test_a_street_the_gazetteer_lacks_lies_in_the_article_s_town(extract_record):
    record = extract_record("Police in Winnipeg said a man was hurt on Ashgrove Avenue late Friday. Neighbours on "
                            "Ashgrove Avenue heard shouting.")
    for street in places(record, "Ashgrove Avenue"):
        assert street.name == "Winnipeg" and street.country == "CAN"
        assert record.text[street.mention.start:street.mention.end] == "Ashgrove Avenue"


def test_an_unknown_village_falls_back_to_the_article_s_country(extract_record):
    record = extract_record("The new clinic in Ballyquirke will serve families across Ireland, the Health "
                            "Service Executive said.")
    (village,) = places(record, "Ballyquirke")
    assert village.country == "IRL" and village.feature == "A.PCLI"
    assert village.mention.text == "Ballyquirke"


def test_a_canadian_province_abbreviation_after_a_town(extract_record):
    record = extract_record("A truck overturned near Moncton, N.B., on Tuesday morning.")
    (moncton,) = places(record, "Moncton")
    assert moncton.country == "CAN" and moncton.admin1 == "04"
    (province,) = places(record, "N.B.")
    assert province.name == "New Brunswick" and province.feature == "A.ADM1"


def test_an_abbreviation_shared_with_a_us_state_follows_the_article(extract_record):
    record = extract_record("Swimmers were warned off the beach at Rockingham, south of Fremantle, while officials "
                            "in WA reviewed the water tests.")
    (state,) = places(record, "WA")
    assert state.country == "AUS" and state.name == "Western Australia"


def test_a_county_resolves_to_the_county_of_the_article_s_state(extract_record):
    record = extract_record("The winning ticket was sold in Morris County, lottery officials in Trenton said.")
    (county,) = places(record, "Morris County")
    assert county.feature == "A.ADM2" and county.country == "USA" and county.admin1 == "NJ"


def test_a_county_written_after_a_place_is_the_county(extract_record):
    record = extract_record("The British series visits Brands Hatch, Kent, in April and Snetterton, Norfolk, in "
                            "July, organisers in London said.")
    for name in ("Kent", "Norfolk"):
        (county,) = places(record, name)
        assert county.country == "GBR" and county.feature == "A.ADM2", county


def test_a_dateline_split_by_the_tagger_is_read_whole(extract_record):
    record = extract_record("ST. LOUIS — Police arrested two men suspected of stealing meat from a restaurant.")
    (city,) = places(record, "ST. LOUIS")
    assert city.name == "St. Louis" and city.country == "USA" and city.admin1 == "MO"
    assert not any(p.mention.text == "ST" for p in record.places)


def test_an_irish_town_among_irish_towns(extract_record):
    record = extract_record("The museum reopened in Dundalk on Monday, and gardaí in Drogheda and Navan said "
                            "traffic was heavy.")
    (town,) = places(record, "Dundalk")
    assert town.country == "IRL"


def test_a_famous_city_stays_itself_in_an_article_about_other_countries(extract_record):
    record = extract_record("Officials from Brazil and Venezuela met in Geneva to discuss the refugees crossing "
                            "into Roraima.")
    (city,) = places(record, "Geneva")
    assert city.country == "CHE"


def test_a_list_of_cities_is_not_read_as_town_and_state(extract_record):
    record = extract_record("After stops in Washington, New York and Boston, the delegation flew home.")
    (city,) = places(record, "New York")
    assert city.feature.startswith("P.") and city.country == "USA"
