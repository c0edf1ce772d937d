"""The jurisdiction matrix: every web URL pattern and every API operation that names an object,
with the kind of object it names (tests/security/world.py builds one of each kind per owner).

HOW TO CLASSIFY A NEW ENDPOINT (test_every_endpoint_is_classified names the ones missing):

- a web URL pattern with parameters → add its route name to WEB:
      "app:name": [W("certificate")],                 # <int:pk> is the certificate's pk
      "app:name": [W("bank", {"bank_pk": "pk"})],       # URL kwarg → the object's value key
  The object kinds and their value keys are those of world.build_world (Obj.values):
  enterprise {credit_code, pk} · person {uid, id_number, reason} · employment {uid, employment_id} ·
  certificate · course · lesson · bank · question · practice · mock · exam · session · plan ·
  inspection · notification · notice · plan_submission {pk} · plan_item {pk, item} ·
  attempt {uid, question_id} · order {pk, number} · study_session {session_id} · region {code} ·
  venue {pk (the session's), venue} · survey {pk, token} · rescue_team {pk, member} ·
  enforcement_plan {pk} · draw {pk} · handbook {pk, item}.
  A new kind needs one object per owner in build_world (and a line in foreign_for's policy if
  some role may see it across jurisdictions).
- an API operation (its operationId, as in /api/v1/openapi.json) → add to API:
      "safetrain_app_api_op": [A("person", path={"person_id": "uid"})],
      "safetrain_app_api_list": [A("enterprise", query={"enterprise": "credit_code"}, lists=True)],
  `lists=True`: a filtered list may answer 200 when the object does not show in it; otherwise
  the answer must be 403/404. `body`: a valid request body, so the handler (not the schema
  validation) is what answers.
- an endpoint that is public on purpose (a QR verification token, a sign-in page) → EXEMPT with
  the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.security.world import Obj


@dataclass(frozen=True)
class W:
    """A web page naming an object of `kind`; params map URL kwargs to the object's values
    (default: the same name); query is sent as GET query / POST form data."""

    kind: str
    params: dict[str, str] | None = None
    extra: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    # a redirect to one of these route names is the page's "not found" answer
    redirect_ok: tuple[str, ...] = ()


@dataclass(frozen=True)
class A:
    """An API operation naming an object of `kind` by path parameters and/or query parameters."""

    kind: str
    path: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    body_values: dict[str, str] = field(default_factory=dict)  # body field → object value key
    # a body built from the object and the viewer's own things (World.own_values)
    body_of: Callable[[Obj, dict[str, str]], dict[str, Any]] | None = None
    lists: bool = False
    # statuses that also refuse (besides 403/404): 422 when the handler reports the named
    # object as "未找到" in `fields` exactly as it does for an id that does not exist
    refused: tuple[int, ...] = ()


WEB: dict[str, list[W]] = {
    # records
    "records:enterprise_records": [W("enterprise")],
    # compliance
    "compliance:person": [W("person")],
    "compliance:enterprise": [W("enterprise")],
    "compliance:enterprise_export": [W("enterprise")],
    "compliance:enterprise_remedial": [W("enterprise")],
    # courses
    "courses:detail": [W("course")],
    "courses:edit": [W("course")],
    "courses:enrol": [W("course")],
    "courses:quiz": [W("course")],
    "courses:quiz_edit": [W("course")],
    "courses:lesson": [W("lesson")],
    "courses:lesson_file": [W("lesson")],
    # inspections
    "inspections:new": [W("enterprise")],
    "inspections:detail": [W("inspection")],
    "inspections:order": [W("order", {"pk": "pk"})],
    "inspections:order_new": [W("enterprise")],
    "inspections:plan_download": [W("plan_submission")],
    "inspections:plan": [W("enforcement_plan")],
    # a published draw is public to the city and to the county's bureau and enterprises
    # (world.POLICY_VISIBLE); another county's answers 404
    "inspections:draw": [W("draw")],
    # surveys
    "surveys:new": [W("inspection", {"inspection_pk": "pk"})],
    "surveys:manage": [W("survey")],
    # audit: POST with a valid reason, so the answer comes from the jurisdiction check, not the form's
    "audit:unmask": [W("person", {"uid": "uid"}, query={"reason": "reason"})],
    # rescue
    "rescue:enterprise": [W("enterprise", {"pk": "pk"})],
    "rescue:team": [W("rescue_team", {"pk": "pk"})],
    "rescue:leave": [W("rescue_team")],
    # handbooks: city-wide reference (world.POLICY_VISIBLE); only the worker is kept out, and
    # reads only the handbook of their own post
    "handbooks:detail": [W("handbook")],
    "handbooks:edit": [W("handbook")],
    "handbooks:remove": [W("handbook")],
    "handbooks:read": [W("handbook")],
    # questions
    "questions:bank": [W("bank")],
    "questions:question_new": [W("bank", {"bank_pk": "pk"})],
    "questions:question": [W("question")],
    "questions:question_retire": [W("question")],
    "questions:practice": [W("practice")],
    "questions:mock": [W("mock")],
    # dashboards
    "dashboards:notice": [W("notice")],
    "dashboards:notice_publish": [W("notice")],
    "dashboards:notice_pdf": [W("notice")],
    "dashboards:notice_xlsx": [W("notice")],
    "dashboards:person_pdf": [W("person")],
    "dashboards:dashboard": [W("region"), W("enterprise", {"code": "credit_code"})],
    "dashboards:export": [
        W("region", {"code": "code"}, extra={"chart": "children"}),
        W("enterprise", {"code": "credit_code"}, extra={"chart": "rates"}),
    ],
    # study
    "study:lesson": [W("lesson")],
    # exams
    "exams:take": [W("exam")],
    "exams:results": [W("exam")],
    "exams:host": [W("exam")],
    "exams:attempt": [W("attempt", {"uid": "uid"})],
    # classes
    "classes:detail": [W("session")],
    "classes:qr": [W("session")],
    "classes:attendance": [W("session")],
    "classes:remove": [W("session")],
    "classes:complete": [W("session")],
    "classes:plan": [W("plan")],
    "classes:plan_item_remove": [W("plan_item")],
    "classes:venue_remove": [W("venue")],
    "classes:report": [W("session")],
    "classes:report_export": [W("session")],
    # certificates
    # marks only the viewer's own notification read, then back to the reminders either way
    "certificates:notification_read": [W("notification", redirect_ok=("certificates:reminders",))],
    "certificates:detail": [W("certificate")],
    "certificates:review": [W("certificate")],
    "certificates:renew": [W("certificate")],
    "certificates:revoke": [W("certificate")],
    # web
    "enterprise_detail": [W("enterprise")],
    "enterprise_edit": [W("enterprise")],
    "person_detail": [W("person", {"uid": "uid"})],
    # pages without URL parameters that take an object's key in the query or form
    "person_lookup": [W("person", {}, query={"id_number": "id_number"}, redirect_ok=("home",))],
}

EXEMPT: dict[str, str] = {
    "certificates:verify": "public QR verification of a certificate by its signed token "
    "(docs/certificates.md); shows only the masked holder",
    "dashboards:verify_archive": "public QR check of a one-person-one-file PDF by its signed token",
    "classes:checkin": "QR check-in by the session's signed token; the service refuses anyone "
    "not on the roster (classes tests)",
    "surveys:answer": "a published questionnaire's link (/surveys/s/<random 16-character token>/, "
    "shown as a QR code to the inspected enterprise's workers): by design (docs/surveys.md "
    "'Answering') anyone signed in who holds the link sees the questions, and only a worker "
    "employed at the inspected enterprise today may answer (403 otherwise, nothing written: "
    "surveys tests and test_survey_link_answers_only_the_enterprises_workers); it never shows "
    "answers or counts",
}

PERSON = {"person_id": "uid"}
ATTEMPT = {"attempt_id": "uid"}

API: dict[str, list[A]] = {
    "safetrain_enterprises_api_list_enterprises": [
        A("region", query={"region": "code"}, lists=True)
    ],
    "safetrain_enterprises_api_get_enterprise": [
        A("enterprise", path={"credit_code": "credit_code"})
    ],
    "safetrain_enterprises_api_list_org_units": [
        A("enterprise", path={"credit_code": "credit_code"})
    ],
    "safetrain_people_api_lookup_person": [
        A("person", body={}, body_values={"id_number": "id_number"})
    ],
    "safetrain_people_api_list_persons": [
        A("enterprise", query={"enterprise": "credit_code"}, lists=True)
    ],
    "safetrain_people_api_get_person": [A("person", path=PERSON)],
    "safetrain_people_api_list_employments": [A("person", path=PERSON)],
    "safetrain_people_api_end_employment": [
        A(
            "employment",
            path={"person_id": "uid", "employment_id": "employment_id"},
            body={"end_date": "2026-01-01"},
        )
    ],
    "safetrain_people_api_change_post": [
        A(
            "employment",
            path={"person_id": "uid", "employment_id": "employment_id"},
            body={"title": "新岗位", "from_date": "2026-01-01"},
        )
    ],
    "safetrain_people_api_record_leave": [
        A(
            "employment",
            path={"person_id": "uid", "employment_id": "employment_id"},
            body={"start_date": "2026-01-01"},
        )
    ],
    "safetrain_certificates_api_ledger_get": [  # rows filtered within the viewer's scope
        A("enterprise", query={"enterprise": "credit_code"}, lists=True),
        A("region", query={"region": "code"}, lists=True),
    ],
    "safetrain_certificates_api_person_certificates": [A("person", path=PERSON)],
    "safetrain_compliance_api_person_compliance": [A("person", path=PERSON)],
    "safetrain_compliance_api_campaign_rates": [
        A("enterprise", query={"enterprise": "credit_code"}),
        A("region", query={"region": "code"}),
    ],
    "safetrain_compliance_api_enterprise_findings": [
        A("enterprise", path={"credit_code": "credit_code"})
    ],
    "safetrain_inspections_api_orders": [
        A("enterprise", query={"enterprise": "credit_code"}, lists=True),
        A("region", query={"region": "code"}, lists=True),
    ],
    "safetrain_inspections_api_penalty_add": [
        A("order", path={"number": "number"}, body={"amount": "100", "basis": "《安全生产法》"})
    ],
    "safetrain_courses_api_enrol_course": [A("course", path={"course_id": "pk"})],
    "safetrain_dashboards_api_person_archive_pdf": [A("person", path=PERSON)],
    "safetrain_dashboards_api_dashboard_numbers": [
        A("enterprise", query={"enterprise": "credit_code"}),
        A("region", query={"region": "code"}),
    ],
    "safetrain_study_api_study_start": [A("lesson", path={"lesson_id": "pk"})],
    "safetrain_study_api_study_heartbeat": [
        A(
            "study_session",
            path={"session_id": "session_id"},
            body={"position_seconds": 5, "visible": True},
        )
    ],
    "safetrain_study_api_study_end": [A("study_session", path={"session_id": "session_id"})],
    "safetrain_study_api_person_hours": [A("person", path=PERSON)],
    "safetrain_study_api_person_xapi": [A("person", path=PERSON)],
    "safetrain_exams_api_attempt_start": [A("exam", path={"exam_id": "pk"})],
    "safetrain_exams_api_answer_save": [
        A(
            "attempt",
            path={"attempt_id": "uid", "question_id": "question_id"},
            body={"answer": ["A"], "seq": 1},
        )
    ],
    "safetrain_exams_api_attempt_submit": [A("attempt", path=ATTEMPT)],
    "safetrain_exams_api_attempt_get": [A("attempt", path=ATTEMPT)],
    "safetrain_exams_api_attempt_event": [A("attempt", path=ATTEMPT, body={"kind": "blur"})],
    "safetrain_classes_api_session_get": [A("session", path={"pk": "pk"})],
    "safetrain_classes_api_plan_progress_get": [
        A("enterprise", query={"enterprise": "credit_code"})
    ],
    "safetrain_classes_api_session_attendance": [A("session", path={"pk": "pk"})],
    "safetrain_compliance_api_enterprise_blocked": [
        A("enterprise", path={"credit_code": "credit_code"})
    ],
    "safetrain_inspections_api_draw_get": [A("draw", path={"draw_id": "pk"})],
    "safetrain_audit_api_unmask_person": [
        A("person", path=PERSON, body={"reason": "核对身份信息"})
    ],
    "safetrain_rescue_api_team_list": [
        A("enterprise", query={"enterprise": "credit_code"}, lists=True)
    ],
    "safetrain_rescue_api_team_get": [A("rescue_team", path={"team_id": "pk"})],
}


def _exam_body(candidates: list[str], **extra: str) -> dict[str, Any]:
    return {
        "title": "越权考试",
        "purpose": "prejob",
        "duration_minutes": 30,
        "opens_at": "2026-01-01T08:00:00+08:00",
        "closes_at": "2026-01-01T10:00:00+08:00",
        "candidates": candidates,
        "rule": [{"count": 1}],
        **extra,
    }


API.update(
    {
        # operations whose body names an object
        "safetrain_people_api_register_person": [
            A(
                "enterprise",
                body_of=lambda o, own: {
                    "id_number": "140502199001011237",
                    "name": "越权登记",
                    "enterprise": o.values["credit_code"],
                    "role_category": "worker",
                    "start_date": "2026-01-01",
                    "post_title": "采煤工",
                },
            )
        ],
        "safetrain_enterprises_api_register_enterprise": [
            A(
                "region",
                body_of=lambda o, own: {
                    "credit_code": "91140581MA0000001X",
                    "name": "越权登记企业",
                    "region": o.values["code"],
                    "sector": "coal_mine",
                },
            )
        ],
        "safetrain_inspections_api_order_issue": [
            A(
                "person",
                body_of=lambda o, own: {
                    "enterprise": o.values["credit_code"],
                    "deadline": "2099-12-31",
                    "items": [{"person": o.values["uid"], "code": "CERT_MISSING"}],
                },
            )
        ],
        "safetrain_exams_api_exam_create": [
            # 422 with fields {"candidates.0": "未找到"} / {"enterprise": "未找到"}: the same
            # answer as for a person or an enterprise that does not exist
            A("person", body_of=lambda o, own: _exam_body([o.values["uid"]]), refused=(422,)),
            A(
                "enterprise",
                body_of=lambda o, own: _exam_body([own["uid"]], enterprise=o.values["credit_code"]),
                refused=(422,),
            ),
        ],
    }
)

API_EXEMPT: dict[str, str] = {
    "safetrain_classes_api_checkin": "QR check-in by the session's signed token; refuses anyone "
    "not on the roster (classes tests)",
}

# Request-body fields that name an object: an operation whose body has one must be classified.
ID_BODY_FIELDS = frozenset(
    {
        "enterprise",
        "region",
        "person",
        "candidates",
        "items",
        "token",
        "id_number",
        "course",
        "session",
        "exam",
    }
)

# Query parameters that name an object: an operation taking one of them must be classified.
ID_QUERY_PARAMS = frozenset(
    {
        "enterprise",
        "region",
        "person",
        "person_id",
        "course",
        "exam",
        "session",
        "certificate",
        "inspection",
        "order",
        "notice",
        "plan",
        "bank",
        "attempt",
        "credit_code",
        "id_number",
        "uid",
    }
)
