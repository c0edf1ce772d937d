"""Notices (通报): generated for a scope (the city or a county) and a period, frozen as content,
published to everyone in the scope; rendered as a page, a PDF and an Excel workbook."""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Callable
from typing import Any, cast

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Font

from safetrain.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from safetrain.core.scope import is_citywide
from safetrain.dashboards.models import Notice
from safetrain.dashboards.orders import orders_for_notice
from safetrain.dashboards.pdf import Document
from safetrain.dashboards.selectors import RATES, Unit, dashboard_get, pct
from safetrain.people.models import User
from safetrain.regions.models import CITY_CODE, Region

__all__ = ["Notice"]
TYPICAL = 5


def in_chinese[F: Callable[..., Any]](fn: F) -> F:
    """A notice is an official document of the bureau: generated, printed and exported in
    Chinese whatever the language of the session that asks (docs/dashboards.md)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with translation.override("zh-hans"):
            return fn(*args, **kwargs)

    return cast(F, wrapper)


def may_write(viewer: User, scope: str) -> bool:
    if is_citywide(viewer) and viewer.role in ("city_admin", "county_admin"):
        return True
    return viewer.role == "county_admin" and viewer.region_id == scope


def _visible_scopes(viewer: User) -> Q:
    """The city's notices for every scoped role; a county's for the city and for that county."""
    if is_citywide(viewer):
        return Q()
    region = viewer.region_id
    if viewer.role == "enterprise_admin" and viewer.enterprise_id:
        region = viewer.enterprise.region_id if viewer.enterprise else None
    return Q(scope=CITY_CODE) | (Q(scope=region) if region else Q(pk__in=[]))


def notice_list(*, viewer: User) -> QuerySet[Notice]:
    if viewer.role not in ("city_admin", "county_admin", "enterprise_admin", "inspector") and (
        not viewer.is_superuser
    ):
        return Notice.objects.none()
    return Notice.objects.filter(_visible_scopes(viewer), published_at__isnull=False)


def draft_list(*, viewer: User) -> QuerySet[Notice]:
    drafts = Notice.objects.filter(published_at__isnull=True)
    if is_citywide(viewer) and viewer.role in ("city_admin", "county_admin"):
        return drafts
    if viewer.role == "county_admin" and viewer.region_id:
        return drafts.filter(scope=viewer.region_id)
    return Notice.objects.none()


def notice_get(*, viewer: User, pk: int) -> Notice | None:
    notice = Notice.objects.filter(pk=pk).first()
    if notice is None:
        return None
    if notice.published_at is None:
        return notice if may_write(viewer, notice.scope) else None
    return notice if notice_list(viewer=viewer).filter(pk=pk).exists() else None


def _unit(u: Unit) -> dict[str, Any]:
    r = u.ratios
    return {
        "code": u.code,
        "name": u.name,
        "population": u.counts.population,
        **{k: {"num": r[k].num, "den": r[k].den, "pct": pct(r[k])} for k, _ in RATES},
    }


@in_chinese
def notice_generate(
    *, actor: User, region: str | None, period_start: dt.date, period_end: dt.date
) -> Notice:
    """A draft notice of the rates on the period's last day (and the change since its first),
    the ranking of the counties (city) or enterprises (county) by 允许上岗率, the typical
    problems (most frequent blocking findings) and the enterprises under correction orders."""
    region = region or (CITY_CODE if is_citywide(actor) else actor.region_id) or ""
    if not may_write(actor, region):
        raise NotAllowed("只有市局或本县管理员可以生成本辖区的通报", fields={"region": "超出管辖"})
    if period_end < period_start:
        raise ValidationFailed(
            f"通报期间的结束日期 {period_end} 早于开始日期 {period_start}",
            fields={"period_end": "早于开始日期"},
        )
    if period_end > timezone.localdate():
        raise ValidationFailed(f"结束日期 {period_end} 晚于今天", fields={"period_end": "晚于今天"})
    end = dashboard_get(viewer=actor, region=region, on=period_end)
    start = dashboard_get(viewer=actor, region=region, on=period_start)
    start_rates = {k: {"num": r.num, "den": r.den, "pct": p} for k, _, r, p in start.rates}
    ranked = sorted(
        (u for u in end.children if u.counts.population),
        key=lambda u: (-(u.counts.may_work / u.counts.population), u.code),
    )
    units = [_unit(u) for u in ranked]
    content = {
        "scope": region,
        "scope_name": end.name,
        "level": end.level,
        "period_start": period_start.isoformat(),
        "period_end": period_end.isoformat(),
        "population": end.total.population,
        "rates": [
            {
                "key": k,
                "label": str(label),
                "num": r.num,
                "den": r.den,
                "pct": p,
                "start_pct": start_rates[k]["pct"],
            }
            for k, label, r, p in end.rates
        ],
        "ranking_of": "县（市、区）" if end.level == "city" else "企业",
        "ranking": units,
        "bottom": [_unit(u) for u in end.bottom],
        "problems": [
            {"code": c, "label": label, "count": n} for c, label, n in end.findings[:TYPICAL]
        ],
        "orders": orders_for_notice(region=None if region == CITY_CODE else region, on=period_end),
    }
    year = period_end.year
    seq = Notice.objects.filter(scope=region, period_end__year=year).count() + 1
    name = Region.objects.filter(code=region).values_list("name", flat=True).first() or region
    title = f"{name}安全生产教育培训工作通报（{year}年第{seq}期）"
    return Notice.objects.create(
        scope=region,
        period_start=period_start,
        period_end=period_end,
        title=title,
        content=content,
        created_by=actor,
    )


def notice_publish(*, actor: User, pk: int) -> Notice:
    with transaction.atomic():
        notice = Notice.objects.select_for_update().filter(pk=pk).first()
        if notice is None or not may_write(actor, notice.scope):
            raise NotFound("未找到该通报，或不在您的管辖范围内")
        if notice.published_at is not None:
            raise Conflict("该通报已发布")
        notice.published_at = timezone.now()
        notice.save(update_fields=["published_at"])
        return notice


# ----------------------------------------------------------------------------- documents


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v}%"


def _ranking_rows(units: list[dict[str, Any]]) -> list[list[object]]:
    return [
        [i, u["name"], u["population"], *(_pct(u[k]["pct"]) for k, _ in RATES)]
        for i, u in enumerate(units, 1)
    ]


@in_chinese
def notice_pdf(notice: Notice) -> bytes:
    c = notice.content
    doc = Document(notice.title)
    doc.footer_text = notice.title
    doc.h1(notice.title)
    doc.para(
        f"通报期间：{c['period_start']} 至 {c['period_end']}　　范围：{c['scope_name']}"
        f"　　{'发布于 ' + timezone.localtime(notice.published_at).strftime('%Y-%m-%d') if notice.published_at else '草稿（未发布）'}"
    )
    doc.h2("一、总体情况")
    doc.para(
        f"截至 {c['period_end']}，{c['scope_name']}在岗从业人员 {c['population']} 人。"
        "按《晋城市安全生产教育培训专项行动方案》要求，各项指标如下（括号内为期初）："
    )
    doc.grid(
        ["指标", "分子", "分母", "比率", "期初"],
        [
            [r["label"], r["num"], r["den"], _pct(r["pct"]), _pct(r["start_pct"])]
            for r in c["rates"]
        ],
        [50, 25, 25, 30, 30],
    )
    doc.h2(f"二、各{c['ranking_of']}排名（按允许上岗率）")
    if c["ranking"]:
        doc.grid(
            ["名次", c["ranking_of"], "在岗", *(str(label) for _, label in RATES)],
            _ranking_rows(c["ranking"]),
            [14, 62, 18, 22, 22, 22, 22],
        )
    else:
        doc.para("本期无在岗人员数据。")
    doc.h2("三、典型问题（阻断上岗的主要原因）")
    if c["problems"]:
        for i, p in enumerate(c["problems"], 1):
            doc.para(f"{i}. {p['label']}（{p['code']}）：{p['count']} 人")
    else:
        doc.para("本期未发现阻断上岗的问题。")
    doc.h2("四、责令限期改正的企业")
    if c["orders"]:
        doc.grid(
            ["企业", "统一社会信用代码", "未结", "逾期", "最早期限"],
            [
                [o["enterprise"], o["credit_code"], o["open"], o["overdue"], o["deadline"]]
                for o in c["orders"]
            ],
            [62, 50, 18, 18, 30],
        )
    else:
        doc.para("本期无在办的责令限期改正。")
    doc.h2("五、工作要求")
    doc.para(
        "各单位要对照上述问题立即整改：未经培训、未持证、岗证不符的人员一律不得安排上岗；"
        "考核不合格人员必须重新组织培训和考核；整改情况按期报送。"
    )
    return doc.bytes()


@in_chinese
def notice_xlsx(notice: Notice) -> bytes:
    c = notice.content
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "四率"
    ws.append([notice.title])
    ws["A1"].font = Font(bold=True)
    ws.append(["指标", "分子", "分母", "%", "期初 %"])
    for r in c["rates"]:
        ws.append([r["label"], r["num"], r["den"], r["pct"], r["start_pct"]])
    rk = wb.create_sheet("排名")
    rk.append(["名次", c["ranking_of"], "代码", "在岗", *(f"{label} %" for _, label in RATES)])
    for i, u in enumerate(c["ranking"], 1):
        rk.append([i, u["name"], u["code"], u["population"], *(u[k]["pct"] for k, _ in RATES)])
    pr = wb.create_sheet("典型问题")
    pr.append(["代码", "问题", "人数"])
    for p in c["problems"]:
        pr.append([p["code"], p["label"], p["count"]])
    od = wb.create_sheet("责令改正企业")
    od.append(["企业", "统一社会信用代码", "未结", "逾期", "最早期限"])
    for o in c["orders"]:
        od.append([o["enterprise"], o["credit_code"], o["open"], o["overdue"], o["deadline"]])
    for sheet in wb.worksheets:
        sheet.column_dimensions["A"].width = 24
        sheet.column_dimensions["B"].width = 30
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
