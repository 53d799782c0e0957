"""Finding quoted passages by their quotation marks, on plain text (no parse needed).

:func:`quoted_passages` returns each direct quotation as a list of pieces (character ranges including their
marks): one piece for most quotes, several for a quote that runs over paragraphs (a paragraph that opens with
a quotation mark and does not close it, continued by the next paragraph's opening mark; or a quotation opened
inside a paragraph and left open, when the next paragraph opens with a mark: 'He said: “We will go on.' ...).
"""

from __future__ import annotations

import re

#: Opening mark → its closing mark. The straight double quote closes itself.
PAIRS = {"“": "”", "«": "»", "„": "“", '"': '"', "‘": "’", "'": "'"}
_DOUBLE_OPEN = {"“", "«", "„", '"'}
_SINGLE_OPEN = {"‘", "'"}
_PARAGRAPH = re.compile(r"[^\n]+")


def _is_open_single(text: str, i: int) -> bool:
    """A single quote that opens a quotation: at a word start, not an apostrophe ("'90s", "rock 'n' roll")."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([{—–-\"“") and after.isalnum() and not text[i + 1:i + 3].isdigit()


def _close_single(text: str, i: int, end: int, mark: str) -> int | None:
    """The closing single quote for one opened at ``i``: followed by a non-letter, not inside a word."""
    j = i + 1
    while True:
        j = text.find(mark, j + 1, end)
        if j < 0:
            return None
        after = text[j + 1] if j + 1 < len(text) else " "
        if not after.isalnum() and text[j - 1] not in " \t":
            # "soldiers' families": a plural possessive, not a close
            if after == " " and text[j - 1] == "s" and j + 2 < end and text[j + 2].islower() and mark in "'’":
                continue
            return j


def _find_close(text: str, i: int, end: int) -> int | None:
    mark = text[i]
    if mark in _SINGLE_OPEN:
        return _close_single(text, i, end, PAIRS[mark])
    closing = PAIRS[mark]
    j = text.find(closing, i + 1, end)
    if mark == "“":  # a stray straight close in curly text still closes, and so does a mistyped “ after
        k = text.find('"', i + 1, end)  # closing punctuation ('…here,“ said Jim Clyburn')
        if j < 0 or 0 <= k < j:
            j = k if k >= 0 and (j < 0 or k < j) else j
        m = text.find("“", i + 1, end)
        while m >= 0 and (j < 0 or m < j):
            if text[m - 1] in ",.!?" and (m + 1 >= len(text) or text[m + 1] in " \n"):
                j = m
                break
            m = text.find("“", m + 1, end)
    return j if j >= 0 else None


def _opening_at_start(text: str, start: int, end: int) -> int | None:
    """Index of the quotation mark that opens a paragraph, if it opens with one."""
    i = start
    while i < end and text[i] in " \t":
        i += 1
    return i if i < end and text[i] in _DOUBLE_OPEN else None


def quoted_passages(text: str) -> list[list[tuple[int, int]]]:
    """Each direct quotation as a list of (start, end) pieces with their marks, in text order."""
    passages: list[list[tuple[int, int]]] = []
    pending: list[tuple[int, int]] | None = None  # an open quote running over paragraphs
    tentative = False  # it opened inside its paragraph ('He said: “We will go on.'): only a quote if continued
    for para in _PARAGRAPH.finditer(text):
        start, end = para.start(), para.end()
        while end > start and text[end - 1] in " \t\r":
            end -= 1
        i = start
        if pending is not None:
            opening = _opening_at_start(text, start, end)
            if opening is None:  # the quote ended with the last paragraph
                if not tentative:
                    passages.append(pending)
                pending = None
            else:
                close = _find_close(text, opening, end)
                if close is None:
                    pending.append((opening, end))
                    continue
                pending.append((opening, close + 1))
                passages.append(pending)
                pending = None
                i = close + 1
        while i < end:
            ch = text[i]
            if ch in _DOUBLE_OPEN or (ch in _SINGLE_OPEN and _is_open_single(text, i)):
                close = _find_close(text, i, end)
                if close is None:
                    if ch in _DOUBLE_OPEN:
                        pending = [(i, end)]  # runs over into the next paragraph
                        tentative = _opening_at_start(text, start, end) != i
                    break
                if close - i > (2 if ch in _SINGLE_OPEN else 1):
                    passages.append([(i, close + 1)])
                i = close + 1
            else:
                i += 1
    if pending is not None and not tentative:
        passages.append(pending)
    return passages
