"""The PolNeAR reader (``benchmarks/polnear.py``) on a brat fixture written here, and the quote benchmark's
metric functions (``benchmarks/quotes.py``) on hand-made spans.  Neither needs the shared data or the model."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import polnear  # noqa: E402
import quotes  # noqa: E402

NAME = "example_2024-05-02_bridge-story"
TEXT = ('The mayor said the new bridge would open in May. "We are nearly done," the engineer added, '
        '"but the paint must dry first."\r\nDelays are expected.\n')


def at(fragment: str, text: str = TEXT) -> str:
    """brat offsets of the first occurrence of ``fragment``."""
    start = text.index(fragment)
    return f"{start} {start + len(fragment)}"


def ann_first() -> str:
    first, second = '"We are nearly done,"', '"but the paint must dry first."'
    lines = [
        f"T1\tSource {at('The mayor')}\tThe mayor",
        f"T2\tCue {at('said')}\tsaid",
        f"T3\tContent {at('the new bridge would open in May')}\tthe new bridge would open in May",
        f"T4\tAttribution {at('said')}\tsaid",
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        f"T5\tContent {at(first)};{at(second)}\t{first} {second}",
        f"T6\tSource {at('the engineer')}\tthe engineer",
        f"T7\tCue {at('added')}\tadded",
        f"T8\tAttribution {at('added')}\tadded",
        "E2\tAttribution:T8 Source:T6 Cue:T7 Content:T5",
        f"T9\tContent {at('Delays')}\tDelays",
        f"T10\tCue {at('are expected')}\tare expected",
        f"T11\tAttribution-no-source {at('are expected')}\tare expected",
        "E3\tAttribution-no-source:T11 Content:T9 Cue:T10",
        f"T12\tDiscard {at('mayor')}\tbridge",
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def split_dir(tmp_path: Path) -> Path:
    split = tmp_path / "dev"
    (split / "text").mkdir(parents=True)
    (split / "attributions").mkdir()
    (split / "text" / f"{NAME}.txt").write_bytes(TEXT.encode("utf-8"))
    (split / "attributions" / f"{NAME}_a1b2.ann").write_text(ann_first(), "utf-8")
    (split / "attributions" / f"{NAME}_zz99.ann").write_text("T1\tCue 4 9\tmayor\n", "utf-8")
    (tmp_path / "metadata.tsv").write_text(f"compartment\tfilename\tpublication_date\ndev\t{NAME}\t2024-05-02\n",
                                           "utf-8")
    return split


def test_reader_reads_the_first_annotator_with_exact_offsets(split_dir: Path) -> None:
    (doc,) = polnear.load(split_dir)
    assert (doc.name, doc.annotator, doc.published) == (NAME, "a1b2", "2024-05-02")
    assert doc.text == TEXT  # the CRLF is kept: offsets after it stay right
    assert [a.id for a in doc.attributions] == ["E1", "E2", "E3"]
    said = doc.attributions[0]
    assert said.content_text == "the new bridge would open in May"
    assert (said.cue_text, said.source_text) == ("said", "The mayor")
    assert [TEXT[a:b] for a, b in said.source or []] == ["The mayor"]


def test_reader_joins_discontinuous_content_and_allows_a_missing_source(split_dir: Path) -> None:
    (doc,) = polnear.load(split_dir)
    added, expected = doc.attributions[1], doc.attributions[2]
    assert [TEXT[a:b] for a, b in added.content] == ['"We are nearly done,"', '"but the paint must dry first."']
    assert added.content_text == '"We are nearly done," "but the paint must dry first."'
    assert (expected.source, expected.source_text, expected.cue_text) == (None, None, "are expected")


def test_reader_reports_span_mismatches_without_failing(split_dir: Path) -> None:
    (doc,) = polnear.load(split_dir)
    assert len(doc.mismatches) == 1 and doc.mismatches[0].startswith("T12:")


def test_repeated_roles_add_their_pieces_and_missing_spans_are_reported() -> None:
    text = "Critics said taxes rise. Prices climb."
    ann = (f"T1\tContent {at('taxes rise', text)}\ttaxes rise\nT2\tContent {at('Prices climb', text)}\tPrices climb\n"
           f"T3\tCue {at('said', text)}\tsaid\nE1\tAttribution:T3 Content:T1 Content2:T2 Cue:T3 Source:T9\n")
    (attribution,), mismatches = polnear.parse_ann(ann, text)
    assert attribution.content_text == "taxes rise Prices climb"
    assert attribution.source is None
    assert mismatches == ["E1: Source refers to missing span 'T9'"]


# Metrics -------------------------------------------------------------------------------------------------------

SENTENCE = 'The city\'s chief engineer said: "the plan works," and Ann\'s aide said it fails badly.'


def span(fragment: str) -> tuple[tuple[int, int], ...]:
    start = SENTENCE.index(fragment)
    return ((start, start + len(fragment)),)


def toks(fragment: str) -> quotes.Tokens:
    return quotes.tokens(SENTENCE, span(fragment))


def test_tokens_are_words_by_character_range() -> None:
    assert [SENTENCE[a:b] for a, b in sorted(toks('"the plan works,"'))] == ["the", "plan", "works"]
    assert [SENTENCE[a:b] for a, b in sorted(toks("Ann's aide"))] == ["Ann's", "aide"]


def test_exact_match_ignores_quotation_marks_and_punctuation_at_the_edges() -> None:
    assert quotes.normalize(SENTENCE, span('"the plan works,"')) == span("the plan works")
    pieces = span('"the plan') + span('works,"')  # a quote cut in two, pieces merged across the space
    assert quotes.normalize(SENTENCE, pieces) == span("the plan works")
    assert quotes.normalize(SENTENCE, span(":")) == span(":")  # a cue that is only punctuation stays
    gold, pred = [span('"the plan works,"'), span("it fails badly")], [span("the plan works"), span("it fails")]
    assert quotes.exact_matches(SENTENCE, gold, pred) == 1


def test_coverage_needs_half_of_each_side() -> None:
    assert quotes.covers(toks("it fails badly"), toks("it fails"))
    assert not quotes.covers(toks("it fails badly"), toks("badly"))
    assert not quotes.covers(toks("badly"), toks("said it fails badly"))


def test_greedy_matching_is_one_to_one_by_overlap() -> None:
    gold = [toks("it fails"), toks("said it fails badly")]
    assert quotes.greedy_match(gold, [toks("it fails badly")]) == [(1, 0)]  # the larger overlap wins
    assert quotes.greedy_match(gold, [toks("it fails badly"), toks("fails")]) == [(0, 1), (1, 0)]
    assert quotes.greedy_match(gold[1:], [toks("badly")]) == [(0, 0)]
    assert quotes.greedy_match(gold[1:], [toks("badly")], quotes.covers) == []
    assert quotes.greedy_match(gold, [toks("aide")]) == []


def test_overlap_counts_sum_tokens_of_paired_quotes() -> None:
    counts = quotes.overlap_counts("content", [toks("said it fails badly")], [toks("it fails"), toks("badly")])
    assert (counts["content_tok_tp"], counts["content_tok_pred"], counts["content_tok_gold"]) == (2, 3, 4)
    assert quotes.prf(2, 3, 4)["f1"] == pytest.approx(2 * (2 / 3) * (2 / 4) / (2 / 3 + 2 / 4))


def test_source_matches_by_coverage_or_head() -> None:
    gold = toks("The city's chief engineer")
    assert quotes.source_match(gold, toks("engineer"))  # the head
    assert quotes.source_match(gold, toks("The city's"))  # half of it
    assert not quotes.source_match(gold, toks("chief"))
    assert not quotes.source_match(gold, toks("Ann's aide"))


def test_direct_quotes_are_in_quotation_marks() -> None:
    assert quotes.is_direct(SENTENCE, span('"the plan works,"'))
    assert quotes.is_direct(SENTENCE, span("the plan works"))  # marks around it in the text
    assert not quotes.is_direct(SENTENCE, span("it fails badly"))


def test_score_pairs_content_and_checks_the_speaker() -> None:
    gold = [quotes.Unit("E1", "direct", span("the plan works"), span("said"), span("The city's chief engineer")),
            quotes.Unit("E2", "indirect", span("it fails badly"), source=span("Ann's aide"))]
    pred = [quotes.Unit("Q1", "direct", span('"the plan works,"'), span("said"), span("engineer")),
            quotes.Unit("Q2", "indirect", span("it fails"), source=span("Ann's"))]
    pairs = quotes.content_pairs(SENTENCE, gold, pred)
    figures = quotes.figures(quotes.score(SENTENCE, gold, pred, pairs))
    assert pairs == [(0, 0), (1, 1)]
    assert figures["content_exact"]["tp"] == 1 and figures["content_cov50"]["f1"] == 1.0
    assert figures["speaker_accuracy"] == {"value": 1.0, "hits": 2, "total": 2}  # Ann's: half of "Ann's aide"
    assert figures["recall_direct"]["value"] == figures["recall_indirect"]["value"] == 1.0
    assert figures["who_said_what"]["tp"] == 2
