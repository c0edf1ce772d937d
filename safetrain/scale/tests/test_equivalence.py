"""The bulk seed writes exactly what the services would: seed → export → import into an empty
database gives the same compliance result for every person (issue 5, item 1)."""

from __future__ import annotations

import datetime as dt

import pytest

from safetrain.certificates.models import Certificate, CertificateReview
from safetrain.compliance.engine import evaluate_persons
from safetrain.enterprises.models import Enterprise, OrgUnit
from safetrain.people.models import Employment, Leave, Person, Post
from safetrain.people.services import person_id_number
from safetrain.records.models import Drill, ExamResult, Incident, TrainingRecord, Violation
from safetrain.scale.load import seed_city
from safetrain.workbook.engine import export_workbook, import_workbook
from safetrain.workbook.registry import ExportScope

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 30)
DATES = [dt.date(2024, 12, 31), dt.date(2025, 9, 1), TODAY]


def results() -> dict[tuple[str, dt.date], tuple]:
    ids = {p.pk: person_id_number(p) for p in Person.objects.all()}
    out = {}
    for on in DATES:
        for pid, ev in evaluate_persons(sorted(ids), on):
            codes = tuple(sorted((f.code, f.blocking) for f in ev.findings))
            out[(ids[pid], on)] = (ev.status, ev.may_work, ev.enterprise, codes)
    return out


def wipe() -> None:
    from django.apps import apps

    for label in ("compliance.TodoItem", "compliance.PersonStatus", "certificates.Notification"):
        apps.get_model(label).objects.all().delete()
    CertificateReview.objects.all().delete()
    Certificate.objects.update(supersedes=None)
    TrainingRecord.objects.update(supersedes=None)
    ExamResult.objects.update(supersedes=None)
    for model in (Certificate, TrainingRecord, ExamResult, Violation, Incident, Drill):
        model.objects.all().delete()
    for model in (Leave, Post, Employment, Person):
        model.objects.all().delete()
    OrgUnit.objects.filter(parent__isnull=False, children__isnull=True).delete()
    OrgUnit.objects.filter(parent__isnull=False).delete()
    OrgUnit.objects.all().delete()
    Enterprise.objects.all().delete()


def test_seed_export_import_gives_the_same_compliance_results() -> None:
    seed_city(persons=150, seed=5, today=TODAY, batch_size=64)
    before = results()
    assert len(before) == 150 * len(DATES)
    assert any(not r[1] for r in before.values()) and any(r[1] for r in before.values())
    counts = {
        m.__name__: m.objects.count() for m in (TrainingRecord, ExamResult, Certificate, Employment)
    }

    data = export_workbook(ExportScope())
    wipe()
    assert Person.objects.count() == 0
    result = import_workbook(data, actor=None, today=TODAY)
    assert not result.errors, [str(e) for e in result.errors[:10]]

    assert {
        m.__name__: m.objects.count() for m in (TrainingRecord, ExamResult, Certificate, Employment)
    } == counts
    after = results()
    differing = {k: (before[k], after.get(k)) for k in before if before[k] != after.get(k)}
    assert not differing, list(differing.items())[:5]
