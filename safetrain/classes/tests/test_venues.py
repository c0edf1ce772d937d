"""Classrooms of a session (主课堂 + 分课堂, the notice §三(一)): venues in the organiser's
jurisdiction, per-venue QR check-in and roster, the participation report (参训率) per venue,
per enterprise and for the session, its page and its Excel export."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safetrain.classes import selectors, services
from safetrain.classes.models import Participant, Venue
from safetrain.classes.sheets import AttendanceSheet
from safetrain.classes.tests.factories import make_session
from safetrain.core.dates import SHANGHAI
from safetrain.core.errors import Conflict, NotAllowed, ValidationFailed
from safetrain.people.services import person_id_number
from safetrain.people.tests.factories import make_employment, make_user
from safetrain.regions.models import Region
from safetrain.workbook.engine import import_workbook

pytestmark = pytest.mark.django_db


def region(code: str) -> Region:
    return Region.objects.get(code=code)


@pytest.fixture
def live(world):
    """A city session for principals, running now: the main classroom at the city, sub-classrooms
    in 城区 and 高平市; principals of a and b (城区) and of c (高平市)."""
    start = dt.date(2023, 1, 1)
    principals = {
        "a2": make_employment(enterprise=world["a"], start=start, role="principal").person,
        "b": make_employment(enterprise=world["b"], start=start, role="principal").person,
        "c": make_employment(enterprise=world["c"], start=start, role="principal").person,
        "c2": make_employment(
            enterprise=world["c"], start=start, role="principal", form="dispatched"
        ).person,
    }
    city = world["city"]
    s = make_session(actor=city, audience="principal", title="主要负责人专题培训")
    main = services.venue_add(actor=city, session=s, name="市局主课堂", region=region("140500"))
    urban = services.venue_add(actor=city, session=s, name="城区分课堂", region=region("140502"))
    gaoping = services.venue_add(
        actor=city, session=s, name="高平市分课堂", region=region("140581")
    )
    services.roster_add(actor=city, session=s, persons=[world["principal_a"]])  # main
    services.roster_add(
        actor=city, session=s, persons=[principals["a2"], principals["b"]], venue=urban
    )
    services.roster_add(
        actor=city, session=s, persons=[principals["c"], principals["c2"]], venue=gaoping
    )
    return {
        "session": s,
        "main": main,
        "urban": urban,
        "gaoping": gaoping,
        **principals,
        "principal_a": world["principal_a"],
    }


def worker_of(person):
    return make_user("worker", person=person)


# ----------------------------------------------------------------------------- venues


def test_first_venue_is_main_and_only_one_main(world, live):
    assert live["main"].is_main and not live["urban"].is_main
    with pytest.raises(ValidationFailed) as exc:
        services.venue_add(
            actor=world["city"],
            session=live["session"],
            name="另一个主课堂",
            region=region("140502"),
            is_main=True,
        )
    assert "已有主课堂" in exc.value.message
    with pytest.raises(ValidationFailed):
        services.venue_add(
            actor=world["city"], session=live["session"], name="城区分课堂", region=region("140502")
        )
    assert Venue.objects.filter(session=live["session"]).count() == 3


def test_a_venue_outside_the_organisers_jurisdiction_is_refused(world):
    s = make_session(actor=world["county"], audience="safety_manager")
    with pytest.raises(NotAllowed) as exc:
        services.venue_add(actor=world["county"], session=s, name="高平", region=region("140581"))
    assert "不在组织单位的辖区内" in exc.value.message and exc.value.fields == {
        "region": "超出组织单位的辖区"
    }
    assert not Venue.objects.exists()
    services.venue_add(actor=world["county"], session=s, name="城区", region=region("140502"))
    # only the organising body adds classrooms
    with pytest.raises(NotAllowed):
        services.venue_add(actor=world["county_c"], session=s, name="x", region=region("140581"))
    # an enterprise session: the enterprise's county only
    e = make_session(actor=world["admin_a"])
    with pytest.raises(NotAllowed):
        services.venue_add(actor=world["admin_a"], session=e, name="y", region=region("140581"))


# ----------------------------------------------------------------------------- check-in


def test_each_venue_has_its_own_qr_and_roster(world, live):
    s = live["session"]
    w_b = worker_of(live["b"])
    p, new = services.checkin_by_qr(actor=w_b, token=services.checkin_token(s, live["urban"]))
    assert new and p.venue_id == live["urban"].pk
    # the Gaoping principal scanning the 城区 code is sent to their own classroom
    w_c = worker_of(live["c"])
    with pytest.raises(NotAllowed) as exc:
        services.checkin_by_qr(actor=w_c, token=services.checkin_token(s, live["urban"]))
    assert exc.value.code == "wrong_venue" and "高平市分课堂" in exc.value.message
    assert Participant.objects.get(person=live["c"]).checked_in_at is None
    # the session's own code is the main classroom's
    w_main = worker_of(live["principal_a"])
    services.checkin_by_qr(actor=w_main, token=services.checkin_token(s))
    with pytest.raises(NotAllowed):
        services.checkin_by_qr(actor=w_c, token=services.checkin_token(s))
    # the venue token cannot be pointed at another session or a made-up venue
    other = make_session(actor=world["city"], audience="principal")
    forged = services.checkin_token(s, live["urban"]).replace(f"{s.pk}.", f"{other.pk}.", 1)
    with pytest.raises(Exception) as bad:
        services.checkin_by_qr(actor=w_c, token=forged)
    assert getattr(bad.value, "code", "") == "bad_token"


def test_a_person_on_no_roster_of_the_session_is_refused(world, live):
    stranger = worker_of(world["principal_a"])
    Participant.objects.filter(person=world["principal_a"]).delete()
    with pytest.raises(NotAllowed) as exc:
        services.checkin_by_qr(
            actor=stranger, token=services.checkin_token(live["session"], live["gaoping"])
        )
    assert exc.value.code == "not_on_roster"


def test_sub_venue_sign_in_outside_the_session_time_is_refused_and_nothing_written(world, live):
    s = live["session"]
    token = services.checkin_token(s, live["gaoping"])
    w_c = worker_of(live["c"])
    with pytest.raises(Conflict) as exc:
        services.checkin_by_qr(actor=w_c, token=token, at=s.ends_at + dt.timedelta(minutes=1))
    assert exc.value.code == "checkin_closed"
    assert "高平市分课堂" in exc.value.message and "签到已结束" in exc.value.message
    with pytest.raises(Conflict) as exc:
        services.checkin_by_qr(actor=w_c, token=token, at=s.starts_at - dt.timedelta(hours=2))
    assert exc.value.code == "checkin_not_open"
    assert not Participant.objects.filter(session=s, checked_in_at__isnull=False).exists()


def test_naming_a_venue_moves_who_has_not_checked_in(world, live):
    s = live["session"]
    services.roster_add(actor=world["city"], session=s, persons=[live["c"]], venue=live["urban"])
    assert Participant.objects.get(person=live["c"]).venue_id == live["urban"].pk
    other = make_session(actor=world["city"], audience="principal")
    with pytest.raises(ValidationFailed):
        services.roster_add(
            actor=world["city"], session=other, persons=[live["c"]], venue=live["urban"]
        )


# ----------------------------------------------------------------------------- report


def test_report_per_venue_enterprise_and_session(world, live):
    s = live["session"]
    services.checkin_by_qr(
        actor=worker_of(live["b"]), token=services.checkin_token(s, live["urban"])
    )
    services.checkin_by_qr(
        actor=worker_of(live["c"]), token=services.checkin_token(s, live["gaoping"])
    )
    report = selectors.attendance_report(viewer=world["city"], session=s)
    venues = {t.label: (t.expected, t.attended) for t in report.venues}
    assert venues == {"市局主课堂": (1, 0), "城区分课堂": (2, 1), "高平市分课堂": (2, 1)}
    assert (report.total.expected, report.total.attended, report.total.percent) == (5, 2, "40.0%")
    ents = {t.label: (t.expected, t.attended) for t in report.enterprises}
    assert ents == {world["a"].name: (2, 0), world["b"].name: (1, 1), world["c"].name: (2, 1)}
    absent = {(a.name, a.venue) for a in report.absent}
    assert absent == {
        (world["principal_a"].name, "市局主课堂"),
        (live["a2"].name, "城区分课堂"),
        (live["c2"].name, "高平市分课堂"),
    }
    assert all("*" in a.id_number_masked for a in report.absent)
    # the employment form narrows every figure
    dispatched = selectors.attendance_report(viewer=world["city"], session=s, form="dispatched")
    assert (dispatched.total.expected, dispatched.total.attended) == (1, 0)
    # an enterprise admin sees only their own people's attendance
    mine = selectors.attendance_report(viewer=world["admin_c"], session=s)
    assert (mine.total.expected, mine.total.attended) == (2, 1)


def test_a_session_without_venues_is_one_implicit_venue(world):
    s = make_session(actor=world["admin_a"])
    services.roster_add(actor=world["admin_a"], session=s, persons=[world["pa"], world["pa2"]])
    services.checkin_by_qr(actor=world["worker"], token=services.checkin_token(s))
    report = selectors.attendance_report(viewer=world["admin_a"], session=s)
    assert [(t.label, t.expected, t.attended) for t in report.venues] == [("三楼会议室", 2, 1)]
    assert not report.has_venues and report.total.percent == "50.0%"


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_per_venue_attendance_adds_up_to_the_session(world, live, data):
    """Random rosters over the classrooms (or none: the main one) and random check-ins: the
    venue tallies, the enterprise tallies and the absent list all add up to the session's."""
    s = live["session"]
    choices = [None, live["main"].pk, live["urban"].pk, live["gaoping"].pk]
    rows = list(Participant.objects.filter(session=s).order_by("id"))
    now = timezone.now()
    expected: dict[int, list[int]] = {}
    for p in rows:
        vid = data.draw(st.sampled_from(choices))
        came = data.draw(st.booleans())
        Participant.objects.filter(pk=p.pk).update(
            venue_id=vid, checked_in_at=now if came else None
        )
        tally = expected.setdefault(vid or live["main"].pk, [0, 0])
        tally[0] += 1
        tally[1] += int(came)
    report = selectors.attendance_report(viewer=world["city"], session=s)
    got = {int(t.key): [t.expected, t.attended] for t in report.venues if t.expected}
    assert got == expected
    assert sum(t.expected for t in report.venues) == report.total.expected == len(rows)
    assert sum(t.attended for t in report.venues) == report.total.attended
    assert sum(t.attended for t in report.enterprises) == report.total.attended
    assert sum(t.expected for t in report.enterprises) == report.total.expected
    assert len(report.absent) == report.total.expected - report.total.attended


