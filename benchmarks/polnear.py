"""Reading a PolNeAR split (Newell, Margolin, Ruths, LREC 2018): article texts and their gold attributions.

A split directory holds ``text/NAME.txt`` and ``attributions/NAME_<annotator>.ann`` (brat standoff); the
publication dates are in ``metadata.tsv`` one level up.  When several annotators annotated a text, the first
``.ann`` in sorted order is used.  Offsets are Python ``str`` offsets into the text read as UTF-8, unchanged.

The ``.ann`` lines used::

    T1<TAB>Source 89 106<TAB>The New York Post            a span (discontinuous: ``Content 10 20;25 40``)
    E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1     an attribution and the spans in each role

An ``E`` line's first argument is its trigger (``Attribution`` or ``Attribution-no-source``); the other roles
may be missing or repeated (``Content2:T22``: a second content span, whose pieces join the first's).  Every
``T`` span's text is checked against the document; disagreements are listed in ``Doc.mismatches``, not raised.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

Piece = tuple[int, int]

#: The roles an attribution's spans play, as written in ``E`` lines (without a repetition number).
ROLES = ("Content", "Cue", "Source")


@dataclass(slots=True)
class Attribution:
    """One gold attribution: its content, cue and source as lists of ``(start, end)`` pieces, and their texts.

    A span's text is its pieces' texts joined by a space (brat's convention).  ``cue`` and ``source`` are
    ``None`` when the annotation has none; ``content`` is empty in the rare annotation without one.
    """

    id: str
    content: list[Piece]
    cue: list[Piece] | None
    source: list[Piece] | None
    content_text: str
    cue_text: str | None
    source_text: str | None


@dataclass(slots=True)
class Doc:
    name: str
    text: str
    annotator: str
    published: str | None = None
    attributions: list[Attribution] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Span:
    kind: str
    pieces: list[Piece]
    text: str


def load(split_dir: Path) -> list[Doc]:
    """The documents of a split, in name order, each with the first annotator's attributions."""
    dates = read_dates(split_dir.parent / "metadata.tsv")
    docs = []
    for name, ann in first_annotations(split_dir / "attributions").items():
        text = (split_dir / "text" / f"{name}.txt").read_bytes().decode("utf-8")
        annotator = ann.stem[len(name) + 1:]
        doc = Doc(name, text, annotator, dates.get(name))
        doc.attributions, doc.mismatches = parse_ann(ann.read_bytes().decode("utf-8"), text)
        docs.append(doc)
    return docs


def first_annotations(ann_dir: Path) -> dict[str, Path]:
    """Document name → its first ``.ann`` file in sorted order (``NAME_<annotator>.ann``), names sorted."""
    chosen: dict[str, Path] = {}
    for path in sorted(ann_dir.glob("*.ann")):
        chosen.setdefault(path.stem.rsplit("_", 1)[0], path)
    return dict(sorted(chosen.items()))


def read_dates(metadata: Path) -> dict[str, str]:
    """Document name → ``publication_date`` from ``metadata.tsv`` (empty when the file is absent)."""
    if not metadata.is_file():
        return {}
    with metadata.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return {row["filename"]: row["publication_date"] for row in rows if row.get("publication_date")}


def parse_ann(ann: str, text: str) -> tuple[list[Attribution], list[str]]:
    """The attributions of one ``.ann`` file over ``text``, and the problems found (span text mismatches,
    malformed lines, references to missing spans)."""
    spans: dict[str, _Span] = {}
    relations: list[tuple[str, str]] = []
    mismatches: list[str] = []
    for line in ann.splitlines():
        ident, _, rest = line.partition("\t")
        if re.fullmatch(r"T\d+", ident):
            span = _parse_span(ident, rest, text, mismatches)
            if span is not None:
                spans[ident] = span
        elif re.fullmatch(r"E\d+", ident):
            relations.append((ident, rest))
    attributions = [_attribution(ident, args, spans, text, mismatches) for ident, args in relations]
    return attributions, mismatches


def _parse_span(ident: str, rest: str, text: str, mismatches: list[str]) -> _Span | None:
    header, _, annotated = rest.partition("\t")
    kind, _, offsets = header.partition(" ")
    try:
        pieces = [(int(a), int(b)) for a, b in (piece.split() for piece in offsets.split(";"))]
    except ValueError:
        mismatches.append(f"{ident}: malformed span {header!r}")
        return None
    actual = pieces_text(text, pieces)
    if actual != annotated or any(not 0 <= a <= b <= len(text) for a, b in pieces):
        mismatches.append(f"{ident}: annotated {annotated!r}, text has {actual!r} at {offsets}")
    return _Span(kind, pieces, actual)


def _attribution(ident: str, args: str, spans: dict[str, _Span], text: str,
                 mismatches: list[str]) -> Attribution:
    pieces: dict[str, list[Piece] | None] = dict.fromkeys(ROLES)
    for arg in args.split()[1:]:  # the first argument is the trigger
        role, _, target = arg.partition(":")
        role = re.sub(r"\d+$", "", role)
        if role not in pieces:
            continue
        if target not in spans:
            mismatches.append(f"{ident}: {role} refers to missing span {target!r}")
            continue
        pieces[role] = (pieces[role] or []) + spans[target].pieces
    content, cue, source = (pieces[role] for role in ROLES)
    return Attribution(ident, content or [], cue, source, pieces_text(text, content or []),
                       None if cue is None else pieces_text(text, cue),
                       None if source is None else pieces_text(text, source))


def pieces_text(text: str, pieces: list[Piece]) -> str:
    """The text of a (possibly discontinuous) span: its pieces' texts joined by a space, as brat writes it."""
    return " ".join(text[a:b] for a, b in pieces)
