"""Chart markup written in Python (:meth:`newsgraph.web.charts.BarChart.bars_svg`) is what the template loop it
replaced wrote, escaped the same way."""

from __future__ import annotations

from newsgraph.web import charts
from newsgraph.web.pages import templates

# the loop the bar_chart macro ran before (one rect per bar, each value through Jinja's autoescaping)
TEMPLATE_LOOP = """{% for b in chart.bars %}<rect x="{{ b.x }}" y="{{ b.y }}" width="{{ b.width }}" \
height="{{ b.height }}" fill="{{ b.colour }}" class="bar" data-series="{{ b.series }}"><title>{{ b.label }}</title>\
</rect>
{% endfor %}"""


def test_the_bars_are_the_template_loop_s_markup_escaped():
    hostile = '<script>alert("x")</script> & co'
    rows = [{"period": "2025-01-06", "ASSAULT": 3, hostile: 1}, {"period": "2025-01-13", "ASSAULT": 2},
            {"period": "2025-01-20"}, {"period": "2025-01-27", hostile: 7}]
    chart = charts.stacked_bars(rows, ["ASSAULT", hostile], unit=" <b>events</b>")
    assert len(chart.bars) == 4
    got = str(chart.bars_svg())
    assert got.split("\n") == templates.env.from_string(TEMPLATE_LOOP).render(chart=chart).rstrip("\n").split("\n")
    assert "<script>" not in got and "<b>" not in got and "&lt;script&gt;" in got and got.count("<rect ") == 4
    page = templates.env.from_string('{% from "macros.html" import bar_chart %}{{ bar_chart(chart, "t", "c") }}'
                                     ).render(chart=chart)
    assert got in page and "<script>" not in page


def test_an_empty_chart_has_no_bars():
    chart = charts.stacked_bars([{"period": "2025-01-06"}], ["ASSAULT"])
    assert chart.empty and str(chart.bars_svg()) == ""
