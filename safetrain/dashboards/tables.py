"""The numbers behind every chart, as one table each: shown under the chart (table view) and
exported to Excel from the same rows, so the two can never disagree."""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Font

from safetrain.compliance.engine import Ratio
from safetrain.dashboards.selectors import RATES, Dashboard, Unit, pct

CHARTS = ("rates", "findings", "certs", "trend", "children", "bottom", "forms")


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]

    def html(self) -> SafeString:
        """The table view's <table>, built here rather than in a template loop (a county page at
        city scale has hundreds of rows; plain string building keeps it a few milliseconds)."""
        head = "".join(f'<th scope="col">{esc(h)}</th>' for h in self.headers)
        if self.rows:
            body = "".join(
                "<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>" for row in self.rows
            )
        else:
            body = f'<tr><td colspan="{len(self.headers)}">{esc(gettext("No data"))}</td></tr>'
        return mark_safe(  # noqa: S308 -- every value above is escaped by esc()
            f'<table class="table" data-testid="table-{esc(self.key)}"><thead><tr>{head}</tr>'
            f"</thead><tbody>{body}</tbody></table>"
        )


def esc(value: Any) -> str:
    """HTML-escape a cell (numbers as they are): the standard library's escape, without
    Django's lazy-string checks, which cost more than the rest of a large table."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return html.escape(str(value), quote=True)


def _pct(v: float | None) -> Any:
    return v if v is not None else "—"


def _rate_cells(ratios: dict[str, Ratio]) -> list[Any]:
    row: list[Any] = []
    for key, _label in RATES:
        row += [ratios[key].num, ratios[key].den, _pct(pct(ratios[key]))]
    return row


def _unit_rows(units: list[Unit]) -> list[list[Any]]:
    return [[u.name, u.code, u.counts.population, *_rate_cells(u.ratios)] for u in units]


def _rate_headers() -> list[str]:
    h: list[str] = []
    for _key, label in RATES:
        h += [gettext("%(rate)s numerator") % {"rate": label}, gettext("denominator"), "%"]
    return h


def _unit_headers(first: str) -> list[str]:
    return [first, gettext("Code"), gettext("In post"), *_rate_headers()]


def table(dash: Dashboard, key: str) -> Table:
    if key == "rates":
        return Table(
            key,
            gettext("The four rates"),
            [gettext("Rate"), gettext("numerator"), gettext("denominator"), "%"],
            [[str(label), r.num, r.den, _pct(p)] for _, label, r, p in dash.rates],
        )
    if key == "findings":
        return Table(
            key,
            gettext("Blocking findings (by reason)"),
            [gettext("Code"), gettext("Reason"), gettext("Persons")],
            [[c, label, n] for c, label, n in dash.findings],
        )
    if key == "certs":
        return Table(
            key,
            gettext("Certificate ledger summary"),
            [gettext("State"), gettext("Certificates")],
            [[lb, n] for _, lb, n in dash.certs],
        )
    if key == "trend":
        rows = [[day.isoformat(), *_rate_cells(ratios)] for day, ratios in dash.trend]
        return Table(
            key,
            gettext("Monthly trend (month ends)"),
            [gettext("Date"), *_rate_headers()],
            rows,
        )
    if key == "children":
        first = gettext("County") if dash.level == "city" else gettext("Enterprise")
        return Table(
            key,
            gettext("Level below: %(level)s") % {"level": first},
            _unit_headers(first),
            _unit_rows(dash.children),
        )
    if key == "bottom":
        return Table(
            key,
            gettext("Bottom ten enterprises by allowed-to-work rate"),
            _unit_headers(gettext("Enterprise")),
            _unit_rows(dash.bottom),
        )
    if key == "forms":
        return Table(
            key,
            gettext("By employment form"),
            [gettext("Employment form"), gettext("In post"), *_rate_headers()],
            [
                [str(label), c.population, *_rate_cells(c.ratios())]
                for _code, label, c in dash.forms
            ],
        )
    raise KeyError(key)


def drill_html(dash: Dashboard, href: Callable[[str], str]) -> SafeString:
    """The drill-down table (each name links to its own dashboard on the same date)."""
    first = gettext("County") if dash.level == "city" else gettext("Enterprise")
    head = "".join(
        f"<th>{esc(h)}</th>" for h in [first, gettext("In post"), *(lb for _, lb in RATES)]
    )
    rows = []
    for u in dash.children:
        cells = "".join(f"<td>{esc(_pct_text(p))}</td>" for p in u.pcts.values())
        rows.append(
            f'<tr><td><a href="{esc(href(u.code))}" data-code="{esc(u.code)}">{esc(u.name)}</a>'
            f"</td><td>{u.counts.population}</td>{cells}</tr>"
        )
    return mark_safe(  # noqa: S308 -- escaped by esc()
        f'<table class="table drill" data-testid="drill"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _pct_text(p: float | None) -> str:
    return "—" if p is None else f"{p}%"


def workbook(dash: Dashboard, key: str) -> bytes:
    t = table(dash, key)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = t.title[:31].replace("：", "-").replace(":", "-")
    ws.append([f"{dash.name} · {t.title} · {dash.on.isoformat()}"])
    ws["A1"].font = Font(bold=True)
    ws.append(t.headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in t.rows:
        ws.append(row)
    for i, _ in enumerate(t.headers):
        ws.column_dimensions[chr(ord("A") + i) if i < 26 else "A"].width = 16 if i else 30
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
