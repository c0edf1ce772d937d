"""Chart geometry for the server-drawn inline SVG (templates dashboards/svg_*.html).

No script and no chart library: the view computes coordinates here, the template draws them.
Large type (the viewBox is scaled to the container, so 20-unit text stays readable on a
projector and on a phone), high-contrast colours that also differ in dash pattern and marker.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from safetrain.compliance.engine import Ratio

COLOURS = {
    "coverage": ("#0b3d91", ""),
    "certified": ("#b00020", "10 6"),
    "awareness": ("#1b5e20", "3 5"),
    "may_work": ("#7a3e00", "16 5 3 5"),
}


@dataclass
class Bar:
    label: str
    value: float  # the bar's length in the chart's unit
    text: str  # printed after the bar
    href: str = ""
    y: float = 0
    width: float = 0
    colour: str = "#0b3d91"


@dataclass
class BarChart:
    bars: list[Bar]
    height: float
    label_w: float = 250
    bar_w: float = 330
    row_h: float = 46
    width: float = 720
    title: str = ""

    def svg(self) -> SafeString:
        """The chart as inline SVG, built here (a county at city scale has hundreds of bars:
        a template loop over them cost more than the rest of the page)."""
        english = (get_language() or "").startswith("en")
        cut = 22 if english else 12
        parts = [
            f'<svg class="chart" viewBox="0 0 {self.width} {self.height}" role="img" '
            f'aria-label="{esc(self.title)}" preserveAspectRatio="xMinYMin meet">'
            f"<title>{esc(self.title)}</title>"
        ]
        x_value = self.label_w + self.bar_w + 8
        for b in self.bars:
            text = b.label if len(b.label) <= cut else b.label[: cut - 1] + "…"
            label = (
                f'<text x="{self.label_w - 10}" y="{b.y + 29}" text-anchor="end" '
                f'class="c-label"><title>{esc(b.label)}</title>{esc(text)}</text>'
            )
            if b.href:
                label = f'<a href="{esc(b.href)}">{label}</a>'
            parts.append(
                f"<g>{label}"
                f'<rect x="{self.label_w}" y="{b.y + 6}" width="{self.bar_w}" height="32" '
                f'class="c-track"/>'
                f'<rect x="{self.label_w}" y="{b.y + 6}" width="{b.width}" height="32" '
                f'fill="{esc(b.colour)}"/>'
                f'<text x="{x_value}" y="{b.y + 29}" class="c-value">{esc(b.text)}</text></g>'
            )
        if not self.bars:
            parts.append(f'<text x="20" y="34" class="c-label">{esc(gettext("No data"))}</text>')
        parts.append("</svg>")
        return mark_safe("".join(parts))  # noqa: S308 -- every text is escaped by esc()


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def bar_chart(bars: list[Bar], *, maximum: float | None = None, title: str = "") -> BarChart:
    top = maximum if maximum is not None else max((b.value for b in bars), default=0) or 1
    chart = BarChart(bars=bars, height=max(len(bars), 1) * 46 + 10, title=title)
    for i, b in enumerate(bars):
        b.y = 5 + i * chart.row_h
        b.width = round(max(b.value, 0) / top * chart.bar_w, 1) if top else 0
        if maximum == 100 and b.value < 60:
            b.colour = "#b00020"
    return chart


@dataclass
class Series:
    key: str
    label: str
    colour: str
    dash: str
    points: str  # "x,y x,y …" of the days with a denominator
    dots: list[tuple[float, float, str]]  # x, y, tooltip


@dataclass
class LineChart:
    series: list[Series]
    xlabels: list[tuple[float, str]]
    ylines: list[tuple[float, str]]
    width: float = 720
    height: float = 380
    title: str = ""


def line_chart(
    trend: list[tuple[dt.date, dict[str, Ratio]]], labels: dict[str, str], *, title: str = ""
) -> LineChart:
    left, right, top, bottom = 70.0, 675.0, 20.0, 320.0
    n = len(trend)
    step = (right - left) / max(n - 1, 1)

    def y(p: float) -> float:
        return round(bottom - (bottom - top) * p / 100, 1)

    series = []
    for key, label in labels.items():
        colour, dash = COLOURS[key]
        dots = []
        for i, (day, ratios) in enumerate(trend):
            r = ratios[key]
            if r.den:
                p = 100 * r.num / r.den
                dots.append((round(left + i * step, 1), y(p), f"{day:%Y-%m-%d} {label} {p:.1f}%"))
        series.append(
            Series(key, label, colour, dash, " ".join(f"{a},{b}" for a, b, _ in dots), dots)
        )
    every = 1 if n <= 7 else 2 if n <= 14 else 3
    xlabels = [
        (round(left + i * step, 1), f"{d:%y-%m}" if i < n - 1 else f"{d:%m-%d}")
        for i, (d, _) in enumerate(trend)
        if (n - 1 - i) % every == 0
    ]
    ylines = [(y(p), f"{p}%") for p in (0, 25, 50, 75, 100)]
    return LineChart(series, xlabels, ylines, title=title)


@dataclass
class Column:
    x: float
    y: float
    width: float
    height: float
    colour: str
    tip: str


@dataclass
class ColumnChart:
    """Groups of vertical bars (one group per category, one bar per series), 0–100 %."""

    columns: list[Column]
    xlabels: list[tuple[float, str]]
    ylines: list[tuple[float, str]]
    series: list[Series]
    width: float = 720
    height: float = 380
    title: str = ""


def column_chart(
    groups: list[tuple[str, dict[str, Ratio]]], labels: dict[str, str], *, title: str = ""
) -> ColumnChart:
    """One group per (label, ratios by series key); a series without a denominator draws no
    bar. Colours as the line chart's, so a rate has one colour on the whole page."""
    left, right, top, bottom = 70.0, 690.0, 20.0, 320.0
    n = max(len(groups), 1)
    slot = (right - left) / n
    bar = min(24.0, (slot - 12) / max(len(labels), 1))

    def y(p: float) -> float:
        return round(bottom - (bottom - top) * p / 100, 1)

    columns = []
    xlabels = []
    for i, (name, ratios) in enumerate(groups):
        start = left + i * slot + (slot - bar * len(labels)) / 2
        xlabels.append((round(left + i * slot + slot / 2, 1), name))
        for j, (key, label) in enumerate(labels.items()):
            r = ratios[key]
            if not r.den:
                continue
            p = 100 * r.num / r.den
            columns.append(
                Column(
                    round(start + j * bar, 1),
                    y(p),
                    round(bar - 2, 1),
                    round(bottom - y(p), 1),
                    COLOURS[key][0],
                    f"{name} {label} {p:.1f}% ({r.num}/{r.den})",
                )
            )
    series = [Series(k, lb, COLOURS[k][0], COLOURS[k][1], "", []) for k, lb in labels.items()]
    ylines = [(y(p), f"{p}%") for p in (0, 25, 50, 75, 100)]
    return ColumnChart(columns, xlabels, ylines, series, title=title)