# ----------------------------------------------------------------------------- pages


def test_report_page_and_export(client, world, live, django_assert_max_num_queries):
    s = live["session"]
    services.checkin_by_qr(
        actor=worker_of(live["b"]), token=services.checkin_token(s, live["urban"])
    )
    client.force_login(world["city"])
    url = reverse("classes:report", args=[s.pk])
    resp = client.get(url)
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "城区分课堂" in html and "高平市分课堂" in html and "20.0%" in html
    assert live["c2"].name in html and person_id_number(live["c2"]) not in html
    # the page's queries do not grow with the roster
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    for _ in range(6):
        services.roster_add(
            actor=world["city"],
            session=s,
            persons=[make_employment(enterprise=world["c"], role="principal").person],
            venue=live["gaoping"],
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
    resp = client.get(reverse("classes:report_export", args=[s.pk]))
    assert resp.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(resp.content))
    assert wb.sheetnames == ["按课堂", "按企业", "缺勤名单", "说明"]
    by_venue = [list(r) for r in wb["按课堂"].iter_rows(min_row=2, values_only=True)]
    assert by_venue[-1] == ["合计", None, None, 11, 1, 10, "9.1%"]
    assert by_venue[1] == ["城区分课堂", "分课堂", "城区", 2, 1, 1, "50.0%"]
    absent = [r[1] for r in wb["缺勤名单"].iter_rows(min_row=2, values_only=True)]
    assert len(absent) == 10 and live["c2"].name in absent
    # filtered by employment form
    resp = client.get(reverse("classes:report_export", args=[s.pk]) + "?form=dispatched")
    wb = openpyxl.load_workbook(io.BytesIO(resp.content))
    assert [r[1] for r in wb["缺勤名单"].iter_rows(min_row=2, values_only=True)] == [
        live["c2"].name
    ]


