"""Shared helpers for the demo tests: loading, counting, fingerprinting, invariants."""

from __future__ import annotations

import datetime as dt
import hashlib
from io import StringIO

from django.core.management import call_command

from safetrain.core.identifiers import normalize_id_number
from safetrain.enterprises.models import Enterprise, OrgUnit
from safetrain.people.models import Employment, Leave, Person, Post, User
from safetrain.people.services import person_id_number, ranges_overlap
from safetrain.regions.data import COUNTIES

ANCHOR = "2026-06-30"
COUNTY_CODES = {code for code, _ in COUNTIES}


def load(*args: str) -> str:
    out = StringIO()
    call_command("demo", "load", *args, stdout=out)
    return out.getvalue()


def load_small(*args: str) -> str:
    return load("--size", "small", "--on", ANCHOR, *args)


def fingerprint(*, passwords: bool = True) -> str:
    """Everything the demo writes, without primary keys or ciphertexts (those differ per run).

    Password hashes are salted anew when an account is created again (after --reset)."""
    rows: list[tuple] = []
    for e in Enterprise.objects.all():
        rows.append(("E", e.credit_code, e.name, e.region_id, e.sector_id, tuple(e.area_types)))
    for u in OrgUnit.objects.select_related("enterprise", "parent"):
        parent = u.parent.name if u.parent else ""
        rows.append(("O", u.enterprise.credit_code, parent, u.name, u.kind))
    for p in Person.objects.all():
        rows.append(("P", p.id_number_hash, p.name, str(p.birth_date), p.phone_hash, p.source))
    for m in Employment.objects.select_related("person", "enterprise"):
        rows.append(
            (
                "M",
                m.person.id_number_hash,
                m.enterprise.credit_code,
                m.role_category,
                m.employment_form,
                str(m.start_date),
                str(m.end_date),
            )
        )
    for post in Post.objects.select_related(
        "employment__person", "employment__enterprise", "job_type", "org_unit"
    ):
        rows.append(
            (
                "T",
                post.employment.person.id_number_hash,
                post.employment.enterprise.credit_code,
                str(post.from_date),
                post.title,
                post.job_type.code if post.job_type else "",
                post.operation_id or "",
                post.org_unit.path if post.org_unit else "",
            )
        )
    for leave in Leave.objects.select_related("employment__person"):
        rows.append(
            (
                "L",
                leave.employment.person.id_number_hash,
                str(leave.start_date),
                str(leave.end_date),
            )
        )
    for user in User.objects.select_related("enterprise", "person"):
        rows.append(
            (
                "U",
                user.username,
                user.role,
                user.region_id or "",
                user.enterprise.credit_code if user.enterprise else "",
                user.person.id_number_hash if user.person else "",
                user.password if passwords else "",
            )
        )
    digest = hashlib.sha256()
    for row in sorted(rows):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def counts() -> dict[str, int]:
    return {
        "enterprises": Enterprise.objects.count(),
        "org_units": OrgUnit.objects.count(),
        "persons": Person.objects.count(),
        "employments": Employment.objects.count(),
        "posts": Post.objects.count(),
        "leaves": Leave.objects.count(),
        "users": User.objects.count(),
    }


def active_on(day: dt.date):
    return Employment.objects.filter(start_date__lte=day).exclude(end_date__lt=day)


def assert_persons_valid() -> None:
    for person in Person.objects.all():
        number = person_id_number(person)
        assert normalize_id_number(number) == number
        assert number[:6] in COUNTY_CODES, number[:6]
        assert person.id_number_masked == number[:6] + "********" + number[-4:]
        assert person.birth_date == dt.date(
            int(number[6:10]), int(number[10:12]), int(number[12:14])
        )
        assert person.name and 2 <= len(person.name) <= 4


def assert_no_overlapping_employments() -> None:
    by_person: dict[int, list[Employment]] = {}
    for m in Employment.objects.order_by("person_id", "start_date"):
        by_person.setdefault(m.person_id, []).append(m)
    for items in by_person.values():
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                assert not ranges_overlap(a.start_date, a.end_date, b.start_date, b.end_date), (
                    a,
                    b,
                )
