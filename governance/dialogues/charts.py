"""Server-rendered SVG bar charts (no JavaScript, nothing from a CDN). Each chart carries a
title and a description, and the page prints the same figures as a table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

PALETTE = ["#0b3d91", "#b34700", "#1b7f3b", "#6f42c1", "#a4133c", "#00708a"]
WIDTH, BAR_AREA, LEFT, TOP = 640, 220, 140, 30


def grouped_bars(
    *,
    title: str,
    groups: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal]]],
    unit: str = "",
) -> str:
    """Bars for each group (e.g. years), one per series (e.g. funders), with a legend."""
    peak = max((v for _name, values in series for v in values), default=Decimal(0)) or Decimal(1)
    group_height = max(18 * len(series) + 12, 30)
    height = TOP + group_height * len(groups) + 20 + 18 * len(series)
    scale = (WIDTH - LEFT - 90) / float(peak)
    desc = "; ".join(
        f"{group}: " + ", ".join(f"{name} {values[i]}{unit}" for name, values in series)
        for i, group in enumerate(groups)
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'width="{WIDTH}" height="{height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
    ]
    for i, group in enumerate(groups):
        y0 = TOP + i * group_height
        parts.append(
            f'<text x="{LEFT - 8}" y="{y0 + group_height / 2:.0f}" text-anchor="end" '
            f'font-family="sans-serif" font-size="12" fill="#212529">{escape(str(group))}</text>'
        )
        for j, (_name, values) in enumerate(series):
            value = values[i]
            w = float(value) * scale
            y = y0 + 6 + j * 18
            parts.append(
                f'<rect x="{LEFT}" y="{y}" width="{w:.1f}" height="14" fill="{PALETTE[j % len(PALETTE)]}"/>'
                f'<text x="{LEFT + w + 4:.1f}" y="{y + 11}" font-family="sans-serif" font-size="10" '
                f'fill="#212529">{escape(_fmt(value))}{escape(unit)}</text>'
            )
    legend_y = TOP + group_height * len(groups) + 10
    for j, (name, _values) in enumerate(series):
        y = legend_y + j * 18
        parts.append(
            f'<rect x="{LEFT}" y="{y}" width="12" height="12" fill="{PALETTE[j % len(PALETTE)]}"/>'
            f'<text x="{LEFT + 18}" y="{y + 10}" font-family="sans-serif" font-size="11" '
            f'fill="#212529">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _fmt(value: Decimal) -> str:
    text = f"{value:,.2f}".replace(",", "\u202f").replace(".", ",")
    return text[:-3] if text.endswith(",00") else text
