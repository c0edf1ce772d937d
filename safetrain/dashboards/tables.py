"""The numbers behind every chart, as one table each: shown under the chart (table view) and
exported to Excel from the same rows, so the two can never disagree."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from openpyxl import Workbook
from openpyxl.styles import Font

from safetrain.dashboards.selectors import RATES, Dashboard, Unit, pct

CHARTS = ("rates", "findings", "certs", "trend", "children", "bottom")


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]

    def html(self) -> SafeString:
        """The table view's <table> (built here rather than in a template loop: a dashboard has
        several hundred cells, and this keeps the page well inside its time budget)."""
        head = format_html_join("", '<th scope="col">{}</th>', ((h,) for h in self.headers))
        if self.rows:
            body = format_html_join(
                "",
                "<tr>{}</tr>",
                ((format_html_join("", "<td>{}</td>", ((v,) for v in row)),) for row in self.rows),
            )
        else:
            body = format_html('<tr><td colspan="{}">无数据</td></tr>', len(self.headers))
        return format_html(
            '<table class="table" data-testid="table-{}"><thead><tr>{}</tr></thead>'
            "<tbody>{}</tbody></table>",
            self.key,
            head,
            body,
        )


def _pct(v: float | None) -> Any:
    return v if v is not None else "—"


def _unit_rows(units: list[Unit]) -> list[list[Any]]:
    rows = []
    for u in units:
        r = u.ratios
        row: list[Any] = [u.name, u.code, u.counts.population]
        for key, _ in RATES:
            row += [r[key].num, r[key].den, _pct(pct(r[key]))]
        rows.append(row)
    return rows


def _unit_headers(first: str) -> list[str]:
    h = [first, "代码", "在岗人数"]
    for _, label in RATES:
        h += [f"{label} 分子", "分母", "%"]
    return h


def table(dash: Dashboard, key: str) -> Table:
    if key == "rates":
        return Table(
            key,
            "四率",
            ["指标", "分子", "分母", "%"],
            [[label, r.num, r.den, _pct(p)] for _, label, r, p in dash.rates],
        )
    if key == "findings":
        return Table(
            key,
            "阻断项（按原因）",
            ["代码", "原因", "人数"],
            [[c, label, n] for c, label, n in dash.findings],
        )
    if key == "certs":
        return Table(key, "持证台账汇总", ["状态", "证书数"], [[lb, n] for _, lb, n in dash.certs])
    if key == "trend":
        rows = []
        for day, ratios in dash.trend:
            row: list[Any] = [day.isoformat()]
            for k, _ in RATES:
                row += [ratios[k].num, ratios[k].den, _pct(pct(ratios[k]))]
            rows.append(row)
        headers = ["日期"]
        for _, label in RATES:
            headers += [f"{label} 分子", "分母", "%"]
        return Table(key, "月度趋势（各月末）", headers, rows)
    if key == "children":
        first = "县（市、区）" if dash.level == "city" else "企业"
        return Table(key, f"下级：{first}", _unit_headers(first), _unit_rows(dash.children))
    if key == "bottom":
        return Table(key, "允许上岗率后十名企业", _unit_headers("企业"), _unit_rows(dash.bottom))
    raise KeyError(key)


def workbook(dash: Dashboard, key: str) -> bytes:
    t = table(dash, key)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = t.title[:31].replace("：", "-")
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
