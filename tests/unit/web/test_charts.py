"""Server-rendered SVG bar charts."""

from __future__ import annotations

import re

from web.charts import bar_chart


def bar_widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect class="bar"[^>]* width="([0-9.]+)"', svg)]


def test_bars_are_scaled_to_the_largest_value() -> None:
    svg = bar_chart("Голоси", [("А", 50), ("Б", 100), ("В", 0)], width=640)

    small, large, empty = bar_widths(svg)
    assert large == 640 - 180 - 70 and small == large / 2 and empty == 0


def test_the_chart_is_labelled_for_screen_readers_and_escapes_text() -> None:
    svg = bar_chart("Голоси <b>", [("<script>", 1)])

    assert 'role="img"' in svg and 'aria-label="Голоси &lt;b&gt;"' in svg
    assert "<script>" not in svg


def test_no_rows_draws_an_empty_chart() -> None:
    assert bar_widths(bar_chart("Порожньо", [])) == []
