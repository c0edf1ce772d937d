"""The `证书` workbook sheet (DESIGN §5): check, write and export certificates.

Columns: 身份证号, 证书类型, 作业类别代码, 证书编号, 发证日期, 有效期至 (empty: the default),
复审日期 (next review due; empty: the default), 已复审日期 (the day a review was passed; empty:
none), 发证机关, 状态 (有效/吊销).

A certificate whose review was passed is exported with 复审日期 = the due date that review
cleared and 已复审日期 = the day it was passed, so import → export → import changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from safetrain.certificates.models import Certificate, CertificateReview, CertificateType
from safetrain.certificates.services import (
    certificate_issue,
    certificate_review_record,
    certificate_revoke,
    validate_certificate,
)
from safetrain.core.dates import parse_iso_date
from safetrain.core.errors import ServiceError
from safetrain.core.identifiers import InvalidIdentifier, normalize_id_number
from safetrain.workbook.registry import ExportScope, ImportContext, Row, SheetHandler, register

SHEET = "证书"
TYPE_BY_LABEL = {c.label: c.value for c in CertificateType}
TYPE_LABEL = {c.value: c.label for c in CertificateType}
STATE_VALID = "有效"
STATE_REVOKED = "吊销"

H_ID = "身份证号"
H_TYPE = "证书类型"
H_OP = "作业类别代码"
H_NUMBER = "证书编号"
H_ISSUED = "发证日期"
H_VALID = "有效期至"
H_DUE = "复审日期"
H_REVIEWED = "已复审日期"
H_AUTHORITY = "发证机关"
H_STATE = "状态"


@dataclass
class CertRow:
    row: int
    id_hash: str
    cert_type: str
    operation: str | None
    number: str
    issued_on: dt.date
    valid_until: dt.date | None
    review_due: dt.date | None
    reviewed_on: dt.date | None
    authority: str
    revoked: bool


def _optional_date(row: Row, header: str, ctx: ImportContext) -> tuple[bool, dt.date | None]:
    raw = row.get(header).strip()
    if not raw:
        return True, None
    try:
        return True, parse_iso_date(raw)
    except ValueError as exc:
        ctx.error(SHEET, row.number, header, str(exc))
        return False, None


@register
class CertificateSheet(SheetHandler):
    name = SHEET
    headers = [
        H_ID,
        H_TYPE,
        H_OP,
        H_NUMBER,
        H_ISSUED,
        H_VALID,
        H_DUE,
        H_REVIEWED,
        H_AUTHORITY,
        H_STATE,
    ]
    order = 50
    description = "特种作业操作证、安全生产知识和管理能力考核合格证"

    def check(self, rows: list[Row], ctx: ImportContext) -> list[CertRow]:
        from safetrain.people.models import Person
        from safetrain.people.services import id_lookup_hash

        parsed: list[tuple[Row, str]] = []
        for row in rows:
            raw = row.get(H_ID).strip()
            if not raw:
                ctx.error(SHEET, row.number, H_ID, "身份证号不能为空")
                continue
            try:
                parsed.append((row, id_lookup_hash(normalize_id_number(raw))))
            except InvalidIdentifier as exc:
                ctx.error(SHEET, row.number, H_ID, str(exc))
        hashes = {h for _, h in parsed}
        in_db = dict(
            Person.objects.filter(id_number_hash__in=hashes).values_list("id_number_hash", "pk")
        )
        in_file = set(ctx.state.get("persons_by_hash") or {})
        allowed: set[int] | None = None
        if ctx.actor is not None:
            from safetrain.people.selectors import person_list

            allowed = set(
                person_list(viewer=ctx.actor)
                .filter(id_number_hash__in=hashes)
                .values_list("pk", flat=True)
            )
        numbers = {(r.get(H_NUMBER).strip()) for r, _ in parsed}
        existing = {
            (c.cert_type, c.number): c
            for c in Certificate.objects.filter(number__in=numbers).select_related("person")
        }
        reviewed_days: dict[int, set[dt.date]] = {}
        for cert_id, passed_on in CertificateReview.objects.filter(
            certificate_id__in=[c.pk for c in existing.values()]
        ).values_list("certificate_id", "passed_on"):
            reviewed_days.setdefault(cert_id, set()).add(passed_on)
        seen: dict[tuple[str, str], tuple[int, str]] = {}
        plan: list[CertRow] = []
        for row, id_hash in parsed:
            n = row.number
            ok = True
            person_id = in_db.get(id_hash)
            if person_id is None and id_hash not in in_file:
                ctx.error(SHEET, n, H_ID, "该身份证号未登记（请先在“人员”表或系统中登记该人员）")
                ok = False
            elif person_id is not None and allowed is not None and person_id not in allowed:
                ctx.error(SHEET, n, H_ID, "该人员不在您的管辖范围内")
                ok = False
            type_raw = row.get(H_TYPE).strip()
            cert_type = TYPE_BY_LABEL.get(type_raw, type_raw if type_raw in TYPE_LABEL else "")
            if not cert_type:
                ctx.error(
                    SHEET,
                    n,
                    H_TYPE,
                    f"证书类型“{type_raw}”无效（可选：{'/'.join(TYPE_BY_LABEL)}）",
                )
                continue
            date_ok = True
            issued_on: dt.date | None = None
            try:
                issued_on = parse_iso_date(row.get(H_ISSUED))
            except ValueError as exc:
                ctx.error(SHEET, n, H_ISSUED, str(exc) if row.get(H_ISSUED) else "发证日期必填")
                date_ok = False
            good, valid_until = _optional_date(row, H_VALID, ctx)
            date_ok &= good
            good, review_due = _optional_date(row, H_DUE, ctx)
            date_ok &= good
            good, reviewed_on = _optional_date(row, H_REVIEWED, ctx)
            date_ok &= good
            state = row.get(H_STATE).strip() or STATE_VALID
            if state not in (STATE_VALID, STATE_REVOKED):
                ctx.error(SHEET, n, H_STATE, f"状态“{state}”无效（可选：有效/吊销）")
                ok = False
            number = row.get(H_NUMBER).strip()
            operation = row.get(H_OP).strip() or None
            if operation in ("无", "-"):
                operation = None
            if not date_ok or issued_on is None:
                continue
            try:
                _, valid, due = validate_certificate(
                    cert_type=cert_type,
                    operation_code=operation,
                    number=number,
                    issued_on=issued_on,
                    valid_until=valid_until,
                    review_due=review_due,
                )
            except ServiceError as exc:
                field = next(iter(exc.fields), "")
                column = {
                    "operation": H_OP,
                    "number": H_NUMBER,
                    "valid_until": H_VALID,
                    "review_due": H_DUE,
                }.get(field, H_TYPE)
                ctx.error(SHEET, n, column, exc.message)
                continue
            if reviewed_on is not None:
                if due is None:
                    ctx.error(SHEET, n, H_REVIEWED, "该证书没有复审日期，不能填写已复审日期")
                    ok = False
                elif not (issued_on <= reviewed_on <= valid):
                    ctx.error(
                        SHEET, n, H_REVIEWED, f"已复审日期 {reviewed_on} 须在发证日期与有效期至之间"
                    )
                    ok = False
                elif reviewed_on > ctx.today:
                    ctx.error(SHEET, n, H_REVIEWED, "已复审日期不能晚于今天")
                    ok = False
            key = (cert_type, number)
            if key in seen:
                first_row, first_hash = seen[key]
                other = "另一人" if first_hash != id_hash else "同一人"
                ctx.error(
                    SHEET, n, H_NUMBER, f"证书编号 {number} 与第 {first_row} 行重复（{other}）"
                )
                continue
            seen[key] = (n, id_hash)
            stored = existing.get(key)
            if stored is not None:
                if stored.person.id_number_hash != id_hash:
                    ctx.error(SHEET, n, H_NUMBER, f"证书编号 {number} 已登记在另一人名下")
                    ok = False
                else:
                    differs = [
                        label
                        for label, a, b in (
                            (H_OP, stored.operation_id, operation),
                            (H_ISSUED, stored.issued_on, issued_on),
                            (H_VALID, stored.valid_until, valid),
                        )
                        if a != b
                    ]
                    if differs:
                        ctx.error(
                            SHEET,
                            n,
                            differs[0],
                            f"证书编号 {number} 已登记，但{'、'.join(differs)}与登记的不一致",
                        )
                        ok = False
                    elif stored.revoked and state == STATE_VALID:
                        ctx.error(SHEET, n, H_STATE, "该证书已吊销，不能改回有效")
                        ok = False
                    elif (
                        reviewed_on is not None
                        and reviewed_on not in reviewed_days.get(stored.pk, set())
                        and (stored.revoked or stored.review_due is None)
                    ):
                        ctx.error(
                            SHEET,
                            n,
                            H_REVIEWED,
                            "该证书已吊销或已记录过复审，不能再记录此复审日期",
                        )
                        ok = False
            if not ok:
                continue
            plan.append(
                CertRow(
                    row=n,
                    id_hash=id_hash,
                    cert_type=cert_type,
                    operation=operation,
                    number=number,
                    issued_on=issued_on,
                    valid_until=valid_until,
                    review_due=review_due,
                    reviewed_on=reviewed_on,
                    authority=row.get(H_AUTHORITY).strip(),
                    revoked=state == STATE_REVOKED,
                )
            )
        return plan

    def write(self, plan: list[CertRow], ctx: ImportContext) -> int:
        from safetrain.people.models import Person

        persons = {
            p.id_number_hash: p
            for p in Person.objects.filter(id_number_hash__in={r.id_hash for r in plan})
        }
        written = 0
        for r in plan:
            cert = certificate_issue(
                actor=ctx.actor,
                person=persons[r.id_hash],
                cert_type=r.cert_type,
                operation_code=r.operation,
                number=r.number,
                issuing_authority=r.authority,
                issued_on=r.issued_on,
                valid_until=r.valid_until,
                review_due=r.review_due,
                source="import",
            )
            if r.reviewed_on is not None:
                certificate_review_record(
                    actor=ctx.actor, certificate=cert, passed_on=r.reviewed_on, source="import"
                )
            if r.revoked and not cert.revoked:
                certificate_revoke(actor=ctx.actor, certificate=cert, source="import")
            written += 1
        return written

    def export_rows(self, scope: ExportScope) -> list[list[Any]]:
        from safetrain.core.scope import person_q
        from safetrain.people.models import Employment
        from safetrain.people.services import person_id_number

        qs = Certificate.objects.select_related("person").order_by("person_id", "issued_on", "id")
        if scope.viewer is not None:
            qs = qs.filter(person_q(scope.viewer, "person__"))
        if scope.enterprise:
            qs = qs.filter(
                person_id__in=Employment.objects.filter(
                    enterprise__credit_code=scope.enterprise.strip().upper()
                ).values("person_id")
            )
        if scope.region:
            qs = qs.filter(
                person_id__in=Employment.objects.filter(
                    enterprise__region_id=scope.region.strip()
                ).values("person_id")
            )
        certs = list(qs)
        last_review: dict[int, CertificateReview] = {}
        for passed in CertificateReview.objects.filter(
            certificate_id__in=[c.pk for c in certs]
        ).order_by("passed_on", "id"):
            last_review[passed.certificate_id] = passed
        id_numbers: dict[int, str] = {}
        out: list[list[Any]] = []
        for c in certs:
            if c.person_id not in id_numbers:
                id_numbers[c.person_id] = person_id_number(c.person)
            review = last_review.get(c.pk)
            due = c.review_due
            if due is None and review is not None:
                due = review.cleared_due
            out.append(
                [
                    id_numbers[c.person_id],
                    TYPE_LABEL[c.cert_type],
                    c.operation_id or "",
                    c.number,
                    c.issued_on.isoformat(),
                    c.valid_until.isoformat(),
                    due.isoformat() if due else "",
                    review.passed_on.isoformat() if review else "",
                    c.issuing_authority,
                    STATE_REVOKED if c.revoked else STATE_VALID,
                ]
            )
        return out
