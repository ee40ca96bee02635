"""Server-rendered SVG bar charts (no chart library, no CDN): horizontal bars, one per label,
readable by screen readers through the SVG's title and a text value beside each bar."""

from __future__ import annotations

from html import escape

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 180
VALUE_WIDTH = 70


def bar_chart(title: str, rows: list[tuple[str, float]], width: int = 640) -> str:
    """An accessible SVG: `rows` of (label, value), bars scaled to the largest value."""
    largest = max((value for _, value in rows), default=0) or 1
    span = width - LABEL_WIDTH - VALUE_WIDTH
    height = max(len(rows), 1) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="100%" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(rows):
        y = GAP + i * (BAR_HEIGHT + GAP)
        bar = round(span * value / largest, 1)
        shown = f"{value:g}"
        label_x = LABEL_WIDTH - 6
        parts += [
            f'<text x="{label_x}" y="{y + 15}" text-anchor="end">{escape(_short(label))}</text>',
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y}" width="{bar}" height="{BAR_HEIGHT}">'
            f"<title>{escape(label)}: {shown}</title></rect>",
            f'<text x="{LABEL_WIDTH + bar + 6}" y="{y + 15}">{shown}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)


def _short(label: str, limit: int = 24) -> str:
    """Long council names would run off the left edge; the bar's tooltip keeps the full one."""
    return label if len(label) <= limit else label[: limit - 1] + "…"
