"""Writes for certificates: issue (entry and import), review (复审), renewal, revocation, reminders.

Every service: check that the actor may do it → validate → write inside one transaction.
`actor=None` is the command line (and the bootstrap import), which may do anything.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q

from safetrain.archive.chain import log_ids, log_objects
from safetrain.catalog.models import SpecialOperation
from safetrain.certificates.matching import SPECIAL_OPERATION, default_dates
from safetrain.certificates.models import (
    Certificate,
    CertificateReview,
    CertificateType,
    Notification,
)
from safetrain.core import events
from safetrain.core.dates import today
from safetrain.core.errors import Conflict, NotAllowed, ValidationFailed

if TYPE_CHECKING:
    from safetrain.people.models import Person, User

# 特种作业人员安全技术培训考核管理规定 (30号令) Art. 21–23: review training of at least 8 学时.
MIN_REVIEW_HOURS = Decimal("8")
REVIEW_WINDOW_DAYS = 60
EXPIRY_WINDOW_DAYS = 90

MANAGING_ROLES = ("enterprise_admin", "county_admin", "city_admin")


def can_manage_person(actor: User | None, person: Person) -> bool:
    """Enterprise admins for persons on their roster, county/city admins within their scope,
    the command line (None) for anyone."""
    if actor is None:
        return True
    if not actor.is_authenticated or not actor.is_active:
        return False
    if not actor.is_superuser and actor.role not in MANAGING_ROLES:
        return False
    from safetrain.people.selectors import person_list

    return person_list(viewer=actor).filter(pk=person.pk).exists()


def _check_actor(actor: User | None, person: Person) -> None:
    if not can_manage_person(actor, person):
        raise NotAllowed("无权为该人员登记或变更证书（不在您的管辖范围内）")


def operation_get(code: str | None) -> SpecialOperation | None:
    code = (code or "").strip()
    if not code:
        return None
    return SpecialOperation.objects.filter(code=code).first()


def validate_certificate(
    *,
    cert_type: str,
    operation_code: str | None,
    number: str,
    issued_on: dt.date,
    valid_until: dt.date | None,
    review_due: dt.date | None,
) -> tuple[SpecialOperation | None, dt.date, dt.date | None]:
    """Check one certificate's own fields (no database writes). Returns (operation, valid until,
    review due) with the defaults applied. Raises ValidationFailed naming the field."""
    if cert_type not in CertificateType.values:
        raise ValidationFailed(
            f"证书类型“{cert_type}”无效（特种作业操作证/安全生产知识和管理能力考核合格证）",
            fields={"cert_type": "无效"},
        )
    code = (operation_code or "").strip()
    operation: SpecialOperation | None = None
    if cert_type == SPECIAL_OPERATION:
        if not code:
            raise ValidationFailed("特种作业操作证须填写作业类别代码", fields={"operation": "必填"})
        operation = operation_get(code)
        if operation is None:
            raise ValidationFailed(
                f"作业类别代码“{code}”不在特种作业目录中", fields={"operation": "不在目录中"}
            )
    elif code:
        raise ValidationFailed(
            "安全生产知识和管理能力考核合格证没有作业类别，作业类别代码须为空",
            fields={"operation": "须为空"},
        )
    if not (number or "").strip():
        raise ValidationFailed("证书编号不能为空", fields={"number": "必填"})
    default_valid, default_review = default_dates(cert_type, issued_on)
    valid = valid_until or default_valid
    due = review_due if review_due is not None else default_review
    if valid < issued_on:
        raise ValidationFailed(
            f"有效期至 {valid} 早于发证日期 {issued_on}", fields={"valid_until": "早于发证日期"}
        )
    if due is not None and not (issued_on <= due <= valid):
        raise ValidationFailed(
            f"复审日期 {due} 须在发证日期 {issued_on} 与有效期至 {valid} 之间",
            fields={"review_due": "日期顺序错误"},
        )
    return operation, valid, due


def certificate_issue(
    *,
    actor: User | None,
    person: Person,
    cert_type: str,
    operation_code: str | None,
    number: str,
    issuing_authority: str = "",
    issued_on: dt.date,
    valid_until: dt.date | None = None,
    review_due: dt.date | None = None,
    revoked: bool = False,
    source: str = "web",
    supersedes: Certificate | None = None,
) -> Certificate:
    """Record a certificate. Missing dates take the defaults (matching.default_dates).

    The same person and number again is idempotent (import may run twice): the stored
    certificate is returned unchanged — or refused when its issue date, operation or validity
    differ, since corrections are new records, never silent edits."""
    _check_actor(actor, person)
    number = (number or "").strip()
    operation, valid, due = validate_certificate(
        cert_type=cert_type,
        operation_code=operation_code,
        number=number,
        issued_on=issued_on,
        valid_until=valid_until,
        review_due=review_due,
    )
    with transaction.atomic():
        events.person_changed(person.pk)
        existing = (
            Certificate.objects.select_for_update()
            .filter(cert_type=cert_type, number=number)
            .first()
        )
        if existing is not None:
            if existing.person_id != person.pk:
                raise Conflict(
                    f"证书编号 {number} 已登记在另一人名下，同一类证书编号不能重复",
                    fields={"number": "已被他人使用"},
                )
            differs = [
                label
                for label, a, b in (
                    ("作业类别", existing.operation_id, operation.code if operation else None),
                    ("发证日期", existing.issued_on, issued_on),
                    ("有效期至", existing.valid_until, valid),
                )
                if a != b
            ]
            if differs:
                raise Conflict(
                    f"证书编号 {number} 已登记，但{'、'.join(differs)}与登记的不一致"
                    "（更正请吊销后重新登记或办理换证）",
                    fields={"number": "内容与已登记的不一致"},
                )
            if revoked and not existing.revoked:
                existing.revoked = True
                existing.save(update_fields=["revoked"])
                log_objects("revoked", [existing])
            return existing
        if supersedes is not None and (Certificate.objects.filter(supersedes=supersedes).exists()):
            raise Conflict("该证书已被换发的新证取代", fields={"supersedes": "已换证"})
        cert = Certificate.objects.create(
            person=person,
            cert_type=cert_type,
            operation=operation,
            number=number,
            issuing_authority=(issuing_authority or "").strip(),
            issued_on=issued_on,
            valid_until=valid,
            review_due=due,
            revoked=revoked,
            supersedes=supersedes,
            created_by=actor,
            source=source,
        )
        log_objects("renewed" if supersedes is not None else "issued", [cert])
        return cert


def certificate_review_record(
    *,
    actor: User | None,
    certificate: Certificate,
    passed_on: dt.date,
    hours: Decimal | None = None,
    notes: str = "",
    source: str = "web",
) -> CertificateReview:
    """A passed review (复审): clears the review due date (the next check is renewal at expiry)
    and keeps the cleared date on the review for the archive. Recording the same review again
    (same day) is idempotent."""
    _check_actor(actor, certificate.person)
    if hours is not None and Decimal(hours) < MIN_REVIEW_HOURS:
        raise ValidationFailed(
            f"复审培训学时 {hours} 不足 8 学时（30号令第二十一至二十三条）",
            fields={"hours": "不少于 8 学时"},
        )
    if passed_on > today():
        raise ValidationFailed("复审通过日期不能晚于今天", fields={"passed_on": "晚于今天"})
    with transaction.atomic():
        events.person_changed(certificate.person_id)
        cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
        same = CertificateReview.objects.filter(certificate=cert, passed_on=passed_on).first()
        if same is not None:
            return same
        if cert.revoked:
            raise Conflict("证书已吊销，不能复审", fields={"passed_on": "证书已吊销"})
        if cert.review_due is None:
            raise Conflict(
                "该证书没有待复审日期（已复审或无需复审）", fields={"passed_on": "无待复审"}
            )
        if passed_on < cert.issued_on or passed_on > cert.valid_until:
            raise ValidationFailed(
                f"复审日期 {passed_on} 须在发证日期 {cert.issued_on} 与有效期至 {cert.valid_until} 之间",
                fields={"passed_on": "不在有效期内"},
            )
        review = CertificateReview.objects.create(
            certificate=cert,
            passed_on=passed_on,
            cleared_due=cert.review_due,
            hours=hours,
            notes=(notes or "").strip()[:255],
            created_by=actor,
            source=source,
        )
        cert.review_due = None
        cert.save(update_fields=["review_due"])
        log_objects("recorded", [review])
        log_objects("reviewed", [cert])
    certificate.refresh_from_db(fields=["review_due"])
    return review


def certificate_renew(
    *,
    actor: User | None,
    certificate: Certificate,
    number: str,
    issuing_authority: str = "",
    issued_on: dt.date,
    valid_until: dt.date | None = None,
    review_due: dt.date | None = None,
    source: str = "web",
) -> Certificate:
    """Renewal (换证): a new certificate of the same type and operation supersedes the old one;
    both stay in the archive."""
    _check_actor(actor, certificate.person)
    if certificate.revoked:
        raise Conflict("已吊销的证书不能换证，须重新考核取证", fields={"number": "证书已吊销"})
    if issued_on < certificate.issued_on:
        raise ValidationFailed(
            f"新证发证日期 {issued_on} 早于原证发证日期 {certificate.issued_on}",
            fields={"issued_on": "早于原证"},
        )
    return certificate_issue(
        actor=actor,
        person=certificate.person,
        cert_type=certificate.cert_type,
        operation_code=certificate.operation_id,
        number=number,
        issuing_authority=issuing_authority or certificate.issuing_authority,
        issued_on=issued_on,
        valid_until=valid_until,
        review_due=review_due,
        source=source,
        supersedes=certificate,
    )


def certificate_revoke(
    *, actor: User | None, certificate: Certificate, source: str = "web"
) -> Certificate:
    """Revoke (吊销): counts as revoked on every date. Idempotent."""
    _check_actor(actor, certificate.person)
    with transaction.atomic():
        events.person_changed(certificate.person_id)
        if Certificate.objects.filter(pk=certificate.pk, revoked=False).update(revoked=True):
            log_ids("revoked", Certificate, [certificate.pk])
    certificate.revoked = True
    return certificate


# ----------------------------------------------------------------------------- reminders


def certificate_remind(*, on: dt.date | None = None) -> int:
    """Create the in-app reminders due on a day (the daily `safetrain certificates remind`).

    For every certificate that exists on D, is not revoked and not replaced by a renewal issued
    by D: a review due in [D, D + 60 days] or an expiry in [D, D + 90 days] notifies the worker's
    own account and the admins of the enterprise employing the holder on D. Idempotent: one
    notification per recipient, certificate, kind and window. Returns how many were created."""
    from safetrain.certificates.selectors import cert_facts_for
    from safetrain.people.models import Employment, User

    day = on or today()
    review_end = day + dt.timedelta(days=REVIEW_WINDOW_DAYS)
    expiry_end = day + dt.timedelta(days=EXPIRY_WINDOW_DAYS)
    candidates = list(
        Certificate.objects.filter(issued_on__lte=day, revoked=False)
        .exclude(superseded_by__issued_on__lte=day)
        .filter(
            Q(valid_until__gte=day, valid_until__lte=expiry_end)
            | Q(review_due__gte=day, review_due__lte=review_end)
            | Q(reviews__passed_on__gt=day)
        )
        .select_related("person", "operation")
        .distinct()
    )
    if not candidates:
        return 0
    person_ids = {c.person_id for c in candidates}
    facts = {f.id: f for fs in cert_facts_for(person_ids).values() for f in fs}
    employer = {
        e.person_id: e.enterprise_id
        for e in Employment.objects.filter(person_id__in=person_ids, start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )
    }
    admins: dict[int, list[int]] = {}
    for uid, ent in User.objects.filter(
        role="enterprise_admin", is_active=True, enterprise_id__in=set(employer.values())
    ).values_list("pk", "enterprise_id"):
        admins.setdefault(ent, []).append(uid)
    workers = dict(
        User.objects.filter(role="worker", is_active=True, person_id__in=person_ids).values_list(
            "person_id", "pk"
        )
    )
    wanted: list[Notification] = []
    for cert in candidates:
        fact = facts[cert.pk]
        windows: list[tuple[str, str, str]] = []
        due = fact.review_due_on(day)
        label = cert.operation.name if cert.operation else cert.get_cert_type_display()
        if due is not None and day <= due <= review_end:
            windows.append(
                (
                    Notification.Kind.REVIEW_DUE,
                    due.isoformat(),
                    f"{cert.person.name} 的{label}（{cert.number}）应于 {due} 前复审",
                )
            )
        if day <= cert.valid_until <= expiry_end:
            windows.append(
                (
                    Notification.Kind.EXPIRING,
                    cert.valid_until.isoformat(),
                    f"{cert.person.name} 的{label}（{cert.number}）将于 {cert.valid_until} 到期",
                )
            )
        recipients = list(admins.get(employer.get(cert.person_id, -1), []))
        if cert.person_id in workers:
            recipients.append(workers[cert.person_id])
        for kind, key, message in windows:
            for uid in recipients:
                wanted.append(
                    Notification(
                        recipient_id=uid,
                        kind=kind,
                        certificate=cert,
                        window_key=key,
                        message=message[:255],
                    )
                )
    if not wanted:
        return 0
    existing = set(
        Notification.objects.filter(certificate__in=[c.pk for c in candidates]).values_list(
            "recipient_id", "certificate_id", "kind", "window_key"
        )
    )
    new = [
        n
        for n in wanted
        if (n.recipient_id, n.certificate_id, n.kind, n.window_key) not in existing
    ]
    with transaction.atomic():
        Notification.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def notification_mark_read(*, actor: User, notification_id: int) -> None:
    Notification.objects.filter(pk=notification_id, recipient=actor).update(read=True)
