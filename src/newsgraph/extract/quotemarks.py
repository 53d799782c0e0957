"""Finding quoted passages by their quotation marks, on plain text (no parse needed).

:func:`quoted_passages` returns each direct quotation as a list of pieces (character ranges including their
marks): one piece for most quotes, several for a quote that runs over paragraphs (a paragraph that opens with
a quotation mark and does not close it, continued by the next paragraph's opening mark; or a quotation opened
inside a paragraph and left open, when the next paragraph opens with a mark: 'He said: “We will go on.' ...).
"""

from __future__ import annotations

import re

#: Opening mark → its closing mark. The straight double quote closes itself. The two-character marks are the
#: typewriter double quotes of newswire archives (LDC, the New York Times: ''…'') and of PTB-style text (``…'').
PAIRS = {"“": "”", "«": "»", "„": "“", '"': '"', "‘": "’", "'": "'", "''": "''", "``": "''"}
_DOUBLE_OPEN = {"“", "«", "„", '"'}
_TWO_CHAR_OPEN = ("''", "``")
_SINGLE_OPEN = {"‘", "'"}
#: What may stand right before an opening mark, besides a space.
_BEFORE_OPEN = "([{—–-\"“"
_PARAGRAPH = re.compile(r"[^\n]+")


def opening_mark(text: str, i: int) -> str | None:
    """The quotation mark that opens a quotation at ``i``, or None (an apostrophe, a closing mark, no mark)."""
    two = text[i:i + 2]
    if two in _TWO_CHAR_OPEN:
        before = text[i - 1] if i > 0 else " "
        after = text[i + 2] if i + 2 < len(text) else " "
        if (before.isspace() or before in _BEFORE_OPEN) and not after.isspace() and after != "'":
            return two
        return None
    ch = text[i] if i < len(text) else ""
    if ch in _DOUBLE_OPEN or (ch in _SINGLE_OPEN and _is_open_single(text, i)):
        return ch
    return None


def _is_open_single(text: str, i: int) -> bool:
    """A single quote that opens a quotation: at a word start, not an apostrophe ("'90s", "rock 'n' roll")."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in _BEFORE_OPEN) and after.isalnum() and not text[i + 1:i + 3].isdigit()


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
    """Where the closing mark of the quotation opened at ``i`` starts, or None when it stays open."""
    mark = opening_mark(text, i) or text[i]
    if mark in _SINGLE_OPEN:
        return _close_single(text, i, end, PAIRS[mark])
    closing = PAIRS[mark]
    if len(mark) == 2:
        j = text.find(closing, i + 2, end)
        while j >= 0 and text[j + 2:j + 3] == "'":  # three marks in a row: an inner single quote closes first
            j += 1
        return j if j >= 0 else None
    j = text.find(closing, i + 1, end)
    if mark == '"':  # a curly close after a straight open ('"Just when you thought it was over, it did.”'),
        k = text.find("”", i + 1, end)  # unless it closes a curly quote opened inside
        if k >= 0 and (j < 0 or k < j) and not text[k - 1].isspace() and "“" not in text[i + 1:k]:
            j = k
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
    return i if i < end and (text[i] in _DOUBLE_OPEN or opening_mark(text, i) in _TWO_CHAR_OPEN) else None


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
                close += len(PAIRS[opening_mark(text, opening) or text[opening]])
                pending.append((opening, close))
                passages.append(pending)
                pending = None
                i = close
        while i < end:
            mark = opening_mark(text, i)
            if mark is not None:
                close = _find_close(text, i, end)
                if close is None:
                    if mark not in _SINGLE_OPEN:
                        pending = [(i, end)]  # runs over into the next paragraph
                        tentative = _opening_at_start(text, start, end) != i
                    break
                if close - i > len(mark) + (1 if mark in _SINGLE_OPEN else 0):  # something inside the marks
                    passages.append([(i, close + len(PAIRS[mark]))])
                i = close + len(PAIRS[mark])
            else:
                i += 1
    if pending is not None and not tentative:
        passages.append(pending)
    return passages
