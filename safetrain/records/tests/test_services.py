"""Every validation and every jurisdiction rule of the record services."""

import datetime as dt
from decimal import Decimal

import pytest

from safetrain.core.dates import today
from safetrain.core.errors import Conflict, NotAllowed, ValidationFailed
from safetrain.people.tests.factories import make_person, make_user
from safetrain.records.models import ExamResult, TrainingRecord
from safetrain.records.selectors import current_exams, current_training
from safetrain.records.services import (
    drill_record,
    exam_result_add,
    incident_record,
    record_correct,
    training_record_add,
    training_session_add,
    violation_record,
)

pytestmark = pytest.mark.django_db
D = dt.date(2024, 3, 1)


def train(world, actor="admin_a", **kw):
    values = {
        "actor": world[actor] if isinstance(actor, str) else actor,
        "person": world["pa"],
        "date": D,
        "hours": "8",
        "kind": "prejob",
        "level": "company",
        "enterprise": world["a"],
        "title": "公司级岗前培训",
    }
    values.update(kw)
    return training_record_add(**values)


# ----------------------------------------------------------------------------- training


def test_enterprise_admin_adds_training_for_its_roster(world):
    rec = train(world, hours="7.5")
    assert rec.hours == Decimal("7.5")
    assert rec.organiser == "enterprise"
    assert rec.created_by == world["admin_a"]
    assert rec.source == "web"
    assert rec.channel == "offline"


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("0", "大于 0"),
        ("-1", "大于 0"),
        ("2.35", "一位小数"),
        ("1000", "不能超过"),
        ("abc", "不是数字"),
        # found by tests/security (schemathesis): too many digits to round was a 500
        ("3e227", "过大"),
        (3.064661597101312e227, "过大"),
    ],
)
def test_hours_are_positive_with_one_decimal(world, hours, message):
    with pytest.raises(ValidationFailed) as exc:
        train(world, hours=hours)
    assert message in exc.value.message
    assert "hours" in exc.value.fields
    assert not TrainingRecord.objects.exists()


def test_hours_accepts_the_edges_and_trailing_zero(world):
    assert train(world, hours="999.9").hours == Decimal("999.9")
    assert train(world, hours="0.1", title="x").hours == Decimal("0.1")
    assert train(world, hours="2.50", title="y").hours == Decimal("2.5")
    assert train(world, hours=1.5, title="z").hours == Decimal("1.5")


def test_future_date_is_refused_today_is_fine(world):
    with pytest.raises(ValidationFailed) as exc:
        train(world, date=today() + dt.timedelta(days=1))
    assert exc.value.fields == {"date": "不能晚于今天"}
    assert train(world, date=today()).date == today()


def test_level_only_for_prejob(world):
    with pytest.raises(ValidationFailed) as exc:
        train(world, kind="continuing", level="team")
    assert "level" in exc.value.fields
    assert train(world, kind="continuing", level="").level == ""
    assert train(world, kind="prejob", level="", title="无层级").level == ""
    with pytest.raises(ValidationFailed):
        train(world, level="floor")


def test_unknown_kind_and_empty_title_are_refused(world):
    with pytest.raises(ValidationFailed) as exc:
        train(world, kind="bogus")
    assert "kind" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        train(world, title="  ")
    assert "title" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        train(world, title="长" * 129)
    assert "title" in exc.value.fields


def test_enterprise_must_exist_and_is_required_for_enterprise_training(world):
    from safetrain.enterprises.models import Enterprise

    with pytest.raises(ValidationFailed) as exc:
        train(world, actor=None, enterprise=None, organiser="enterprise")
    assert "enterprise" in exc.value.fields
    ghost = Enterprise(pk=999_999, credit_code="X", name="ghost")
    with pytest.raises(ValidationFailed) as exc:
        train(world, actor=None, enterprise=ghost)
    assert exc.value.fields == {"enterprise": "企业不存在"}


def test_enterprise_admin_only_its_enterprise_and_roster(world):
    with pytest.raises(NotAllowed):
        train(world, enterprise=world["b"])  # another enterprise
    with pytest.raises(NotAllowed):
        train(world, person=world["pb"], enterprise=world["a"])  # not on its roster
    with pytest.raises(NotAllowed):
        train(world, person=make_person(), enterprise=world["a"])  # nobody's roster


def test_organiser_follows_the_role(world):
    assert train(world, actor="county", kind="special", level="").organiser == "county"
    rec = train(world, actor="city", kind="special", level="", enterprise=None)
    assert rec.organiser == "city" and rec.enterprise is None
    with pytest.raises(NotAllowed) as exc:
        train(world, organiser="city")  # an enterprise admin cannot claim the city organised it
    assert "organiser" in exc.value.fields
    with pytest.raises(NotAllowed):
        train(world, actor="county", organiser="enterprise")
    assert train(world, actor=None, organiser="county", enterprise=None).organiser == "county"


def test_county_admin_only_in_its_county(world):
    train(
        world, actor="county", person=world["pb"], enterprise=world["b"], kind="special", level=""
    )
    with pytest.raises(NotAllowed):
        train(world, actor="county", person=world["pc"], enterprise=None, kind="special", level="")
    with pytest.raises(NotAllowed):
        train(world, actor="county", enterprise=world["c"], kind="special", level="")


