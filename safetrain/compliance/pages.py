"""Reads behind the compliance pages, shaped for display (scoped through the people and
enterprise selectors; templates get plain values and hold no queries).

- the "can I work today?" card of one person on any day (``card_for``)
- an enterprise's work clearance for a day (``enterprise_control``): its own findings, the
  blocked persons by reason, the list of those who must not be scheduled; today's from the
  PersonStatus cache when it is fresh for the whole enterprise, else from the engine — in a
  fixed number of queries either way
- the to-do lists (``person_todos``, ``enterprise_todos``)
- the archive section (``archive_section``)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from django.db.models import Count, Q

from safetrain.catalog.models import EmploymentForm
from safetrain.compliance.domain import IN_POST, NOT_EMPLOYED, ON_LEAVE, Evaluation, Finding
from safetrain.compliance.engine import Scope, active_employments, evaluate_enterprise
from safetrain.compliance.evaluation import evaluate_facts
from safetrain.compliance.facts import load_person_facts
from safetrain.compliance.history import History, history_from_facts
from safetrain.compliance.models import PersonStatus, TodoItem
from safetrain.compliance.policy import POLICY_DIR, load_policies
from safetrain.core import dates
from safetrain.enterprises.models import Enterprise
from safetrain.people.models import Person, User

STATUS_LABELS = {IN_POST: "在岗", ON_LEAVE: "离岗", NOT_EMPLOYED: "未在职"}
STATUS_REASONS = {
    ON_LEAVE: "目前处于离岗期间，离岗期间不得上岗；返岗后如离岗满 3 个月，须先完成复岗培训和考试。",
    NOT_EMPLOYED: "目前没有在职的任职记录，不能安排上岗。",
}
ROLE_LABELS = {
    "principal": "主要负责人",
    "deputy": "分管负责人",
    "safety_manager": "安全生产管理人员",
    "worker": "一线操作人员",
}
LEVEL_LABELS = {"company": "公司级", "workshop": "车间级", "team": "班组级"}
CERT_LABELS = {
    "special_operation": "特种作业操作证",
    "safety_management": "安全生产知识和管理能力考核合格证",
}
INCIDENT_LABELS = {
    "fatal": "死亡事故",
    "major_hidden_danger": "重大事故隐患",
    "repeated_larger_hidden_danger": "较大事故隐患",
}
DETAIL_LABELS = {
    "required_hours": "应完成学时",
    "done_hours": "已完成学时",
    "missing_levels": "缺少的培训层级",
    "employment_start": "入职日期",
    "window_start": "计入起始日",
    "window_end": "计入截止日",
    "violation_date": "三违日期",
    "exam_passed": "考试",
    "training_done": "培训",
    "leave_start": "离岗开始",
    "leave_end": "离岗结束",
    "changed_on": "岗位变动日",
    "post": "新岗位",
    "incident_date": "事故/隐患日期",
    "incident_type": "类型",
    "enterprise": "企业",
    "role": "当时职务",
    "needed_type": "所需证书",
    "needed_operation": "所需作业类别",
    "held_operations": "已持作业类别",
    "number": "证书编号",
    "valid_until": "有效期至",
    "review_due": "复审日期",
    "revoked": "已吊销",
    "grace_until": "取证期限",
    "days_to_expiry": "距到期（天）",
    "days_to_review": "距复审（天）",
    "year": "年度",
    "pending_changes": "未完成的岗位变动",
    "pending_incidents": "未完成的事故后培训",
    "requirements": "涉及的持证要求",
}
BOOL_TEXT = {
    "exam_passed": ("已合格", "未合格"),
    "training_done": ("已完成", "未完成"),
    "revoked": ("是", "否"),
}


def code_label(code: str, on: dt.date | None = None) -> str:
    policy = load_policies(POLICY_DIR).for_date(on or dates.today())
    try:
        return policy.meta(code).label
    except KeyError:
        return code


def _detail_value(key: str, value: Any) -> str:
    if key in BOOL_TEXT:
        yes, no = BOOL_TEXT[key]
        return yes if value else no
    if value is None or value == "" or value == []:
        return "—"
    if key == "missing_levels":
        return "、".join(LEVEL_LABELS.get(v, v) for v in value)
    if key == "needed_type":
        return CERT_LABELS.get(str(value), str(value))
    if key == "incident_type":
        return INCIDENT_LABELS.get(str(value), str(value))
    if key == "role":
        return ROLE_LABELS.get(str(value), str(value))
    if key == "held_operations":
        return "、".join(str(v) or "—" for v in value)
    if key == "pending_changes" and isinstance(value, list):
        return "；".join(f"{c.get('changed_on')} {c.get('post', '')}".strip() for c in value)
    if key == "pending_incidents" and isinstance(value, list):
        return "；".join(
            f"{c.get('incident_date')} {INCIDENT_LABELS.get(str(c.get('incident_type')), '')}"
            for c in value
        )
    if key == "requirements" and isinstance(value, list):
        return "；".join(
            f"{c.get('needed_operation') or ''} {CERT_LABELS.get(str(c.get('needed_type')), '')}".strip()
            for c in value
        )
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def detail_rows(detail: dict[str, Any]) -> list[tuple[str, str]]:
    """The numbers behind a finding as (label, value) pairs, in a stable readable order."""
    rows = []
    for key, label in DETAIL_LABELS.items():
        if key in detail:
            rows.append((label, _detail_value(key, detail[key])))
    return rows


@dataclass
class FindingView:
    code: str
    label: str
    blocking: bool
    basis: str
    remedy: str
    detail: list[tuple[str, str]]


@dataclass
class Card:
    person: Person
    as_of: dt.date
    today: bool
    status: str
    status_label: str
    may_work: bool
    enterprise: Enterprise | None
    reason: str  # why, when not in post
    findings: list[FindingView]
    policy_version: str

    @property
    def blocking(self) -> list[FindingView]:
        return [f for f in self.findings if f.blocking]

    @property
    def reminders(self) -> list[FindingView]:
        return [f for f in self.findings if not f.blocking]


def finding_views(findings: tuple[Finding, ...] | list[Finding], on: dt.date) -> list[FindingView]:
    views = [
        FindingView(
            code=f.code,
            label=code_label(f.code, on),
            blocking=f.blocking,
            basis=f.basis,
            remedy=f.remedy,
            detail=detail_rows(f.detail),
        )
        for f in findings
    ]
    return sorted(views, key=lambda v: not v.blocking)  # stable: blocking first, rule order


def card_from(person: Person, ev: Evaluation, enterprise: Enterprise | None) -> Card:
    return Card(
        person=person,
        as_of=ev.as_of,
        today=ev.as_of == dates.today(),
        status=ev.status,
        status_label=STATUS_LABELS.get(ev.status, ev.status),
        may_work=ev.may_work,
        enterprise=enterprise,
        reason=STATUS_REASONS.get(ev.status, ""),
        findings=finding_views(ev.findings, ev.as_of),
        policy_version=ev.policy_version,
    )


def _enterprise(code: str | None) -> Enterprise | None:
    return Enterprise.objects.filter(credit_code=code).first() if code else None


def card_for(person: Person, on: dt.date | None = None) -> Card:
    """The card of a person the caller may already see (via people.selectors.person_get)."""
    on = on or dates.today()
    facts = load_person_facts([person.pk], on)[person.pk]
    ev = evaluate_facts(facts, load_policies(POLICY_DIR).for_date(on), on)
    return card_from(person, ev, _enterprise(ev.enterprise))


# ------------------------------------------------------------------------ enterprise control


@dataclass
class BlockedRow:
    person: Person
    role: str
    post: str
    findings: list[FindingView]
    form: str = ""  # the employment form (用工形式) code

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    @property
    def form_label(self) -> str:
        return str(EmploymentForm(self.form).label) if self.form else ""


@dataclass
class Control:
    enterprise: Enterprise
    on: dt.date
    source: str  # "materialized" (the PersonStatus cache) or "records" (the engine)
    in_post: int
    on_leave: int
    enterprise_findings: list[FindingView]
    by_code: list[tuple[str, str, int]]  # (code, label, persons)
    rows: list[BlockedRow] = field(default_factory=list)

    @property
    def blocked(self) -> int:
        return len(self.rows)


def _from_cache(enterprise: Enterprise, on: dt.date) -> tuple[list[int], int, int] | None:
    """(blocked in-post person ids, in post, on leave) from PersonStatus, or None when the
    cache is not fresh for this enterprise today (a row of another day, or a person employed
    today without a row). Three queries."""
    rows = PersonStatus.objects.filter(enterprise=enterprise)
    agg = rows.aggregate(
        stale=Count("id", filter=~Q(as_of=on)),
        employed=Count("id", filter=~Q(status=NOT_EMPLOYED)),
        in_post=Count("id", filter=Q(status=IN_POST)),
        on_leave=Count("id", filter=Q(status=ON_LEAVE)),
    )
    if (
        agg["stale"]
        or agg["employed"] != active_employments(Scope.for_enterprise(enterprise), on).count()
    ):
        return None
    blocked = list(
        rows.filter(status=IN_POST, may_work=False)
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    return blocked, agg["in_post"], agg["on_leave"]


def enterprise_control(
    enterprise: Enterprise, on: dt.date | None = None, *, code: str = "", form: str = ""
) -> Control:
    """Work clearance of an enterprise the caller may see (enterprises.selectors.enterprise_get).
    `code` narrows the list to one finding, `form` to one employment form (用工形式); the
    counts above the list stay the enterprise's.

    Persons in post with may_work false must not be scheduled. A fixed number of queries,
    whatever the number of persons (query-count test in tests/test_views.py)."""
    from safetrain.compliance.engine import evaluate_persons

    today = dates.today()
    on = on or today
    cached = _from_cache(enterprise, on) if on == today else None
    evaluations: dict[int, Evaluation]
    if cached is not None:
        blocked_ids, in_post, on_leave = cached
        evaluations = dict(evaluate_persons(blocked_ids, on)) if blocked_ids else {}
        source = "materialized"
    else:
        ids = sorted(
            set(
                active_employments(Scope.for_enterprise(enterprise), on).values_list(
                    "person_id", flat=True
                )
            )
        )
        all_evs = dict(evaluate_persons(ids, on)) if ids else {}
        in_post = sum(1 for ev in all_evs.values() if ev.status == IN_POST)
        on_leave = sum(1 for ev in all_evs.values() if ev.status == ON_LEAVE)
        evaluations = {
            pid: ev for pid, ev in all_evs.items() if ev.status == IN_POST and not ev.may_work
        }
        source = "records"
    # a person whose cached row said blocked but who is cleared by now is left out
    blocked = {
        pid: ev for pid, ev in evaluations.items() if ev.status == IN_POST and not ev.may_work
    }
    counter: Counter[str] = Counter()
    for ev in blocked.values():
        counter.update(ev.blocking_codes)
    by_code = [(c, code_label(c, on), n) for c, n in sorted(counter.items(), key=lambda x: -x[1])]
    shown = [pid for pid, ev in blocked.items() if not code or code in ev.blocking_codes]
    posts: dict[int, tuple[str, str, str]] = {}
    if shown:
        emps = active_employments(Scope.for_enterprise(enterprise), on).filter(person_id__in=shown)
        if form:
            emps = emps.filter(employment_form=form)
        for emp in emps.prefetch_related("posts"):
            held = sorted(
                (p for p in emp.posts.all() if p.from_date <= on), key=lambda p: p.from_date
            )
            posts[emp.person_id] = (
                emp.role_category,
                held[-1].title if held else "",
                emp.employment_form,
            )
        if form:
            shown = [pid for pid in shown if pid in posts]
    persons = {p.pk: p for p in Person.objects.filter(pk__in=shown)} if shown else {}
    rows = [
        BlockedRow(
            person=persons[pid],
            role=ROLE_LABELS.get(posts.get(pid, ("", "", ""))[0], ""),
            post=posts.get(pid, ("", "", ""))[1],
            findings=[f for f in finding_views(blocked[pid].findings, on) if f.blocking],
            form=posts.get(pid, ("", "", ""))[2],
        )
        for pid in shown
        if pid in persons
    ]
    rows.sort(key=lambda r: (r.person.name, r.person.pk))
    return Control(
        enterprise=enterprise,
        on=on,
        source=source,
        in_post=in_post,
        on_leave=on_leave,
        enterprise_findings=finding_views(evaluate_enterprise(enterprise, on), on),
        by_code=by_code,
        rows=rows,
    )


EXPORT_HEADERS = [
    "序号",
    "姓名",
    "身份证号",
    "人员类别",
    "岗位",
    "用工形式",
    "不得上岗原因",
    "整改要求",
    "依据",
]


def control_workbook(control: Control) -> bytes:
    """The must-not-be-scheduled list as an .xlsx (openpyxl)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "今日不得安排上岗"
    ws.append(EXPORT_HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for n, row in enumerate(control.rows, start=1):
        ws.append(
            [
                n,
                row.person.name,
                row.person.id_number_masked,
                row.role,
                row.post,
                row.form_label,
                "；".join(f.label for f in row.findings),
                "；".join(f.remedy for f in row.findings),
                "；".join(f.basis for f in row.findings),
            ]
        )
    for col, width in zip("ABCDEFGHI", (6, 10, 22, 16, 18, 10, 36, 48, 60), strict=True):
        ws.column_dimensions[col].width = width
    for r in ws.iter_rows(min_row=2):
        for cell in r:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    info = wb.create_sheet("说明")
    info.append(["企业", control.enterprise.name])
    info.append(["统一社会信用代码", control.enterprise.credit_code])
    info.append(["日期", control.on.isoformat()])
    info.append(["在岗人数", control.in_post])
    info.append(["不得安排上岗人数", control.blocked])
    info.append(["说明", "在岗且存在阻断项（may_work = 否）的人员，整改完成前不得安排上岗。"])
    info.column_dimensions["A"].width = 18
    info.column_dimensions["B"].width = 60
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------------------- to-dos


@dataclass
class TodoGroup:
    kind: str
    kind_label: str
    codes: list[tuple[str, str, list[TodoItem]]]  # (code, label, items)

    @property
    def count(self) -> int:
        return sum(len(items) for _, _, items in self.codes)


def person_todos(person: Person) -> tuple[list[TodoItem], list[TodoItem]]:
    """(open items, the 20 most recently cleared) of a person the caller may see."""
    items = list(TodoItem.objects.filter(person=person).order_by("-created_on", "-id"))
    open_items = [i for i in items if i.cleared_on is None]
    cleared = sorted(
        (i for i in items if i.cleared_on is not None),
        key=lambda i: (i.cleared_on, i.pk),
        reverse=True,
    )[:20]
    return open_items, cleared


def enterprise_todos(
    enterprise: Enterprise, *, form: str = ""
) -> tuple[list[TodoGroup], list[TodoItem]]:
    """Open items of an enterprise grouped by kind, then finding; and the 30 latest cleared.
    `form` keeps the persons whose employment there today has that employment form (用工形式).
    Three queries."""
    base = TodoItem.objects.filter(enterprise=enterprise)
    if form:
        from safetrain.people.selectors import employed_with_form

        base = base.filter(
            person_id__in=employed_with_form(
                form=form, on=dates.today(), enterprise_id=enterprise.pk
            )
        )
    items = list(
        base.filter(cleared_on__isnull=True)
        .select_related("person")
        .order_by("code", "created_on", "person__name", "id")
    )
    groups = []
    for kind, kind_label in TodoItem.Kind.choices:
        by_code: dict[str, list[TodoItem]] = {}
        for item in items:
            if item.kind == kind:
                by_code.setdefault(item.code, []).append(item)
        if by_code:
            groups.append(
                TodoGroup(
                    kind=str(kind),
                    kind_label=str(kind_label),
                    codes=[(c, code_label(c), rows) for c, rows in by_code.items()],
                )
            )
    cleared = list(
        base.filter(cleared_on__isnull=False)
        .select_related("person")
        .order_by("-cleared_on", "-id")[:30]
    )
    return groups, cleared


# ------------------------------------------------------------------------------ archive


@dataclass
class ArchiveView:
    card: Card
    history: History
    todos: list[TodoItem]


def archive_view(person: Person, on: dt.date | None = None) -> ArchiveView:
    """Today's card, the blocking history and the to-dos from ONE load of the facts."""
    on = on or dates.today()
    facts = load_person_facts([person.pk], on)[person.pk]
    ev = evaluate_facts(facts, load_policies(POLICY_DIR).for_date(on), on)
    return ArchiveView(
        card=card_from(person, ev, _enterprise(ev.enterprise)),
        history=history_from_facts(facts, on),
        todos=list(TodoItem.objects.filter(person=person).order_by("-created_on", "-id")[:100]),
    )


def archive_section(person: Person, viewer: User) -> tuple[str, str, dict[str, Any]]:
    """The archive's 合规状态与历史 section (registered in ComplianceConfig.ready())."""
    return (
        "合规状态与历史",
        "compliance/archive_section.html",
        {"view": archive_view(person), "can_time_travel": viewer.role != "worker"},
    )


def enterprise_section(enterprise: Enterprise, viewer: User) -> tuple[str, str, dict[str, Any]]:
    """The enterprise page's work-clearance summary (today's own findings and a link)."""
    return (
        "上岗管控",
        "compliance/enterprise_section.html",
        {"findings": finding_views(evaluate_enterprise(enterprise), dates.today())},
    )
