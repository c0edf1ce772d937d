"""The world the jurisdiction matrix runs in: two counties, two enterprises in each, people,
and one object of every kind that an endpoint can name, built through the apps' own services
and test factories.

County A is 城区 (140502) with enterprises A1 and A2; county B is 高平市 (140581) with B1 and B2.
The signed-in users (one per role) live in county A / enterprise A1. Every object carries
`owner`: "A2" (another enterprise of the viewer's county), "B1" (an enterprise of the other
county), "B" (the other county itself) or "A" (county A's bureau itself: its enforcement
plan and draw, outside an enterprise's jurisdiction), and `personal` when it belongs to one
person or account (an attempt, a practice session, a study session, a notification), so that
the matrix can tell, for each role, which objects are outside the viewer's jurisdiction
(see `foreign_for`). Each object lists `secrets`: text that shows it (names, masked ID numbers,
titles, numbers) and that must never appear in a page or a response the viewer may not see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

ROLES = ("city_admin", "county_admin", "enterprise_admin", "inspector", "trainer", "worker")
COUNTY_A, COUNTY_B = "140502", "140581"


@dataclass(repr=False)
class Obj:
    kind: str
    owner: str  # "A2" | "B1" | "B" | "A" (county A's bureau itself: its plan, its draw)
    values: dict[str, str]  # URL / path / query parameter values naming the object
    secrets: list[str] = field(default_factory=list)
    personal: bool = False
    label: str = ""

    def __repr__(self) -> str:  # shows in hypothesis' falsifying example
        return (
            f"<{self.kind} of {self.owner}{' (personal)' if self.personal else ''} {self.values}>"
        )


# (kind, role) pairs that the documented policy lets a role see although the object belongs to
# another jurisdiction; each with the reason (docs/jurisdiction.md, the selectors' docstrings).
# The owner "*" means any owner.
POLICY_VISIBLE: dict[tuple[str, str, str], str] = {
    ("course", "county_admin", "*"): "courses.selectors.course_q: county admins see every course",
    ("course", "inspector", "*"): "courses.selectors.course_q: inspectors see every course",
    ("lesson", "county_admin", "*"): "a lesson is seen with its course (course_q)",
    ("lesson", "inspector", "*"): "a lesson is seen with its course (course_q)",
    ("bank", "trainer", "B"): "questions.selectors.bank_read_q: trainers read every region's bank",
    # 一公开: a county's published draw is public to the enterprises of that county
    # (docs/inspections.md "Who sees it"; inspections.selectors._draw_regions_q)
    ("draw", "enterprise_admin", "A"): "a published draw is public to its county's enterprises",
    # handbooks are the city's reference for a post, not an enterprise's or a county's
    # (docs/handbooks.md "Authoring"): every role but the worker reads them, and city and county
    # admins and trainers author any of them
    **{
        ("handbook", role, "*"): "handbooks are city-wide reference material (docs/handbooks.md)"
        for role in ("county_admin", "enterprise_admin", "inspector", "trainer")
    },
}


def foreign_for(role: str, obj: Obj) -> bool:
    """Whether obj is outside the jurisdiction of the role's user in county A / enterprise A1."""
    if obj.personal:
        return True  # another person's attempt, practice, study session, notification
    if (obj.kind, role, "*") in POLICY_VISIBLE or (obj.kind, role, obj.owner) in POLICY_VISIBLE:
        return False
    if role == "city_admin":
        return False  # the whole city
    if obj.owner in ("B", "B1"):
        return True
    if obj.owner == "A":  # county A's bureau: its admin and inspectors
        return role not in ("county_admin", "inspector")
    # owner A2: inside county A, outside enterprise A1
    return role in ("enterprise_admin", "worker", "trainer")


GHOST_UUID = "00000000-0000-4000-8000-00000000beef"