def test_city_admin_records_anywhere(world):
    rec = train(world, actor="city", person=world["pc"], enterprise=world["c"], level="")
    assert rec.organiser == "city"


@pytest.mark.parametrize("role", ["inspector", "worker"])
def test_other_roles_record_nothing(world, role):
    with pytest.raises(NotAllowed):
        train(world, actor=role)
    with pytest.raises(NotAllowed):
        exam_result_add(
            actor=world[role],
            person=world["pa"],
            enterprise=world["a"],
            date=D,
            purpose="prejob",
            score=90,
        )
    with pytest.raises(NotAllowed):
        violation_record(
            actor=world[role], person=world["pa"], enterprise=world["a"], date=D, type="command"
        )
    with pytest.raises(NotAllowed):
        incident_record(actor=world[role], enterprise=world["a"], date=D, type="fatal")
    with pytest.raises(NotAllowed):
        drill_record(
            actor=world[role],
            enterprise=world["a"],
            date=D,
            area_type="office",
            title="t",
            participants=3,
        )


def test_trainer_records_nothing(world):
    with pytest.raises(NotAllowed):
        train(world, actor=make_user("trainer"))


def test_session_adds_one_record_per_person_all_or_nothing(world):
    from safetrain.people.tests.factories import make_employment

    p2 = make_employment(enterprise=world["a"]).person
    rows = training_session_add(
        actor=world["admin_a"],
        persons=[world["pa"], p2],
        date=D,
        hours="4",
        kind="prejob",
        level="team",
        enterprise=world["a"],
        title="班组级",
    )
    assert {r.person for r in rows} == {world["pa"], p2}
    with pytest.raises(NotAllowed):
        training_session_add(
            actor=world["admin_a"],
            persons=[world["pa"], world["pb"]],
            date=D,
            hours="4",
            kind="prejob",
            level="team",
            enterprise=world["a"],
            title="另一次",
        )
    assert TrainingRecord.objects.filter(title="另一次").count() == 0
    with pytest.raises(ValidationFailed):
        training_session_add(
            actor=world["admin_a"],
            persons=[],
            date=D,
            hours="4",
            kind="prejob",
            enterprise=world["a"],
            title="空",
        )
    with pytest.raises(ValidationFailed):
        training_session_add(
            actor=world["admin_a"],
            persons=[p2, p2],
            date=D,
            hours="4",
            kind="prejob",
            enterprise=world["a"],
            title="重复",
        )


# ----------------------------------------------------------------------------- exams


def exam(world, actor="admin_a", **kw):
    values = {
        "actor": world[actor] if isinstance(actor, str) else actor,
        "person": world["pa"],
        "date": D,
        "purpose": "prejob",
        "score": "80",
        "enterprise": world["a"],
    }
    values.update(kw)
    return exam_result_add(**values)


def test_pass_mark_defaults_to_80_and_passed_is_score_at_least_pass_mark(world):
    assert exam(world, score="80").passed is True
    r = exam(world, score="79.9")
    assert r.passed is False and r.pass_mark == Decimal("80")
    assert exam(world, score="60", pass_mark="60").passed is True
    assert exam(world, score=0, pass_mark=1).passed is False
    assert exam(world, score=100).passed is True


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"score": "-1"}, "score"),
        ({"score": "100.5"}, "score"),
        ({"score": "八十"}, "score"),
        ({"score": "85.25"}, "score"),
        ({"score": "50", "max_score": "40"}, "score"),
        ({"pass_mark": "0"}, "pass_mark"),
        ({"pass_mark": "120"}, "pass_mark"),
        ({"purpose": "final"}, "purpose"),
        ({"date": dt.date(2999, 1, 1)}, "date"),
    ],
)
def test_exam_validation(world, kw, field):
    with pytest.raises(ValidationFailed) as exc:
        exam(world, **kw)
    assert field in exc.value.fields
    assert not ExamResult.objects.exists()


def test_exam_stated_maximum(world):
    r = exam(world, score="45", pass_mark="30", max_score="50")
    assert r.passed


def test_exam_jurisdiction(world):
    with pytest.raises(NotAllowed):
        exam(world, enterprise=world["b"])
    with pytest.raises(NotAllowed):
        exam(world, person=world["pb"], enterprise=world["a"])
    with pytest.raises(NotAllowed):
        exam(world, actor="county", person=world["pc"], enterprise=world["c"])
    assert (
        exam(world, actor="county", purpose="mgmt_assessment", enterprise=None).enterprise is None
    )
    with pytest.raises(NotAllowed):
        exam(world, enterprise=None)  # an enterprise admin names its own enterprise


# ----------------------------------------------------------------------------- 三违, incidents, drills


