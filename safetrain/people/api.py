"""Persons and employments over the API. Every read goes through the scoped selectors.

ID numbers never appear in a URL: a person is found with POST /persons/lookup (the number in the
body) and then named by its opaque uid. "Unknown" and "outside your jurisdiction" give the same
404, so the API does not reveal whether someone exists elsewhere.
"""

from __future__ import annotations

from typing import Any, cast

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router, Status

from safetrain.catalog.selectors import job_type_find, operation_list
from safetrain.core.dates import today
from safetrain.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from safetrain.core.identifiers import InvalidIdentifier, looks_like_id_number, normalize_id_number
from safetrain.core.pagination import Page, PageParams, paginate
from safetrain.enterprises.api import get_visible_enterprise
from safetrain.enterprises.models import Enterprise
from safetrain.enterprises.services import org_unit_ensure
from safetrain.people.models import Employment, Person, User
from safetrain.people.schemas import (
    CurrentEmploymentOut,
    EmploymentEndIn,
    EmploymentOut,
    LeaveIn,
    LeaveOut,
    LookupIn,
    LookupOut,
    PersonDetailOut,
    PersonOut,
    PersonRegisteredOut,
    PersonRegisterIn,
    PostChangeIn,
    PostOut,
)
from safetrain.people.selectors import (
    active_employment,
    employment_form_param,
    employment_get,
    person_employments,
    person_get,
    person_list,
    person_lookup,
)
from safetrain.people.services import (
    PostSpec,
    employment_end,
    employment_start,
    leave_record,
    person_register,
    post_change,
)

router = Router(tags=["persons 人员"])

# Who may register people and change employments (the services also check the enterprise scope).
ROSTER_ROLES = ("city_admin", "county_admin", "enterprise_admin")
NOT_FOUND = "人员不存在或不在您的辖区内"
NO_OPERATION = {"无", "none", "-"}


