"""Dates: TIMEX3 expressions, their types and values normalized against the publication date, on original
sentences (invented people and organizations, real places)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow

WEDNESDAY = "2021-03-03"  # a Wednesday

#: A TIMEX3 value: a (partial) date or date-time, a duration, a set, or a vague reference.
_DATE = r"(?:\d{2,4}|XXXX|XXX|XX|X)(?:-(?:\d\d|XX)(?:-(?:\d\d|XX))?|-W(?:\d\d|XX)(?:-(?:\d|WE))?|-Q[1-4X]|-H[12]|-(?:SP|SU|FA|WI))?"
_TIME = r"(?:T(?:\d\d:\d\d|MO|AF|EV|NI|DT))?"
_PERIOD = (r"P(?:(?:\d+(?:\.\d+)?|X)(?:Y|M|W|D|Q|DE|CE|ML|WE)|T(?:\d+(?:\.\d+)?|X)(?:H|M|S)|"
           r"\d+Y\d+M|\d*DT\d+H|T\d*H?\d+M|T\d*M?\d+S)")
TIMEX3_VALUE = re.compile(rf"(?:{_DATE}{_TIME}|{_PERIOD}|PRESENT_REF|PAST_REF|FUTURE_REF|XXXX-XX-XX{_TIME})")


def dates(record):
    return [(d.mention.text, d.type, d.value) for d in record.dates]


def one(record, text):
    found = [d for d in record.dates if d.mention.text == text]
    assert len(found) == 1, (text, dates(record))
    return found[0].type, found[0].value


# ---- absolute dates -------------------------------------------------------------------------------------------

def test_absolute_dates(extract_record):
    record = extract_record(
        "The Ostrava steelworks closed on March 3, 2021, reopened on 3 March 2022 under a plan filed 2021-03-05, "
        "and its owner, Halvard Metals, first bought it in May 2019 and sold a stake in 1998.", WEDNESDAY)
    assert one(record, "March 3, 2021") == ("DATE", "2021-03-03")
    assert one(record, "3 March 2022") == ("DATE", "2022-03-03")
    assert one(record, "2021-03-05") == ("DATE", "2021-03-05")
    assert one(record, "May 2019") == ("DATE", "2019-05")
    assert one(record, "1998") == ("DATE", "1998")


def test_month_and_day_without_year_takes_the_nearest_year(extract_record):
    record = extract_record("The Lisbon court heard the case on Dec. 28 and will rule on March 15.", "2021-01-10")
    assert one(record, "Dec. 28") == ("DATE", "2020-12-28")
    assert one(record, "March 15") == ("DATE", "2021-03-15")


# ---- weekdays and deixis --------------------------------------------------------------------------------------

def test_weekday_past_and_future_by_tense(extract_record):
    record = extract_record("Mayor Ilse Brandt said Thursday that the Rotterdam port would reopen on Monday.",
                            WEDNESDAY)
    assert one(record, "Thursday") == ("DATE", "2021-02-25")
    assert one(record, "Monday") == ("DATE", "2021-03-08")


def test_weekday_with_future_verb(extract_record):
    record = extract_record("The Kenyan delegation will arrive in Nairobi Friday.", WEDNESDAY)
    assert one(record, "Friday") == ("DATE", "2021-03-05")


def test_weekday_part_of_day(extract_record):
    record = extract_record("Flooding cut power to Porto Alegre on Tuesday morning, the utility Sulvolt said.",
                            WEDNESDAY)
    assert one(record, "Tuesday morning") == ("TIME", "2021-03-02TMO")


def test_today_yesterday_tomorrow_tonight(extract_record):
    record = extract_record("Talks in Geneva ended yesterday, resumed today and will go on tomorrow; a vote is "
                            "expected tonight.", WEDNESDAY)
    assert one(record, "yesterday") == ("DATE", "2021-03-02")
    assert one(record, "today") == ("DATE", "2021-03-03")
    assert one(record, "tomorrow") == ("DATE", "2021-03-04")
    assert one(record, "tonight") == ("TIME", "2021-03-03TNI")


def test_relative_periods(extract_record):
    record = extract_record("Prices in Lagos rose last week, fell this month and doubled last year, the trader "
                            "Femi Adeyemi said. The Quito council met two years ago and again earlier this year.",
                            WEDNESDAY)
    assert one(record, "last week") == ("DATE", "2021-W08")
    assert one(record, "this month") == ("DATE", "2021-03")
    assert one(record, "last year") == ("DATE", "2020")
    assert one(record, "two years ago") == ("DATE", "2019")
    assert one(record, "earlier this year") == ("DATE", "2021")


def test_bare_month_takes_its_year_from_the_tense(extract_record):
    past = extract_record("The Tbilisi mill shut down in November, its manager Nino Beridze said.", WEDNESDAY)
    assert one(past, "November") == ("DATE", "2020-11")
    future = extract_record("The Tbilisi mill will reopen in June, its manager Nino Beridze said.", WEDNESDAY)
    assert one(future, "June") == ("DATE", "2021-06")


def test_decades_seasons_and_quarters(extract_record):
    record = extract_record("The Valdivia fishery boomed in the 1990s, collapsed last summer and reported losses "
                            "for the third quarter.", WEDNESDAY)
    assert one(record, "the 1990s") == ("DATE", "199")
    assert one(record, "last summer") == ("DATE", "2020-SU")
    assert one(record, "the third quarter") == ("DATE", "2020-Q3")


def test_clock_times_take_the_date(extract_record):
    record = extract_record("The Cairo bourse suspended trading at 3 p.m. and reopened at 10:30 a.m. Thursday.",
                            WEDNESDAY)
    assert one(record, "3 p.m.") == ("TIME", "2021-03-03T15:00")
    assert one(record, "10:30 a.m. Thursday") == ("TIME", "2021-02-25T10:30")


# ---- durations, sets, vague -----------------------------------------------------------------------------------

def test_durations(extract_record):
    record = extract_record("Rescuers in Izmir searched for three days; the past two weeks brought 24 hours of "
                            "rain and a five-year drought ended.", WEDNESDAY)
    assert one(record, "three days") == ("DURATION", "P3D")
    assert one(record, "the past two weeks") == ("DURATION", "P2W")
    assert one(record, "24 hours") == ("DURATION", "PT24H")
    assert one(record, "five-year") == ("DURATION", "P5Y")


def test_sets(extract_record):
    record = extract_record("The Tromso ferry sails every week, the buses run daily and the board of Fjordlink "
                            "meets every Tuesday.", WEDNESDAY)
    assert one(record, "every week") == ("SET", "P1W")
    assert one(record, "daily") == ("SET", "P1D")
    assert one(record, "every Tuesday") == ("SET", "XXXX-WXX-2")


def test_vague_references(extract_record):
    record = extract_record("The Accra clinic recently expanded, is now full and hopes to grow in the future, "
                            "said its director, Kwame Osei.", WEDNESDAY)
    assert one(record, "recently") == ("DATE", "PAST_REF")
    assert one(record, "now") == ("DATE", "PRESENT_REF")
    assert one(record, "the future") == ("DATE", "FUTURE_REF")


# ---- years and decades in words, anchored expressions, fractions, ranges --------------------------------------

def test_years_and_decades_said_in_words(extract_record):
    record = extract_record("The Dakar archive opened in nineteen ninety-six, moved in January nineteen ninety-seven "
                            "and boomed in the nineties, its curator, Awa Ndiaye, said; it hopes to be digital by "
                            "the year two thousand thirty. It has twelve hundred visitors.", WEDNESDAY)
    assert one(record, "nineteen ninety-six") == ("DATE", "1996")
    assert one(record, "January nineteen ninety-seven") == ("DATE", "1997-01")
    assert one(record, "the nineties") == ("DATE", "199")
    assert one(record, "the year two thousand thirty") == ("DATE", "2030")
    assert not [d for d in dates(record) if "hundred" in d[0]]


def test_following_and_previous_take_the_last_date_named(extract_record):
    record = extract_record("The Riga ferry line opened in 2015 and closed the following year. Porto dockers struck "
                            "on June 4, 2019, returned the next day, and the following month the owner, Estiva Norte, "
                            "raised wages.", WEDNESDAY)
    assert one(record, "the following year") == ("DATE", "2016")
    assert one(record, "the next day") == ("DATE", "2019-06-05")
    assert one(record, "the following month") == ("DATE", "2019-07")


def test_anchored_morning_and_weekday(extract_record):
    record = extract_record("Firefighters reached the Valparaiso warehouse on Feb. 18 and put out the blaze the next "
                            "morning. The Lyon exchange fell on Monday, March 1, from the previous Friday.", WEDNESDAY)
    assert one(record, "the next morning") == ("TIME", "2021-02-19TMO")
    assert one(record, "the previous Friday") == ("DATE", "2021-02-26")


def test_quarters_anchored_on_the_last_quarter(extract_record):
    record = extract_record("Korvane Mills earned $3 million in the third quarter, up from $2 million in the 2019 "
                            "period, and its chief executive, Ola Brenvik, left that quarter.", WEDNESDAY)
    assert one(record, "the third quarter") == ("DATE", "2020-Q3")
    assert one(record, "the 2019 period") == ("DATE", "2019-Q3")
    assert one(record, "that quarter") == ("DATE", "2020-Q3")
    latest = extract_record("Sales at Halden Foods in the latest period rose 4%.", WEDNESDAY)
    assert one(latest, "the latest period") == ("DATE", "2020-Q4")


def test_financial_year(extract_record):
    record = extract_record("For the year ended Sept. 30, Halden Group earned $4 million, and sales for the full "
                            "year rose 3%.", WEDNESDAY)
    assert one(record, "the year") == ("DURATION", "P1Y")
    assert one(record, "the full year") == ("DATE", "2021")


def test_fractions_and_ranges(extract_record):
    record = extract_record("The Nairobi talks lasted 5 1/2 hours after an earlier round of an hour and a half, the "
                            "refinery was shut for 2 1/2 years, and a deal could take two to three weeks, the "
                            "mediator, Joan Wekesa, said.", WEDNESDAY)
    assert one(record, "5 1/2 hours") == ("DURATION", "PT5H30M")
    assert one(record, "an hour and a half") == ("DURATION", "PT1H30M")
    assert one(record, "2 1/2 years") == ("DURATION", "P2Y6M")
    assert one(record, "two to three weeks") == ("DURATION", "PXW")


def test_times_of_day_in_words(extract_record):
    record = extract_record("On Tuesday, the Gdansk shipyard alarm sounded at 4 in the morning, and workers left in "
                            "the afternoon. The Oslo choir of Marit Holm rehearses on Tuesday nights.", WEDNESDAY)
    assert one(record, "4 in the morning") == ("TIME", "2021-03-02T04:00")
    assert one(record, "the afternoon") == ("TIME", "2021-03-02TAF")
    assert one(record, "Tuesday nights") == ("SET", "XXXX-WXX-2TNI")


def test_weekday_tense_cues(extract_record):
    record = extract_record("Sandvik Rail has scheduled a vote on Thursday. The Bergen council had filed its report "
                            "by Monday, its clerk, Lene Dahl, said.", WEDNESDAY)
    assert one(record, "Thursday") == ("DATE", "2021-03-04")
    assert one(record, "Monday") == ("DATE", "2021-03-01")


def test_recent_weeks_is_a_duration(extract_record):
    record = extract_record("Bread prices in Accra have risen in recent weeks, the baker Kofi Mensah said.", WEDNESDAY)
    assert one(record, "recent weeks") == ("DURATION", "PXW")


# ---- what is not a date ---------------------------------------------------------------------------------------

def test_ages_numbers_and_money_are_not_dates(extract_record):
    record = extract_record("The 71-year-old fisherman, aged 71, and a 40-year-old neighbor paid $1,995 for 2000 "
                            "nets and 1,850 crates in Mombasa, a rise of 12 percent.", WEDNESDAY)
    assert dates(record) == []


def test_ages_in_years_old(extract_record):
    record = extract_record("Vera Lindqvist, who is 58 years old, has lived in Uppsala for 30 years.", WEDNESDAY)
    assert dates(record) == [("30 years", "DURATION", "P30Y")]


# ---- without a publication date -------------------------------------------------------------------------------

def test_placeholders_without_a_publication_date(extract_record):
    record = extract_record("The Hanoi council voted on Tuesday, a day after the mayor, Tran Linh, resigned "
                            "yesterday; it met last week and in March.", None)
    assert one(record, "Tuesday") == ("DATE", "XXXX-WXX-2")
    assert one(record, "yesterday") == ("DATE", "XXXX-XX-XX")
    assert one(record, "last week") == ("DATE", "XXXX-WXX")
    assert one(record, "March") == ("DATE", "XXXX-03")


def test_dateline_gives_the_publication_date(extract_record):
    record = extract_record("MONTEVIDEO, March 3, 2021 (Wire) — The dockworkers' union Portuaria said on Tuesday "
                            "it would strike.", None)
    assert one(record, "Tuesday") == ("DATE", "2021-03-02")


def test_dateline_without_year(extract_record):
    record = extract_record("WASHINGTON, March 3 (Wire) — Senator Ruth Okafor said yesterday she would resign.",
                            None)
    assert one(record, "yesterday") == ("DATE", "XXXX-03-02")


def test_publication_date_time_is_read(extract_record):
    record = extract_record("The Manila exchange opened late today.", "2021-03-03T09:30:00+08:00")
    assert one(record, "late today") == ("DATE", "2021-03-03")


# ---- properties -----------------------------------------------------------------------------------------------

_WORDS = ["March", "May", "3", "2021", "Tuesday", "morning", "last", "week", "every", "two", "years", "ago",
          "the", "1990s", "p.m.", "3:15", "a", "day", "now", "—", "Sept.", "71-year-old", "aged", "daily", ",", ".",
          "\n", "next", "quarter", "third-quarter", "tonight", "fall", "Dec.", "31", "é", "’s", "$", "%", "in",
          "nineteen", "ninety-six", "two thousand", "1/2", "and a half", "to", "following", "the nineties", "period"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(_WORDS) | st.text(max_size=6), min_size=1, max_size=25),
       published=st.sampled_from([None, "2021-03-03", "1999-12-31T23:00:00Z", "not a date"]))
def test_spans_are_exact_and_values_are_timex3(nlp, words, published):
    from newsgraph.extract.dates import extract_dates
    from newsgraph.nlp.runner import PUBLISHED_KEY

    text = " ".join(words)
    if not text.strip():
        return
    doc = nlp.make_doc(text)
    doc.user_data[PUBLISHED_KEY] = published
    doc = nlp(doc)
    for date in extract_dates(doc):
        assert text[date.mention.start:date.mention.end] == date.mention.text
        assert date.type in ("DATE", "TIME", "DURATION", "SET")
        assert TIMEX3_VALUE.fullmatch(date.value), (date.mention.text, date.value)


def test_word_lists_are_data_files():
    from newsgraph.extract.dates import time_words

    words = time_words()
    assert words["month"]["sept."] == "09" and words["weekday"]["tuesday"] == "2"
    assert {"number", "unit", "part_of_day", "vague", "set_word", "age"} <= set(words)


# ---- parser quirks --------------------------------------------------------------------------------------------

def test_tense_of_a_self_headed_conjunct_ends():
    """A parser can label a sentence's root as a conjunct of itself; the tense walk up the heads must stop there
    (spaCy makes a new Token object on each access, so the walk compares positions, not identity)."""
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from newsgraph.extract.dates import _verb_tense

    doc = Doc(Vocab(), words=["Talks", "resuming", "Tuesday"], heads=[1, 1, 1], deps=["nsubj", "conj", "npadvmod"],
              tags=["NNS", "VBG", "NNP"], pos=["NOUN", "VERB", "PROPN"])
    assert doc[1].head.i == doc[1].i and doc[1].dep_ == "conj"
    assert _verb_tense(doc[1]) is None
    doc = Doc(Vocab(), words=["Talks", "resuming", "stalled"], heads=[2, 2, 2], deps=["nsubj", "advcl", "ROOT"],
              tags=["NNS", "VBG", "VBD"], pos=["NOUN", "VERB", "VERB"])
    assert _verb_tense(doc[1]) == "past"  # the walk still climbs to a real head: "resuming" under a past verb
