"""Inspections, the spot check (draw on real data, exam results, retests), correction orders
(open → overdue → closed by the compliance engine's own evaluation), penalties, plans."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safetrain.certificates.tests.factories import make_certificate
from safetrain.compliance.engine import evaluate_person
from safetrain.compliance.tests import records as r
from safetrain.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from safetrain.inspections import selectors, services
from safetrain.inspections.models import CorrectionOrder, PlanSubmission
from safetrain.records.models import ExamResult
from safetrain.regions.models import Region

pytestmark = pytest.mark.django_db


def _inspection(world, who="inspector", methods=("spot_exam",)):
    return services.inspection_create(
        actor=world["users"][who],
        enterprise=world["a"],
        date=world["today"],
        methods=list(methods),
    )


# ------------------------------------------------------------------------------ inspections


def test_inspection_needs_a_method_and_a_scope(world):
    with pytest.raises(ValidationFailed, match="检查方式"):
        _inspection(world, methods=())
    with pytest.raises(ValidationFailed, match="无效"):
        _inspection(world, methods=("nap",))
    with pytest.raises(NotFound):
        _inspection(world, who="inspector_other")
    with pytest.raises(NotAllowed):
        _inspection(world, who="enterprise")
    insp = _inspection(world, who="inspector_city", methods=("site_visit", "closed_book"))
    assert insp.methods == ["closed_book", "site_visit"]  # in the notice's order
    assert insp.method_labels == ["闭卷测试", "实地走访"]


def test_spot_check_draws_only_persons_in_post(world):
    insp = _inspection(world)
    rows = services.spot_check_draw(
        actor=world["users"]["inspector"], inspection=insp, count=50, seed=7
    )
    names = {row.person.name for row in rows}
    assert names == {p.name for p in world["ops"] + world["plain"]}  # all 10 in post, nobody else
    assert {"休假者", "已离职", "未入职", "外县人"}.isdisjoint(names)


def test_spot_check_draw_is_reproducible_and_stratified(world):
    a = _inspection(world)
    b = _inspection(world)
    ra = services.spot_check_draw(actor=None, inspection=a, count=5, seed="s1")
    rb = services.spot_check_draw(actor=None, inspection=b, count=5, seed="s1")
    assert [x.person_id for x in ra] == [x.person_id for x in rb]
    strata = [x.stratum for x in ra]
    # 4 operators and 6 coal workers: 5 places → 2 and 3
    assert sorted(strata.count(s) for s in set(strata)) == [2, 3]
    again = services.spot_check_draw(actor=None, inspection=a, count=3, seed="s2")
    assert not {x.person_id for x in again} & {x.person_id for x in ra}  # never twice


def test_spot_check_results_write_spot_check_exams_and_failures_need_a_retest(world):
    insp = _inspection(world)
    rows = services.spot_check_draw(actor=None, inspection=insp, count=2, seed=1)
    passed, failed = rows
    actor = world["users"]["inspector"]
    services.checked_person_record(actor=actor, checked=passed, result="pass", score="85")
    services.checked_person_record(actor=actor, checked=failed, result="fail", notes="不会用自救器")
    exams = ExamResult.objects.filter(purpose="spot_check").order_by("person_id")
    assert {(e.person_id, e.passed) for e in exams} == {
        (passed.person_id, True),
        (failed.person_id, False),
    }
    assert evaluate_person(passed.person, world["today"]).aware
    assert not evaluate_person(failed.person, world["today"]).aware
    with pytest.raises(Conflict):
        services.checked_person_record(actor=actor, checked=failed, result="pass")
    # the failure is on the enterprise's retest list until retrained and retested
    viewer = world["users"]["enterprise"]
    open_ = list(selectors.retests(viewer=viewer))
    assert [(x.person_id, x.trained, x.retested) for x in open_] == [
        (failed.person_id, False, False)
    ]
    r.training(failed.person, world["today"], 4, kind="special", enterprise=world["a"])
    assert list(selectors.retests(viewer=viewer))[0].trained
    assert list(selectors.retests(viewer=world["users"]["county_other"])) == []


def test_retest_clears_with_a_passed_exam_after_the_failure(world):
    past = world["today"] - dt.timedelta(days=10)
    insp = services.inspection_create(
        actor=None, enterprise=world["a"], date=past, methods=["spot_exam"]
    )
    (row,) = services.spot_check_draw(actor=None, inspection=insp, count=1, seed=3)
    services.checked_person_record(actor=None, checked=row, result="fail", score="40")
    r.training(row.person, past + dt.timedelta(days=2), 8, kind="special", enterprise=world["a"])
    assert selectors.retests(viewer=world["users"]["city"]).count() == 1
    r.exam(row.person, past + dt.timedelta(days=3), "risk_awareness", 90, enterprise=world["a"])
    assert selectors.retests(viewer=world["users"]["city"]).count() == 0
    assert selectors.retests(viewer=world["users"]["city"], open_only=False).count() == 1


def test_score_must_agree_with_result(world):
    insp = _inspection(world)
    (row,) = services.spot_check_draw(actor=None, inspection=insp, count=1, seed=3)
    with pytest.raises(ValidationFailed, match="不一致"):
        services.checked_person_record(actor=None, checked=row, result="pass", score="30")
    with pytest.raises(ValidationFailed, match="0–100"):
        services.checked_person_record(actor=None, checked=row, result="fail", score="130")
    assert not ExamResult.objects.exists()


def test_add_person_by_hand_must_be_in_post(world):
    insp = services.inspection_create(
        actor=None, enterprise=world["a"], date=world["today"], methods=["onsite_qa"]
    )
    with pytest.raises(ValidationFailed, match="不在该企业在岗"):
        services.checked_person_add(actor=None, inspection=insp, person=world["away"])
    row = services.checked_person_add(actor=None, inspection=insp, person=world["plain"][0])
    services.checked_person_record(actor=None, checked=row, result="pass")
    assert not ExamResult.objects.exists()  # 现场问答 without 抽查考试: not an exam


# ------------------------------------------------------------------------------ orders


def _order(world, persons=None, deadline_days=10, who="inspector"):
    persons = persons or world["ops"][:2]
    return services.order_issue(
        actor=world["users"][who],
        enterprise=world["a"],
        items=[(p.pk, "CERT_MISSING") for p in persons],
        deadline=world["today"] + dt.timedelta(days=deadline_days),
    )


def test_order_opens_goes_overdue_and_closes_when_findings_clear(world):
    t = world["today"]
    order = _order(world)
    assert order.number.startswith(f"ZG{t.year}-")
    viewer = world["users"]["county"]
    assert [o.pk for o in selectors.order_list(viewer=viewer, state="open")] == [order.pk]
    late = t + dt.timedelta(days=11)
    assert order.state_on(late) == "overdue"
    assert [o.pk for o in selectors.order_list(viewer=viewer, on=late, state="overdue")] == [
        order.pk
    ]
    assert not selectors.order_list(viewer=viewer, on=late, state="open").exists()
    # one of the two gets the certificate: the order stays open
    make_certificate(world["ops"][0], operation="5.4", issued_on=t - dt.timedelta(days=1))
    assert services.orders_refresh() == {"cleared": 1, "closed": 0}
    order.refresh_from_db()
    assert order.closed_on is None
    # the other is moved off the special-operation post? No: certified too → closed today
    make_certificate(world["ops"][1], operation="5.4", issued_on=t)
    assert services.orders_refresh() == {"cleared": 1, "closed": 1}
    order.refresh_from_db()
    assert order.closed_on == t
    assert order.state_on(late) == "closed"
    assert [o.pk for o in selectors.order_list(viewer=viewer, state="closed")] == [order.pk]
    assert services.orders_refresh() == {"cleared": 0, "closed": 0}  # idempotent


def test_order_closes_through_the_change_hook(world, django_capture_on_commit_callbacks):
    order = _order(world, persons=world["ops"][:1])
    with django_capture_on_commit_callbacks(execute=True):
        make_certificate(world["ops"][0], operation="5.4", issued_on=world["today"])
    order.refresh_from_db()
    assert order.closed_on == world["today"]


def test_order_refuses_findings_the_person_does_not_have(world):
    with pytest.raises(ValidationFailed, match="没有问题"):
        services.order_issue(
            actor=None,
            enterprise=world["a"],
            items=[(world["plain"][0].pk, "CERT_MISSING")],
            deadline=world["today"],
        )
    with pytest.raises(ValidationFailed, match="不是可责令改正"):
        services.order_issue(
            actor=None,
            enterprise=world["a"],
            items=[(world["ops"][0].pk, "ANNUAL_HOURS_PENDING")],
            deadline=world["today"],
        )
    with pytest.raises(ValidationFailed, match="不在该企业在岗"):
        services.order_issue(
            actor=None,
            enterprise=world["a"],
            items=[(world["other"].pk, "CERT_MISSING")],
            deadline=world["today"],
        )
    with pytest.raises(ValidationFailed, match="整改期限"):
        _order(world, deadline_days=-1)
    with pytest.raises(NotFound):
        _order(world, who="inspector_other")
    assert not CorrectionOrder.objects.exists()


def test_leaving_the_enterprise_clears_the_item(world):
    from safetrain.people.models import Employment
    from safetrain.people.services import employment_end

    order = _order(world, persons=world["ops"][:1])
    emp = Employment.objects.get(person=world["ops"][0], enterprise=world["a"])
    employment_end(actor=None, employment=emp, end_date=world["today"] - dt.timedelta(days=1))
    services.orders_refresh()
    order.refresh_from_db()
    assert order.closed_on == world["today"]


def test_penalty(world):
    order = _order(world)
    p = services.penalty_add(
        actor=world["users"]["county"],
        order=order,
        amount="20,000",
        basis="《中华人民共和国安全生产法》（2021年修正）第九十七条第（七）项",
    )
    assert str(p.amount) == "20000.00"
    with pytest.raises(ValidationFailed, match="大于 0"):
        services.penalty_add(actor=None, order=order, amount="0", basis="x")
    with pytest.raises(ValidationFailed, match="上限"):
        services.penalty_add(actor=None, order=order, amount="200000.01", basis="x")
    with pytest.raises(ValidationFailed, match="处罚依据"):
        services.penalty_add(actor=None, order=order, amount="100", basis=" ")
    with pytest.raises(ValidationFailed, match="不是数字"):
        services.penalty_add(actor=None, order=order, amount="abc", basis="x")
    with pytest.raises(NotFound):
        services.penalty_add(
            actor=world["users"]["county_other"], order=order, amount="1", basis="x"
        )
    assert order.penalties.count() == 1


def test_open_orders_for_dashboards(world):
    t = world["today"]
    order = _order(world)
    make_certificate(world["ops"][0], operation="5.4", issued_on=t)
    services.orders_refresh()
    services.penalty_add(actor=None, order=order, amount="5000", basis="第九十七条")
    (o,) = selectors.open_orders(world["a"], t)
    assert o.number == order.number and not o.overdue
    assert [p.name for p in o.persons] == [world["ops"][1].name]  # the cleared one is gone
    assert o.findings[0][0] == "CERT_MISSING" and o.findings[0][2] == 1
    assert o.penalties == (("5000.00", "第九十七条"),)
    assert selectors.open_orders("140502", t + dt.timedelta(days=11))[0].overdue
    assert selectors.open_orders("140500", t)[0].number == order.number
    assert selectors.open_orders("140581", t) == []
    assert selectors.open_orders(world["a"], t - dt.timedelta(days=1)) == []  # not issued yet


def test_notices_list_the_enterprises_under_orders(world):
    from safetrain.dashboards.orders import orders_for_notice

    t = world["today"]
    order = _order(world)
    code = order.enterprise.credit_code
    assert orders_for_notice(region=None, on=t - dt.timedelta(days=1)) == []  # not issued yet
    (row,) = orders_for_notice(region="140502", on=t)
    assert row["credit_code"] == code and (row["open"], row["overdue"]) == (1, 0)
    assert row["deadline"] == order.deadline.isoformat()
    late = order.deadline + dt.timedelta(days=1)
    assert orders_for_notice(region=None, on=late)[0]["overdue"] == 1
    assert orders_for_notice(region="140581", on=t) == []


# ------------------------------------------------------------------------------ plans


def _pdf(name="方案.pdf", body=b"%PDF-1.4 test"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def test_plan_submission_checks_type_size_and_county(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    county = Region.objects.get(code="140502")
    actor = world["users"]["county"]
    s = services.plan_submit(
        actor=actor,
        campaign="2024-226",
        region=county,
        upload=_pdf(),
        submitted_on=dt.date(2024, 10, 16),
    )
    assert s.size == len(b"%PDF-1.4 test")
    with pytest.raises(ValidationFailed, match="类型不支持"):
        services.plan_submit(actor=actor, campaign="2024-226", region=county, upload=_pdf("a.exe"))
    with pytest.raises(ValidationFailed, match="内容不是"):
        services.plan_submit(
            actor=actor, campaign="2024-226", region=county, upload=_pdf(body=b"MZ...")
        )
    with pytest.raises(ValidationFailed, match="过大"):
        services.plan_submit(
            actor=actor,
            campaign="2024-226",
            region=county,
            upload=_pdf(body=b"%PDF" + b"0" * services.PLAN_MAX_BYTES),
        )
    with pytest.raises(NotAllowed):
        services.plan_submit(
            actor=actor,
            campaign="2024-226",
            region=Region.objects.get(code="140581"),
            upload=_pdf(),
        )
    with pytest.raises(ValidationFailed, match="县"):
        services.plan_submit(
            actor=world["users"]["city"],
            campaign="2024-226",
            region=Region.objects.get(code="140500"),
            upload=_pdf(),
        )
    assert PlanSubmission.objects.count() == 1
    rows = dict(selectors.plan_submissions(viewer=actor, campaign="2024-226"))
    assert list(rows) == [county]
    assert len(selectors.plan_submissions(viewer=world["users"]["city"], campaign="2024-226")) == 6


def test_refresh_for_many_persons_sends_no_huge_query(world, django_assert_max_num_queries):
    _order(world, persons=world["ops"][:1])
    with django_assert_max_num_queries(1):
        assert services.orders_refresh(person_ids=range(10**6, 10**6 + 200_000)) == {
            "cleared": 0,
            "closed": 0,
        }
    make_certificate(world["ops"][0], operation="5.4", issued_on=world["today"])
    ids = [*range(10**6, 10**6 + 200_000), world["ops"][0].pk]
    assert services.orders_refresh(person_ids=ids) == {"cleared": 1, "closed": 1}