def _viewer(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _require_roster_role(viewer: User) -> None:
    if not (viewer.is_superuser or viewer.role in ROSTER_ROLES):
        raise NotAllowed("只有市局、县局和企业管理员可以登记人员和任职变动")


def _person(viewer: User, person_id: str) -> Person:
    person = person_get(viewer=viewer, uid=person_id)
    if person is None:
        raise NotFound(NOT_FOUND)
    return person


def _employment(viewer: User, person: Person, employment_id: int) -> Employment:
    employment = employment_get(viewer=viewer, person=person, employment_id=employment_id)
    if employment is None:
        raise NotFound("任职记录不存在或不在您的管理范围内")
    return employment


def _post_spec(
    enterprise: Enterprise,
    *,
    title: str,
    job_type: str | None,
    operation_code: str | None,
    department: str,
    title_field: str = "title",
) -> PostSpec:
    """Resolve the catalogue links of a post (job type, operation) and its org unit."""
    title = title.strip()
    if not title:
        raise ValidationFailed("岗位名称不能为空", fields={title_field: "必填"})
    jt = None
    if job_type and job_type.strip():
        jt = job_type_find(job_type, sector=enterprise.sector_id)
        if jt is None:
            raise ValidationFailed(
                f"工种目录中没有“{job_type.strip()}”", fields={"job_type": "未知工种"}
            )
    else:
        jt = job_type_find(title, sector=enterprise.sector_id)
    code = (operation_code or "").strip()
    if code.lower() in NO_OPERATION:
        operation = None
    elif code:
        operation = operation_list().filter(code=code).first()
        if operation is None:
            raise ValidationFailed(
                f"未知特种作业代码 {code}", fields={"operation_code": "不在特种作业目录中"}
            )
    else:
        operation = jt.operation if jt else None
    org_unit = org_unit_ensure(enterprise=enterprise, path=department) if department else None
    return PostSpec(title=title, job_type=jt, operation=operation, org_unit=org_unit)


def _employment_out(viewer: User, person: Person, employment_id: int) -> EmploymentOut:
    return EmploymentOut.of(_employment(viewer, person, employment_id))


# ------------------------------------------------------------------------------ reads


@router.post(
    "/persons/lookup", response=LookupOut, summary="按身份证号查找人员（号码只在请求体中）"
)
def lookup_person(request: HttpRequest, payload: LookupIn) -> LookupOut:
    try:
        normalize_id_number(payload.id_number)
    except InvalidIdentifier as exc:
        raise ValidationFailed(str(exc), fields={"id_number": str(exc)}) from exc
    person = person_lookup(viewer=_viewer(request), id_number=payload.id_number)
    if person is None:
        raise NotFound(NOT_FOUND)
    return LookupOut(id=str(person.uid), name=person.name, id_number_masked=person.id_number_masked)


@router.get("/persons", response=Page[PersonOut], summary="人员列表（辖区内，仅脱敏信息）")
def list_persons(
    request: HttpRequest,
    paging: Query[PageParams],
    q: str = "",
    enterprise: str | None = None,
    form: str = "",
) -> dict[str, Any]:
    """`form`: an employment form (用工形式, code or Chinese label): persons whose employment
    active today has it (at `enterprise` when given)."""
    viewer = _viewer(request)
    form = employment_form_param(form, strict=True)
    if looks_like_id_number(q):
        raise ValidationFailed(
            "身份证号不能出现在网址中，请使用 POST /api/v1/persons/lookup",
            fields={"q": "请勿在查询参数中使用身份证号"},
        )
    enterprise_id = get_visible_enterprise(viewer, enterprise).pk if enterprise else None
    rows = person_list(viewer=viewer, search=q, enterprise_id=enterprise_id, form=form)
    return paginate(rows, paging, PersonOut.of)


@router.get("/persons/{person_id}", response=PersonDetailOut, summary="人员详情")
def get_person(request: HttpRequest, person_id: str) -> PersonDetailOut:
    person = _person(_viewer(request), person_id)
    on = today()
    current = active_employment(person, on)
    return PersonDetailOut(
        **PersonOut.of(person).model_dump(),
        current_employment=CurrentEmploymentOut.of(current, on) if current else None,
    )


@router.get(
    "/persons/{person_id}/employments",
    response=list[EmploymentOut],
    summary="终身任职履历（企业、类别、岗位、离岗）",
)
def list_employments(request: HttpRequest, person_id: str) -> list[EmploymentOut]:
    person = _person(_viewer(request), person_id)
    return [EmploymentOut.of(e) for e in person_employments(person=person)]


# ------------------------------------------------------------------------------ writes


@router.post(
    "/persons",
    response={201: PersonRegisteredOut},
    summary="登记人员并建立任职（企业、县局、市局管理员）",
)
def register_person(request: HttpRequest, payload: PersonRegisterIn) -> Status[PersonRegisteredOut]:
    viewer = _viewer(request)
    _require_roster_role(viewer)
    enterprise = get_visible_enterprise(viewer, payload.enterprise)
    # Whether the caller could already see this person decides how much a conflict may say.
    known = person_lookup(viewer=viewer, id_number=payload.id_number) is not None
    try:
        with transaction.atomic():
            person = person_register(
                actor=viewer,
                id_number=payload.id_number,
                name=payload.name,
                phone=payload.phone,
                source="api",
            )
            post = _post_spec(
                enterprise,
                title=payload.post_title,
                job_type=payload.job_type,
                operation_code=payload.operation_code,
                department=payload.department,
                title_field="post_title",
            )
            employment = employment_start(
                actor=viewer,
                person=person,
                enterprise=enterprise,
                role_category=payload.role_category,
                employment_form=payload.employment_form,
                start_date=payload.start_date,
                post=post,
                source="api",
            )
    except Conflict as exc:
        if known:
            raise
        # Do not reveal another jurisdiction's data (the registered name, the other employer).
        raise Conflict(
            "该身份证号的已登记信息与本次登记冲突（姓名不一致或任职期间重叠），请核实后联系其所在辖区的管理部门",
            fields={k: "冲突" for k in exc.fields},
        ) from exc
    return Status(
        201,
        PersonRegisteredOut(
            person=PersonOut.of(person),
            employment=_employment_out(viewer, person, employment.pk),
        ),
    )


@router.post(
    "/persons/{person_id}/employments/{employment_id}/end",
    response=EmploymentOut,
    summary="离职（结束任职）",
)
def end_employment(
    request: HttpRequest, person_id: str, employment_id: int, payload: EmploymentEndIn
) -> EmploymentOut:
    viewer = _viewer(request)
    _require_roster_role(viewer)
    person = _person(viewer, person_id)
    employment = _employment(viewer, person, employment_id)
    employment_end(actor=viewer, employment=employment, end_date=payload.end_date, source="api")
    return _employment_out(viewer, person, employment.pk)


@router.post(
    "/persons/{person_id}/employments/{employment_id}/posts",
    response={201: PostOut},
    summary="岗位变动",
)
def change_post(
    request: HttpRequest, person_id: str, employment_id: int, payload: PostChangeIn
) -> Status[PostOut]:
    viewer = _viewer(request)
    _require_roster_role(viewer)
    person = _person(viewer, person_id)
    employment = _employment(viewer, person, employment_id)
    with transaction.atomic():
        spec = _post_spec(
            employment.enterprise,
            title=payload.title,
            job_type=payload.job_type,
            operation_code=payload.operation_code,
            department=payload.department,
        )
        post = post_change(
            actor=viewer,
            employment=employment,
            from_date=payload.from_date,
            post=spec,
            source="api",
        )
    return Status(201, PostOut.of(post))


@router.post(
    "/persons/{person_id}/employments/{employment_id}/leaves",
    response={201: LeaveOut},
    summary="离岗登记",
)
def record_leave(
    request: HttpRequest, person_id: str, employment_id: int, payload: LeaveIn
) -> Status[LeaveOut]:
    viewer = _viewer(request)
    _require_roster_role(viewer)
    person = _person(viewer, person_id)
    employment = _employment(viewer, person, employment_id)
    leave = leave_record(
        actor=viewer,
        employment=employment,
        start_date=payload.start_date,
        end_date=payload.end_date,
        source="api",
    )
    return Status(201, LeaveOut.of(leave))
