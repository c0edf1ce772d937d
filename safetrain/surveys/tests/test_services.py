"""Questionnaires: building, publishing, answering once, anonymity, closing."""

from __future__ import annotations

import hashlib

import pytest

from safetrain.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from safetrain.surveys import selectors, services
from safetrain.surveys.models import Answer, Response


def build(site):
    survey = services.survey_create(
        actor=site["inspector"], inspection=site["inspection"], title="安全培训问卷"
    )
    q1 = services.question_add(
        actor=site["inspector"],
        survey=survey,
        kind="single",
        text="今年参加过岗前培训吗？",
        options=["参加过", "没有"],
    )
    q2 = services.question_add(
        actor=site["inspector"],
        survey=survey,
        kind="multi",
        text="培训方式",
        options=["线上", "线下", "班组会"],
    )
    q3 = services.question_add(
        actor=site["inspector"], survey=survey, kind="text", text="建议", required=False
    )
    return survey, q1, q2, q3


def opt(q, i):
    return q.options.order_by("position")[i].pk


def test_build_publish_and_counts(site):
    survey, q1, q2, q3 = build(site)
    with pytest.raises(Conflict, match="尚未发布"):
        services.response_submit(actor=site["workers"][0], survey=survey, answers={})
    services.survey_publish(actor=site["inspector"], survey=survey)
    site["inspection"].refresh_from_db()
    assert "questionnaire" in site["inspection"].methods
    with pytest.raises(Conflict, match="不能再修改"):
        services.question_add(actor=site["inspector"], survey=survey, kind="text", text="x")
    answers = [
        {q1.pk: [opt(q1, 0)], q2.pk: [opt(q2, 0), opt(q2, 1)], q3.pk: "多一些实操"},
        {q1.pk: [opt(q1, 0)], q2.pk: [opt(q2, 1)], q3.pk: ""},
        {q1.pk: [opt(q1, 1)], q2.pk: [opt(q2, 1), opt(q2, 2)], q3.pk: "案例"},
    ]
    for w, a in zip(site["workers"], answers, strict=False):
        services.response_submit(actor=w, survey=survey, answers=a)
    result = selectors.results(survey)
    assert result.responses == 3
    r1, r2, r3 = result.questions
    assert [o.count for o in r1.options] == [2, 1]
    assert [o.count for o in r2.options] == [1, 3, 1]
    assert r3.texts == sorted(["多一些实操", "案例"]) and r3.answered == 2


def test_one_answer_per_account_the_second_is_refused(site):
    survey, q1, q2, _q3 = build(site)
    services.survey_publish(actor=site["inspector"], survey=survey)
    w = site["workers"][0]
    services.response_submit(
        actor=w, survey=survey, answers={q1.pk: [opt(q1, 0)], q2.pk: [opt(q2, 0)]}
    )
    with pytest.raises(Conflict, match="只能提交一次"):
        services.response_submit(
            actor=w, survey=survey, answers={q1.pk: [opt(q1, 1)], q2.pk: [opt(q2, 2)]}
        )
    assert Response.objects.count() == 1
    assert [o.count for o in selectors.results(survey).questions[0].options] == [1, 0]
    assert selectors.has_answered(survey, w) and not selectors.has_answered(
        survey, site["workers"][1]
    )


def test_responses_do_not_name_the_account(site):
    survey, q1, q2, _q3 = build(site)
    services.survey_publish(actor=site["inspector"], survey=survey)
    w = site["workers"][0]
    services.response_submit(
        actor=w, survey=survey, answers={q1.pk: [opt(q1, 0)], q2.pk: [opt(q2, 0)]}
    )
    response = Response.objects.get()
    fields = {f.name for f in Response._meta.get_fields()}
    assert not fields & {"user", "person", "respondent", "account"}
    key = response.respondent_key
    assert len(key) == 64 and w.username not in key
    # keyed: not a plain hash anyone could recompute from the survey and account numbers
    plain = hashlib.sha256(f"survey-respondent:{survey.pk}:{w.pk}".encode()).hexdigest()
    assert key != plain
    assert response.respondent_key == services.respondent_key(survey, w)
    assert services.respondent_key(survey, site["workers"][1]) != response.respondent_key


