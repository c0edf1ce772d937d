"""Exam pages: lists per role, the take page (own JS, no CDN, no key), results with
per-topic scores and p-values (fixed query count), creation by group, spot-check start."""

from __future__ import annotations

import pytest

from safetrain.exams import services
from safetrain.exams.models import Exam
from safetrain.exams.tests.conftest import RULE, right_answers
from safetrain.exams.tests.factories import make_exam
from safetrain.people.tests.factories import make_employment, make_user

pytestmark = pytest.mark.django_db


def test_take_page_loads_own_script_and_no_key(client, world, clock):
    exam = make_exam(world["admin"], [world["person"]], rule=RULE)
    client.force_login(world["worker"])
    page = client.get("/exams/").content.decode()
    assert f"/exams/{exam.pk}/take/" in page
    html = client.get(f"/exams/{exam.pk}/take/").content.decode()
    assert "/static/exams/take.js" in html and "http://" not in html and "https://" not in html
    assert "解析" not in html
    client.force_login(world["worker2"])  # not a candidate of this exam
    assert client.get(f"/exams/{exam.pk}/take/").status_code == 404
    client.force_login(world["outsider_user"])
    assert client.get(f"/exams/{exam.pk}/take/").status_code == 404


def test_candidate_result_shows_topics_and_keys_only_after_closing(client, world, clock):
    exam = make_exam(world["admin"], [world["person"]], rule=RULE)
    attempt = services.attempt_start(actor=world["worker"], exam=exam)
    client.force_login(world["worker"])
    # while in progress the result page sends the candidate back to the exam
    assert client.get(f"/exams/attempts/{attempt.uid}/").url == f"/exams/{exam.pk}/take/"
    for n, (q, keys) in enumerate(right_answers(attempt).items(), start=1):
        services.answer_save(
            actor=world["worker"], attempt=attempt, question_id=q, keys=keys, seq=n
        )
    services.attempt_submit(actor=world["worker"], attempt=attempt)
    html = client.get(f"/exams/attempts/{attempt.uid}/").content.decode()
    assert "100.0" in html and "法律法规" in html and "操作技能" in html and "正确答案" in html
    client.force_login(world["worker2"])
    assert client.get(f"/exams/attempts/{attempt.uid}/").status_code == 404


def test_results_page_scope_and_query_count(client, world, clock, django_assert_max_num_queries):
    exam = make_exam(world["admin"], [world["person"], world["person2"]], rule=RULE)
    for user in (world["worker"], world["worker2"]):
        a = services.attempt_start(actor=user, exam=exam)
        services.integrity_event_record(actor=user, attempt=a, kind="blur")
        services.attempt_submit(actor=user, attempt=a)
    client.force_login(world["admin"])
    with django_assert_max_num_queries(20):
        r = client.get(f"/exams/{exam.pk}/results/")
    html = r.content.decode()
    assert r.status_code == 200 and "失去焦点" in html and "p 值" in html
    assert html.count("<td>0.0</td>") >= 1  # p-values of unanswered items
    with django_assert_max_num_queries(20):
        assert client.get("/exams/").status_code == 200
    client.force_login(world["other_admin"])
    assert client.get(f"/exams/{exam.pk}/results/").status_code == 404
    assert exam.title not in client.get("/exams/").content.decode()
    client.force_login(world["worker"])
    assert client.get(f"/exams/{exam.pk}/results/").status_code == 403


def test_create_by_group(client, world, clock):
    make_employment(enterprise=world["ent"], role="safety_manager")
    client.force_login(world["admin"])
    assert client.get("/exams/new/").status_code == 200
    data = {
        "title": "一线人员岗前考试",
        "purpose": "prejob",
        "pass_mark": "80",
        "duration_minutes": "30",
        "opens_at": "2026-01-01T08:00",
        "closes_at": "2030-01-01T08:00",
        "attempt_limit": "1",
        "rule_type": "",
        "rule_topic": "",
        "rule_difficulty": "",
        "rule_count": "5",
        "rule_points": "20",
        "roles": ["worker"],
    }
    r = client.post("/exams/new/", data)
    exam = Exam.objects.get()
    assert r.status_code == 302
    assert set(exam.candidates.values_list("person_id", flat=True)) == {
        world["person"].pk,
        world["person2"].pk,
    }
    data["rule_count"] = "50"
    html = client.post("/exams/new/", data).content.decode()
    assert "需要 50 题" in html and Exam.objects.count() == 1


def test_spot_check_page_starts_and_hosts(client, world, clock):
    inspector = make_user("inspector", region="140502")
    client.force_login(inspector)
    page = client.get(f"/exams/spot-check/?enterprise={world['ent'].credit_code}")
    assert world["person"].name in page.content.decode()
    r = client.post(
        "/exams/spot-check/",
        {
            "enterprise": world["ent"].credit_code,
            "persons": [str(world["person"].uid)],
            "question_count": "5",
            "duration_minutes": "10",
        },
    )
    exam = Exam.objects.get()
    assert r.status_code == 302 and r.url == f"/exams/{exam.pk}/host/"
    html = client.get(r.url).content.decode()
    assert f"?person={world['person'].uid}" in html
    other = f"/exams/spot-check/?enterprise={world['other'].credit_code}"
    assert client.get(other).status_code == 404
