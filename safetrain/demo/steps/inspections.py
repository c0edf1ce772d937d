"""Demo: inspections with a spot check, correction orders (one open, one overdue, one closed by
a certificate obtained after the order), one penalty, county plan submissions.

Idempotent: the step writes nothing when its inspections exist (marked by the team name)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from safetrain.compliance.engine import evaluate_persons
from safetrain.demo.context import DemoContext
from safetrain.enterprises.models import Enterprise
from safetrain.inspections import enforcement, services
from safetrain.inspections.campaign import CAMPAIGN
from safetrain.inspections.models import Inspection, PlanSubmission
from safetrain.people.models import Employment, Person
from safetrain.regions.models import CITY_CODE, Region

TEAM = "泽州县应急管理局执法检查组（演示）"
CITY_TEAM = "市局执法支队（演示）"


def _pdf(title: str) -> bytes:
    """A minimal one-page PDF (ASCII only) standing in for the county's plan."""
    text = f"(Implementation plan {title}) Tj"
    stream = f"BT /F1 18 Tf 72 720 Td {text} ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def _blocked(enterprise: Enterprise, on: dt.date, code: str) -> list[Person]:
    """Persons in post at the enterprise on `on` with this blocking finding, by id."""
    ids = sorted(
        set(
            Employment.objects.filter(enterprise=enterprise, start_date__lte=on)
            .exclude(end_date__lt=on)
            .values_list("person_id", flat=True)
        )
    )
    hit = [pid for pid, ev in evaluate_persons(ids, on) if code in ev.blocking_codes]
    persons = {p.pk: p for p in Person.objects.filter(pk__in=hit)}
    return [persons[pid] for pid in sorted(hit)]


def inspections(ctx: DemoContext) -> None:
    if Inspection.objects.filter(team__in=[TEAM, CITY_TEAM]).exists():
        return
    a = ctx.anchor
    flagship = ctx.enterprises[ctx.flagship.credit_code]
    county = flagship.region_id
    others = sorted(
        (e for e in ctx.enterprises.values() if e.region_id == county and e.pk != flagship.pk),
        key=lambda e: e.credit_code,
    )
    second = others[0] if others else flagship

    # 1. a spot check at the flagship: 6 drawn, one fails
    spot = services.inspection_create(
        actor=None,
        enterprise=flagship,
        date=a - dt.timedelta(days=20),
        methods=["spot_exam", "onsite_qa", "site_visit"],
        team=TEAM,
        findings="抽查6人：5人合格，1人对本岗位风险辨识不清；现场发现2名特种作业人员未持证上岗。",
    )
    drawn = services.spot_check_draw(actor=None, inspection=spot, count=6, seed=20241201)
    for n, row in enumerate(drawn):
        failed = n == len(drawn) - 1
        services.checked_person_record(
            actor=None,
            checked=row,
            result="fail" if failed else "pass",
            score=45 if failed else 80 + 3 * n,
            notes="说不清本岗位主要风险和应急处置" if failed else "",
        )
    # 2. two more inspections
    services.inspection_create(
        actor=None,
        enterprise=second,
        date=a - dt.timedelta(days=6),
        methods=["closed_book", "questionnaire"],
        team=TEAM,
        findings="闭卷测试12人，平均分82；培训档案基本齐全。",
    )
    services.inspection_create(
        actor=None,
        enterprise=flagship,
        date=a - dt.timedelta(days=45),
        methods=["site_visit"],
        team=CITY_TEAM,
        findings="实地走访井下作业区，查阅三级培训记录。",
    )

    # 3. orders: overdue (with a penalty), closed, open
    issued = a - dt.timedelta(days=20)
    uncertified = _blocked(flagship, issued, "CERT_MISSING")
    if len(uncertified) >= 3:
        overdue = services.order_issue(
            actor=None,
            enterprise=flagship,
            items=[(p.pk, "CERT_MISSING") for p in uncertified[1:3]],
            deadline=a - dt.timedelta(days=5),
            issued_on=issued,
            inspection=spot,
            note="特种作业人员未持证上岗，限期取证或调离岗位。",
        )
        services.penalty_add(
            actor=None,
            order=overdue,
            amount="20000",
            basis=enforcement.BASIS_SPECIAL_OPERATION,
            decided_on=issued,
            note="责令限期改正并处罚款",
        )
        services.order_issue(
            actor=None,
            enterprise=flagship,
            items=[(uncertified[0].pk, "CERT_MISSING")],
            deadline=a - dt.timedelta(days=2),
            issued_on=issued,
            inspection=spot,
        )
        _certify(uncertified[0], flagship, a - dt.timedelta(days=10))
        services.orders_refresh(on=a - dt.timedelta(days=10), person_ids=[uncertified[0].pk])
    open_on = a - dt.timedelta(days=3)
    for code in ("PREJOB_TRAINING_MISSING", "CERT_MISSING", "PREJOB_EXAM_MISSING"):
        persons = _blocked(second, open_on, code)
        if persons:
            services.order_issue(
                actor=None,
                enterprise=second,
                items=[(p.pk, code) for p in persons[:3]],
                deadline=a + dt.timedelta(days=27),
                issued_on=open_on,
                note="限期30日内完成整改。",
            )
            break

    # 4. county plan submissions: most on time, one late, one missing
    counties = list(Region.objects.filter(parent_id=CITY_CODE).order_by("code"))
    days = [
        dt.date(2024, 10, 12),
        dt.date(2024, 10, 14),
        dt.date(2024, 10, 15),
        dt.date(2024, 10, 18),
    ]
    for region, day in zip(counties, days + [dt.date(2024, 10, 13)], strict=False):
        if PlanSubmission.objects.filter(campaign=CAMPAIGN.code, region=region).exists():
            continue
        upload = SimpleUploadedFile(
            f"{region.name}专项行动实施方案.pdf", _pdf(region.code), "application/pdf"
        )
        services.plan_submit(
            actor=None, campaign=CAMPAIGN.code, region=region, upload=upload, submitted_on=day
        )
    ctx.say(
        "  执法检查：3 次检查（1 次抽查 6 人），责令改正 3 件（整改中、逾期、已整改），1 笔处罚，5 个县报送实施方案"
    )


def _certify(person: Person, enterprise: Enterprise, on: dt.date) -> None:
    from safetrain.certificates.services import certificate_issue

    emp = (
        Employment.objects.filter(person=person, enterprise=enterprise)
        .prefetch_related("posts")
        .order_by("-start_date")
        .first()
    )
    posts = sorted(emp.posts.all(), key=lambda p: p.from_date) if emp else []
    operation = posts[-1].operation_id if posts else None
    certificate_issue(
        actor=None,
        person=person,
        cert_type="special_operation" if operation else "safety_management",
        operation_code=operation,
        number=f"T{person.pk:06d}DEMO",
        issuing_authority="晋城市应急管理局",
        issued_on=on,
        source="seed",
    )
