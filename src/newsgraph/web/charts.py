"""Chart geometry for the web UI, computed on the server so pages draw as plain SVG (no script, no library, no
network): stacked bars over time, the actor network's layout, points on the world map."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

#: Colours per series: 16 well-separated hues (the PLOVER types number 16), then grey.
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#bcbd22", "#393b79", "#ad494a", "#637939", "#7b4173", "#000000", "#e7969c", "#6b6ecf", "#7f7f7f")


def colours(names: list[str]) -> dict[str, str]:
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: str
    colour: str
    label: str


@dataclass
class BarChart:
    """Stacked bars: one column per period, one segment per series."""

    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)  # x, label
    y_ticks: list[tuple[float, str]] = field(default_factory=list)  # y, label
    legend: list[tuple[str, str]] = field(default_factory=list)  # name, colour
    left: int = 36
    bottom: int = 22
    empty: bool = True

    def bars_svg(self) -> Markup:
        """The bars as SVG ``rect``s, each with its label as a tooltip (``title``), escaped. Written here rather
        than by a template loop: a ten-year weekly timeline has some 8,000 of them, which the loop took about
        100 ms to write (the events page)."""
        return Markup("\n".join(
            f'<rect x="{b.x}" y="{b.y}" width="{b.width}" height="{b.height}" fill="{escape(b.colour)}" '
            f'class="bar" data-series="{escape(b.series)}"><title>{escape(b.label)}</title></rect>'
            for b in self.bars))


def stacked_bars(rows: list[dict[str, Any]], series: list[str], *, period_key: str = "period",
                 width: int = 720, height: int = 220, unit: str = "") -> BarChart:
    """Rows of ``{period, series1: n, series2: n, ...}`` (one per period, in order) as a stacked bar chart."""
    chart = BarChart(width, height)
    present = [s for s in series if any(r.get(s) for r in rows)]
    palette = colours(series)
    chart.legend = [(s, palette[s]) for s in present]
    if not rows or not present:
        return chart
    chart.empty = False
    top = max(sum(r.get(s, 0) or 0 for s in present) for r in rows) or 1
    plot_w, plot_h = width - chart.left - 8, height - chart.bottom - 8
    step = plot_w / len(rows)
    bar_w = max(1.0, min(40.0, step * 0.8))
    every = max(1, math.ceil(len(rows) / 8))
    for i, row in enumerate(rows):
        x = chart.left + i * step + (step - bar_w) / 2
        y = 8 + plot_h
        for s in present:
            n = row.get(s) or 0
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            chart.bars.append(Bar(round(x, 1), round(y, 1), round(bar_w, 1), round(h, 1), s, palette[s],
                                  f"{row[period_key]}: {n} {s}{unit}"))
        if i % every == 0:
            chart.ticks.append((round(chart.left + i * step + step / 2, 1), str(row[period_key])[:10]))
    for value in sorted({0, math.ceil(top / 2), top}):
        chart.y_ticks.append((round(8 + plot_h * (1 - value / top), 1), str(value)))
    return chart


def pivot(items: list[dict[str, Any]], *, key: str = "type", value: str = "count") -> tuple[list[dict], list[str]]:
    """``[{period, type, count}]`` rows as one row per period with a column per type; the types, commonest
    first."""
    periods: dict[str, dict[str, Any]] = {}
    totals: dict[str, int] = {}
    for item in items:
        row = periods.setdefault(item["period"], {"period": item["period"]})
        row[item[key]] = row.get(item[key], 0) + item[value]
        totals[item[key]] = totals.get(item[key], 0) + item[value]
    return list(periods.values()), sorted(totals, key=lambda t: (-totals[t], t))


def _next(day, interval: str):
    import datetime

    if interval == "day":
        return day + datetime.timedelta(days=1)
    if interval == "week":
        return day + datetime.timedelta(days=7)
    if interval == "month":
        return day.replace(year=day.year + day.month // 12, month=day.month % 12 + 1)
    return day.replace(year=day.year + 1)


def fill_gaps(rows: list[dict[str, Any]], interval: str, *, max_periods: int = 400) -> list[dict[str, Any]]:
    """Rows (ordered by ``period``, ISO dates) with the empty periods between them added, so bars stand where
    their time is; left as they are when that would take more than ``max_periods`` bars."""
    import datetime

    if len(rows) < 2:
        return rows
    try:
        days = [datetime.date.fromisoformat(str(r["period"])[:10]) for r in rows]
    except ValueError:
        return rows
    have = {d: r for d, r in zip(days, rows)}
    out, day = [], days[0]
    while day <= days[-1]:
        out.append(have.get(day) or {"period": day.isoformat()})
        if len(out) > max_periods:
            return rows
        day = _next(day, interval)
    return out


# --- the network -------------------------------------------------------------------------------------------------

@dataclass
class Node:
    id: str
    label: str
    kind: str
    weight: int
    x: float = 0.0
    y: float = 0.0
    r: float = 6.0
    href: str | None = None


@dataclass
class Edge:
    source: Node
    target: Node
    type: str
    count: int
    colour: str
    width: float
    bend: float = 0.0  # curvature, so edges of several types between two nodes stay apart


@dataclass
class Network:
    width: int
    height: int
    nodes: list[Node]
    edges: list[Edge]
    legend: list[tuple[str, str]]


def layout(data: dict[str, Any], *, width: int = 720, iterations: int = 200) -> Network:
    """A deterministic layout of :func:`newsgraph.store.aggregates.network`'s nodes and edges: each connected
    group of actors laid out on its own (Fruchterman-Reingold, started on a circle), the groups packed in rows,
    largest first, so that small pairs do not scatter across the canvas. The height follows the content."""
    nodes = [Node(n["id"], n["label"], n["kind"], n["weight"],
                  href=f"/entities/{n['id']}" if n["kind"] == "entity" else None) for n in data["nodes"]]
    index = {n.id: i for i, n in enumerate(nodes)}
    types = sorted({e["type"] for e in data["edges"]})
    palette = colours(types)
    if not nodes:
        return Network(width, 0, [], [], [])
    links = [(index[e["source"]], index[e["target"]]) for e in data["edges"]
             if e["source"] in index and e["target"] in index]
    parent = list(range(len(nodes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in links:
        parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for i in range(len(nodes)):
        groups.setdefault(root(i), []).append(i)
    ordered = sorted(groups.values(), key=lambda g: (-len(g), g[0]))
    for node in nodes:
        node.r = 5 + min(10.0, 2.0 * math.sqrt(node.weight))
    # each group gets a square cell whose side grows with the square root of its size; cells fill rows
    unit = 70.0
    x = y = row_h = 0.0
    for members in ordered:
        side = unit * max(2.2, math.sqrt(len(members)) * 1.4)
        side = min(side, float(width))
        if x + side > width:
            x, y, row_h = 0.0, y + row_h, 0.0
        sub = [nodes[i] for i in members]
        where = {i: j for j, i in enumerate(members)}
        sub_links = [(where[a], where[b]) for a, b in links if a in where]
        count = len(sub)
        for j, node in enumerate(sub):
            angle = 2 * math.pi * j / count
            node.x, node.y = math.cos(angle), math.sin(angle)
        if count > 3:  # pairs and triangles keep the circle they start on (a line, a triangle)
            _relax(sub, sub_links, min(iterations, 40 + 8 * count))
        xs, ys = [n.x for n in sub], [n.y for n in sub]
        span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
        pad = 34.0
        for node in sub:
            fx = (node.x - min(xs)) / span_x if span_x > 1e-6 else 0.5
            fy = (node.y - min(ys)) / span_y if span_y > 1e-6 else 0.5
            node.x = round(x + pad + fx * (side - 2 * pad), 1)
            node.y = round(y + pad + fy * (side - 2 * pad), 1)
        x += side
        row_h = max(row_h, side)
    height = int(y + row_h) + 4
    edges, seen = [], {}
    top = max((e["count"] for e in data["edges"]), default=1)
    for e in data["edges"]:
        if e["source"] not in index or e["target"] not in index:
            continue
        a, b = nodes[index[e["source"]]], nodes[index[e["target"]]]
        key = tuple(sorted((a.id, b.id)))
        nth = seen.get(key, 0)
        seen[key] = nth + 1
        edges.append(Edge(a, b, e["type"], e["count"], palette[e["type"]],
                          round(1 + 3 * e["count"] / top, 1), bend=0.15 * nth + 0.08))
    return Network(width, height, nodes, edges, [(t, palette[t]) for t in types])


def _relax(nodes: list[Node], links: list[tuple[int, int]], iterations: int) -> None:
    """Fruchterman-Reingold steps in a unit frame over all node pairs at once (numpy), cooling as it goes."""
    import numpy as np

    count = len(nodes)
    if count < 2:
        return
    pos = np.array([[n.x, n.y] for n in nodes], dtype=float)
    k = 1.0 / math.sqrt(count)
    temperature = 0.2
    src = np.array([a for a, _ in links], dtype=int)
    dst = np.array([b for _, b in links], dtype=int)
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.maximum(np.linalg.norm(delta, axis=2), 1e-3)
        disp = (delta / dist[:, :, None] * (k * k / dist)[:, :, None]).sum(axis=1)
        if len(src):
            d = pos[src] - pos[dst]
            dl = np.maximum(np.linalg.norm(d, axis=1), 1e-3)
            pull = d / dl[:, None] * (dl * dl / k)[:, None]
            np.add.at(disp, src, -pull)
            np.add.at(disp, dst, pull)
        disp -= pos * 0.05  # gravity towards the origin keeps the group together
        length = np.maximum(np.linalg.norm(disp, axis=1), 1e-6)
        pos += disp / length[:, None] * np.minimum(length, temperature)[:, None]
        temperature *= 0.97
    for n, (x, y) in zip(nodes, pos):
        n.x, n.y = float(x), float(y)


# --- the map -----------------------------------------------------------------------------------------------------

@dataclass
class Point:
    x: float
    y: float
    r: float
    label: str
    place: dict[str, Any]


def map_points(places: list[dict[str, Any]]) -> list[Point]:
    """Places as points in the world map's equirectangular frame (``x = lon + 180``, ``y = 90 - lat``, the
    frame of ``static/world.svg``), sized by the articles that name them; the largest drawn first."""
    top = max((p["articles"] for p in places), default=1) or 1
    out = []
    for p in places:
        if p.get("lat") is None or p.get("lon") is None:
            continue
        r = 0.6 + 2.6 * math.sqrt(p["articles"] / top)
        label = f"{p['name']}" + (f", {p['country']}" if p.get("country") else "") + \
            f": {p['articles']} article{'s' if p['articles'] != 1 else ''}, {p['mentions']} mention" + \
            ("s" if p["mentions"] != 1 else "")
        out.append(Point(round(p["lon"] + 180, 2), round(90 - p["lat"], 2), round(r, 2), label, p))
    return sorted(out, key=lambda pt: -pt.r)
