"""The records step: realistic training, exams, certificates, 三违, incidents and drills, so the
campaign's rates are neither 0 % nor 100 % and several finding codes fire; idempotent."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from safetrain.certificates.models import Certificate
from safetrain.compliance.engine import Scope, evaluate_persons, rates
from safetrain.people.models import Person
from safetrain.records.models import Drill, ExamResult, Incident, TrainingRecord, Violation

from .helpers import ANCHOR, load_small

pytestmark = pytest.mark.django_db

MODELS = (TrainingRecord, ExamResult, Certificate, Violation, Incident, Drill)


def test_records_make_meaningful_rates_and_findings():
    load_small()
    counts = {m.__name__: m.objects.count() for m in MODELS}
    assert counts["TrainingRecord"] > 100 and counts["ExamResult"] > 50
    assert counts["Certificate"] > 10 and counts["Drill"] > 5
    assert ExamResult.objects.filter(passed=False).exists()
    anchor = dt.date.fromisoformat(ANCHOR)
    r = rates(Scope.city(), anchor)
    for ratio in (r.coverage, r.certified, r.awareness, r.may_work):
        assert 0 < ratio.num < ratio.den, r
    codes: Counter[str] = Counter()
    ids = list(Person.objects.values_list("id", flat=True))
    for _pid, ev in evaluate_persons(ids, anchor):
        codes.update(ev.codes)
    assert len(codes) >= 5, codes
    assert any(c.startswith("CERT_") for c in codes)
    # three years back: training dated in each of the last three years
    years = set(TrainingRecord.objects.values_list("date__year", flat=True))
    assert {anchor.year - 2, anchor.year - 1, anchor.year} <= years

    load_small()  # idempotent: nothing new
    assert {m.__name__: m.objects.count() for m in MODELS} == counts
