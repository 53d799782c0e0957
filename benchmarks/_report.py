"""Writing a benchmark's figures: tables as plain text and Markdown, and into its own section of
``docs/benchmarks.md``.

Each benchmark owns the text between ``<!-- begin NAME -->`` and ``<!-- end NAME -->``; the rest of the file
(definitions, comparisons, prose) is written by hand and left alone.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path


def write_section(path: Path, name: str, body: str) -> None:
    begin, end = f"<!-- begin {name} -->", f"<!-- end {name} -->"
    stamp = f"_Measured {datetime.date.today().isoformat()}._"
    block = f"{begin}\n{stamp}\n\n{body.strip()}\n{end}"
    text = path.read_text("utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + f"\n\n## {name}\n\n{block}\n"
    path.write_text(text, "utf-8")


def plain_table(rows: list[list[str]]) -> str:
    """Rows of cells (header first) as aligned plain text: the first column left, the others right."""
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) if k == 0 else cell.rjust(w) for k, (cell, w) in
                               enumerate(zip(row, widths))) for row in rows)


def markdown_table(rows: list[list[str]]) -> str:
    """Rows of cells (header first) as a Markdown table: the first column left-aligned, the others right."""
    lines = ["| " + " | ".join(rows[0]) + " |", "|---|" + "---:|" * (len(rows[0]) - 1)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows[1:]])