def test_bad_answers_write_nothing(site):
    survey, q1, q2, q3 = build(site)
    services.survey_publish(actor=site["inspector"], survey=survey)
    w = site["workers"][0]
    cases = [
        ({q2.pk: [opt(q2, 0)]}, "第 1 题未选择"),
        ({q1.pk: [opt(q1, 0), opt(q1, 1)], q2.pk: [opt(q2, 0)]}, "只能选一项"),
        ({q1.pk: [opt(q2, 0)], q2.pk: [opt(q2, 0)]}, "第 1 题的选项无效"),
        ({q1.pk: ["x"], q2.pk: [opt(q2, 0)]}, "第 1 题的选项无效"),
        ({q1.pk: [opt(q1, 0)], q2.pk: [opt(q2, 0)], q3.pk: "长" * 1001}, "第 3 题过长"),
    ]
    for answers, message in cases:
        with pytest.raises(ValidationFailed, match=message):
            services.response_submit(actor=w, survey=survey, answers=answers)
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_only_workers_of_the_enterprise_answer(site):
    survey, q1, q2, _q3 = build(site)
    services.survey_publish(actor=site["inspector"], survey=survey)
    good = {q1.pk: [opt(q1, 0)], q2.pk: [opt(q2, 0)]}
    for user in (site["outsider"], site["left"], site["ent_admin"], site["inspector"]):
        with pytest.raises(NotAllowed):
            services.response_submit(actor=user, survey=survey, answers=good)
    assert not Response.objects.exists()


def test_answering_after_closing_is_refused_and_writes_nothing(site):
    survey, q1, q2, _q3 = build(site)
    services.survey_publish(actor=site["inspector"], survey=survey)
    services.survey_close(actor=site["inspector"], survey=survey)
    with pytest.raises(Conflict, match="问卷已结束"):
        services.response_submit(
            actor=site["workers"][0],
            survey=survey,
            answers={q1.pk: [opt(q1, 0)], q2.pk: [opt(q2, 0)]},
        )
    assert not Response.objects.exists() and not Answer.objects.exists()
    with pytest.raises(Conflict):
        services.survey_close(actor=site["inspector"], survey=survey)


def test_building_rules_and_jurisdiction(site):
    with pytest.raises(NotFound):
        services.survey_create(
            actor=site["inspector_other"], inspection=site["inspection"], title="x"
        )
    with pytest.raises(NotAllowed):
        services.survey_create(actor=site["ent_admin"], inspection=site["inspection"], title="x")
    survey = services.survey_create(
        actor=site["inspector"], inspection=site["inspection"], title="x"
    )
    with pytest.raises(ValidationFailed, match="没有题目"):
        services.survey_publish(actor=site["inspector"], survey=survey)
    with pytest.raises(ValidationFailed, match="2–10 个选项"):
        services.question_add(
            actor=site["inspector"], survey=survey, kind="single", text="q", options=["只有一个"]
        )
    with pytest.raises(ValidationFailed, match="重复"):
        services.question_add(
            actor=site["inspector"], survey=survey, kind="multi", text="q", options=["a", "a"]
        )
    with pytest.raises(ValidationFailed, match="题型"):
        services.question_add(actor=site["inspector"], survey=survey, kind="essay", text="q")
    assert not survey.questions.exists()


def test_survey_list_does_not_leak_across_jurisdictions(site):
    survey, *_ = build(site)
    assert selectors.survey_get(viewer=site["inspector"], pk=survey.pk) == survey
    assert selectors.survey_get(viewer=site["ent_admin"], pk=survey.pk) == survey
    assert selectors.survey_get(viewer=site["inspector_other"], pk=survey.pk) is None
    assert selectors.survey_get(viewer=site["workers"][0], pk=survey.pk) is None
