"""Quotes: direct, indirect and mixed quotations, cues and speakers, on original sentences."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def only(record, kind=None):
    quotes = [q for q in record.quotes if kind is None or q.kind == kind]
    assert len(quotes) == 1, [(q.kind, q.content.text) for q in record.quotes]
    return quotes[0]


def test_direct_quote_after_a_colon_cue(extract_record):
    q = only(extract_record('Mayor Ines Varga said: "The bridge will reopen next week."'))
    assert q.kind == "direct"
    assert q.content.text == '"The bridge will reopen next week."'
    assert q.cue.text == "said"
    assert q.speaker.text == "Ines Varga" and q.speaker_name == "Ines Varga"


def test_interrupted_quote_is_one_quote_in_parts(extract_record):
    record = extract_record(
        'Foreign Ministry spokeswoman Lina Haddad spoke in Beirut on Friday. "We will not be intimidated," she '
        'said. "The talks go on."')
    q = only(record)
    assert [p.text for p in q.parts] == ['"We will not be intimidated,"', '"The talks go on."']
    assert q.content.text.startswith('"We will') and q.content.text.endswith('go on."')
    assert q.speaker.text == "she" and q.speaker_name == "Lina Haddad"


def test_curly_quote_before_an_inverted_cue(extract_record):
    q = only(extract_record("“Nobody expected the flood to come so fast,” said Tomas Reyes, a farmer in Cebu."))
    assert q.kind == "direct" and q.speaker_name == "Tomas Reyes"


def test_indirect_quote_with_that(extract_record):
    q = only(extract_record("Interior Minister Kofi Mensah said on Monday that the border with Togo would stay open."))
    assert q.kind == "indirect"
    assert q.content.text == "the border with Togo would stay open"
    assert q.cue.text == "said" and q.speaker_name == "Kofi Mensah"


def test_indirect_quote_with_a_trailing_cue(extract_record):
    q = only(extract_record("The convoy reached the camp before dawn, the aid agency's director, Ruth Alon, said."))
    assert q.content.text == "The convoy reached the camp before dawn"
    assert q.speaker_name == "Ruth Alon"


@pytest.mark.parametrize("text, content, source", [
    ("According to the Health Ministry, 40 people were injured in the blast.",
     "40 people were injured in the blast", "Health Ministry"),  # the body's mention, without "the"
    ("Forty people were injured in the blast, according to two hospital officials.",
     "Forty people were injured in the blast", "two hospital officials"),
])
def test_according_to(extract_record, text, content, source):
    q = only(extract_record(text))
    assert q.cue.text.lower() == "according to"
    assert q.content.text == content
    assert q.speaker.text == source


@pytest.mark.parametrize("text, content", [
    # the phrase opens the sentence after a conjunction: what follows it
    ("But, according to the survey, most farmers in Oyo now sell their maize within a week of harvest.",
     "most farmers in Oyo now sell their maize within a week of harvest"),
    # what follows the phrase is no clause of its own: what precedes it
    ("Exports of cocoa rose 14 percent in March, according to the statistics bureau, twice the forecast.",
     "Exports of cocoa rose 14 percent in March"),
    # the source's appositive and relative clause belong to the phrase
    ("The levy would cost small shops about $900 a year, according to Marta Quell, an economist at the "
     "Lagos Business School, whose figures the union has cited.",
     "The levy would cost small shops about $900 a year"),
])
def test_according_to_reports_the_side_of_the_sentence_that_holds_the_clause(extract_record, text, content):
    q = only(extract_record(text))
    assert q.cue.text.lower() == "according to"
    assert q.content.text == content
    assert len(q.parts) <= 1  # one piece, not split around the phrase


def test_according_to_inside_a_sentence_reports_both_sides_in_parts(extract_record):
    q = only(extract_record("The next day, according to Ikenna Moyo, the firm made further demands on the port."))
    assert [p.text for p in q.parts] == ["The next day", "the firm made further demands on the port"]
    assert q.speaker.text == "Ikenna Moyo"


@pytest.mark.parametrize("text, content, cue, speaker", [
    ("Officials in Accra dismissed the ministry's warning that the dam could fail within weeks.",
     "the dam could fail within weeks", "warning", "the ministry"),
    ("Senator Ana Ruiz repeated her claim that the count in Salta had been rigged.",
     "the count in Salta had been rigged", "claim", "her"),
    ("The allegation by prosecutors that Dario Pel paid the inspectors was rejected by the court.",
     "Dario Pel paid the inspectors", "allegation", "prosecutors"),
    ("Governor Lwazi Dube's pledge to rebuild the bridge by June won loud applause in Durban.",
     "to rebuild the bridge by June", "pledge", "Lwazi Dube"),
])
def test_nominal_cue_reports_its_clause(extract_record, text, content, cue, speaker):
    q = only(extract_record(text))
    assert q.kind == "indirect"
    assert q.content.text == content and q.cue.text == cue and q.speaker.text == speaker


def test_nominal_cue_resolves_a_possessive_pronoun(extract_record):
    record = extract_record("Senator Ana Ruiz spoke in Salta on Monday. She repeated her claim that the count "
                            "had been rigged.")
    q = next(q for q in record.quotes if q.cue.text == "claim")
    assert q.speaker.text == "her" and q.speaker_name == "Ana Ruiz"


@pytest.mark.parametrize("text", [
    "The claim that he made on Monday was false.",  # a relative clause reports nothing
    "Analysts questioned the fact that the company had lost money.",  # no speech act
])
def test_nouns_that_report_nothing_are_no_cue(extract_record, text):
    assert not [q for q in extract_record(text).quotes if q.cue is not None and q.cue.text in ("claim", "fact")]


def test_mixed_quote(extract_record):
    q = only(extract_record('Defense Minister Selin Aras said that a "decisive response" awaited the militants.'))
    assert q.kind == "mixed"
    assert q.content.text == 'a "decisive response" awaited the militants'
    assert q.speaker_name == "Selin Aras"


def test_quoted_as_saying(extract_record):
    q = only(extract_record(
        "Rebel commander Idris Kone was quoted by a local radio station as saying that his men would not disarm."))
    assert q.cue.text == "was quoted by a local radio station as saying"
    assert q.content.text == "his men would not disarm"
    assert q.speaker_name == "Idris Kone"


def test_pronoun_resolves_by_the_gender_the_text_gives(extract_record):
    record = extract_record(
        "Trade Minister Ana Ruiz met Finance Minister Pablo Soto in Lima on Monday. Ruiz said her ministry "
        "would publish the figures. Soto said his team needed more time. She added that a deal was close.")
    added = [q for q in record.quotes if q.cue.text == "added"][0]
    assert added.speaker.text == "She" and added.speaker_name == "Ana Ruiz"


def test_nominal_speaker_resolves_to_the_role_holder(extract_record):
    record = extract_record(
        "Gen. Marta Ilic toured the front on Sunday. The general said the line would hold through the winter.")
    q = only(record)
    assert q.speaker.text == "The general" and q.speaker_name == "Marta Ilic"


def test_floating_quote_paragraph_takes_the_previous_speaker(extract_record):
    record = extract_record(
        "Nadia Karim, a nurse at the clinic in Mosul, said supplies had run out on Tuesday.\n\n"
        "\u201cWe are treating people on the floor. We have no more bandages.\u201d")
    floating = [q for q in record.quotes if q.kind == "direct"][0]
    assert floating.cue is None and floating.speaker is None
    assert floating.speaker_name == "Nadia Karim"


def test_group_speaker_has_no_entity(extract_record):
    q = only(extract_record("Two diplomats, who spoke on condition of anonymity, said the vote would be delayed."))
    assert q.speaker.text == "Two diplomats" and q.speaker_entity is None


def test_negated_and_passive_cues_are_not_quotes(extract_record):
    record = extract_record("The ministry would not say whether the talks had failed. He was told the road was shut.")
    assert record.quotes == []


def test_quote_spans_are_exact(extract_record):
    text = "“It is over,” she said.\n\nLawmaker Omar Said told reporters that “the vote is lost,” and left."
    record = extract_record(text)
    for q in record.quotes:
        for span in [q.content, *q.parts, q.cue, q.speaker]:
            if span is not None:
                assert text[span.start:span.end] == span.text


def test_quote_introduced_by_a_colon_at_the_end_of_the_previous_paragraph(extract_record):
    q = only(extract_record("At the rally, Senator Jane Ortiz declared:\n\n“We will not back down. Not now, not ever.”"))
    assert q.kind == "direct" and q.cue.text == "declared" and q.speaker_name == "Jane Ortiz"


def test_participle_cue_takes_the_subject_of_its_clause(extract_record):
    record = extract_record("Mayor Ruth Okoye ended her speech by saying that the city would rebuild the market.")
    q = only(record)
    assert q.content.text == "the city would rebuild the market"
    assert q.speaker_name == "Ruth Okoye"


def test_name_modifying_the_subject_is_not_the_speaker(extract_record):
    record = extract_record("Paul Dubois won the vote. A top Paul Dubois adviser said the campaign would appeal.")
    q = only(record)
    assert q.speaker is not None and q.speaker.text != "Paul Dubois"
    assert q.speaker_entity is None


def test_quote_paragraph_after_a_quote_continues_it(extract_record):
    record = extract_record(
        "“The port is closed,” harbor master Ivan Petrov said.\n\n"
        "“Nobody goes in or out until the storm passes.”\n\nShips waited offshore.")
    q = only(record)
    assert [p.text for p in q.parts] == ["“The port is closed,”", "“Nobody goes in or out until the storm passes.”"]
    assert q.speaker_name == "Ivan Petrov"


def test_it_resolves_to_the_organization_that_spoke(extract_record):
    record = extract_record(
        "The Northern Grain Board said exports would fall this year. It added that prices would stay high.")
    added = [q for q in record.quotes if q.cue.text == "added"][0]
    assert added.speaker.text == "It" and added.speaker_name == "Northern Grain Board"


def test_headline_says(extract_record):
    record = extract_record("Aras Says Turkey Will Not Retreat From Border\n\nANKARA (Wire) — The president spoke on "
                            "Friday.")
    q = only(record)
    assert q.cue.text == "Says" and q.content.text == "Turkey Will Not Retreat From Border"


def test_speaker_beside_the_cue_when_the_parse_gives_none(extract_record):
    q = only(extract_record(
        "“We were wrong not to confront him from the start,” Ramos, 58, told reporters in Lima on Monday."))
    assert q.speaker is not None and q.speaker.text == "Ramos"


def test_quotation_mark_glued_to_the_cue(extract_record):
    q = only(extract_record("Mayor Ana Silva said,“The bridge stays closed until Friday.”"))
    assert q.kind == "direct" and q.cue.text == "said" and q.speaker_name == "Ana Silva"


@pytest.mark.parametrize("text, content, speaker", [
    ("As the Harbor Times reported on Monday, the port authority had ordered new cranes.",
     "the port authority had ordered new cranes", "Harbor Times"),
    ("Mayor Lena Brandt said during a news conference that the tram line would open in May.",
     "the tram line would open in May", "Lena Brandt"),
    ("General Omar Said suggested the coalition should fight the Islamic State.",
     "the coalition should fight the Islamic State", "Omar Said"),
])
def test_reports_the_parse_hides(extract_record, text, content, speaker):
    q = only(extract_record(text))
    assert q.content.text == content
    assert q.speaker.text == speaker


def test_report_interrupted_by_its_cue_is_one_quote_in_parts(extract_record):
    q = only(extract_record("The fighting, the army said on Sunday, had forced thousands from their homes."))
    assert q.kind == "indirect"
    assert [p.text for p in q.parts] == ["The fighting", "had forced thousands from their homes"]
    assert q.speaker.text == "the army"


def test_mistyped_opening_mark_closes_a_quote():
    from newsgraph.extract.quotemarks import quoted_passages

    text = "“We will hold the line,“ said Colonel Ada Mensah."
    assert [[text[a:b] for a, b in p] for p in quoted_passages(text)] == [["“We will hold the line,“"]]


@pytest.mark.parametrize("text, cue, content", [
    # the parser hangs the fragment on the cue beside its clause
    ('The mayor pledged to oppose the new toll "today, tomorrow, forever."',
     "pledged", 'to oppose the new toll "today, tomorrow, forever."'),
    # the object is parsed as a predicate too
    ('Senator Ilse Brandt called both candidates "reckless" on Tuesday.',
     "called", 'both candidates "reckless"'),
    # two fragments of one report
    ('Governor Dana Whitfield said the goal was not to "rebuild the old port" but to "build a new one."',
     "said", 'the goal was not to "rebuild the old port" but to "build a new one."'),
    # no complement clause in the parse: from the cue to the end of the sentence
    ('The delegate, Rhys Calloway, warned of a "ferocious" battle ahead that could split the party.',
     "warned", 'a "ferocious" battle ahead that could split the party'),
])
def test_quoted_fragment_inside_a_report_is_one_mixed_quote(extract_record, text, cue, content):
    q = only(extract_record(text))
    assert q.kind == "mixed" and q.cue.text == cue
    assert q.content.text == content


def test_quote_right_after_its_cue_stays_direct(extract_record):
    for text in ('Colonel Aram Petrosyan said: "We will stay."', 'Colonel Aram Petrosyan told reporters, "We will stay."'):
        q = only(extract_record(text))
        assert q.kind == "direct" and q.content.text == '"We will stay."'


def test_each_of_two_joined_cues_reports_its_own_clause(extract_record):
    # the direct fragment belongs to "insisted"; "claiming" still reports its own clause
    record = extract_record('Speaking in Izmir on Tuesday, Mayor Selin Oral insisted that she has "rebuilt the harbor," '
                            'claiming that she is responsible for the rise in tourism.')
    by_cue = {q.cue.text: q for q in record.quotes}
    assert set(by_cue) == {"insisted", "claiming"}, [(q.cue.text, q.content.text) for q in record.quotes]
    assert by_cue["insisted"].kind == "mixed"
    assert by_cue["claiming"].content.text == "she is responsible for the rise in tourism"
    assert {q.speaker_name for q in record.quotes} == {"Selin Oral"}


def test_a_closing_mark_attached_to_another_verb_does_not_claim_its_quote(extract_record):
    record = extract_record('She says voters may not like the answer, but insists the council is mounting a "phony attack."')
    by_cue = {q.cue.text: q for q in record.quotes}
    assert by_cue["says"].kind == "indirect" and by_cue["says"].content.text == "voters may not like the answer"
    assert by_cue["insists"].kind == "mixed"


def test_cue_with_clauses_on_both_sides_reports_the_one_after_it(extract_record):
    q = only(extract_record("Mayor Kemal Aksoy jokingly offered the man a job as his deputy, then says he will welcome "
                            "advice from anyone."))
    assert q.cue.text == "says" and q.content.text == "he will welcome advice from anyone"
    assert q.speaker_name == "Kemal Aksoy"


def test_name_between_quote_and_cue_is_the_speaker_not_part_of_a_report(extract_record):
    q = only(extract_record('“We have had better conventions than this one,” Texas delegate Bill Eastman, wearing a '
                            'cowboy hat and campaign pins, said matter-of-factly.'))
    assert q.kind == "direct" and q.content.text == "“We have had better conventions than this one,”"
    assert q.speaker_name == "Bill Eastman"


def test_typewriter_double_quotes_interrupted_by_the_cue(extract_record):
    """Newswire archives (LDC, the New York Times) write double quotes as two apostrophes."""
    record = extract_record(
        "The harbor master, Petra Lindqvist, met the crews on Tuesday. ''We cannot promise a date,'' Ms. Lindqvist "
        "said. ''The dredging has to finish first.''")
    q = only(record)
    assert q.kind == "direct"
    assert [p.text for p in q.parts] == ["''We cannot promise a date,''", "''The dredging has to finish first.''"]
    assert q.cue.text == "said" and q.speaker_name == "Petra Lindqvist"


def test_a_scare_quote_no_report_takes_in_is_not_a_quotation(extract_record):
    record = extract_record("Regulators fined the Corvin Bank over its drive to “cross-sell” accounts to savers in Leeds.")
    assert [(q.kind, q.content.text) for q in record.quotes] == []
    # a few quoted words that end a sentence inside the marks are still a quote
    q = only(extract_record("Asked about the strike, the union leader Tomas Varga said “we are done.”"))
    assert q.kind == "direct" and q.content.text == "“we are done.”" and q.speaker_name == "Tomas Varga"


def test_a_speech_verb_with_a_particle_that_makes_it_another_verb_is_no_cue(extract_record):
    assert extract_record("The Halden Group called off the merger with Ostrander Mills on Monday.").quotes == []


def test_the_addressee_and_the_time_of_telling_are_not_part_of_the_quote(extract_record):
    q = only(extract_record("Mayor Ana Ortiz praised the volunteers, telling the crowd, “I’m a neighbor like you, folks.”"))
    assert q.kind == "direct" and q.content.text == "“I’m a neighbor like you, folks.”" and q.speaker_name == "Ana Ortiz"
    q = only(extract_record(
        "Senator Piet Dekker was telling supporters after his win in Utrecht that “when you win, it’s beautiful.”"))
    assert q.content.text == "“when you win, it’s beautiful.”" and q.speaker_name == "Piet Dekker"


def test_a_refused_statement_is_no_quote(extract_record):
    assert extract_record("The Velden ministry declined to comment on the data program.").quotes == []
    assert extract_record("Mayor Ines Varga refused to say whether the Brno mine would close.").quotes == []


def test_report_before_a_closing_cue_the_parser_left_without_a_clause(extract_record):
    # the parse takes "rejection" for the subject of "said" and "signals" for a noun: the words before the
    # comma are still what the closing cue reports
    q = only(extract_record('The rejection of the tariff signals "the beginning of the end" for the pact, said '
                            'Pieter Valk, founder of the Dutch Growers League.'))
    assert q.kind == "mixed" and q.cue.text == "said" and q.speaker_name == "Pieter Valk"
    assert q.content.text == 'The rejection of the tariff signals "the beginning of the end" for the pact'


def test_a_closing_cue_with_nothing_reported_before_it_gives_no_quote(extract_record):
    record = extract_record("Irena Kos, a nurse from Split, said before the vote. In a speech last July, he said:")
    assert record.quotes == []


def test_that_clause_the_parser_hung_on_the_addressee(extract_record):
    q = only(extract_record("In Suva last week, Governor Ratu Vakadewa told a meeting of island leaders that few "
                            "people understood the stakes of rising seas better than fishermen."))
    assert q.content.text.startswith("few people understood the stakes") and q.cue.text == "told"
    assert q.speaker_name == "Ratu Vakadewa"


def test_report_may_end_with_a_speech_verb_that_is_no_cue(extract_record):
    q = only(extract_record("Both Carla Mendez and Tomas Oyelaran say the network's editors never told them "
                            "what to say."))
    assert q.cue.text == "say" and q.content.text == "the network's editors never told them what to say"


def test_dateline_is_not_the_speaker(extract_record):
    q = only(extract_record("ANKARA, Turkey (AP) — Foreign Minister Selin Aksoy said Friday that Turkey remained "
                            "committed to the ceasefire."))
    assert q.speaker.text == "Selin Aksoy" and q.speaker_name == "Selin Aksoy"
    assert q.content.text == "Turkey remained committed to the ceasefire"


def test_headline_role_resolves_to_the_holder_the_story_names_later(extract_record):
    record = extract_record("Kenyan Minister Says Drought Aid Will Reach Turkana by March\n\n"
                            "NAIROBI, Kenya — Kenya's agriculture minister, Wanjiru Kamau, told lawmakers on "
                            "Tuesday that food shipments would reach Turkana county by March.")
    headline = next(q for q in record.quotes if q.cue.text == "Says")
    assert headline.speaker.text == "Kenyan Minister" and headline.speaker_name == "Wanjiru Kamau"


def test_group_speaker_span_leaves_out_its_relative_clause(extract_record):
    q = only(extract_record("Senior officials at two charities, who spoke on condition of anonymity, said the "
                            "shipments would cover barely half of what was needed."))
    assert q.speaker.text == "Senior officials at two charities" and q.speaker_entity is None
