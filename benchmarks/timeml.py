"""A reader for TimeML ``.tml`` files (TimeBank, AQUAINT, TempEval-3): the document creation time, the text of
``<TEXT>`` with every inline tag stripped, and the gold TIMEX3 of that text with exact offsets into it.

    doc = timeml.read(path)
    doc.dct            # "1998-01-08" (the value of the TIMEX3 in <DCT>), or None
    doc.text           # the plain text of <TEXT>, XML entities decoded
    doc.timexes        # [Timex(tid, start, end, text, type, value)], text == doc.text[start:end]

The TIMEX3 of the ``<DCT>`` header is the document's date, not part of its text: it is ``dct``, never a timex.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Timex:
    tid: str
    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass(slots=True)
class Doc:
    name: str
    text: str
    dct: str | None
    timexes: list[Timex] = field(default_factory=list)

    @property
    def published(self) -> str | None:
        """The DCT as an ISO date (what newsgraph takes as the publication date)."""
        return self.dct[:10] if self.dct and len(self.dct) >= 10 and self.dct[:4].isdigit() else None


def parse(xml: str, name: str = "<string>") -> Doc:
    """A TimeML document from its XML source."""
    root = ET.fromstring(xml)
    dct_timex = root.find("./DCT/TIMEX3")
    dct = dct_timex.get("value") if dct_timex is not None else None
    body = root.find("./TEXT")
    pieces: list[str] = []
    timexes: list[Timex] = []
    length = 0

    def walk(element: ET.Element) -> None:
        nonlocal length
        if element.text:
            pieces.append(element.text)
            length += len(element.text)
        for child in element:
            start = length
            walk(child)
            if child.tag == "TIMEX3":
                covered = "".join(pieces)[start:length] if length > start else ""
                timexes.append(Timex(child.get("tid", ""), start, length, covered, child.get("type", ""),
                                     child.get("value", "")))
            if child.tail:
                pieces.append(child.tail)
                length += len(child.tail)

    if body is not None:
        walk(body)
    text = "".join(pieces)
    timexes.sort(key=lambda t: (t.start, t.end))
    for t in timexes:
        assert text[t.start:t.end] == t.text
    return Doc(name, text, dct, timexes)


def read(path: Path) -> Doc:
    return parse(Path(path).read_text("utf-8"), Path(path).stem)


def load(folder: Path) -> list[Doc]:
    """Every ``.tml`` file under the folder, in sorted path order."""
    return [read(path) for path in sorted(Path(folder).rglob("*.tml"))]