def test_violation_rules(world):
    v = violation_record(
        actor=world["admin_a"],
        person=world["pa"],
        enterprise=world["a"],
        date=D,
        type="operation",
        text="未佩戴自救器",
    )
    assert v.get_type_display() == "违章作业"
    with pytest.raises(ValidationFailed):
        violation_record(
            actor=world["admin_a"], person=world["pa"], enterprise=world["a"], date=D, type="x"
        )
    with pytest.raises(ValidationFailed):
        violation_record(
            actor=world["admin_a"],
            person=world["pa"],
            enterprise=world["a"],
            date=today() + dt.timedelta(days=3),
            type="command",
        )
    with pytest.raises(NotAllowed):
        violation_record(
            actor=world["admin_a"],
            person=world["pb"],
            enterprise=world["a"],
            date=D,
            type="command",
        )
    with pytest.raises(NotAllowed):
        violation_record(
            actor=world["admin_a"],
            person=world["pa"],
            enterprise=world["b"],
            date=D,
            type="command",
        )
    assert violation_record(
        actor=world["county"], person=world["pb"], enterprise=world["b"], date=D, type="discipline"
    )
    with pytest.raises(NotAllowed):
        violation_record(
            actor=world["county"], person=world["pc"], enterprise=world["c"], date=D, type="command"
        )


def test_incident_rules(world):
    assert incident_record(actor=world["admin_a"], enterprise=world["a"], date=D, type="fatal")
    assert incident_record(
        actor=world["county"], enterprise=world["b"], date=D, type="major_hidden_danger"
    )
    assert incident_record(
        actor=world["city"], enterprise=world["c"], date=D, type="repeated_larger_hidden_danger"
    )
    with pytest.raises(NotAllowed):
        incident_record(actor=world["admin_a"], enterprise=world["b"], date=D, type="fatal")
    with pytest.raises(NotAllowed):
        incident_record(actor=world["county"], enterprise=world["c"], date=D, type="fatal")
    with pytest.raises(ValidationFailed):
        incident_record(actor=world["admin_a"], enterprise=world["a"], date=D, type="死亡事故")


def test_drill_rules(world):
    d = drill_record(
        actor=world["admin_a"],
        enterprise=world["a"],
        date=D,
        area_type="underground",
        title="井下透水应急演练",
        participants="35",
    )
    assert d.participants == 35
    for bad in ("0", "2.5", "many", "-3"):
        with pytest.raises(ValidationFailed) as exc:
            drill_record(
                actor=world["admin_a"],
                enterprise=world["a"],
                date=D,
                area_type="office",
                title="t",
                participants=bad,
            )
        assert "participants" in exc.value.fields
    with pytest.raises(ValidationFailed):
        drill_record(
            actor=world["admin_a"],
            enterprise=world["a"],
            date=D,
            area_type="roof",
            title="t",
            participants=3,
        )
    with pytest.raises(ValidationFailed):
        drill_record(
            actor=world["admin_a"],
            enterprise=world["a"],
            date=D,
            area_type="office",
            title="",
            participants=3,
        )
    with pytest.raises(NotAllowed):
        drill_record(
            actor=world["admin_a"],
            enterprise=world["b"],
            date=D,
            area_type="office",
            title="t",
            participants=3,
        )
    with pytest.raises(NotAllowed):
        drill_record(
            actor=world["county_c"],
            enterprise=world["a"],
            date=D,
            area_type="office",
            title="t",
            participants=3,
        )


# ----------------------------------------------------------------------------- corrections


def test_correction_supersedes_and_the_old_record_no_longer_counts(world):
    old = train(world, hours="8")
    new = record_correct(actor=world["admin_a"], record=old, hours="16")
    assert new.supersedes == old and new.hours == Decimal("16.0")
    old.refresh_from_db()
    assert old.hours == Decimal("8.0")  # never a silent edit
    assert list(current_training(world["pa"])) == [new]
    assert TrainingRecord.objects.count() == 2
    with pytest.raises(Conflict):
        record_correct(actor=world["admin_a"], record=old, hours="12")
    newer = record_correct(actor=world["admin_a"], record=new, date=dt.date(2024, 2, 1))
    assert list(current_training(world["pa"])) == [newer]


def test_exam_correction_recomputes_passed(world):
    old = exam(world, score="70")
    new = record_correct(actor=world["admin_a"], record=old, score="85")
    assert new.passed and not old.passed
    assert list(current_exams(world["pa"])) == [new]


def test_correction_is_validated_and_checked(world):
    old = train(world)
    with pytest.raises(ValidationFailed):
        record_correct(actor=world["admin_a"], record=old, hours="2.35")
    with pytest.raises(ValidationFailed):
        record_correct(actor=world["admin_a"], record=old, person=world["pb"])
    with pytest.raises(ValidationFailed):
        record_correct(actor=world["admin_a"], record=old, hours="8.0")  # nothing changes
    with pytest.raises(NotAllowed):
        record_correct(actor=world["admin_c"], record=old, hours="4")
    with pytest.raises(NotAllowed):
        record_correct(actor=world["admin_a"], record=old, enterprise=world["b"])
    with pytest.raises(NotAllowed):  # a county admin does not correct enterprise training
        record_correct(actor=world["county"], record=old, hours="4")
    assert list(current_training(world["pa"])) == [old]
