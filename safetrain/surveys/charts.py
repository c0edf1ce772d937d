"""A horizontal bar chart as inline SVG, drawn by the app (no script, no CDN)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from safetrain.surveys.selectors import OptionCount

ROW = 34


def bar_chart(options: list[OptionCount], *, title: str = "") -> SafeString:
    """One bar per option, its length the option's share of the responses, with the count and
    percentage written out (the chart is readable without colour)."""
    width = 320
    height = ROW * len(options) + 4
    parts = [
        f'<svg class="bar-chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'style="max-width:420px">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    for i, opt in enumerate(options):
        y = i * ROW
        bar = round(max(opt.share, 0.0) * (width - 4), 1)
        pct = round(opt.share * 100)
        parts.append(
            f'<text x="2" y="{y + 12}" font-size="12" fill="#222">{escape(opt.text[:40])}</text>'
            f'<rect x="2" y="{y + 16}" width="{width - 4}" height="12" fill="#eef1f5" rx="2"/>'
            f'<rect x="2" y="{y + 16}" width="{bar}" height="12" fill="#1f6feb" rx="2"/>'
            f'<text x="{width - 2}" y="{y + 12}" font-size="12" text-anchor="end" '
            f'fill="#222">{opt.count}（{pct}%）</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
