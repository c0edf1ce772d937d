"""Remedial to-dos: appear with a blocking finding, clear with it (kept), idempotent, bulk."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safetrain.compliance.domain import Finding
from safetrain.compliance.engine import evaluate_persons
from safetrain.compliance.models import TodoItem
from safetrain.compliance.services import recompute_all, refresh_persons
from safetrain.compliance.tests import records as r
from safetrain.compliance.todo import CLEARED_DONE, CLEARED_LEFT, needs_for, todo_sync
from safetrain.core.dates import today
from safetrain.people.models import Employment, Leave
from safetrain.people.tests.factories import make_employment, make_enterprise

D = dt.date(2025, 3, 1)
V = dt.date(2025, 2, 10)


def f(code: str, blocking: bool = True, **detail) -> Finding:
    return Finding(code=code, blocking=blocking, basis="", remedy="", detail=detail)


# ------------------------------------------------------------------------------ pure rules


@pytest.mark.parametrize(
    "finding,expected",
    [
        (
            f(
                "VIOLATION_RETRAINING_PENDING",
                required_hours=24.0,
                done_hours=0.0,
                exam_passed=False,
                violation_date="2025-02-10",
            ),
            [("training", "三违脱产培训 24.0 学时"), ("exam", "三违考试并合格")],
        ),
        (
            f(
                "VIOLATION_RETRAINING_PENDING",
                required_hours=24.0,
                done_hours=8.0,
                exam_passed=True,
                violation_date="2025-02-10",
            ),
            [("training", "还差 16.0 学时")],
        ),
        (
            f(
                "VIOLATION_RETRAINING_PENDING",
                required_hours=24.0,
                done_hours=24.0,
                exam_passed=False,
                violation_date="2025-02-10",
            ),
            [("exam", "三违考试")],
        ),
        (
            f(
                "RETURN_TRAINING_PENDING",
                training_done=True,
                exam_passed=False,
                leave_start="2024-01-01",
                leave_end="2024-06-30",
            ),
            [("exam", "复岗考试并合格（离岗 2024-01-01 至 2024-06-30）")],
        ),
        (
            f("TRANSFER_TRAINING_PENDING", training_done=False, exam_passed=False, changed_on="x"),
            [("training", "转岗安全培训"), ("exam", "转岗考试")],
        ),
        (
            f(
                "ACCIDENT_RETRAINING_PENDING",
                training_done=False,
                exam_passed=True,
                incident_date="2025-01-05",
                incident_type="fatal",
            ),
            [("training", "2025-01-05 死亡事故")],
        ),
        (
            f(
                "PREJOB_TRAINING_MISSING",
                required_hours=72.0,
                done_hours=48.0,
                missing_levels=["team"],
            ),
            [("training", "岗前三级安全培训 72.0 学时（已 48.0 学时，缺班组级）")],
        ),
        (f("PREJOB_EXAM_MISSING"), [("exam", "岗前安全考试")]),
        (
            f("CERT_MISSING", needed_type="special_operation", needed_operation="5.4"),
            [("training", "5.4 特种作业操作证取证培训"), ("exam", "5.4 特种作业操作证考核")],
        ),
        (
            f("CERT_REVIEW_OVERDUE", number="T1"),
            [("training", "复审培训（证书 T1）"), ("exam", "复审考试并合格（证书 T1）")],
        ),
        (f("ANNUAL_HOURS_PENDING", blocking=False), []),
        (f("CERT_PENDING", blocking=False), []),
    ],
)
def test_needs_for_each_finding(finding, expected):
    needs = needs_for(finding)
    assert [k for k, _ in needs] == [k for k, _ in expected]
    for (_, text), (_, part) in zip(needs, expected, strict=True):
        assert part in text


# --------------------------------------------------------------------------------- database


@pytest.fixture
def world(db):
    ent = make_enterprise(region="140502", sector="industry_trade")
    emp = make_employment(enterprise=ent, start=dt.date(2020, 1, 1))
    r.violation(emp.person, ent, V)
    return {"ent": ent, "emp": emp, "person": emp.person}


def open_items(person):
    return {(i.code, i.kind): i for i in TodoItem.objects.filter(person=person, cleared_on=None)}


def test_a_violation_puts_training_and_exam_on_the_lists(world):
    refresh_persons([world["person"].pk], on=D)
    items = open_items(world["person"])
    assert set(items) == {
        ("VIOLATION_RETRAINING_PENDING", "training"),
        ("VIOLATION_RETRAINING_PENDING", "exam"),
    }
    training = items[("VIOLATION_RETRAINING_PENDING", "training")]
    assert training.enterprise == world["ent"]
    assert training.created_on == D
    assert "三违脱产培训 24.0 学时" in training.needed and "还差 24.0 学时" in training.needed
    assert training.detail["violation_date"] == V.isoformat()


def test_sync_is_idempotent(world):
    pid = world["person"].pk
    refresh_persons([pid], on=D)
    before = list(TodoItem.objects.values_list("id", "needed", "cleared_on"))
    assert todo_sync([pid], on=D) == {"created": 0, "updated": 0, "cleared": 0}
    refresh_persons([pid], on=D)
    assert list(TodoItem.objects.values_list("id", "needed", "cleared_on")) == before


def test_progress_updates_then_each_part_clears_and_is_kept(world):
    person, ent = world["person"], world["ent"]
    refresh_persons([person.pk], on=D)
    r.training(person, dt.date(2025, 2, 12), 8, kind="violation", enterprise=ent)
    refresh_persons([person.pk], on=D)
    training = open_items(person)[("VIOLATION_RETRAINING_PENDING", "training")]
    assert "还差 16.0 学时" in training.needed and training.detail["done_hours"] == 8.0

    r.training(person, dt.date(2025, 2, 20), 16, kind="violation", enterprise=ent)
    refresh_persons([person.pk], on=D)
    assert set(open_items(person)) == {("VIOLATION_RETRAINING_PENDING", "exam")}
    done = TodoItem.objects.get(person=person, kind="training")
    assert (done.cleared_on, done.cleared_note) == (D, CLEARED_DONE)

    r.exam(person, dt.date(2025, 2, 25), "violation", enterprise=ent)
    refresh_persons([person.pk], on=D)
    assert open_items(person) == {}
    assert TodoItem.objects.filter(person=person).count() == 2  # kept for the archive
    assert not TodoItem.objects.filter(person=person, cleared_on=None).exists()


def test_a_new_violation_after_clearing_opens_new_items(world):
    person, ent = world["person"], world["ent"]
    r.training(person, dt.date(2025, 2, 12), 24, kind="violation", enterprise=ent)
    r.exam(person, dt.date(2025, 2, 13), "violation", enterprise=ent)
    refresh_persons([person.pk], on=D)
    assert open_items(person) == {}
    r.violation(person, ent, dt.date(2025, 2, 27))
    refresh_persons([person.pk], on=D)
    assert len(open_items(person)) == 2


def test_on_leave_keeps_items_and_leaving_closes_them(world):
    person, emp = world["person"], world["emp"]
    refresh_persons([person.pk], on=D)
    Leave.objects.create(employment=emp, start_date=dt.date(2025, 2, 28))
    refresh_persons([person.pk], on=D)
    assert len(open_items(person)) == 2  # still due when they come back
    Employment.objects.filter(pk=emp.pk).update(end_date=dt.date(2025, 2, 27))
    refresh_persons([person.pk], on=D)
    assert open_items(person) == {}
    assert set(TodoItem.objects.values_list("cleared_note", flat=True)) == {CLEARED_LEFT}


def test_recompute_syncs_todos(world):
    assert not TodoItem.objects.exists()
    recompute_all(on=D)
    assert len(open_items(world["person"])) == 2


def test_the_set_based_recompute_refreshes_exactly_the_persons_whose_items_differ(world):
    from safetrain.compliance.services import todo_candidates

    person, ent = world["person"], world["ent"]
    calm = make_employment(enterprise=ent, start=dt.date(2020, 1, 1)).person
    recompute_all(on=D)
    assert len(open_items(person)) == 2 and open_items(calm) == {}
    assert todo_candidates() == []  # a second run refreshes nobody
    # written without a hook: the recompute notices the blocking code went and clears the items
    r.training(person, dt.date(2025, 2, 12), 24, kind="violation", enterprise=ent)
    r.exam(person, dt.date(2025, 2, 13), "violation", enterprise=ent)
    recompute_all(on=D)
    assert todo_candidates() == [] and open_items(person) == {}
    # a new 三违 without a hook: items again, at the enterprise of the day
    r.violation(person, ent, dt.date(2025, 2, 27))
    recompute_all(on=D)
    assert {i.enterprise_id for i in open_items(person).values()} == {ent.pk}
    # moved to another enterprise, then gone: the items follow, then close
    other = make_enterprise(region="140502", sector="industry_trade")
    Employment.objects.filter(pk=world["emp"].pk).update(enterprise=other)
    assert todo_candidates() == []  # the stored status still names the old one
    recompute_all(on=D)
    assert {i.enterprise_id for i in open_items(person).values()} == {other.pk}
    Employment.objects.filter(pk=world["emp"].pk).update(end_date=dt.date(2025, 2, 28))
    recompute_all(on=D)
    assert open_items(person) == {}
    assert TodoItem.objects.filter(person=person, cleared_note=CLEARED_LEFT).count() == 2


def test_the_record_service_hook_creates_todos(world, django_capture_on_commit_callbacks):
    from safetrain.records.services import violation_record

    other = make_employment(enterprise=world["ent"], start=dt.date(2020, 1, 1)).person
    with django_capture_on_commit_callbacks(execute=True):
        violation_record(
            actor=None,
            person=other,
            enterprise=world["ent"],
            date=today() - dt.timedelta(days=1),
            type="operation",
        )
    assert {i.kind for i in TodoItem.objects.filter(person=other, cleared_on=None)} == {
        "training",
        "exam",
    }


def _population(ent, n: int) -> list[int]:
    ids = []
    for i in range(n):
        p = make_employment(enterprise=ent, start=dt.date(2020, 1, 1)).person
        if i % 2 == 0:
            r.violation(p, ent, V)
        ids.append(p.pk)
    return ids


def test_sync_query_count_is_fixed(db):
    counts = []
    for n in (3, 15):
        ent = make_enterprise(sector="industry_trade")
        ids = _population(ent, n)
        evaluations = list(evaluate_persons(ids, D))
        with CaptureQueriesContext(connection) as first:
            todo_sync(ids, on=D, evaluations=evaluations)
        # clear half of them by a record, then sync again (updates and clears in bulk)
        for pid in ids[::4]:
            r.exam(TodoItem.objects.filter(person_id=pid).first().person, D, "violation")
        evaluations = list(evaluate_persons(ids, D))
        with CaptureQueriesContext(connection) as second:
            todo_sync(ids, on=D, evaluations=evaluations)
        counts.append((len(first), len(second)))
        assert TodoItem.objects.filter(person_id__in=ids).count() == 2 * len(ids[::2])
    assert counts[0] == counts[1], counts