def ghost(obj: Obj) -> Obj:
    """The same kind of object with values that name nothing: an object outside the viewer's
    jurisdiction must be answered exactly like it (its existence must not show)."""
    from safetrain.core.testing import new_credit_code, new_id_number

    values = {}
    for key, value in obj.values.items():
        if key == "credit_code":
            values[key] = new_credit_code(value[2:8])
        elif key == "id_number":
            values[key] = new_id_number()
        elif key == "number":
            values[key] = "ZG2099-9999"
        elif value.isdigit():
            values[key] = "987654321"
        elif len(value) == 36 and value.count("-") == 4:
            values[key] = GHOST_UUID
        else:
            values[key] = value
    return Obj(obj.kind, "ghost", values, [], obj.personal, "does not exist")


@dataclass
class World:
    users: dict[str, Any]
    objects: list[Obj]
    own: dict[str, Any]

    @property
    def own_values(self) -> dict[str, str]:
        """The signed-in users' own things (enterprise A1, its worker), for request bodies."""
        return {
            "uid": str(self.own["person"].uid),
            "credit_code": self.own["enterprise"].credit_code,
        }

    def of_kind(self, kind: str) -> list[Obj]:
        return [o for o in self.objects if o.kind == kind]

    def foreign(self, role: str, kind: str) -> list[Obj]:
        return [o for o in self.of_kind(kind) if foreign_for(role, o)]

    def secrets_for(self, role: str) -> dict[str, Obj]:
        return {s: o for o in self.objects if foreign_for(role, o) for s in o.secrets}


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("实施方案.pdf", b"%PDF-1.4 security matrix", "application/pdf")


