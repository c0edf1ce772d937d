"""Remedial assignment (issue 4 item 7): blocking findings → training and exam to-dos.

``todo_sync(person_ids)`` compares each person's blocking findings today with their open
TodoItems and writes the difference in bulk (a fixed number of queries per call, whatever the
number of persons): a new need creates an item, a changed need (fewer hours missing, another
enterprise) updates it, a need that is gone marks the item cleared (kept for the archive).
Running it twice changes nothing. It runs inside ``services.refresh_persons`` with the
evaluations just computed, so every refresh of the materialized status (a record written,
``safetrain compliance recompute``) also syncs the to-dos.

Which findings ask for what (``needs_for``):

- VIOLATION_RETRAINING_PENDING → 三违脱产培训 (the missing 学时) and 三违考试
- RETURN_TRAINING_PENDING → 复岗培训 and 复岗考试
- TRANSFER_TRAINING_PENDING → 转岗培训 and 转岗考试
- ACCIDENT_RETRAINING_PENDING → 安全生产知识和管理能力培训 and 管理能力考核
- PREJOB_TRAINING_MISSING → 岗前三级培训; PREJOB_EXAM_MISSING → 岗前考试
- CERT_MISSING / CERT_JOB_MISMATCH / CERT_EXPIRED → 取证培训 and 取证考核;
  CERT_REVIEW_OVERDUE → 复审培训 and 复审考试

Where the finding's detail tells that one part is already done (the exam passed but hours
short, or the other way round), only the missing part is open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from safetrain.compliance.domain import IN_POST, NOT_EMPLOYED, Evaluation, Finding
from safetrain.compliance.models import TodoItem
from safetrain.core import dates
from safetrain.enterprises.models import Enterprise

TRAINING = TodoItem.Kind.TRAINING.value
EXAM = TodoItem.Kind.EXAM.value

TODO_CODES = frozenset(
    {
        "VIOLATION_RETRAINING_PENDING",
        "RETURN_TRAINING_PENDING",
        "TRANSFER_TRAINING_PENDING",
        "ACCIDENT_RETRAINING_PENDING",
        "PREJOB_TRAINING_MISSING",
        "PREJOB_EXAM_MISSING",
        "CERT_MISSING",
        "CERT_JOB_MISMATCH",
        "CERT_EXPIRED",
        "CERT_REVIEW_OVERDUE",
    }
)
CLEARED_DONE = "已完成（发现项解除或该项已完成）"
CLEARED_LEFT = "已离职，不再跟踪"

_LEVELS = {"company": "公司级", "workshop": "车间级", "team": "班组级"}
_CERTS = {
    "special_operation": "特种作业操作证",
    "safety_management": "安全生产知识和管理能力考核合格证",
}
_INCIDENTS = {
    "fatal": "死亡事故",
    "major_hidden_danger": "重大事故隐患",
    "repeated_larger_hidden_danger": "较大事故隐患",
}


def _h(value: Any) -> str:
    try:
        return f"{float(value):.1f}"
    except (TypeError, ValueError):
        return str(value)


def _needed_cert(detail: dict[str, Any]) -> str:
    first = detail["requirements"][0] if "requirements" in detail else detail
    name = _CERTS.get(str(first.get("needed_type")), "证书")
    op = first.get("needed_operation")
    return f"{op} {name}" if op else name


def needs_for(finding: Finding) -> list[tuple[str, str]]:
    """The (kind, needed) pairs a blocking finding puts on the to-do lists; [] for others."""
    code, d = finding.code, finding.detail
    if code not in TODO_CODES:
        return []
    out: list[tuple[str, str]] = []
    if code == "VIOLATION_RETRAINING_PENDING":
        required = float(d.get("required_hours", 24))
        done = float(d.get("done_hours", 0))
        if done < required:
            out.append(
                (
                    TRAINING,
                    f"三违脱产培训 {_h(required)} 学时（已 {_h(done)} 学时，"
                    f"还差 {_h(required - done)} 学时；三违日期 {d.get('violation_date', '')}）",
                )
            )
        if not d.get("exam_passed"):
            out.append((EXAM, f"三违考试并合格（{d.get('violation_date', '')} 之后）"))
    elif code == "RETURN_TRAINING_PENDING":
        away = f"离岗 {d.get('leave_start', '')} 至 {d.get('leave_end', '')}"
        if not d.get("training_done"):
            out.append((TRAINING, f"复岗安全培训（{away}）"))
        if not d.get("exam_passed"):
            out.append((EXAM, f"复岗考试并合格（{away}）"))
    elif code == "TRANSFER_TRAINING_PENDING":
        post = f"岗位变动日 {d.get('changed_on', '')}" + (f"，{d['post']}" if d.get("post") else "")
        if not d.get("training_done"):
            out.append((TRAINING, f"转岗安全培训（{post}）"))
        if not d.get("exam_passed"):
            out.append((EXAM, f"转岗考试并合格（{post}）"))
    elif code == "ACCIDENT_RETRAINING_PENDING":
        what = f"{d.get('incident_date', '')} {_INCIDENTS.get(str(d.get('incident_type')), '')}"
        if not d.get("training_done"):
            out.append((TRAINING, f"事故后重新参加安全生产知识和管理能力培训（{what.strip()}）"))
        if not d.get("exam_passed"):
            out.append((EXAM, f"安全生产知识和管理能力考核并合格（{what.strip()}）"))
    elif code == "PREJOB_TRAINING_MISSING":
        text = (
            f"岗前三级安全培训 {_h(d.get('required_hours', ''))} 学时"
            f"（已 {_h(d.get('done_hours', 0))} 学时"
        )
        missing = [_LEVELS.get(lv, lv) for lv in d.get("missing_levels", [])]
        if missing:
            text += f"，缺{'、'.join(missing)}"
        out.append((TRAINING, text + "）"))
    elif code == "PREJOB_EXAM_MISSING":
        out.append((EXAM, "岗前安全考试并合格"))
    elif code == "CERT_REVIEW_OVERDUE":
        number = d.get("number") or (d.get("requirements") or [{}])[0].get("number", "")
        out.append((TRAINING, f"证书复审培训（证书 {number}）"))
        out.append((EXAM, f"证书复审考试并合格（证书 {number}）"))
    else:  # CERT_MISSING, CERT_JOB_MISMATCH, CERT_EXPIRED
        needed = _needed_cert(d)
        out.append((TRAINING, f"{needed}取证培训"))
        out.append((EXAM, f"{needed}考核并取证"))
    return out


@dataclass(frozen=True)
class Need:
    person_id: int
    code: str
    kind: str
    needed: str
    detail: dict[str, Any]
    enterprise: str | None  # credit code


def _needs(evaluations: Iterable[tuple[int, Evaluation]]) -> dict[tuple[int, str, str], Need]:
    out: dict[tuple[int, str, str], Need] = {}
    for pid, ev in evaluations:
        if ev.status != IN_POST:
            continue
        for finding in ev.findings:
            if not finding.blocking:
                continue
            for kind, needed in needs_for(finding):
                out[(pid, finding.code, kind)] = Need(
                    pid, finding.code, kind, needed[:255], dict(finding.detail), ev.enterprise
                )
    return out


_INSERT_COLUMNS = [
    "person_id",
    "enterprise_id",
    "code",
    "kind",
    "needed",
    "detail",
    "created_on",
    "cleared_note",
]


def _insert(items: list[TodoItem]) -> None:
    """One executemany INSERT (bulk_create's per-object work dominated a city-wide recompute);
    values are prepared by the model fields themselves."""
    meta = TodoItem._meta
    fields: list[Any] = [meta.get_field(c.removesuffix("_id")) for c in _INSERT_COLUMNS]
    q = connection.ops.quote_name
    sql = (
        f"INSERT INTO {q(meta.db_table)} ({', '.join(q(c) for c in _INSERT_COLUMNS)}) "
        f"VALUES ({', '.join(['%s'] * len(_INSERT_COLUMNS))})"
    )
    rows = [
        tuple(
            f.get_db_prep_save(getattr(item, c), connection)
            for f, c in zip(fields, _INSERT_COLUMNS, strict=True)
        )
        for item in items
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def todo_sync(
    person_ids: Iterable[int],
    *,
    on: dt.date | None = None,
    evaluations: Iterable[tuple[int, Evaluation]] | None = None,
) -> dict[str, int]:
    """Bring these persons' to-dos in line with their findings on `on` (default today).

    ``evaluations`` (person id, Evaluation) are used when given (refresh_persons passes the
    ones it just computed), else the persons are evaluated here. Persons on leave keep their
    open items as they are (findings are not evaluated while away, and the work is still due
    when they come back); persons no longer employed have them closed. Returns counts of
    created, updated and cleared items."""
    on = on or dates.today()
    ids = sorted({int(p) for p in person_ids})
    counts = {"created": 0, "updated": 0, "cleared": 0}
    if not ids:
        return counts
    if evaluations is None:
        from safetrain.compliance.engine import evaluate_persons

        evaluations = list(evaluate_persons(ids, on))
    wanted = set(ids)
    evs = [(pid, ev) for pid, ev in evaluations if pid in wanted]
    status = {pid: ev.status for pid, ev in evs}
    needs = _needs(evs)
    # the open items, as plain values (no model instances, no JSON decoding): a range scan
    open_rows = [
        row
        for row in TodoItem.objects.filter(
            cleared_on__isnull=True, person_id__gte=ids[0], person_id__lte=ids[-1]
        ).values_list("id", "person_id", "code", "kind", "needed", "enterprise_id")
        if row[1] in wanted
    ]
    codes = {n.enterprise for n in needs.values() if n.enterprise}
    ent_ids: dict[str, int] = (
        dict(Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "id"))
        if codes
        else {}
    )
    cleared: dict[str, list[int]] = {}
    changed: list[TodoItem] = []
    seen: set[tuple[int, str, str]] = set()
    for item_id, pid, code, kind, needed, ent_id in open_rows:
        key = (pid, code, kind)
        need = needs.get(key)
        if need is None:
            st = status.get(pid)
            if st is None or st not in (IN_POST, NOT_EMPLOYED):
                continue  # on leave (or not evaluated): keep it open as it is
            note = CLEARED_LEFT if st == NOT_EMPLOYED else CLEARED_DONE
            cleared.setdefault(note, []).append(item_id)
            continue
        seen.add(key)
        new_ent = ent_ids.get(need.enterprise) if need.enterprise else None
        # the detail follows the needed text (it holds the same numbers, plus the day's
        # window end, which alone is no reason to rewrite the row)
        if (needed, ent_id) != (need.needed, new_ent):
            changed.append(
                TodoItem(id=item_id, needed=need.needed, detail=need.detail, enterprise_id=new_ent)
            )
    new = [
        TodoItem(
            person_id=n.person_id,
            enterprise_id=ent_ids.get(n.enterprise) if n.enterprise else None,
            code=n.code,
            kind=n.kind,
            needed=n.needed,
            detail=n.detail,
            created_on=on,
        )
        for key, n in sorted(needs.items())
        if key not in seen
    ]
    counts["created"] = len(new)
    counts["updated"] = len(changed)
    counts["cleared"] = sum(len(v) for v in cleared.values())
    with transaction.atomic():
        for note, item_ids in sorted(cleared.items()):
            for i in range(0, len(item_ids), 500):
                TodoItem.objects.filter(id__in=item_ids[i : i + 500]).update(
                    cleared_on=on, cleared_note=note
                )
        if changed:
            TodoItem.objects.bulk_update(
                changed, ["needed", "detail", "enterprise"], batch_size=500
            )
        if new:
            _insert(new)
    return counts
