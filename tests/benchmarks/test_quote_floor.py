"""CI floor: quote accuracy on the first PolNeAR dev documents may not fall below what was measured.

Measured 2026-12-07 on the first 25 dev documents (speech-verb subset): content F1 at 0.5 coverage 0.844,
who-said-what F1 0.801, cue exact F1 0.825, source F1 0.882, speaker accuracy 0.953. The floors sit a little below, so a real
regression fails CI while tiny shifts do not. Raise them when the figures rise.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

pytestmark = [pytest.mark.slow, pytest.mark.data]

FLOORS = {  # metric → minimum on the speech-verb subset of the first 25 dev documents
    "content_cov50": 0.83,
    "who_said_what": 0.785,
    "cue_exact": 0.81,
    "source": 0.865,
    "speaker_accuracy": 0.93,
}


def test_quote_accuracy_floors(data_dir):
    import quotes

    argv = ["--data", str(data_dir), "--limit", "25"]
    result, _ = quotes.run(quotes.parse_args(argv), argv)
    speech = result["subsets"]["speech"]
    got = {name: speech[name].get("f1", speech[name].get("value")) for name in FLOORS}
    below = {name: round(value, 3) for name, value in got.items() if value < FLOORS[name]}
    assert not below, f"quote accuracy fell below its floor: {below} (floors {FLOORS})"
