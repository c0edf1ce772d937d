"""API shapes for persons, employments, posts and leaves.

ID numbers come in only in request bodies (lookup, registration) and go out only masked; phones
go out masked. A person is named by its opaque uid (`id`).
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from safetrain.catalog.models import EmploymentForm, RoleCategory
from safetrain.people.models import Employment, Leave, Person, Post


class PersonOut(Schema):
    id: str = Field(description="人员的不透明标识（UUID），用于网址")
    name: str
    id_number_masked: str
    phone_masked: str

    @staticmethod
    def of(person: Person) -> PersonOut:
        return PersonOut(
            id=str(person.uid),
            name=person.name,
            id_number_masked=person.id_number_masked,
            phone_masked=person.phone_masked,
        )


class LookupIn(Schema):
    id_number: str = Field(description="18位身份证号（只在请求体中传送）")


class LookupOut(Schema):
    id: str
    name: str
    id_number_masked: str


class EnterpriseRef(Schema):
    credit_code: str
    name: str


class PostOut(Schema):
    id: int
    title: str
    job_type: str | None = Field(description="工种目录中的工种名称；自定义岗位为空")
    operation_code: str | None = Field(description="岗位所需特种作业代码，如 5.4；无则为空")
    operation_name: str | None
    org_unit_path: str = Field(description="部门路径，如 综采车间/一班")
    from_date: dt.date

    @staticmethod
    def of(post: Post) -> PostOut:
        return PostOut(
            id=post.pk,
            title=post.title,
            job_type=post.job_type.name if post.job_type else None,
            operation_code=post.operation_id,
            operation_name=post.operation.name if post.operation else None,
            org_unit_path=post.org_unit.path if post.org_unit else "",
            from_date=post.from_date,
        )


class LeaveOut(Schema):
    id: int
    start_date: dt.date
    end_date: dt.date | None = Field(description="最后一天（含）；仍在离岗为空")

    @staticmethod
    def of(leave: Leave) -> LeaveOut:
        return LeaveOut(id=leave.pk, start_date=leave.start_date, end_date=leave.end_date)


class EmploymentOut(Schema):
    id: int
    enterprise: EnterpriseRef
    role_category: str = Field(description="principal / deputy / safety_manager / worker")
    role_category_label: str
    employment_form: str = Field(
        description="contract / dispatched / temporary / rotating / agreement / intern"
    )
    employment_form_label: str
    start_date: dt.date
    end_date: dt.date | None = Field(description="离职日期（含）；在职为空")
    posts: list[PostOut]
    leaves: list[LeaveOut]

    @staticmethod
    def of(employment: Employment) -> EmploymentOut:
        return EmploymentOut(
            id=employment.pk,
            enterprise=EnterpriseRef(
                credit_code=employment.enterprise.credit_code, name=employment.enterprise.name
            ),
            role_category=employment.role_category,
            role_category_label=employment.get_role_category_display(),
            employment_form=employment.employment_form,
            employment_form_label=employment.get_employment_form_display(),
            start_date=employment.start_date,
            end_date=employment.end_date,
            posts=[PostOut.of(p) for p in employment.posts.all()],
            leaves=[LeaveOut.of(lv) for lv in employment.leaves.all()],
        )


class CurrentEmploymentOut(Schema):
    id: int
    enterprise: EnterpriseRef
    role_category: str
    role_category_label: str
    employment_form: str
    start_date: dt.date
    end_date: dt.date | None
    on_leave: bool = Field(description="今天是否处于离岗期间")
    post: PostOut | None = Field(description="今天所在岗位")

    @staticmethod
    def of(employment: Employment, on: dt.date) -> CurrentEmploymentOut:
        posts = [p for p in employment.posts.all() if p.from_date <= on]
        return CurrentEmploymentOut(
            id=employment.pk,
            enterprise=EnterpriseRef(
                credit_code=employment.enterprise.credit_code, name=employment.enterprise.name
            ),
            role_category=employment.role_category,
            role_category_label=employment.get_role_category_display(),
            employment_form=employment.employment_form,
            start_date=employment.start_date,
            end_date=employment.end_date,
            on_leave=any(
                lv.start_date <= on and (lv.end_date is None or on <= lv.end_date)
                for lv in employment.leaves.all()
            ),
            post=PostOut.of(max(posts, key=lambda p: p.from_date)) if posts else None,
        )


class PersonDetailOut(PersonOut):
    current_employment: CurrentEmploymentOut | None = Field(
        description="今天（北京时间）的在职任职；未在职为空"
    )


class PostIn(Schema):
    title: str = Field(min_length=1, max_length=64, description="岗位名称（自由填写）")
    job_type: str | None = Field(
        None, description="工种目录中的工种名称；为空时岗位名称若在目录中也会关联"
    )
    operation_code: str | None = Field(
        None,
        description="岗位所需特种作业代码；为空取工种默认，“无”表示不需要",
    )
    department: str = Field("", description="部门路径，如 综采车间/一班；不存在时自动建立")


class PersonRegisterIn(Schema):
    id_number: str = Field(description="18位身份证号")
    name: str = Field(min_length=1, max_length=64)
    phone: str = Field("", description="11位手机号，可空")
    enterprise: str = Field(description="任职企业的统一社会信用代码")
    role_category: RoleCategory
    employment_form: EmploymentForm = EmploymentForm.CONTRACT
    start_date: dt.date = Field(description="入职日期")
    post_title: str = Field(min_length=1, max_length=64, description="岗位名称（自由填写）")
    job_type: str | None = Field(None, description="工种目录中的工种名称")
    operation_code: str | None = Field(
        None, description="岗位所需特种作业代码；为空取工种默认，“无”表示不需要"
    )
    department: str = Field("", description="部门路径，如 综采车间/一班")


class PersonRegisteredOut(Schema):
    person: PersonOut
    employment: EmploymentOut


class EmploymentEndIn(Schema):
    end_date: dt.date = Field(description="离职日期（最后一天，含）")


class PostChangeIn(PostIn):
    from_date: dt.date = Field(description="新岗位的起始日期（须晚于入职日期）")


class LeaveIn(Schema):
    start_date: dt.date
    end_date: dt.date | None = Field(None, description="最后一天（含）；仍在离岗留空")
