"""Scope of sessions and rosters (no leak across jurisdictions) and plan progress."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safetrain.classes import services
from safetrain.classes.selectors import participant_list, plan_progress, session_list
from safetrain.classes.tests.factories import make_session
from safetrain.core.dates import today
from safetrain.courses.models import Enrolment
from safetrain.courses.services import enrol
from safetrain.courses.tests.factories import make_course
from safetrain.enterprises.services import org_unit_ensure
from safetrain.people.services import PostSpec, post_change
from safetrain.people.tests.factories import make_employment

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions(world):
    a = make_session(actor=world["admin_a"], title="a")
    b = make_session(actor=world["admin_b"], title="b")
    c = make_session(actor=world["admin_c"], title="c")
    county = make_session(actor=world["county"], audience="safety_manager", title="county")
    county_c = make_session(actor=world["county_c"], audience="safety_manager", title="county_c")
    city = make_session(
        actor=world["city"],
        audience="principal",
        title="city",
    )
    services.roster_add(actor=world["city"], session=city, persons=[world["principal_a"]])
    services.roster_add(actor=world["admin_a"], session=a, persons=[world["pa"]])
    return {s.title: s for s in (a, b, c, county, county_c, city)}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("city", {"a", "b", "c", "county", "county_c", "city"}),
        ("county", {"a", "b", "county", "city"}),
        ("inspector", {"a", "b", "county", "city"}),
        ("county_c", {"c", "county_c", "city"}),
        ("admin_a", {"a", "city"}),  # city session: one of a's people is on its roster
        ("admin_b", {"b"}),
        ("worker", {"a"}),
        ("worker_b", set()),
        ("trainer", set()),
    ],
)
def test_sessions_are_scoped(world, sessions, who, expected):
    assert {s.title for s in session_list(viewer=world[who])} == expected


def test_trainer_sees_the_sessions_they_teach(world):
    s = services.session_create(
        actor=world["admin_a"],
        title="t",
        audience="general",
        kind="continuing",
        starts_at=timezone.now(),
        ends_at=timezone.now() + dt.timedelta(hours=2),
        hours=2,
        trainer=world["trainer"],
    )
    assert list(session_list(viewer=world["trainer"])) == [s]
    assert s.trainer_name == world["trainer"].username


def test_rosters_show_others_only_the_people_they_may_see(world):
    start = timezone.now()
    city = make_session(actor=world["city"], audience="principal", starts_at=start)
    principal_c = make_employment(enterprise=world["c"], role="principal").person
    services.roster_add(
        actor=world["city"], session=city, persons=[world["principal_a"], principal_c]
    )
    assert participant_list(viewer=world["city"], session=city).count() == 2
    assert [p.person for p in participant_list(viewer=world["admin_a"], session=city)] == [
        world["principal_a"]
    ]
    assert [p.person for p in participant_list(viewer=world["county_c"], session=city)] == [
        principal_c
    ]


def test_state_filter(world):
    now = timezone.now()
    make_session(actor=world["admin_a"], title="past", starts_at=now - dt.timedelta(days=2))
    make_session(actor=world["admin_a"], title="now", starts_at=now - dt.timedelta(hours=1))
    make_session(actor=world["admin_a"], title="soon", starts_at=now + dt.timedelta(days=2))

    def titles(state):
        return [s.title for s in session_list(viewer=world["admin_a"], state=state, on=now)]

    assert (titles("past"), titles("current"), titles("upcoming")) == (["past"], ["now"], ["soon"])


# ----------------------------------------------------------------------------- plans


def test_plan_progress_counts_group_members_who_completed(world):
    a, admin = world["a"], world["admin_a"]
    year = today().year
    team = org_unit_ensure(enterprise=a, path="综采一队/早班")
    emp = world["pa"].employments.get()
    post_change(
        actor=None,
        employment=emp,
        from_date=dt.date(2024, 1, 1),
        post=PostSpec(title="采煤工", org_unit=team),
    )
    newbie = make_employment(enterprise=a, start=dt.date(year, 1, 2)).person
    past = make_session(actor=admin, starts_at=timezone.now() - dt.timedelta(hours=6))
    services.roster_add(actor=admin, session=past, persons=[world["pa"], world["pa2"]])
    services.attendance_mark(actor=admin, session=past, persons=[world["pa"]])
    course = make_course(title="新员工三级安全教育")
    plan = services.plan_create(actor=admin, enterprise=a, year=year)
    due = dt.date(year, 12, 31)
    services.plan_item_add(
        actor=admin, plan=plan, title="全员", group="all", session=past, due_on=due
    )
    services.plan_item_add(
        actor=admin,
        plan=plan,
        title="综采一队",
        group="org_unit",
        org_unit=team.parent,
        session=past,
        due_on=due,
    )
    services.plan_item_add(
        actor=admin, plan=plan, title="新员工", group="new_hires", course=course, due_on=due
    )
    services.plan_item_add(
        actor=admin,
        plan=plan,
        title="安全管理人员",
        group="role",
        role_category="safety_manager",
        course=course,
        due_on=dt.date(year, 1, 1),
    )
    progress = plan_progress(a, year, today())
    # not completed yet: the session's attendance wrote no record
    got = {i.item.title: (i.done, i.total) for i in progress.items}
    assert got == {"全员": (0, 5), "综采一队": (0, 1), "新员工": (0, 1), "安全管理人员": (0, 1)}
    services.session_complete(actor=admin, session=past)
    enrolment = enrol(newbie, course)
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=timezone.now())
    progress = plan_progress(a, year, today())
    got = {i.item.title: (i.done, i.total) for i in progress.items}
    assert got == {"全员": (1, 5), "综采一队": (1, 1), "新员工": (1, 1), "安全管理人员": (0, 1)}
    overdue = {i.item.title for i in progress.items if i.overdue}
    assert overdue == ({"安全管理人员"} if today() > dt.date(year, 1, 1) else set())
    assert (progress.done, progress.total) == (3, 8)
    assert plan_progress(a, year - 1, today()) is None
    assert plan_progress(world["b"], year, today()) is None


def test_plan_progress_query_count_does_not_grow_with_people(world, django_assert_max_num_queries):
    a, admin = world["a"], world["admin_a"]
    year = today().year
    for _ in range(15):
        make_employment(enterprise=a, start=dt.date(2023, 1, 1))
    past = make_session(actor=admin, starts_at=timezone.now() - dt.timedelta(hours=6))
    plan = services.plan_create(actor=admin, enterprise=a, year=year)
    for group in ("all", "new_hires"):
        services.plan_item_add(
            actor=admin,
            plan=plan,
            title=group,
            group=group,
            session=past,
            due_on=dt.date(year, 12, 1),
        )
    with django_assert_max_num_queries(6):
        progress = plan_progress(a, year, today())
    assert progress.items[0].total == 19


def test_plan_rules(world):
    from safetrain.core.errors import Conflict, NotAllowed, ValidationFailed

    year = today().year
    with pytest.raises(NotAllowed):
        services.plan_create(actor=world["admin_b"], enterprise=world["a"], year=year)
    plan = services.plan_create(actor=world["admin_a"], enterprise=world["a"], year=year)
    with pytest.raises(Conflict):
        services.plan_create(actor=world["admin_a"], enterprise=world["a"], year=year)
    other = make_session(actor=world["admin_b"])
    with pytest.raises(ValidationFailed):
        services.plan_item_add(
            actor=world["admin_a"],
            plan=plan,
            title="x",
            group="all",
            session=other,
            due_on=dt.date(year, 6, 1),
        )
    mine = make_session(actor=world["admin_a"])
    with pytest.raises(ValidationFailed):
        services.plan_item_add(
            actor=world["admin_a"],
            plan=plan,
            title="x",
            group="all",
            session=mine,
            due_on=dt.date(year + 1, 6, 1),
        )
    with pytest.raises(ValidationFailed):
        services.plan_item_add(
            actor=world["admin_a"],
            plan=plan,
            title="x",
            group="job_type",
            session=mine,
            due_on=dt.date(year, 6, 1),
        )
    with pytest.raises(ValidationFailed):
        services.plan_item_add(
            actor=world["admin_a"], plan=plan, title="x", group="all", due_on=dt.date(year, 6, 1)
        )
