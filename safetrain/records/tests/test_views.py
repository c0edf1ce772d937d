"""Client tests for every record form (success and error display) and the enterprise lists."""

import datetime as dt

import pytest
from django.urls import reverse

from safetrain.core.dates import today
from safetrain.people.services import person_id_number
from safetrain.people.tests.factories import PASSWORD, make_employment
from safetrain.records.models import Drill, ExamResult, Incident, TrainingRecord, Violation
from safetrain.records.services import training_record_add

pytestmark = pytest.mark.django_db
D = "2024-03-01"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_enterprise_admin_adds_one_training_record(client, world):
    login(client, world["admin_a"])
    page = client.get(reverse("records:training_add"))
    assert page.status_code == 200
    assert world["pa"].name in page.content.decode()
    assert world["pb"].name not in page.content.decode()  # not on the roster
    resp = client.post(
        reverse("records:training_add"),
        {
            "persons": [world["pa"].pk],
            "date": D,
            "hours": "8",
            "kind": "prejob",
            "level": "company",
            "title": "公司级岗前培训",
            "channel": "offline",
        },
    )
    assert resp.status_code == 302
    assert resp["Location"].startswith(
        reverse("records:enterprise_records", args=[world["a"].credit_code])
    )
    rec = TrainingRecord.objects.get()
    assert (rec.person, rec.enterprise, rec.organiser, rec.source) == (
        world["pa"],
        world["a"],
        "enterprise",
        "web",
    )


def test_enterprise_admin_adds_a_session_for_many(client, world):
    p2 = make_employment(enterprise=world["a"]).person
    login(client, world["admin_a"])
    resp = client.post(
        reverse("records:training_add"),
        {
            "persons": [world["pa"].pk, p2.pk],
            "date": D,
            "hours": "4",
            "kind": "prejob",
            "level": "team",
            "title": "班组级",
            "channel": "offline",
        },
    )
    assert resp.status_code == 302
    assert set(TrainingRecord.objects.values_list("person_id", flat=True)) == {
        world["pa"].pk,
        p2.pk,
    }


def test_training_form_shows_errors_and_writes_nothing(client, world):
    login(client, world["admin_a"])
    resp = client.post(
        reverse("records:training_add"),
        {
            "persons": [world["pa"].pk],
            "date": D,
            "hours": "2.35",
            "kind": "prejob",
            "level": "",
            "title": "x",
            "channel": "offline",
        },
    )
    assert resp.status_code == 200
    assert "最多保留一位小数" in resp.content.decode()
    resp = client.post(
        reverse("records:training_add"),
        {
            "persons": [world["pa"].pk],
            "date": D,
            "hours": "8",
            "kind": "continuing",
            "level": "team",
            "title": "x",
            "channel": "offline",
        },
    )
    assert "只有岗前培训分公司级、车间级、班组级三级" in resp.content.decode()
    resp = client.post(
        reverse("records:training_add"),
        {
            "persons": [world["pb"].pk],
            "date": D,
            "hours": "8",
            "kind": "special",
            "title": "x",
            "channel": "offline",
        },
    )
    assert resp.status_code == 200 and "persons" in resp.context["form"].errors  # not on roster
    future = (today() + dt.timedelta(days=2)).isoformat()
    resp = client.post(
        reverse("records:training_add"),
        {
            "persons": [world["pa"].pk],
            "date": future,
            "hours": "8",
            "kind": "special",
            "title": "x",
            "channel": "offline",
        },
    )
    assert "晚于今天" in resp.content.decode()
    assert not TrainingRecord.objects.exists()


def test_bureau_adds_training_it_organised_by_id_numbers(client, world):
    login(client, world["county"])
    page = client.get(reverse("records:training_add"))
    assert "身份证号" in page.content.decode()
    resp = client.post(
        reverse("records:training_add"),
        {
            "id_numbers": f"{person_id_number(world['pa'])}\n{person_id_number(world['pb'])}\n",
            "date": D,
            "hours": "16",
            "kind": "continuing",
            "title": "县局安全管理人员再培训",
            "channel": "offline",
        },
    )
    assert resp.status_code == 302
    rows = TrainingRecord.objects.order_by("person_id")
    assert {(r.person, r.enterprise, r.organiser) for r in rows} == {
        (world["pa"], world["a"], "county"),
        (world["pb"], world["b"], "county"),
    }


def test_bureau_form_rejects_a_person_outside_its_county(client, world):
    login(client, world["county"])
    resp = client.post(
        reverse("records:training_add"),
        {
            "id_numbers": f"{person_id_number(world['pa'])}\n{person_id_number(world['pc'])}",
            "date": D,
            "hours": "16",
            "kind": "continuing",
            "title": "x",
            "channel": "offline",
        },
    )
    assert resp.status_code == 200
    assert "不在您的辖区内" in resp.content.decode()
    assert not TrainingRecord.objects.exists()


