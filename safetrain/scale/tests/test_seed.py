"""The synthetic city: determinism, and that the bulk rows are what the services would write."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safetrain.catalog.models import Sector
from safetrain.certificates.matching import default_dates
from safetrain.certificates.models import Certificate, CertificateReview
from safetrain.core import crypto
from safetrain.core.identifiers import (
    credit_check_char,
    id_birth_date,
    mask_id_number,
    mask_phone,
    normalize_id_number,
)
from safetrain.enterprises.models import Enterprise, OrgUnit
from safetrain.people.models import Employment, Leave, Person, Post
from safetrain.people.services import id_lookup_hash, person_id_number, phone_lookup_hash
from safetrain.records.models import Drill, ExamResult, Incident, TrainingRecord, Violation
from safetrain.regions.data import COUNTIES
from safetrain.scale.city import CityGenerator
from safetrain.scale.load import COLUMNS, job_type_map, seed_city

TODAY = dt.date(2026, 6, 30)
JINCHENG = {code for code, _ in COUNTIES}


def _generate(seed: int, persons: int = 120) -> list[dict[str, list[tuple[object, ...]]]]:
    gen = CityGenerator(persons=persons, seed=seed, today=TODAY, job_types=job_type_map())
    out = [gen.enterprises().rows]
    out += [b.rows for b in gen.persons(batch_size=50)]
    # enterprises are dataclasses in the raw rows: compare their fields
    out[0]["enterprise"] = [
        (e.credit_code, e.name, e.region, e.sector, tuple(e.area_types))
        for e, *_ in out[0]["enterprise"]
    ]
    return out


def test_loader_columns_cover_every_model_field() -> None:
    for table, (model, columns) in COLUMNS.items():
        assert sorted(columns) == sorted(f.column for f in model._meta.concrete_fields), table


@pytest.mark.django_db
def test_same_seed_same_rows_other_seed_other_rows() -> None:
    first = _generate(7)
    assert first == _generate(7)
    assert first != _generate(8)


@pytest.mark.django_db
def test_batch_size_does_not_change_the_data() -> None:
    def flat(batch_size: int) -> dict[str, list[object]]:
        gen = CityGenerator(persons=90, seed=3, today=TODAY, job_types=job_type_map())
        gen.enterprises()
        rows: dict[str, list[object]] = defaultdict(list)
        for b in gen.persons(batch_size=batch_size):
            for table, r in b.rows.items():
                rows[table] += r
        return rows

    assert flat(7) == flat(1000)


@pytest.fixture
def city(db: None) -> dict[str, int]:
    return seed_city(persons=300, seed=11, today=TODAY, batch_size=64).counts


def test_city_shape(city: dict[str, int]) -> None:
    assert Person.objects.count() == city["person"] == 300
    assert {e.region_id for e in Enterprise.objects.all()} == JINCHENG
    assert {e.sector_id for e in Enterprise.objects.all()} == set(
        Sector.objects.values_list("code", flat=True)
    )
    # coal mines are the most common sector
    by_sector: dict[str, int] = defaultdict(int)
    for e in Enterprise.objects.all():
        by_sector[e.sector_id] += 1
    assert max(by_sector, key=lambda s: by_sector[s]) == "coal_mine"
    # roughly the proportions per person
    assert 10 <= city["training"] / 300 <= 20
    assert 2 <= city["exam"] / 300 <= 5
    assert 0.3 <= city["certificate"] / 300 <= 1.0
    for table in ("incident", "drill", "violation", "leave", "review"):
        assert city[table] > 0, table
    assert set(TrainingRecord.objects.values_list("kind", flat=True)) == {
        "prejob",
        "initial",
        "continuing",
        "special",
        "violation",
        "return",
        "transfer",
        "accident",
        "review",
    }
    assert set(ExamResult.objects.values_list("purpose", flat=True)) >= {
        "prejob",
        "continuing",
        "risk_awareness",
        "spot_check",
        "violation",
        "return",
        "transfer",
        "mgmt_assessment",
    }
    assert set(TrainingRecord.objects.values_list("source", flat=True)) == {"seed"}


def test_persons_are_what_the_service_writes(city: dict[str, int]) -> None:
    numbers = set()
    for p in Person.objects.all():
        number = person_id_number(p)
        assert normalize_id_number(number) == number
        assert number[:6] in JINCHENG
        assert p.id_number_hash == id_lookup_hash(number)
        assert p.id_number_masked == mask_id_number(number)
        assert p.birth_date == id_birth_date(number)
        assert p.id_number_enc.startswith(f"v1:{crypto.current_keys()[0]}:")
        if p.phone_enc:
            phone = crypto.decrypt(p.phone_enc)
            assert p.phone_hash == phone_lookup_hash(phone)
            assert p.phone_masked == mask_phone(phone)
        numbers.add(number)
    assert len(numbers) == 300
    assert Person.objects.values("uid").distinct().count() == 300


def test_enterprises_have_valid_codes_and_one_root(city: dict[str, int]) -> None:
    for e in Enterprise.objects.all():
        assert credit_check_char(e.credit_code[:17]) == e.credit_code[17]
        assert e.credit_code_check_ok
        roots = OrgUnit.objects.filter(enterprise=e, parent=None)
        assert [(r.name, r.kind) for r in roots] == [(e.name, "company")]
        assert e.area_types


def test_employments_posts_and_leaves_are_consistent(city: dict[str, int]) -> None:
    by_person: dict[int, list[Employment]] = defaultdict(list)
    for emp in Employment.objects.all():
        by_person[emp.person_id].append(emp)
        assert emp.start_date <= TODAY
        posts = list(Post.objects.filter(employment=emp).order_by("from_date"))
        assert posts and posts[0].from_date == emp.start_date
        for post in posts:
            assert post.from_date <= TODAY
            assert emp.end_date is None or post.from_date <= emp.end_date
            if post.job_type_id is not None:
                assert post.job_type is not None
                assert post.operation_id == post.job_type.operation_id
                assert post.title == post.job_type.name
        for leave in Leave.objects.filter(employment=emp):
            assert leave.start_date >= emp.start_date
            assert emp.end_date is None or (
                leave.end_date is not None and leave.end_date <= emp.end_date
            )
    assert len(by_person) == 300
    for emps in by_person.values():
        emps.sort(key=lambda e: e.start_date)
        for a, b in zip(emps, emps[1:], strict=False):
            assert a.end_date is not None and a.end_date < b.start_date


def test_records_are_dated_by_today_and_exams_pass_by_mark(city: dict[str, int]) -> None:
    for model, column in [
        (TrainingRecord, "date"),
        (ExamResult, "date"),
        (Violation, "date"),
        (Incident, "date"),
        (Drill, "date"),
        (Certificate, "issued_on"),
        (CertificateReview, "passed_on"),
    ]:
        assert not model.objects.filter(**{f"{column}__gt": TODAY}).exists(), model
    for x in ExamResult.objects.all():
        assert x.passed == (x.score >= x.pass_mark)
    # pre-job training of a new hire counts at the enterprise that hired them, on three levels
    levels = set(
        TrainingRecord.objects.filter(kind="prejob").values_list("level", flat=True).distinct()
    )
    assert levels == {"company", "workshop", "team"}


def test_certificates_take_the_default_dates(city: dict[str, int]) -> None:
    reviewed = {r.certificate_id: r for r in CertificateReview.objects.all()}
    assert reviewed
    for c in Certificate.objects.all():
        valid, due = default_dates(c.cert_type, c.issued_on)
        assert c.valid_until == valid
        if c.pk in reviewed:
            review = reviewed[c.pk]
            assert c.review_due is None and review.cleared_due == due
            assert c.issued_on <= review.passed_on <= c.valid_until
            assert review.hours is not None and review.hours >= 8
        else:
            assert c.review_due == due
        if c.supersedes_id is not None:
            old = Certificate.objects.get(pk=c.supersedes_id)
            assert (old.person_id, old.cert_type, old.operation_id) == (
                c.person_id,
                c.cert_type,
                c.operation_id,
            )
            assert old.issued_on < c.issued_on


@pytest.mark.django_db
def test_seed_command_refuses_a_database_with_data(capsys: pytest.CaptureFixture[str]) -> None:
    call_command(
        "seed", "city", "--persons", "40", "--seed", "5", "--today", "2026-06-30", "--quiet"
    )
    out = capsys.readouterr().out
    assert "person: 40" in out
    with pytest.raises(CommandError, match="空数据库"):
        call_command("seed", "city", "--persons", "40", "--quiet")
    # the ids continue after the explicit keys (PostgreSQL sequences are reset)
    e = Enterprise.objects.order_by("pk").first()
    assert e is not None
    p = Person.objects.create(
        id_number_enc="x",
        id_number_hash="y" * 64,
        id_number_masked="z",
        name="新人",
        birth_date=TODAY,
    )
    assert p.pk > 40


ALL_CODES = [
    "PREJOB_TRAINING_MISSING",
    "PREJOB_EXAM_MISSING",
    "CERT_MISSING",
    "CERT_JOB_MISMATCH",
    "CERT_PENDING",
    "CERT_EXPIRED",
    "CERT_REVIEW_OVERDUE",
    "CERT_EXPIRING_SOON",
    "CERT_REVIEW_DUE_SOON",
    "VIOLATION_RETRAINING_PENDING",
    "RETURN_TRAINING_PENDING",
    "TRANSFER_TRAINING_PENDING",
    "ACCIDENT_RETRAINING_PENDING",
    "INITIAL_HOURS_SHORT",
    "ANNUAL_HOURS_PENDING",
    "ANNUAL_HOURS_SHORT",
    "DRILL_OVERDUE",
    "DRILL_DUE",
]


def test_every_finding_code_occurs(city: dict[str, int]) -> None:
    from safetrain.compliance.engine import evaluate_enterprise, evaluate_persons

    seen: dict[str, int] = defaultdict(int)
    statuses: dict[str, int] = defaultdict(int)
    for _pid, ev in evaluate_persons(list(Person.objects.values_list("id", flat=True)), TODAY):
        statuses[ev.status] += 1
        statuses["may_work"] += ev.may_work
        for code in ev.codes:
            seen[code] += 1
    for ent in Enterprise.objects.all():
        for f in evaluate_enterprise(ent, TODAY):
            seen[f.code] += 1
    assert [c for c in ALL_CODES if not seen[c]] == []
    # a realistic share: most people in post may work, a minority is blocked
    assert statuses["in_post"] > 270
    assert 0.8 < statuses["may_work"] / statuses["in_post"] < 0.97
    assert statuses["on_leave"] + statuses["not_employed"] > 0
