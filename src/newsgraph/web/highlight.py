"""An article's text cut into highlighted pieces for the article page.

Every annotation of the record (quote contents and their parts, speakers, cues, entity mentions, places, dates,
event triggers) is a ``(start, end)`` span of the text. The text is cut at every span boundary and paragraph
break; each piece carries the kinds of all spans over it, the hover text of each, and the link of the innermost
entity (its corpus page). The template renders pieces as elements whose text Jinja escapes: the article's text
never becomes markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: Highlight kinds in legend order, with their legend labels.
KINDS = (("quote", "Quotes"), ("speaker", "Speakers"), ("cue", "Cues"), ("entity", "Entities"),
         ("place", "Places"), ("date", "Dates"), ("event", "Events"))

_PARAGRAPH = re.compile(r"\n\s*\n|\n")


@dataclass
class Mark:
    kind: str
    start: int
    end: int
    tip: str
    href: str | None = None
    anchor: str | None = None


@dataclass
class Piece:
    text: str
    kinds: list[str] = field(default_factory=list)
    tips: list[str] = field(default_factory=list)
    href: str | None = None
    anchors: list[str] = field(default_factory=list)

    @property
    def classes(self) -> str:
        return " ".join(f"hl-{k}" for k in self.kinds)

    @property
    def tip(self) -> str:
        return "\n".join(self.tips)


def _span(obj) -> tuple[int, int] | None:
    if isinstance(obj, dict) and isinstance(obj.get("start"), int) and isinstance(obj.get("end"), int):
        if obj["end"] > obj["start"]:
            return obj["start"], obj["end"]
    return None


def marks(record: dict[str, Any], corpus: dict[str, str]) -> list[Mark]:
    """The record's spans as marks (``corpus`` maps the record's entity ids to corpus entity ids)."""
    out: list[Mark] = []
    entities = {e.get("id"): e for e in record.get("entities") or []}

    def entity_link(entity_id: str | None) -> str | None:
        cid = corpus.get(entity_id or "")
        return f"/entities/{cid}" if cid else None

    for e in entities.values():
        roles = ", ".join(e.get("roles") or [])
        tip = f"{e.get('type') or 'Entity'}: {e.get('name')}" + (f" ({roles})" if roles else "") + (
            f" [{e['country']}]" if e.get("country") else "")
        for m in e.get("mentions") or []:
            span = _span(m)
            if span:
                out.append(Mark("entity", *span, tip, entity_link(e.get("id"))))
    for n, q in enumerate(record.get("quotes") or []):
        who = q.get("speaker_name") or (q.get("speaker") or {}).get("text") or "unknown speaker"
        parts = [p for p in (q.get("parts") or []) if _span(p)] or [q.get("content")]
        for i, part in enumerate(parts):
            span = _span(part)
            if span:
                out.append(Mark("quote", *span, f"Quote ({q.get('kind')}) by {who}", None,
                                f"quote-{n}" if i == 0 else None))
        if _span(q.get("speaker")):
            out.append(Mark("speaker", *_span(q["speaker"]), f"Speaker: {who}", entity_link(q.get("speaker_entity"))))
        if _span(q.get("cue")):
            out.append(Mark("cue", *_span(q["cue"]), f"Cue: {q['cue'].get('text')}"))
    for n, p in enumerate(record.get("places") or []):
        span = _span(p.get("mention"))
        if span:
            where = ", ".join(str(x) for x in (p.get("name"), p.get("country")) if x) or "unresolved"
            point = f" ({p['lat']:.3f}, {p['lon']:.3f})" if p.get("lat") is not None else ""
            gid = f" GeoNames {p['geonameid']}" if p.get("geonameid") else ""
            out.append(Mark("place", *span, f"Place ({p.get('kind')}): {where}{point}{gid}", None, f"place-{n}"))
    for d in record.get("dates") or []:
        span = _span(d.get("mention"))
        if span:
            out.append(Mark("date", *span, f"TIMEX3 {d.get('type')}: {d.get('value')}"))
    for n, ev in enumerate(record.get("events") or []):
        span = _span(ev.get("trigger"))
        if span:
            def actor(a):
                if not a:
                    return "?"
                code = " ".join(x for x in (a.get("country"), a.get("sector")) if x)
                return (a.get("name") or (a.get("mention") or {}).get("text") or "?") + (f" [{code}]" if code else "")
            cameo = f" (CAMEO {ev['cameo_root']})" if ev.get("cameo_root") else ""
            out.append(Mark("event", *span, f"Event {ev.get('type')}{cameo}: {actor(ev.get('source'))} → "
                                            f"{actor(ev.get('target'))}", None, f"event-{n}"))
    return out


def paragraphs(text: str, record: dict[str, Any], corpus: dict[str, str]) -> list[list[Piece]]:
    """The text as paragraphs of pieces (see the module's docstring)."""
    all_marks = [m for m in marks(record, corpus) if 0 <= m.start < m.end <= len(text)]
    breaks = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]
    cuts = {0, len(text)}
    for m in all_marks:
        cuts.update((m.start, m.end))
    for a, b in breaks:
        cuts.update((a, b))
    points = sorted(cuts)
    gap_at = {a: b for a, b in breaks}
    # marks starting at each point, to sweep once
    starts: dict[int, list[Mark]] = {}
    for m in all_marks:
        starts.setdefault(m.start, []).append(m)
    active: list[Mark] = []
    out: list[list[Piece]] = [[]]
    for a, b in zip(points, points[1:]):
        active = [m for m in active if m.end > a] + starts.get(a, [])
        if a in gap_at:
            if out[-1]:
                out.append([])
            continue
        order = {k: i for i, (k, _) in enumerate(KINDS)}
        here = sorted(active, key=lambda m: (order.get(m.kind, 99), m.end - m.start))
        piece = Piece(text[a:b])
        for m in here:
            if m.kind not in piece.kinds:
                piece.kinds.append(m.kind)
            if m.tip not in piece.tips:
                piece.tips.append(m.tip)
            if m.anchor and m.start == a:
                piece.anchors.append(m.anchor)
        linked = sorted((m for m in here if m.href), key=lambda m: m.end - m.start)
        piece.href = linked[0].href if linked else None
        out[-1].append(piece)
    return [p for p in out if p]
