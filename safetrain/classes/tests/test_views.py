"""Pages: list (query count), create, detail with roster, QR page, the worker's scan page,
plans and the enterprise admin's home block."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safetrain.classes import services
from safetrain.classes.models import TrainingSession
from safetrain.classes.tests.factories import make_session
from safetrain.core.dates import today
from safetrain.people.services import person_id_number
from safetrain.people.tests.factories import make_employment

pytestmark = pytest.mark.django_db


def test_list_page_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    for i in range(12):
        s = make_session(actor=world["admin_a"], title=f"班{i}")
        services.roster_add(actor=world["admin_a"], session=s, persons=[world["pa"]])
    client.force_login(world["admin_a"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("classes:list"))
    assert response.status_code == 200
    assert response.content.decode().count("/classes/") >= 12


def test_create_page_offers_only_the_bodys_audiences(client, world):
    client.force_login(world["county"])
    page = client.get(reverse("classes:create")).content.decode()
    assert 'value="safety_manager"' in page and 'value="principal"' not in page
    start = timezone.localtime() + dt.timedelta(days=1)
    response = client.post(
        reverse("classes:create"),
        {
            "title": "安全管理人员再培训",
            "audience": "safety_manager",
            "kind": "continuing",
            "starts_at": start.strftime("%Y-%m-%dT09:00"),
            "ends_at": start.strftime("%Y-%m-%dT17:00"),
            "hours": "8",
            "venue": "县应急局报告厅",
        },
    )
    session = TrainingSession.objects.get()
    assert response.status_code == 302 and (session.organiser, session.region_id) == (
        "county",
        "140502",
    )
    client.force_login(world["worker"])
    assert client.get(reverse("classes:create")).status_code == 403


def test_detail_roster_add_by_id_numbers_and_errors(client, world):
    s = make_session(actor=world["admin_a"])
    client.force_login(world["admin_a"])
    bad = client.post(
        reverse("classes:detail", args=[s.pk]),
        {"id_numbers": f"{person_id_number(world['pa'])}\n{person_id_number(world['pb'])}\n123"},
    )
    text = bad.content.decode()
    assert "第 2 行" in text or "line 2" in text
    assert s.participants.count() == 0
    ok = client.post(
        reverse("classes:detail", args=[s.pk]), {"id_numbers": person_id_number(world["pa"])}
    )
    assert ok.status_code == 302 and s.participants.count() == 1
    client.force_login(world["admin_b"])
    assert client.get(reverse("classes:detail", args=[s.pk])).status_code == 404


def test_qr_page_and_the_scan_page(client, world):
    s = make_session(actor=world["admin_a"])
    services.roster_add(actor=world["admin_a"], session=s, persons=[world["pa"]])
    client.force_login(world["admin_a"])
    page = client.get(reverse("classes:qr", args=[s.pk])).content.decode()
    assert "<svg" in page
    token = services.checkin_token(s)
    assert reverse("classes:checkin", args=[token]) in page
    client.logout()
    url = reverse("classes:checkin", args=[token])
    assert client.get(url)["Location"].startswith(reverse("login"))
    client.force_login(world["worker"])
    assert 'data-testid="checkin"' in client.get(url).content.decode()
    done = client.post(url).content.decode()
    assert 'data-testid="checkin-ok"' in done
    client.force_login(world["worker_b"])
    refused = client.post(url)
    assert refused.status_code == 403 and "不在本培训班的名单中" in refused.content.decode()
    assert client.get(url.replace(token[-4:], "abcd")).status_code == 404
    client.force_login(world["worker"])
    assert client.get(reverse("classes:qr", args=[s.pk])).status_code == 403


def test_complete_button_writes_records(client, world):
    s = make_session(actor=world["admin_a"], starts_at=timezone.now() - dt.timedelta(hours=6))
    services.roster_add(actor=world["admin_a"], session=s, persons=[world["pa"]])
    client.force_login(world["admin_a"])
    person = world["pa"]
    client.post(reverse("classes:attendance", args=[s.pk]), {"person": str(person.uid)})
    client.post(reverse("classes:complete", args=[s.pk]))
    client.post(reverse("classes:complete", args=[s.pk]))
    assert person.training_records.count() == 1


def test_plan_pages_and_home_block(client, world, django_assert_max_num_queries):
    year = today().year
    s = make_session(actor=world["admin_a"])
    client.force_login(world["admin_a"])
    home = client.get(reverse("home")).content.decode()
    assert reverse("classes:plans") in home  # "write the plan" link
    response = client.post(reverse("classes:plans"), {"year": year, "title": ""})
    plan_url = response["Location"]
    response = client.post(
        plan_url,
        {"title": "全员再培训", "group": "all", "target": f"s{s.pk}", "due_on": f"{year}-12-31"},
    )
    assert response.status_code == 302
    for _ in range(10):
        make_employment(enterprise=world["a"], start=dt.date(2023, 1, 1))
    with django_assert_max_num_queries(30):
        page = client.get(plan_url).content.decode()
    assert "全员再培训" in page and "0 / 14" in page
    with django_assert_max_num_queries(30):
        home = client.get(reverse("home")).content.decode()
    assert 'data-testid="plan-summary"' in home and "0 / 14" in home
    client.force_login(world["admin_b"])
    assert client.get(plan_url).status_code == 404
    client.force_login(world["county"])
    assert client.get(plan_url).status_code == 200


def test_my_sessions_page(client, world):
    s = make_session(actor=world["admin_a"], title="班组长安全培训")
    services.roster_add(actor=world["admin_a"], session=s, persons=[world["pa"]])
    client.force_login(world["worker"])
    assert "班组长安全培训" in client.get(reverse("classes:mine")).content.decode()