def test_report_is_scoped(client, world, live):
    client.force_login(world["admin_c"])
    html = client.get(reverse("classes:report", args=[live["session"].pk])).content.decode()
    assert live["c2"].name in html and live["b"].name not in html
    client.force_login(world["worker"])
    assert client.get(reverse("classes:report", args=[live["session"].pk])).status_code == 403


def test_detail_page_adds_venues_and_shows_each_qr(client, world):
    s = make_session(actor=world["city"], audience="principal")
    client.force_login(world["city"])
    url = reverse("classes:detail", args=[s.pk])
    resp = client.post(
        url, {"venue-name": "主课堂", "venue-region": "140500", "venue-is_main": "on"}
    )
    assert resp.status_code == 302
    resp = client.post(url, {"venue-name": "城区分课堂", "venue-region": "140502"})
    assert resp.status_code == 302
    sub = Venue.objects.get(name="城区分课堂")
    html = client.get(url).content.decode()
    assert f"?venue={sub.pk}" in html
    qr = client.get(reverse("classes:qr", args=[s.pk]) + f"?venue={sub.pk}").content.decode()
    assert "城区分课堂" in qr and services.checkin_token(s, sub) in qr
    # adding to the roster into a classroom
    resp = client.post(
        url, {"id_numbers": person_id_number(world["principal_a"]), "venue": str(sub.pk)}
    )
    assert resp.status_code == 302
    assert Participant.objects.get(session=s).venue_id == sub.pk
    # a county admin's session offers only its county
    cs = make_session(actor=world["county"], audience="safety_manager")
    client.force_login(world["county"])
    resp = client.post(
        reverse("classes:detail", args=[cs.pk]), {"venue-name": "x", "venue-region": "140581"}
    )
    assert resp.status_code == 200 and not Venue.objects.filter(session=cs).exists()


