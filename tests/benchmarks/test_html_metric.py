"""The article-extraction benchmark's metric, on hand-made texts (benchmarks/html_extraction.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import html_extraction as bench  # noqa: E402


def test_tokens_and_shingles():
    assert bench.tokens("Hello, world! It's 2025.") == ["Hello", "world", "It", "s", "2025"]
    assert bench.shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert bench.shingles("a b") == {("a", "b"): 1}  # fewer than 4 tokens: one shingle of them all
    assert bench.shingles("") == {}
    assert bench.shingles("x y z w x y z w")[("x", "y", "z", "w")] == 2  # a multiset


def test_identical_and_empty_texts():
    assert bench.shingle_counts("one two three four five", "one two three four five") == (1.0, 0.0, 0.0)
    assert bench.shingle_counts("", "") == (0.0, 0.0, 0.0)
    both_empty = bench.shingle_counts("", "")
    assert bench.page_precision(*both_empty) == bench.page_recall(*both_empty) == 1.0


def test_extra_and_missing_text_are_normalized_per_page():
    gold = "a b c d e f"  # 3 shingles
    pred = "a b c d e f g h"  # the 3 + 2 extra
    tp, fp, fn = bench.shingle_counts(gold, pred)
    assert (tp, fp, fn) == pytest.approx((3 / 5, 2 / 5, 0.0))
    assert bench.page_precision(tp, fp, fn) == pytest.approx(0.6)
    assert bench.page_recall(tp, fp, fn) == 1.0
    tp, fp, fn = bench.shingle_counts(gold, "a b c d")  # 1 of 3 shingles found
    assert (tp, fp, fn) == pytest.approx((1 / 3, 0.0, 2 / 3))


def test_failure_counts_in_recall_only():
    failed = bench.shingle_counts("a b c d e", None)
    assert failed == (0.0, 0.0, 1.0)
    perfect = bench.shingle_counts("a b c d e", "a b c d e")
    figures = bench.aggregate([failed, perfect])
    assert figures["p"] == 1.0  # the failed page has no prediction: left out of the mean precision
    assert figures["r"] == 0.5
    assert figures["f1"] == pytest.approx(2 * 1.0 * 0.5 / 1.5)
    assert bench.page_f1(failed) == 0.0


def test_f1_of_the_means_not_mean_of_f1():
    pages = [bench.shingle_counts("a b c d e f", "a b c d e f g h"), bench.shingle_counts("a b c d e f", "a b c d")]
    figures = bench.aggregate(pages)
    p = (0.6 + 1.0) / 2
    r = (1.0 + 1 / 3) / 2
    assert figures["p"] == pytest.approx(p) and figures["r"] == pytest.approx(r)
    assert figures["f1"] == pytest.approx(2 * p * r / (p + r))
