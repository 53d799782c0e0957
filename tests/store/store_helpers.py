"""Records for store tests, built by hand (no spaCy): every field of the record filled."""

from __future__ import annotations

import json
from pathlib import Path

from newsgraph.record import Actor, ArticleRecord, Date, Entity, Event, Place, Quote, Span

STORY = ("KABUL (Harbor Wire) — Defense Minister Ana Ruiz said on Tuesday that troops would leave Kandahar. "
         "\"We will not stay,\" Ruiz told reporters. Protesters marched in Kabul.")


def make_record(ident: str = "a1", text: str = STORY, url: str | None = "https://news.example.com/a1",
                published: str | None = "2025-03-04") -> ArticleRecord:
    def span(word: str, nth: int = 0) -> Span:
        start = -1
        for _ in range(nth + 1):
            start = text.index(word, start + 1)
        return Span.of(text, start, start + len(word))

    r = ArticleRecord(id=ident, text=text, title="Troops to leave Kandahar", url=url, published=published,
                      source="Harbor Wire", authors=["Lee Park", "Sam Ode"], tags=["afghanistan"],
                      captions=["A convoy. (Photo: Wire)"], language="en")
    if "Ana Ruiz" not in text:
        return r
    r.entities = [Entity("E1", "Ana Ruiz", "PERSON", ["Defense Minister"], "AFG", [span("Ana Ruiz"), span("Ruiz", 1)]),
                  Entity("E2", "Kandahar", "GPE", [], "AFG", [span("Kandahar")]),
                  Entity("E3", "Kabul", "GPE", [], "AFG", [span("KABUL")])]
    r.quotes = [Quote("indirect", span("troops would leave Kandahar"), [], span("said"), span("Ana Ruiz"), "E1",
                      "Ana Ruiz"),
                Quote("direct", span("\"We will not stay,\""), [span("\"We will"), span("not stay,\"")],
                      span("told"), span("Ruiz", 1), "E1", "Ana Ruiz")]
    r.places = [Place(span("Kandahar"), "toponym", "Kandahar", 1138336, "AFG", "Kandahar", 31.61332, 65.71013,
                      "P.PPLA"),
                Place(span("Kabul", 0), "toponym", "Kabul", None, None, None, None, None, None)]
    r.dates = [Date(span("Tuesday"), "DATE", "2025-03-04")]
    r.events = [Event("RETREAT", span("leave"), Span.of(text, 0, text.index("Kandahar.") + 9), "08",
                      Actor(span("troops"), None, "troops", "AFG", "MIL"), Actor(None, "E2", "Kandahar", "AFG", None),
                      0, "2025-03-04", None, 0.75),
                Event("PROTEST", span("marched"), span("Protesters marched in Kabul."), "14",
                      Actor(span("Protesters"), None, None, None, "CVL"), None, None, None, "demonstrate", 0.5)]
    r.keyphrases = ["troops", "Kandahar", "Ana Ruiz"]
    r.check_spans()
    return r


def write_records(path: Path, records: list[ArticleRecord], extra_lines: dict[int, str] | None = None) -> Path:
    """Records as JSONL; ``extra_lines`` puts raw lines at those (1-based) line numbers."""
    lines = [r.dumps() for r in records]
    for number, line in sorted((extra_lines or {}).items()):
        lines.insert(number - 1, line)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def variants(n: int, prefix: str = "r") -> list[ArticleRecord]:
    """Distinct records (distinct texts, ids and URLs; annotated), small."""
    words = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa "
             "quebec romeo sierra tango uniform victor whiskey xray yankee zulu").split()
    out = []
    for i in range(n):
        text = f"Story {prefix}{i}: " + " ".join(words[(i * 7 + k * 3) % len(words)] + str(i * 31 + k)
                                               for k in range(40)) + "\n\n" + STORY
        out.append(make_record(f"{prefix}{i}", text, f"https://site{i % 3}.example/{prefix}/{i}"))
    return out


def load_json(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
