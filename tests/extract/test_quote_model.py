"""The learned end model for indirect reports: candidate ends, features, training, persistence and the shipped
weights."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsgraph.extract import quote_model as qm


@pytest.fixture(scope="module")
def bare_nlp():
    from newsgraph.nlp import load_pipeline

    return load_pipeline(components=False)


_SENTENCES = [
    "Mayor Dana Pruitt said the bridge would reopen in March, after engineers finish the repairs.",
    "The minister told reporters that the talks had stalled, but he expected a deal by Friday.",
    "Officials warned that the river, which rose two metres overnight, could flood the old town.",
    "She said the plan was well-intentioned and that the council would vote on it next week.",
    "Hollis Grange, a spokesman for the union, said members would strike unless wages rose.",
]


def _report(doc):
    """The cue and the rules-like content (the cue's clausal complement) of the first speech verb."""
    cue = next(t for t in doc if t.lemma_ in ("say", "tell", "warn"))
    comp = next(c for c in cue.children if c.dep_ == "ccomp")
    start = min(t.i for t in comp.subtree)
    if doc[start].lower_ == "that":
        start += 1
    return cue, start, comp.right_edge.i + 1


@pytest.mark.parametrize("text", _SENTENCES)
def test_candidates_hold_the_rules_end_and_stay_in_the_sentence(bare_nlp, text):
    doc = bare_nlp(text)
    cue, start, end = _report(doc)
    cands = qm.end_candidates(doc, start, end, cue)
    sent = doc[start].sent
    assert end in cands
    assert cands == sorted(set(cands))
    assert all(start < e <= max(sent.end, end) for e in cands)
    # no candidate leaves trailing punctuation other than a closing quotation mark in the content
    assert all(not doc[e - 1].is_punct or doc[e - 1].text in qm._CLOSING for e in cands if e != end)
    assert len(cands) <= qm.MAX_CANDIDATES


def test_no_candidate_inside_a_hyphenated_word(bare_nlp):
    doc = bare_nlp(_SENTENCES[3])
    cue, start, end = _report(doc)
    cands = qm.end_candidates(doc, start, end, cue)
    hyphen = next(t.i for t in doc if t.text == "-")
    assert hyphen not in cands and hyphen + 1 not in cands


def test_candidates_keep_the_head_of_the_content(bare_nlp):
    doc = bare_nlp(_SENTENCES[2])
    cue, start, end = _report(doc)
    cands = qm.end_candidates(doc, start, end, cue)
    # "the river" alone is no report: every candidate reaches past the content's head verb
    head = next(t.i for t in doc if t.lemma_ == "flood")
    assert all(e > head for e in cands)


def test_no_candidate_runs_into_a_second_report_of_the_speaker(bare_nlp):
    doc = bare_nlp("She urges her husband to leave the car and repeatedly says that the police are coming.")
    cue = next(t for t in doc if t.lemma_ == "urge")
    start = cue.i + 1
    end = next(t.i for t in doc if t.text == "car") + 1
    cands = qm.end_candidates(doc, start, end, cue)
    says = next(t.i for t in doc if t.lemma_ == "say")
    assert end in cands and all(e <= says - 2 for e in cands)  # nothing past "car", before "and repeatedly"


def test_a_clause_about_the_report_is_no_second_report(bare_nlp):
    doc = bare_nlp("He said the plan was sound when he spoke on Monday, and when asked about costs, he smiled.")
    cue = doc[1]
    start = 2
    end = next(t.i for t in doc if t.text == "sound") + 1
    cands = qm.end_candidates(doc, start, end, cue)
    assert max(cands) > next(t.i for t in doc if t.text == "asked")  # "when asked" does not stop the candidates


@given(st.lists(st.sampled_from("the council said that roads , which flooded , would close after dark but "
                                "officials and residents disagreed on Monday".split()), min_size=3, max_size=25))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_candidate_invariants_on_arbitrary_word_salad(bare_nlp, words):
    doc = bare_nlp(" ".join(words))
    for start in range(min(len(doc) - 1, 4)):
        end = min(len(doc), start + 2)
        cands = qm.end_candidates(doc, start, end, doc[0])
        assert end in cands
        assert all(start < e <= len(doc) for e in cands)
        assert cands == sorted(set(cands))
        feats = qm.end_features(doc, doc[0], start, cands[-1], end, qm._sentence_end(doc, start))
        assert feats and all(isinstance(f, str) for f in feats)


def test_features_describe_what_a_candidate_cuts_or_adds(bare_nlp):
    doc = bare_nlp(_SENTENCES[1])
    cue, start, end = _report(doc)
    sentence_end = qm._sentence_end(doc, start)
    at_rule = qm.end_features(doc, cue, start, end, end, sentence_end)
    assert "rule" in at_rule and "bias:0" in at_rule
    cut = qm.end_features(doc, cue, start, start + 2, end, sentence_end)
    assert "rule" not in cut and any(f.startswith("cut_len:") for f in cut) and "cut_verb" in cut
    longer = qm.end_features(doc, cue, start, sentence_end, start + 2, sentence_end)
    assert "sentence_end" in longer and any(f.startswith("ext_len:") for f in longer)
    assert qm.end_features(doc, cue, start, end, end, sentence_end) == at_rule  # deterministic


def test_training_learns_a_preference_and_round_trips(tmp_path):
    # a toy problem: the candidate with "good" is right, whatever its position; one report has a partial label
    groups = []
    for k in range(30):
        cands = [["bias:0", "x"], ["bias:+1", "y"], ["bias:-1", "z"]]
        right = k % 3
        cands[right] = cands[right] + ["good"]
        groups.append((cands, right))
    groups.append(([["bias:0", "good"], ["bias:+1", "good"], ["bias:-1", "x"]], {0, 1}))
    model = qm.train(groups, epochs=200, min_count=1)
    assert model.score(["good"]) > model.score(["x"])
    for cands, label in groups[:-1]:
        best = max(range(len(cands)), key=lambda j: model.score(cands[j]))
        assert best == label
    path = tmp_path / "ends.npz"
    model.save(path)
    loaded = qm.QuoteEndModel.load(path)
    assert loaded.vocab == model.vocab
    assert np.allclose(loaded.weights, model.weights)
    assert loaded.meta["reports"] == len(groups)
    assert loaded.score(["good", "bias:0"]) == pytest.approx(model.score(["good", "bias:0"]), abs=1e-5)


def test_shipped_model_loads_without_pickle_and_chooses_a_candidate(bare_nlp):
    model = qm.default_model()
    assert len(model.vocab) == len(model.weights) > 100
    assert model.meta.get("reports", 0) > 500
    with np.load(qm.resources.files("newsgraph.models") / qm.MODEL_FILE, allow_pickle=False) as data:
        assert set(data.files) == {"vocab", "weights", "meta"}
    for text in _SENTENCES:
        doc = bare_nlp(text)
        cue, start, end = _report(doc)
        assert model.choose(doc, cue, start, end) in qm.end_candidates(doc, start, end, cue)
