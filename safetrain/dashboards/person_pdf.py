"""The one-person-one-file document (一人一档): the whole lifelong record as a printable PDF.

Identity is masked (ID number and phone as stored masked); the QR code carries a signed link
(/dashboards/verify/a/<token>/, like the certificate QR) that shows anyone who scans it whose
document it is, when it was made, and today's status — and reveals nothing for a forged token.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal
from typing import Any

import segno
from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy

from safetrain.archive.chain import log_head_label
from safetrain.catalog.models import RoleCategory
from safetrain.certificates.matching import STATE_LABELS
from safetrain.certificates.models import Certificate
from safetrain.certificates.selectors import certificate_state
from safetrain.compliance.domain import fmt_hours
from safetrain.compliance.engine import evaluate_person, policy_on
from safetrain.compliance.facts import load_person_facts
from safetrain.compliance.history import HISTORY_START, history_from_facts
from safetrain.compliance.pages import STATUS_LABELS
from safetrain.core import dates
from safetrain.dashboards.pdf import Document
from safetrain.people.models import Person, User
from safetrain.records.models import ExamResult, TrainingRecord, Violation
from safetrain.web.archive import ArchiveSection
from safetrain.web.selectors import person_archive

SALT = "safetrain.dashboards.archive.v1"


def verify_token(person: Person, on: dt.date) -> str:
    return signing.dumps({"p": person.pk, "d": on.isoformat()}, salt=SALT, compress=True)


def verify(token: str) -> dict[str, Any] | None:
    try:
        data = signing.loads(token, salt=SALT)
        person = Person.objects.get(pk=int(data["p"]))
        made = dt.date.fromisoformat(data["d"])
    except (signing.BadSignature, KeyError, ValueError, TypeError, Person.DoesNotExist):
        return None
    ev = evaluate_person(person)
    return {
        "name": person.name,
        "id_masked": person.id_number_masked,
        "made": made,
        "status": STATUS_LABELS.get(ev.status, ev.status),
        "may_work": ev.may_work,
        "today": dates.today(),
    }


def verify_url(person: Person, on: dt.date, request: HttpRequest | None) -> str:
    path = reverse("dashboards:verify_archive", args=[verify_token(person, on)])
    if request is not None:
        return request.build_absolute_uri(path)
    return str(getattr(settings, "SAFETRAIN_PUBLIC_URL", "") or "").rstrip("/") + path


def _yearly(person: Person, trainings: list[TrainingRecord], on: dt.date) -> list[list[object]]:
    """Hours per calendar year against the yearly hours of the post held at the year's end
    (or on D for the current year)."""
    hours: dict[int, Decimal] = defaultdict(Decimal)
    for t in trainings:
        hours[t.date.year] += t.hours
    arch = person_archive(person=person, on=on)
    # from the campaign's history cut-off (or the first record, if older) to D's year
    first = min([*hours, HISTORY_START.year])
    years = sorted(
        set(hours)
        | {
            y
            for e in arch.employments
            for y in range(max(e.start_date.year, first), on.year + 1)
            if e.end_date is None or e.end_date.year >= y
        }
    )
    rows: list[list[object]] = []
    for y in years:
        day = min(dt.date(y, 12, 31), on)
        emp = next(
            (
                e
                for e in arch.employments
                if e.start_date <= day and (e.end_date is None or e.end_date >= day)
            ),
            None,
        )
        if emp is None:
            need = ""
        else:
            need = fmt_hours(
                policy_on(day)
                .hours(high_risk=emp.enterprise.sector.high_risk, role=emp.role_category)
                .annual
            )
        got = hours.get(y, Decimal(0))
        ok = "" if not need else ("达标" if got >= Decimal(need) else "不足")
        rows.append([y, fmt_hours(got), need or "—", ok if y < on.year else ok and "进行中"])
    return rows


def archive_pdf(
    person: Person, *, request: HttpRequest | None = None, on: dt.date | None = None
) -> bytes:
    on = on or dates.today()
    arch = person_archive(person=person, on=on)
    trainings = list(
        TrainingRecord.objects.filter(person=person, superseded_by__isnull=True, date__lte=on)
        .select_related("enterprise")
        .order_by("date", "id")
    )
    exams = list(
        ExamResult.objects.filter(person=person, superseded_by__isnull=True, date__lte=on)
        .select_related("enterprise")
        .order_by("date", "id")
    )
    certs = list(
        Certificate.objects.filter(person=person)
        .select_related("operation")
        .prefetch_related("reviews")
        .order_by("issued_on")
    )
    violations = list(
        Violation.objects.filter(person=person).select_related("enterprise").order_by("date")
    )
    facts = load_person_facts([person.pk], on)[person.pk]
    history = history_from_facts(facts, on)
    ev = evaluate_person(person, on)

    title = f"从业人员安全教育培训档案（一人一档）— {person.name}"
    doc = Document(title)
    doc.footer_text = f"{person.name} {person.id_number_masked} · 生成于 {on:%Y-%m-%d}"
    doc.h1("从业人员安全教育培训档案（一人一档）")
    url = verify_url(person, on, request)
    qr = segno.make(url, error="m")
    png = io.BytesIO()
    qr.save(png, kind="png", scale=4, border=2)
    png.seek(0)
    top = doc.get_y()
    doc.image(png, x=doc.w - doc.r_margin - 32, y=top, w=32, h=32)
    doc.set_font("cjk", "", 11)
    for line in (
        f"姓名：{person.name}",
        f"身份证号：{person.id_number_masked}",
        f"出生日期：{person.birth_date:%Y-%m}",
        f"联系电话：{person.phone_masked or '—'}",
        f"状态（{on:%Y-%m-%d}）：{STATUS_LABELS.get(ev.status, ev.status)}，"
        f"{'允许上岗' if ev.may_work else '不得安排上岗'}",
    ):
        doc.cell(120, 6.5, line, new_x="LMARGIN", new_y="NEXT")
    doc.set_font("cjk", "", 8)
    doc.set_xy(doc.w - doc.r_margin - 40, top + 32)
    doc.cell(40, 5, "扫码核验本档案", align="C")
    doc.set_xy(doc.l_margin, max(doc.get_y(), top + 38))

    doc.h2("一、任职经历与岗位")
    doc.grid(
        ["企业", "人员类别", "起止", "岗位（起始日期）"],
        [
            [
                e.enterprise.name,
                RoleCategory(e.role_category).label,
                f"{e.start_date:%Y-%m-%d} 至 {e.end_date:%Y-%m-%d}"
                if e.end_date
                else f"{e.start_date:%Y-%m-%d} 至今",
                "；".join(
                    f"{p.title}{'（' + p.operation_id + '）' if p.operation_id else ''}"
                    f" {p.from_date:%Y-%m-%d}"
                    for ee, p in arch.posts
                    if ee.pk == e.pk
                ),
            ]
            for e in arch.employments
        ]
        or [["—", "", "", ""]],
        [58, 26, 44, 50],
    )
    doc.h2("二、年度培训学时（应达学时按当年年末所在岗位）")
    doc.grid(
        ["年度", "已培训学时", "应达学时", "情况"], _yearly(person, trainings, on), [30, 40, 40, 68]
    )
    doc.h2("三、培训记录")
    doc.grid(
        ["日期", "类型", "学时", "名称", "组织单位"],
        [
            [
                f"{t.date:%Y-%m-%d}",
                t.get_kind_display(),
                fmt_hours(t.hours),
                t.title,
                t.enterprise.name if t.enterprise else t.get_organiser_display(),
            ]
            for t in trainings
        ]
        or [["—", "", "", "", ""]],
        [24, 18, 14, 70, 52],
    )
    doc.h2("四、考试记录")
    doc.grid(
        ["日期", "类型", "成绩", "结果", "名称"],
        [
            [
                f"{x.date:%Y-%m-%d}",
                x.get_purpose_display(),
                str(x.score),
                "合格" if x.passed else "不合格",
                x.title,
            ]
            for x in exams
        ]
        or [["—", "", "", "", ""]],
        [24, 26, 18, 18, 92],
    )
    doc.h2("五、证书")
    doc.grid(
        ["证书", "编号", "发证日期", "有效期至", "状态"],
        [
            [
                c.get_cert_type_display()
                + (f" {c.operation_id} {c.operation.name}" if c.operation else ""),
                c.number,
                f"{c.issued_on:%Y-%m-%d}",
                f"{c.valid_until:%Y-%m-%d}",
                STATE_LABELS[certificate_state(c, on)],
            ]
            for c in certs
        ]
        or [["—", "", "", "", ""]],
        [62, 38, 26, 26, 26],
    )
    doc.h2("六、“三违”记录")
    doc.grid(
        ["日期", "类型", "企业", "说明"],
        [
            [f"{v.date:%Y-%m-%d}", v.get_type_display(), v.enterprise.name, v.text]
            for v in violations
        ]
        or [["—", "", "", ""]],
        [24, 30, 62, 62],
    )
    doc.h2("七、阻断上岗的问题（历年）")
    doc.grid(
        ["问题", "起", "止", "解除依据"],
        [
            [
                i.label,
                "更早" if i.earlier else f"{i.start:%Y-%m-%d}",
                "至今未解除" if i.end is None else f"{i.end:%Y-%m-%d}",
                "；".join(i.cleared_by) or i.ended_by_status or "",
            ]
            for i in history.intervals
        ]
        or [["无", "", "", ""]],
        [62, 26, 30, 60],
    )
    doc.para(
        f"本档案由晋城市安全生产教育培训系统于 {on:%Y-%m-%d} 生成，内容以系统记录为准；"
        f"扫描右上角二维码可核验。记录日志链头 {log_head_label()}。",
        size=8.5,
    )
    return doc.bytes()


def archive_pdf_section(person: Person, viewer: User) -> ArchiveSection:
    """The download link on the archive page (一人一档 PDF)."""
    return ArchiveSection(
        gettext_lazy("One person, one file (PDF)"),
        "dashboards/archive_section.html",
        {"pdf_url": reverse("dashboards:person_pdf", args=[person.uid])},
    )
