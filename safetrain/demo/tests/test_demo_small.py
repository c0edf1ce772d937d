"""The small demo, loaded once for this module: coverage, rosters, posts and logins."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.contrib.auth import authenticate

from safetrain.catalog.models import Sector
from safetrain.core.identifiers import parse_credit_code
from safetrain.demo.context import DEMO_PASSWORD
from safetrain.demo.reset import wipe_non_reference
from safetrain.enterprises.models import Enterprise, OrgUnit
from safetrain.people.models import Post, User
from safetrain.people.services import person_id_number

from .helpers import (
    ANCHOR,
    COUNTY_CODES,
    active_on,
    assert_no_overlapping_employments,
    assert_persons_valid,
    load_small,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def small_demo(django_db_setup, django_db_blocker):
    """Load once (committed), share with the read-only tests below, wipe at the end."""
    with django_db_blocker.unblock():
        output = load_small()
        yield output
        wipe_non_reference()


def test_small_demo_has_valid_ids_and_no_overlapping_employments(small_demo):
    assert_persons_valid()
    assert_no_overlapping_employments()


def test_small_demo_covers_every_county_and_sector_with_valid_enterprises(small_demo):
    enterprises = list(Enterprise.objects.all())
    assert {e.sector_id for e in enterprises} == set(Sector.objects.values_list("code", flat=True))
    assert {e.region_id for e in enterprises} == COUNTY_CODES
    for e in enterprises:
        assert parse_credit_code(e.credit_code).check_ok, e.credit_code
        assert e.credit_code[2:8] == e.region_id
        assert e.source == "seed"
        if e.sector_id.endswith("mine"):
            assert "underground" in e.area_types
        else:
            assert "underground" not in e.area_types and "production" in e.area_types
        kinds = Counter(OrgUnit.objects.filter(enterprise=e).values_list("kind", flat=True))
        assert kinds["company"] == 1 and kinds["workshop"] >= 4 and kinds["team"] >= 6
        # every team hangs under a workshop, every workshop under the company
        for unit in OrgUnit.objects.filter(enterprise=e).select_related("parent"):
            expected_parent = {"company": None, "workshop": "company", "team": "workshop"}[
                unit.kind
            ]
            assert (unit.parent.kind if unit.parent else None) == expected_parent


def test_each_enterprise_has_one_principal_deputies_safety_managers_and_workers(small_demo):
    anchor = dt.date.fromisoformat(ANCHOR)
    for e in Enterprise.objects.all():
        roles = Counter(
            active_on(anchor).filter(enterprise=e).values_list("role_category", flat=True)
        )
        assert roles["principal"] == 1, e
        assert 1 <= roles["deputy"] <= 2, e
        assert 2 <= roles["safety_manager"] <= 4, e
        assert roles["worker"] >= 3, e


def test_worker_posts_come_from_the_sector_catalogue_and_management_sits_in_departments(small_demo):
    for post in Post.objects.select_related("employment__enterprise", "job_type", "org_unit"):
        enterprise = post.employment.enterprise
        assert post.org_unit is not None and post.org_unit.enterprise_id == enterprise.pk
        if post.job_type is not None:
            assert post.job_type.sector_id == enterprise.sector_id
            assert post.title == post.job_type.name
            assert post.operation_id == post.job_type.operation_id
        if post.employment.role_category != "worker":
            assert post.job_type is None and post.org_unit.kind == "workshop"
    assert Post.objects.filter(operation__isnull=False).exists()


def test_every_role_has_a_demo_login_and_the_worker_signs_in_with_the_id_number(small_demo):
    output = small_demo
    expected = {
        "demo-city": "city_admin",
        "demo-county": "county_admin",
        "demo-enterprise": "enterprise_admin",
        "demo-inspector": "inspector",
        "demo-trainer": "trainer",
        "demo-worker": "worker",
    }
    for username, role in expected.items():
        user = authenticate(username=username, password=DEMO_PASSWORD)
        assert user is not None and user.role == role, username
        assert username in output
        assert authenticate(username=username, password="wrong-password") is None
    assert DEMO_PASSWORD in output and "http://127.0.0.1:8000/" in output
    # the two-factor roles are pre-enrolled and their TOTP key is printed (safetrain.accounts)
    from safetrain.accounts.models import TotpDevice
    from safetrain.core.crypto import decrypt

    for username, role in expected.items():
        device = TotpDevice.objects.filter(user__username=username, confirmed_at__isnull=False)
        if role in ("trainer", "worker"):
            assert not device.exists()
        else:
            assert f"{username}：动态口令密钥 {decrypt(device.get().secret_encrypted)}" in output

    admin = User.objects.get(username="demo-enterprise")
    county = User.objects.get(username="demo-county")
    worker = User.objects.get(username="demo-worker")
    assert admin.enterprise.sector_id == "coal_mine"
    assert county.region_id == admin.enterprise.region_id
    assert User.objects.get(username="demo-inspector").region_id == county.region_id
    assert User.objects.get(username="demo-city").region_id == "140500"
    # the worker works at the enterprise admin's coal mine, in a special-operation post
    employment = active_on(dt.date.fromisoformat(ANCHOR)).get(person=worker.person)
    assert employment.enterprise_id == admin.enterprise_id
    assert employment.posts.get().operation_id is not None
    number = person_id_number(worker.person)
    assert number in output
    assert authenticate(username=number, password=DEMO_PASSWORD) == worker


def test_every_demo_course_can_be_completed(small_demo):
    """Study credit never passes a lesson's length, so the lessons must last the course's hours."""
    from safetrain.courses.models import Course

    courses = Course.objects.prefetch_related("lessons")
    assert courses.count() >= 15
    for course in courses:
        seconds = sum(lesson.duration_seconds for lesson in course.lessons.all())
        assert seconds >= course.hours * 2700, course.title


def test_small_demo_has_a_session_with_a_main_and_two_sub_classrooms(small_demo):
    from safetrain.classes.models import TrainingSession
    from safetrain.classes.selectors import attendance_report
    from safetrain.demo.steps.classes import LIVE_TITLE
    from safetrain.people.models import Employment

    session = TrainingSession.objects.get(title=LIVE_TITLE)
    venues = list(session.venues.order_by("-is_main", "id"))
    assert [v.is_main for v in venues] == [True, False, False]
    assert len({v.region_id for v in venues}) == 3
    report = attendance_report(viewer=User.objects.get(username="demo-city"), session=session)
    assert all(t.expected > 0 for t in report.venues)
    assert 0 < report.total.attended <= report.total.expected
    # dispatched and temporary workers are part of the demo
    forms = set(Employment.objects.values_list("employment_form", flat=True))
    assert {"dispatched", "temporary"} <= forms


def test_small_demo_has_a_published_draw_and_an_answered_questionnaire(small_demo):
    from safetrain.inspections.models import Draw
    from safetrain.inspections.planning import draw_replay
    from safetrain.surveys.models import Survey

    draw = Draw.objects.get()
    assert draw.plan is not None and len(draw.result) == draw.count >= 1
    assert draw_replay(draw) == draw.result
    assert all(p.inspection.status == "planned" for p in draw.pairs.all())
    survey = Survey.objects.get()
    assert survey.state == "open" and survey.responses.count() >= 3
    from safetrain.surveys.selectors import has_answered

    # the demo worker can still try it
    assert not has_answered(survey, User.objects.get(username="demo-worker"))