def build_world() -> World:  # noqa: PLR0915 - one straight list of steps
    from safetrain.certificates.models import Notification
    from safetrain.certificates.services import certificate_remind
    from safetrain.certificates.tests.factories import make_certificate
    from safetrain.classes import services as classes
    from safetrain.core.dates import today
    from safetrain.core.testing import new_id_number
    from safetrain.courses.models import Lesson
    from safetrain.courses.services import enrol
    from safetrain.courses.tests.factories import make_course
    from safetrain.dashboards.notices import notice_generate
    from safetrain.exams.services import attempt_start
    from safetrain.exams.tests.factories import make_bank as make_city_questions
    from safetrain.exams.tests.factories import make_exam
    from safetrain.handbooks import services as handbooks
    from safetrain.inspections import planning
    from safetrain.inspections import services as insp
    from safetrain.people.tests.factories import (
        make_employment,
        make_enterprise,
        make_person,
        make_user,
    )
    from safetrain.questions.models import Bank
    from safetrain.questions.practice import mock_exam_start, practice_start
    from safetrain.questions.tests.factories import make_bank, make_question
    from safetrain.regions.models import Region
    from safetrain.rescue import services as rescue
    from safetrain.study.services import study_start
    from safetrain.surveys import services as surveys

    t = today()
    start = dt.date(2020, 1, 1)
    ents = {
        "A1": make_enterprise(region=COUNTY_A, name="城区本企煤矿"),
        "A2": make_enterprise(region=COUNTY_A, name="城区邻企甲二煤矿"),
        "B1": make_enterprise(region=COUNTY_B, name="高平外县乙一煤矿"),
        "B2": make_enterprise(
            region=COUNTY_B, name="高平外县乙二化工", sector="hazardous_chemicals"
        ),
    }
    # people: the signed-in worker of A1, and in each other enterprise a special operator with a
    # certificate, one without (a blocking finding for correction orders) and a worker account
    me = make_employment(make_person(name="本企工人"), ents["A1"], start=start, operation="5.4")
    make_certificate(me.person)
    users = {
        "city_admin": make_user("city_admin"),
        "county_admin": make_user("county_admin", region=COUNTY_A),
        "enterprise_admin": make_user("enterprise_admin", enterprise=ents["A1"]),
        "inspector": make_user("inspector", region=COUNTY_A),
        "trainer": make_user("trainer"),
        "worker": make_user("worker", person=me.person),
    }
    others = {
        "county_admin": make_user("county_admin", region=COUNTY_B),
        "inspector": make_user("inspector", region=COUNTY_B),
        "trainer": make_user("trainer"),
    }
    make_city_questions(singles=8, multiples=2, truefalse=2)
    city_bank = Bank.objects.filter(region_id="140500").first()
    objects: list[Obj] = []
    add = objects.append
    for tag in ("A2", "B1"):
        ent = ents[tag]
        county_tag = "B" if tag == "B1" else "A"
        # (the credit code is not a secret: a 404 page may echo the path the viewer asked for)
        add(Obj("enterprise", tag, {"credit_code": ent.credit_code, "pk": str(ent.pk)}, [ent.name]))
        id_numbers = {f"{tag}持证工": new_id_number(), f"{tag}无证工": new_id_number()}
        op = make_employment(
            make_person(name=f"{tag}持证工", id_number=id_numbers[f"{tag}持证工"]),
            ent,
            start=start,
            operation="5.4",
        )
        person = op.person
        missing = make_employment(
            make_person(name=f"{tag}无证工", id_number=id_numbers[f"{tag}无证工"]),
            ent,
            start=start,
            operation="5.4",
        ).person
        for p in (person, missing):
            add(
                Obj(
                    "person",
                    tag,
                    {
                        "uid": str(p.uid),
                        "id_number": id_numbers[p.name],
                        "credit_code": ent.credit_code,
                        "reason": "核对身份信息",  # an unmasking's reason (form data)
                    },
                    [p.name, p.id_number_masked],
                )
            )
        add(
            Obj(
                "employment",
                tag,
                {"uid": str(person.uid), "employment_id": str(op.pk)},
                [person.name],
            )
        )
        cert = make_certificate(
            person, number=f"SEC{tag}0001", review_due=t + dt.timedelta(days=30)
        )
        add(Obj("certificate", tag, {"pk": str(cert.pk)}, [cert.number, person.name]))
        admin = make_user("enterprise_admin", enterprise=ent)
        worker = make_user("worker", person=person)
        # courses: the enterprise's own (published, private to it) and its lessons
        course = make_course(actor=admin, title=f"{tag}企业内部课程", lessons=1, quiz=True)
        add(Obj("course", tag, {"pk": str(course.pk)}, [course.title]))
        lesson = Lesson.objects.filter(course=course).first()
        assert lesson is not None
        add(Obj("lesson", tag, {"pk": str(lesson.pk)}, [lesson.title + course.title]))
        enrolment = enrol(worker, course)
        assert enrolment is not None
        study = study_start(actor=worker, lesson_id=lesson.pk)
        add(Obj("study_session", tag, {"session_id": str(study.pk)}, [], personal=True))
        # questions: the enterprise's own bank and a question in it
        bank = make_bank(actor=admin, sector="coal_mine", enterprise=ent)
        question = make_question(bank=bank, stem=f"{tag}企业题库秘密题干")
        add(Obj("bank", tag, {"pk": str(bank.pk)}, [f"{tag}企业题库秘密题干"]))
        add(Obj("question", tag, {"pk": str(question.pk)}, [f"{tag}企业题库秘密题干"]))
        practice = practice_start(user=worker, bank=city_bank, mode="sequential")
        add(Obj("practice", tag, {"pk": str(practice.pk)}, [], personal=True))
        mock = mock_exam_start(user=worker, bank=city_bank, seed=1)
        add(Obj("mock", tag, {"pk": str(mock.pk)}, [], personal=True))
        # an exam of the enterprise with the operator as candidate, and their attempt
        from safetrain.exams.tests.factories import make_question as make_exam_question

        qs = [make_exam_question() for _ in range(3)]
        exam = make_exam(admin, [person], title=f"{tag}企业考试", question_ids=[q.pk for q in qs])
        add(Obj("exam", tag, {"pk": str(exam.pk)}, [exam.title]))
        attempt = attempt_start(actor=worker, exam=exam)
        add(
            Obj(
                "attempt",
                tag,
                {"uid": str(attempt.uid), "question_id": str(qs[0].pk)},
                [],
                personal=True,
            )
        )
        # an offline session of the enterprise with the operator on its roster, and a plan
        session = classes.session_create(
            actor=admin,
            title=f"{tag}企业培训班",
            audience="general",
            kind="continuing",
            starts_at=timezone.now() + dt.timedelta(days=2),
            ends_at=timezone.now() + dt.timedelta(days=2, hours=4),
            hours=Decimal("4"),
            venue="会议室",
        )
        classes.roster_add(actor=admin, session=session, persons=[person])
        add(Obj("session", tag, {"pk": str(session.pk)}, [session.title]))
        venue = classes.venue_add(
            actor=admin,
            session=session,
            name=f"{tag}主课堂",
            region=ent.region,
            is_main=True,
        )
        add(Obj("venue", tag, {"pk": str(session.pk), "venue": str(venue.pk)}, [venue.name]))
        plan = classes.plan_create(actor=admin, enterprise=ent, year=t.year, title=f"{tag}年度计划")
        item = classes.plan_item_add(
            actor=admin,
            plan=plan,
            title=f"{tag}计划条目",
            group="all",
            due_on=dt.date(t.year, 12, 31),
            session=session,
        )
        add(Obj("plan", tag, {"pk": str(plan.pk)}, [plan.title]))
        add(Obj("plan_item", tag, {"pk": str(plan.pk), "item": str(item.pk)}, [item.title]))
        # an inspection of the enterprise and a correction order with a penalty
        inspector = users["inspector"] if county_tag == "A" else others["inspector"]
        inspection = insp.inspection_create(
            actor=inspector,
            enterprise=ent,
            date=t,
            methods=["site_visit"],
            findings=f"{tag}检查发现",
        )
        add(Obj("inspection", tag, {"pk": str(inspection.pk)}, [f"{tag}检查发现"]))
        # a published questionnaire on the inspection
        survey = surveys.survey_create(
            actor=inspector, inspection=inspection, title=f"{tag}培训效果问卷"
        )
        surveys.question_add(
            actor=inspector,
            survey=survey,
            kind="single",
            text=f"{tag}问卷题目",
            options=["是", "否"],
        )
        surveys.survey_publish(actor=inspector, survey=survey)
        add(
            Obj(
                "survey",
                tag,
                {"pk": str(survey.pk), "token": survey.token},
                [survey.title, f"{tag}问卷题目"],
            )
        )
        order = insp.order_issue(
            actor=inspector,
            enterprise=ent,
            items=[(missing.pk, "CERT_MISSING")],
            deadline=t + dt.timedelta(days=10),
            note=f"{tag}整改备注",
        )
        insp.penalty_add(
            actor=inspector, order=order, amount="1000", basis="《安全生产法》第九十七条"
        )
        add(Obj("order", tag, {"pk": str(order.pk), "number": order.number}, [order.number]))
        # an own rescue team of the enterprise with the operator as a member
        team = rescue.team_create(
            actor=admin,
            enterprise=ent,
            kind="part_time",
            name=f"{tag}兼职救护队",
            established_on=dt.date(2023, 1, 1),
        )
        member = rescue.member_add(
            actor=admin, team=team, person=person, joined_on=dt.date(2023, 1, 2), duty="队长"
        )
        add(
            Obj(
                "rescue_team",
                tag,
                {"pk": str(team.pk), "member": str(member.pk)},
                [team.name, person.name],
            )
        )
    # reminders: the certificates above are due for review in 30 days → notifications
    certificate_remind()
    for n in Notification.objects.select_related("recipient"):
        if n.recipient.role == "worker" and n.recipient.person_id != me.person_id:
            tag = (
                "B1"
                if n.recipient.person.employments.filter(enterprise=ents["B1"]).exists()
                else "A2"
            )
            add(Obj("notification", tag, {"pk": str(n.pk)}, [], personal=True))
        elif n.recipient.role == "enterprise_admin" and n.recipient.enterprise_id != ents["A1"].pk:
            tag = "B1" if n.recipient.enterprise_id == ents["B1"].pk else "A2"
            add(Obj("notification", tag, {"pk": str(n.pk)}, []))
    # county B's own things: its region, a notice, a plan submission, a county-organised exam
    add(Obj("region", "B", {"code": COUNTY_B}, []))
    notice = notice_generate(
        actor=others["county_admin"], region=COUNTY_B, period_start=t.replace(day=1), period_end=t
    )
    notice.title = "高平外县通报标题"
    notice.save(update_fields=["title"])
    add(Obj("notice", "B", {"pk": str(notice.pk)}, [notice.title]))
    submission = insp.plan_submit(
        actor=others["county_admin"],
        campaign="2024-226",
        region=Region.objects.get(code=COUNTY_B),
        upload=_pdf(),
    )
    add(Obj("plan_submission", "B", {"pk": str(submission.pk)}, []))
    county_bank = make_bank(actor=others["county_admin"], sector="coal_mine")
    add(Obj("bank", "B", {"pk": str(county_bank.pk)}, []))
    # another trainer's unpublished course (visible to its author and the bureaus only)
    draft = make_course(actor=others["trainer"], title="外县讲师未发布课程", published=False)
    add(Obj("course", "B", {"pk": str(draft.pk)}, [draft.title]))
    # each county bureau's enforcement plan and a published draw from it (双随机、一公开): county A's
    # (owner "A": outside the jurisdiction of the enterprise's trainer and worker) and county B's
    bureaus = {
        # (county A's plan holds A1 only: the draw is public to A1's admin, and names A1)
        "A": (COUNTY_A, users["county_admin"], [ents["A1"]]),
        "B": (COUNTY_B, others["county_admin"], [ents["B1"], ents["B2"]]),
    }
    for tag, (code, bureau_admin, members) in bureaus.items():
        make_user("inspector", region=code)  # the roster needs two inspectors
        eplan = planning.plan_create(
            actor=bureau_admin,
            region=code,
            year=t.year,
            title=f"{tag}县执法计划",
            note=f"{tag}县执法计划内部备注",
        )
        planning.plan_enterprises_add(
            actor=bureau_admin,
            plan=eplan,
            codes=[(n, e.credit_code) for n, e in enumerate(members, 1)],
        )
        # the plan's title is published with its draws (一公开: the draw page names the plan it
        # was drawn from, for the county's enterprises too); its note is the bureau's own
        secrets = [eplan.note] if tag == "A" else [eplan.title, eplan.note]
        add(Obj("enforcement_plan", tag, {"pk": str(eplan.pk)}, secrets))
        draw = planning.draw_publish(
            actor=bureau_admin, region_code=code, count=1, seed=f"{tag}县种子7319", on=t
        )
        add(Obj("draw", tag, {"pk": str(draw.pk)}, [draw.seed]))
    # a handbook (the city's reference for a post; authored here by county B's admin)
    handbook = handbooks.handbook_create(
        actor=others["county_admin"], sector="hazardous_chemicals", title="危化品应知应会手册"
    )
    hb_item = handbooks.item_add(
        actor=others["county_admin"], handbook=handbook, title="危化品手册条目", body="储存要求"
    )
    add(Obj("handbook", "B", {"pk": str(handbook.pk), "item": str(hb_item.pk)}, []))
    own = {"enterprise": ents["A1"], "person": me.person, "enterprises": ents}
    return World(users=users, objects=objects, own=own)
