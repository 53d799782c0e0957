"""Quotation marks: passages found on plain text, with property tests for the span invariants."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsgraph.extract.quotemarks import quoted_passages


def texts(text):
    return [[text[a:b] for a, b in passage] for passage in quoted_passages(text)]


def test_straight_and_curly_quotes():
    text = '"We will not be intimidated," she said. He said: “We are ready.”'
    assert texts(text) == [['"We will not be intimidated,"'], ["“We are ready.”"]]


def test_quote_running_over_paragraphs_is_one_passage():
    text = "“First part of the statement.\n\n“Second part,” he said.\n\nNo quote here."
    assert texts(text) == [["“First part of the statement.", "“Second part,”"]]


def test_unclosed_quote_without_continuation_ends_at_its_paragraph():
    assert texts('"Unclosed at the start\n\nA plain paragraph.') == [['"Unclosed at the start']]


def test_quote_opened_inside_a_paragraph_runs_over_when_the_next_paragraph_goes_on():
    text = "The minister said: “We will go on.\n\n“And we will win,” she added."
    assert texts(text) == [["“We will go on.", "“And we will win,”"]]


def test_quote_opened_inside_a_paragraph_and_never_continued_is_not_a_passage():
    assert texts("The minister said: “We will go on.\n\nThe crowd cheered.") == []


def test_apostrophes_are_not_quotes():
    assert texts("The soldiers' families said it was the '90s, rock 'n' roll, don't ask.") == []


def test_single_quotes_as_quotation_marks():
    assert texts("Officials called the plan 'a dead end' on Monday.") == [["'a dead end'"]]


def test_typewriter_double_quotes_of_newswire_archives():
    text = "''We will go on,'' she said. ''The talks resume Monday.''\n\nHe called it ``a start'' and left."
    assert texts(text) == [["''We will go on,''"], ["''The talks resume Monday.''"], ["``a start''"]]


def test_typewriter_double_quote_running_over_paragraphs():
    text = "''First we rebuild the school.\n\n''Then the clinic,'' the mayor said."
    assert texts(text) == [["''First we rebuild the school.", "''Then the clinic,''"]]


def test_inner_single_quote_closing_with_a_typewriter_double_quote():
    text = "''They told us 'no.''' Ortiz said."
    assert texts(text) == [["''They told us 'no.'''"]]


@given(st.lists(st.sampled_from(list('ab "“”‘’\'`\n.,') + ["''", "``"]), max_size=60).map("".join))
def test_passages_are_ordered_non_overlapping_and_start_with_a_mark(text):
    from newsgraph.extract.quotemarks import opening_mark

    previous_end = 0
    for passage in quoted_passages(text):
        for start, end in passage:
            assert previous_end <= start < end <= len(text)
            assert opening_mark(text, start) is not None or text[start] in '"“«„'
            previous_end = end


def test_handles_and_identifiers_are_not_quotes():
    from newsgraph.extract.quotes import _is_title_or_code

    for text in ['He tagged "@cspan" again.', 'The account "realDonaldTrump" posted.', 'Code "user_42" failed.']:
        [passage] = quoted_passages(text)
        assert _is_title_or_code(text, passage)
    text = 'She called it "unhinged" on Monday.'
    [passage] = quoted_passages(text)
    assert not _is_title_or_code(text, passage)


def test_a_straight_open_may_close_with_a_curly_mark():
    text = '“The levy is unfair,” said Ona Brandt. "Farmers will pay twice over.”\n\nShe left.'
    assert texts(text) == [["“The levy is unfair,”"], ['"Farmers will pay twice over.”']]
    # a curly pair inside straight marks is a quote within the quote, not the close
    text = '"He called the audit “a sham” and walked out," Brandt said.'
    assert texts(text) == [['"He called the audit “a sham” and walked out,"']]
