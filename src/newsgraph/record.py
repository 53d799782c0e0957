"""The article record: the contract between extraction and everything downstream.

Every extractor writes typed objects from this module onto the spaCy Doc; :func:`from_doc` is the one place
that turns a processed Doc into an :class:`ArticleRecord`.  ``ArticleRecord.to_json()`` gives the JSON shape
documented in ``docs/record.md`` and checked by ``schema/record.schema.json``.

Spans are Python ``str`` offsets into ``ArticleRecord.text``, end exclusive, and always carry the covered text;
:meth:`Span.of` is the only constructor extractors use, and it refuses offsets that do not match the text.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

    from .ingest import Article

#: The 16 PLOVER event types POLECAT codes.
PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)


class SpanError(ValueError):
    """Offsets that do not describe the text they claim to cover."""


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    text: str

    @classmethod
    def of(cls, doc_text: str, start: int, end: int) -> "Span":
        """The span ``doc_text[start:end]``; raises :class:`SpanError` on offsets outside the text."""
        if not (0 <= start <= end <= len(doc_text)):
            raise SpanError(f"span [{start}, {end}) outside text of length {len(doc_text)}")
        return cls(start, end, doc_text[start:end])

    @classmethod
    def from_spacy(cls, doc_text: str, span) -> "Span":
        """A span from a spaCy ``Span`` or ``Token`` (character offsets of the Doc)."""
        if hasattr(span, "start_char"):
            return cls.of(doc_text, span.start_char, span.end_char)
        return cls.of(doc_text, span.idx, span.idx + len(span.text))

    def check(self, doc_text: str) -> None:
        if doc_text[self.start:self.end] != self.text or not (0 <= self.start <= self.end <= len(doc_text)):
            raise SpanError(f"span {self.start}:{self.end} {self.text!r} does not match the text")


@dataclass(slots=True)
class Entity:
    id: str
    name: str
    type: str
    roles: list[str] = field(default_factory=list)
    country: str | None = None
    mentions: list[Span] = field(default_factory=list)


@dataclass(slots=True)
class Quote:
    kind: Literal["direct", "indirect", "mixed"]
    content: Span
    parts: list[Span] = field(default_factory=list)
    cue: Span | None = None
    speaker: Span | None = None
    speaker_entity: str | None = None
    speaker_name: str | None = None


@dataclass(slots=True)
class Place:
    mention: Span
    kind: Literal["toponym", "demonym"]
    name: str
    geonameid: int | None = None
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    feature: str | None = None


@dataclass(slots=True)
class Date:
    mention: Span
    type: Literal["DATE", "TIME", "DURATION", "SET"]
    value: str


@dataclass(slots=True)
class Actor:
    mention: Span | None = None
    entity: str | None = None
    name: str | None = None
    country: str | None = None
    sector: str | None = None


@dataclass(slots=True)
class Event:
    type: str
    trigger: Span
    sentence: Span
    cameo_root: str | None = None
    source: Actor | None = None
    target: Actor | None = None
    place: int | None = None
    date: str | None = None
    mode: str | None = None
    confidence: float = 0.0


@dataclass(slots=True)
class ArticleRecord:
    id: str
    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    source: str | None = None
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    language: str | None = "en"
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    dates: list[Date] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    keyphrases: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The record as plain JSON-able data, fields in the documented order."""
        return asdict(self)

    def dumps(self) -> str:
        """One physical JSON line (U+2028/U+2029 and control characters escaped)."""
        return json.dumps(self.to_json(), ensure_ascii=True, separators=(",", ":"))

    def spans(self):
        """Every span in the record, for checking offsets."""
        for e in self.entities:
            yield from e.mentions
        for q in self.quotes:
            yield q.content
            yield from q.parts
            yield from (s for s in (q.cue, q.speaker) if s is not None)
        for p in self.places:
            yield p.mention
        for d in self.dates:
            yield d.mention
        for ev in self.events:
            yield ev.trigger
            yield ev.sentence
            for a in (ev.source, ev.target):
                if a is not None and a.mention is not None:
                    yield a.mention

    def check_spans(self) -> None:
        for span in self.spans():
            span.check(self.text)


def text_id(text: str) -> str:
    """A stable id for an article without one: a hash of its text."""
    return "sha1:" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def from_doc(doc: "Doc", article: "Article") -> ArticleRecord:
    """The record for one processed article: metadata from the Article, annotations from the Doc."""
    record = ArticleRecord(
        id=article.id or text_id(article.text),
        text=article.text,
        title=article.title,
        url=article.url,
        published=article.published,
        source=article.source,
        authors=list(article.authors),
        tags=list(article.tags),
        captions=list(article.captions),
        language=doc.lang_ or "en",
    )
    for name in ("entities", "quotes", "places", "dates", "events", "keyphrases"):
        ext = "ng_" + name
        if doc.has_extension(ext):
            value = getattr(doc._, ext)
            if value:
                setattr(record, name, list(value))
    return record


@lru_cache(maxsize=1)
def json_schema() -> dict[str, Any]:
    """The JSON Schema of a record, shipped in the package."""
    return json.loads(resources.files("newsgraph").joinpath("schema/record.schema.json").read_text("utf-8"))