def test_exam_form(client, world):
    login(client, world["admin_a"])
    assert client.get(reverse("records:exam_add")).status_code == 200
    resp = client.post(
        reverse("records:exam_add"),
        {
            "person": world["pa"].pk,
            "date": D,
            "purpose": "prejob",
            "score": "abc",
            "pass_mark": "80",
        },
    )
    assert resp.status_code == 200 and "不是数字" in resp.content.decode()
    resp = client.post(
        reverse("records:exam_add"),
        {
            "person": world["pa"].pk,
            "date": D,
            "purpose": "prejob",
            "score": "92",
            "pass_mark": "80",
        },
    )
    assert resp.status_code == 302
    assert ExamResult.objects.get().passed is True


def test_violation_form(client, world):
    login(client, world["admin_a"])
    resp = client.post(
        reverse("records:violation_add"), {"person": world["pa"].pk, "date": "", "type": "command"}
    )
    assert resp.status_code == 200 and not Violation.objects.exists()
    resp = client.post(
        reverse("records:violation_add"),
        {"person": world["pa"].pk, "date": D, "type": "command", "text": "违章指挥冒险作业"},
    )
    assert resp.status_code == 302
    assert Violation.objects.get().enterprise == world["a"]


def test_drill_form(client, world):
    login(client, world["admin_a"])
    resp = client.post(
        reverse("records:drill_add"),
        {"date": D, "area_type": "office", "title": "消防演练", "participants": "0"},
    )
    assert resp.status_code == 200 and "参加人数应在 1 到 100000 之间" in resp.content.decode()
    resp = client.post(
        reverse("records:drill_add"),
        {"date": D, "area_type": "office", "title": "消防演练", "participants": "25"},
    )
    assert resp.status_code == 302 and Drill.objects.get().participants == 25


def test_incident_form_for_enterprise_admin_and_bureau(client, world):
    login(client, world["admin_a"])
    resp = client.post(reverse("records:incident_add"), {"date": D, "type": "fatal", "text": "x"})
    assert resp.status_code == 302 and Incident.objects.get().enterprise == world["a"]
    client.logout()
    login(client, world["county"])
    resp = client.post(
        reverse("records:incident_add"),
        {"credit_code": world["c"].credit_code, "date": D, "type": "fatal"},
    )
    assert resp.status_code == 200 and "不在您的辖区内" in resp.content.decode()
    resp = client.post(
        reverse("records:incident_add"),
        {"credit_code": world["b"].credit_code, "date": D, "type": "major_hidden_danger"},
    )
    assert resp.status_code == 302
    assert Incident.objects.filter(enterprise=world["b"]).count() == 1


@pytest.mark.parametrize("name", ["exam_add", "violation_add", "drill_add"])
def test_forms_are_for_enterprise_admins(client, world, name):
    login(client, world["county"])
    assert client.get(reverse(f"records:{name}")).status_code == 403


@pytest.mark.parametrize("role", ["worker", "inspector"])
def test_record_forms_refuse_other_roles(client, world, role):
    login(client, world[role])
    assert client.get(reverse("records:training_add")).status_code == 403
    assert client.get(reverse("records:incident_add")).status_code == 403


def test_anonymous_is_sent_to_login(client):
    resp = client.get(reverse("records:training_add"))
    assert resp.status_code == 302 and "/login/" in resp["Location"]


def test_enterprise_lists_filter_paginate_and_stay_in_scope(client, world):
    for i in range(30):
        training_record_add(
            actor=None,
            person=world["pa"],
            date=dt.date(2024, 1, 1) + dt.timedelta(days=i),
            hours="1",
            kind="special" if i % 2 else "continuing",
            enterprise=world["a"],
            title=f"课{i}",
        )
    login(client, world["admin_a"])
    url = reverse("records:enterprise_records", args=[world["a"].credit_code])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 30
    assert len(page.context["page"].object_list) == 25
    assert client.get(url + "?page=2").context["page"].object_list.__len__() == 5
    assert client.get(url + "?type=special").context["page"].paginator.count == 15
    assert client.get(url + "?from=2024-01-21").context["page"].paginator.count == 10
    bad = client.get(url + "?from=2024/01/21")
    assert bad.status_code == 200 and "YYYY-MM-DD" in bad.content.decode()
    for tab in ("exams", "violations", "drills", "incidents"):
        assert client.get(url + f"?tab={tab}").status_code == 200
    other = reverse("records:enterprise_records", args=[world["b"].credit_code])
    assert client.get(other).status_code == 404
    assert client.get(reverse("records:index"))["Location"] == url
    client.logout()
    login(client, world["county_c"])
    assert client.get(url).status_code == 404
    client.logout()
    login(client, world["worker"])
    assert client.get(url).status_code == 403


def test_archive_page_shows_the_record_sections(client, world):
    training_record_add(
        actor=None,
        person=world["pa"],
        date=dt.date(2024, 3, 1),
        hours="8",
        kind="continuing",
        enterprise=world["a"],
        title="年度再培训班",
    )
    login(client, world["admin_a"])
    page = client.get(reverse("person_detail", args=[world["pa"].uid])).content.decode()
    assert "年度再培训班" in page and "2024 年" in page
