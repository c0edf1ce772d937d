"""Pages: build and publish from the inspection page, QR + link, answer on the phone page,
aggregates only for the enterprise, closed → clear error and nothing written."""

from __future__ import annotations

from django.urls import reverse

from safetrain.surveys import services
from safetrain.surveys.models import Response, Survey


def _published(site):
    survey = services.survey_create(
        actor=site["inspector"], inspection=site["inspection"], title="问卷"
    )
    q1 = services.question_add(
        actor=site["inspector"],
        survey=survey,
        kind="single",
        text="知道本岗位的主要风险吗？",
        options=["知道", "不太清楚"],
    )
    q2 = services.question_add(
        actor=site["inspector"], survey=survey, kind="text", text="意见", required=False
    )
    services.survey_publish(actor=site["inspector"], survey=survey)
    return survey, q1, q2


def test_inspector_builds_and_publishes_from_the_inspection_page(client, site):
    client.force_login(site["inspector"])
    detail = reverse("inspections:detail", args=[site["inspection"].pk])
    assert 'data-testid="survey-new"' in client.get(detail).content.decode()
    r = client.post(reverse("surveys:new", args=[site["inspection"].pk]), {"title": "现场问卷"})
    survey = Survey.objects.get()
    assert r.url == reverse("surveys:manage", args=[survey.pk])
    url = r.url
    client.post(
        url, {"action": "add", "kind": "multi", "text": "培训方式", "options": "线上\n线下\n"}
    )
    client.post(url, {"action": "add", "kind": "single", "text": "单选", "options": "只有一项"})
    assert survey.questions.count() == 1  # the second had one option: refused
    client.post(url, {"action": "publish"})
    survey.refresh_from_db()
    assert survey.state == "open"
    page = client.get(url).content.decode()
    assert "<svg" in page and reverse("surveys:answer", args=[survey.token]) in page


def test_worker_answers_once_and_sees_thanks(client, site):
    survey, q1, q2 = _published(site)
    url = reverse("surveys:answer", args=[survey.token])
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(site["workers"][0])
    assert 'data-testid="answer-form"' in client.get(url).content.decode()
    know = q1.options.get(text="知道").pk
    r = client.post(url, {f"q{q1.pk}": str(know), f"q{q2.pk}": "多讲案例"})
    assert r.status_code == 302
    assert 'data-testid="thanks"' in client.get(url).content.decode()
    r = client.post(url, {f"q{q1.pk}": str(q1.options.get(text="不太清楚").pk)})
    assert r.status_code == 409 and "只能提交一次" in r.content.decode()
    assert Response.objects.count() == 1
    mine = client.get(reverse("surveys:mine")).content.decode()
    assert survey.title in mine


def test_answering_a_closed_questionnaire_is_a_clear_error(client, site):
    survey, q1, _q2 = _published(site)
    url = reverse("surveys:answer", args=[survey.token])
    client.force_login(site["workers"][1])
    page = client.get(url).content.decode()  # the form is open in the worker's browser
    assert 'data-testid="answer-form"' in page
    services.survey_close(actor=site["inspector"], survey=survey)
    r = client.post(url, {f"q{q1.pk}": str(q1.options.first().pk)})
    assert r.status_code == 409 and "问卷已结束" in r.content.decode()
    assert not Response.objects.exists()


def test_outsider_cannot_answer(client, site):
    survey, q1, _q2 = _published(site)
    client.force_login(site["outsider"])
    url = reverse("surveys:answer", args=[survey.token])
    assert 'data-testid="not-allowed"' in client.get(url).content.decode()
    r = client.post(url, {f"q{q1.pk}": str(q1.options.first().pk)})
    assert r.status_code == 403 and not Response.objects.exists()


def test_enterprise_sees_aggregates_only_from_three_answers(client, site):
    survey, q1, q2 = _published(site)
    know = q1.options.get(text="知道").pk
    for i, w in enumerate(site["workers"][:2]):
        services.response_submit(
            actor=w, survey=survey, answers={q1.pk: [know], q2.pk: f"秘密意见{i}"}
        )
    detail = reverse("inspections:detail", args=[site["inspection"].pk])
    client.force_login(site["ent_admin"])
    page = client.get(detail).content.decode()
    assert "秘密意见" not in page and "至少 3 人" in page
    services.response_submit(actor=site["workers"][2], survey=survey, answers={q1.pk: [know]})
    page = client.get(detail).content.decode()
    assert "3 份答卷" in page and "秘密意见" not in page  # counts, never the free texts
    assert "w0" not in page and "工人0" not in page
    assert client.get(reverse("surveys:manage", args=[survey.pk])).status_code == 302
    # the bureau sees the free texts (not who wrote them)
    client.force_login(site["inspector"])
    page = client.get(detail).content.decode()
    assert "秘密意见0" in page and "秘密意见1" in page and "工人0" not in page
    manage = client.get(reverse("surveys:manage", args=[survey.pk])).content.decode()
    assert 'data-count="3"' in manage
