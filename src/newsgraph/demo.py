"""A readable summary of records, for ``newsgraph demo``."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table

from .record import ArticleRecord


def _title(record: ArticleRecord) -> str:
    if record.title:
        return record.title
    first = record.text.strip().split("\n", 1)[0]
    return first[:90] + ("…" if len(first) > 90 else "")


def print_summary(records: list[ArticleRecord], console: Console) -> None:
    totals: Counter[str] = Counter()
    for record in records:
        console.rule(f"[bold]{_title(record)}", align="left")
        meta = " · ".join(x for x in (record.source, record.published, record.url) if x)
        if meta:
            console.print(f"[dim]{meta}[/]", highlight=False)
        people = [e for e in record.entities if e.type == "PERSON"]
        if people:
            table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
            table.add_column("person")
            table.add_column("roles")
            table.add_column("country")
            table.add_column("mentions", justify="right")
            for e in people:
                table.add_row(e.name, "; ".join(e.roles) or "—", e.country or "—", str(len(e.mentions)))
            console.print(table)
        others = [e for e in record.entities if e.type != "PERSON"]
        if others:
            shown = ", ".join(f"{e.name} [dim]({e.type}{'/' + e.country if e.country else ''})[/]" for e in others[:14])
            more = f" … and {len(others) - 14} more" if len(others) > 14 else ""
            console.print(f"[bold]other entities:[/] {shown}{more}", highlight=False)
        for q in record.quotes[:6]:
            content = " ".join(q.content.text.split())
            content = content if q.kind == "direct" else f"“{content}”"
            content = content[:110] + ("…" if len(content) > 110 else "")
            who = q.speaker_name or (q.speaker.text if q.speaker else "?")
            console.print(f"  [dim]{q.kind:8}[/] [green]{content}[/] — [bold]{who}[/]", highlight=False)
        if len(record.quotes) > 6:
            console.print(f"  [dim]… and {len(record.quotes) - 6} more quotes[/]", highlight=False)
        for field in ("entities", "quotes", "places", "dates", "events"):
            totals[field] += len(getattr(record, field))
    console.rule()
    console.print(f"[bold]{len(records)} articles[/]: " + ", ".join(f"{n} {k}" for k, n in totals.items()),
                  highlight=False)
    console.print("[dim]Records: newsgraph extract PATH... > records.jsonl   ·   the record: newsgraph schema[/]")
