"""The real Phoenix actor and agent dictionaries (PETRARCH2, MIT) from NEWSGRAPH_DATA: they import, and the
index answers as the dictionaries say."""

from __future__ import annotations

import datetime

import pytest

from newsgraph.actors.dictionary import parse_file
from newsgraph.actors.index import ActorIndex, build

pytestmark = pytest.mark.data

FILES = ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt", "Phoenix.MilNonState.actors.txt",
         "Phoenix.agents.txt")


@pytest.fixture(scope="module")
def phoenix(data_dir, tmp_path_factory) -> ActorIndex:
    folder = data_dir / "events" / "phoenix-dictionaries"
    db = tmp_path_factory.mktemp("phoenix") / "actors.sqlite"
    stats = build([folder / name for name in FILES], db)
    assert [f.kind for f in stats.files] == ["actors", "actors", "actors", "agents"]
    assert stats.tables["entry"] > 25_000 and stats.tables["agent"] > 4_000
    assert stats.skipped < 50  # a handful of typos in the files (bad dates, text after the codes), all named
    return ActorIndex(db)


def test_countries_resolve_to_their_code(phoenix):
    for name, code in (("Afghanistan", "AFG"), ("Afghan", "AFG"), ("Iran", "IRN"), ("France", "FRA")):
        found = phoenix.lookup(name)
        assert found and {c.country for c in found} == {code}, (name, found)


def test_a_head_of_governments_code_depends_on_the_date(phoenix):
    before = phoenix.lookup("Hamid Karzai", datetime.date(1999, 1, 1))
    during = phoenix.lookup("Hamid Karzai", datetime.date(2005, 1, 1))
    assert [(c.country, c.sector) for c in before] == [("AFG", "ELI")]
    assert [(c.country, c.sector) for c in during] == [("AFG", "GOV")]


def test_international_actors_have_no_country(phoenix):
    found = phoenix.lookup("United Nations")
    assert found and all(c.country is None and c.sector.startswith("IGO") for c in found)


def test_agents(phoenix):
    assert phoenix.agent("police") == "COP"
    assert phoenix.agent("farmers") == "AGR"
    assert phoenix.agent("defense minister").startswith("GOV")
    assert phoenix.agent("rebels") == "REB"


def test_every_file_parses_with_few_malformed_lines(data_dir):
    folder = data_dir / "events" / "phoenix-dictionaries"
    for name in FILES:
        parsed = parse_file(folder / name)
        assert parsed.skipped <= max(10, parsed.lines // 1000), (name, parsed.malformed[:5])