def test_sheet_venue_column(world, live):
    s = live["session"]

    def book(rows):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "培训签到"
        ws.append([*AttendanceSheet.headers, "课堂"])
        for row in rows:
            ws.append(row)
        out = io.BytesIO()
        wb.save(out)
        out.seek(0)
        return out

    at = (s.starts_at + dt.timedelta(minutes=3)).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    c, b = live["c"], live["b"]
    result = import_workbook(
        book([[str(s.pk), "", person_id_number(c), "", at, "城区分课堂"]]), actor=world["city"]
    )
    assert not result.ok
    assert any("高平市分课堂" in e.message and e.column == "课堂" for e in result.errors)
    assert Participant.objects.get(person=c).checked_in_at is None
    result = import_workbook(
        book(
            [
                [str(s.pk), "", person_id_number(c), "", at, "高平市分课堂"],
                [str(s.pk), "", person_id_number(b), "", at, ""],
            ]
        ),
        actor=world["city"],
    )
    assert result.ok, result.errors
    assert Participant.objects.filter(session=s, checked_in_at__isnull=False).count() == 2


def test_attendance_over_the_api(client, world, live):
    from safetrain.people.services import token_create

    s = live["session"]
    services.checkin_by_qr(
        actor=worker_of(live["c"]), token=services.checkin_token(s, live["gaoping"])
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=world['city'])}"}
    body = client.get(f"/api/v1/sessions/{s.pk}/attendance", **auth).json()
    assert body["total"] == {
        "key": "total",
        "label": "全部",
        "region": "",
        "is_main": False,
        "expected": 5,
        "attended": 1,
        "rate": "20.0%",
    }
    assert [(v["label"], v["expected"], v["attended"]) for v in body["venues"]] == [
        ("市局主课堂", 1, 0),
        ("城区分课堂", 2, 0),
        ("高平市分课堂", 2, 1),
    ]
    only = client.get(f"/api/v1/sessions/{s.pk}/attendance?form=劳务派遣", **auth).json()
    assert [a["name"] for a in only["absent"]] == [live["c2"].name] and only["form"] == "dispatched"
    bad = client.get(f"/api/v1/sessions/{s.pk}/attendance?form=xx", **auth)
    assert bad.status_code == 422 and bad.json()["fields"] == {"form": "无效的用工形式"}
    auth_a = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=world['admin_b'])}"}
    mine = client.get(f"/api/v1/sessions/{s.pk}/attendance", **auth_a).json()
    assert mine["total"]["expected"] == 1


def test_an_empty_classroom_can_be_removed(client, world, live):
    s = live["session"]
    spare = services.venue_add(
        actor=world["city"], session=s, name="空课堂", region=region("140521")
    )
    with pytest.raises(Conflict) as exc:
        services.venue_remove(actor=world["city"], venue=live["urban"])
    assert exc.value.code == "venue_in_use"
    with pytest.raises(Conflict):
        services.venue_remove(actor=world["city"], venue=live["main"])
    with pytest.raises(NotAllowed):
        services.venue_remove(actor=world["county"], venue=spare)
    client.force_login(world["city"])
    resp = client.post(reverse("classes:venue_remove", args=[s.pk, spare.pk]))
    assert resp.status_code == 302 and not Venue.objects.filter(pk=spare.pk).exists()
    resp = client.post(reverse("classes:venue_remove", args=[s.pk, live["urban"].pk]))
    assert resp.status_code == 302 and Venue.objects.filter(pk=live["urban"].pk).exists()


def test_sessions_api_lists_the_classrooms(client, world, live, django_assert_max_num_queries):
    from safetrain.people.services import token_create

    for i in range(3):
        make_session(actor=world["city"], audience="principal", title=f"另一班{i}")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=world['city'])}"}
    with django_assert_max_num_queries(7):
        rows = client.get("/api/v1/sessions", **auth).json()
    one = next(r for r in rows if r["id"] == live["session"].pk)
    assert [(v["name"], v["region"], v["is_main"]) for v in one["venues"]] == [
        ("市局主课堂", "140500", True),
        ("城区分课堂", "140502", False),
        ("高平市分课堂", "140581", False),
    ]
    assert all(r["venues"] == [] for r in rows if r["id"] != live["session"].pk)
    body = client.get(f"/api/v1/sessions/{live['session'].pk}", **auth).json()
    assert len(body["venues"]) == 3 and body["roster"] == 5
