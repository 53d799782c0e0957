"""Keyphrases: plausible top phrases on invented articles, no stop words, deterministic; rerank by corpus df."""

from __future__ import annotations

import pytest

from newsgraph.extract.keyphrases import phrase_key, rerank, stop_words

ARTICLE = (
    "Drought forces water rationing in southern farming towns\n\n"
    "Authorities in the southern province of Valdoria imposed water rationing on Monday as the worst drought "
    "in four decades drained reservoirs and left farming towns without regular supplies, officials said.\n\n"
    "The regional water authority said households in 14 towns would receive piped water for six hours a day. "
    "The Ostero reservoir, which supplies most of the province, stood at 12 percent of its capacity last week, "
    "the authority said in a statement.\n\n"
    "Farmers said the drought had already ruined the olive harvest. \"We have never seen the reservoir this "
    "low,\" said Marta Quiroga, who grows olives near the town of Benalta. Olive growers have asked the "
    "government for emergency aid, and the agriculture ministry said it would send water tankers.\n\n"
    "Water rationing was last imposed in Valdoria in 1983. Meteorologists expect little rain before "
    "autumn, and the water authority warned that rationing could be extended to the provincial capital."
)

SECOND = (
    "Rail strike halts commuter trains across the capital\n\n"
    "A strike by train drivers halted most commuter trains around the capital of Norvania on Thursday, "
    "leaving hundreds of thousands of people to find other ways to work. The drivers' union, Railunion, said "
    "the strike would last 48 hours unless the state rail operator, Norvarail, raised wages.\n\n"
    "Norvarail said it had offered a pay rise of 4 percent and called the strike irresponsible. Commuters "
    "crowded onto buses, and traffic jams stretched for kilometres on the main roads into the city. \"This "
    "strike is about safety as much as pay,\" said Tomas Hrbek, the head of Railunion. Talks between the "
    "union and the rail operator are expected to resume next week."
)


@pytest.fixture(scope="module")
def phrases(nlp):
    return nlp(ARTICLE)._.ng_keyphrases


pytestmark = pytest.mark.slow


def test_top_phrases_are_what_the_article_is_about(phrases):
    low = [p.lower() for p in phrases]
    assert 5 <= len(phrases) <= 10
    assert "water rationing" in low[:5]
    assert "drought" in low
    assert "Valdoria" in phrases
    assert "reservoir" in low or "ostero reservoir" in low


def test_no_stop_words_or_generic_words(phrases):
    generic = stop_words()
    for phrase in phrases:
        words = phrase.lower().split()
        assert words[0] not in {"the", "a", "an", "this", "its", "their"}
        assert phrase.lower() not in generic, phrase
        assert not all(w in generic for w in words), phrase
        assert not phrase.replace(" ", "").isdigit()
    assert "officials" not in [p.lower() for p in phrases]
    assert "statement" not in [p.lower() for p in phrases]
    assert "last week" not in [p.lower() for p in phrases]


def test_variants_merge_and_names_are_whole(nlp):
    phrases = nlp(SECOND)._.ng_keyphrases
    low = [p.lower() for p in phrases]
    assert "strike" in low[:3]
    assert "Norvarail" in phrases and "Railunion" in phrases
    assert len(set(low)) == len(low)
    assert sum(1 for p in low if p in ("commuter train", "commuter trains")) <= 1


def test_deterministic(nlp):
    first = nlp(ARTICLE)._.ng_keyphrases
    assert [nlp(ARTICLE)._.ng_keyphrases for _ in range(2)] == [first, first]
    assert list(nlp.pipe([SECOND, ARTICLE]))[1]._.ng_keyphrases == first


def test_record_carries_the_keyphrases(extract_record):
    record = extract_record(SECOND)
    assert record.keyphrases and all(isinstance(p, str) for p in record.keyphrases)


def test_empty_text(nlp):
    assert nlp("")._.ng_keyphrases == []


# ---- rerank ------------------------------------------------------------------------------------------------------

def test_rerank_promotes_rare_phrases():
    phrases = ["government", "water rationing", "Ostero reservoir", "drought"]
    df = {"government": 900, "water rationing": 3, "Ostero reservoir": 1, "drought": 40}
    ranked = rerank(phrases, df, 1000)
    assert ranked[:2] == ["water rationing", "Ostero reservoir"]
    assert ranked.index("government") > 1
    assert sorted(ranked) == sorted(phrases)


def test_rerank_keeps_order_without_statistics():
    phrases = ["alpha", "beta", "gamma"]
    assert rerank(phrases, {}, 0) == phrases
    assert rerank(phrases, {}, 100) == phrases  # equal frequencies: the article's own order
    assert rerank(phrases, {"alpha": 5, "beta": 5, "gamma": 5}, 100) == phrases
    assert rerank([], {}, 10) == []


def test_rerank_looks_up_the_phrase_key():
    assert phrase_key("  Water   Rationing ") == "water rationing"
    ranked = rerank(["Common Phrase", "Rare Phrase"], {"common phrase": 500}, 1000)
    assert ranked == ["Rare Phrase", "Common Phrase"]
