"""The `培训签到` workbook sheet: attendance of offline sessions from a paper sign-in list.

Columns: 培训班编号 (the session number shown on its page), 培训班名称 (checked against the
session, to catch a wrong number), 身份证号, 姓名 (checked against the person), 签到时间
(`YYYY-MM-DD HH:MM`, optional: empty means the session's start), and the optional column
课堂 (the classroom's name, for a session with a main classroom and sub-classrooms; when given
it must be the classroom the person is on the roster of; files without it import as before).

A row needs: a session that exists, that the importer's body organises and that has begun; a
registered person on its roster; a time within the session's check-in window. A person already
checked in is left as is (so import → export → import changes nothing). For a session already
completed, the new attendees' training records are written at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from safetrain.classes.models import CheckInMethod, Participant, TrainingSession, Venue
from safetrain.classes.services import _fmt, attendance_mark, checkin_window, may_manage
from safetrain.core.dates import SHANGHAI
from safetrain.core.identifiers import InvalidIdentifier, normalize_id_number
from safetrain.workbook.registry import ExportScope, ImportContext, Row, SheetHandler, register

SHEET = "培训签到"
H_SESSION = "培训班编号"
H_TITLE = "培训班名称"
H_ID = "身份证号"
H_NAME = "姓名"
H_AT = "签到时间"
H_VENUE = "课堂"


@dataclass
class AttendanceRow:
    row: int
    session_id: int
    person_id: int
    at: dt.datetime


def parse_moment(raw: str) -> dt.datetime:
    text = raw.strip().replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=SHANGHAI)
        except ValueError:
            continue
    raise ValueError(f"“{raw}” 不是 YYYY-MM-DD HH:MM 格式的时间")


def _venue_problem(venues: list[Venue], venue_id: int | None, name: str) -> str:
    """Why the 课堂 column does not fit the roster entry ("" when it does)."""
    if not venues:
        return f"本培训班没有分课堂，课堂一栏应留空（填写的是“{name}”）"
    named = next((v for v in venues if v.name == name), None)
    if named is None:
        known = "、".join(v.name for v in venues)
        return f"本培训班没有名为“{name}”的课堂（已有：{known}）"
    expected = venue_id or next((v.pk for v in venues if v.is_main), None)
    if named.pk != expected:
        room = next((v.name for v in venues if v.pk == expected), "主课堂")
        return f"名单上的课堂是“{room}”，不是“{name}”"
    return ""


@register
class AttendanceSheet(SheetHandler):
    name = SHEET
    headers = [H_SESSION, H_TITLE, H_ID, H_NAME, H_AT]
    optional_headers = [H_VENUE]
    order = 115
    description = "线下培训班签到（纸质签到表导入）"

    def check(self, rows: list[Row], ctx: ImportContext) -> list[AttendanceRow]:
        from safetrain.people.models import Person
        from safetrain.people.services import id_lookup_hash

        session_ids = {r.get(H_SESSION).strip() for r in rows}
        sessions = {
            str(s.pk): s
            for s in TrainingSession.objects.filter(
                pk__in=[int(x) for x in session_ids if x.isdigit()]
            )
        }
        hashes: dict[int, str] = {}
        for row in rows:
            raw = row.get(H_ID).strip()
            if not raw:
                ctx.error(SHEET, row.number, H_ID, "身份证号不能为空")
                continue
            try:
                hashes[row.number] = id_lookup_hash(normalize_id_number(raw))
            except InvalidIdentifier as exc:
                ctx.error(SHEET, row.number, H_ID, str(exc))
        persons = {
            p.id_number_hash: p
            for p in Person.objects.filter(id_number_hash__in=set(hashes.values()))
        }
        roster = {
            (sid, pid): checked
            for sid, pid, checked in Participant.objects.filter(
                session_id__in=[s.pk for s in sessions.values()]
            ).values_list("session_id", "person_id", "checked_in_at")
        }
        rooms = {
            (sid, pid): vid
            for sid, pid, vid in Participant.objects.filter(
                session_id__in=[s.pk for s in sessions.values()]
            ).values_list("session_id", "person_id", "venue_id")
        }
        venues: dict[int, list[Venue]] = {}
        for v in Venue.objects.filter(session_id__in=[s.pk for s in sessions.values()]):
            venues.setdefault(v.session_id, []).append(v)
        now = timezone.now()
        seen: dict[tuple[int, int], int] = {}
        plan: list[AttendanceRow] = []
        for row in rows:
            n = row.number
            raw_session = row.get(H_SESSION).strip()
            session = sessions.get(raw_session)
            if session is None:
                ctx.error(SHEET, n, H_SESSION, f"培训班编号“{raw_session}”不存在")
                continue
            if not may_manage(ctx.actor, session):
                ctx.error(SHEET, n, H_SESSION, f"培训班 {session.pk} 不是您的单位组织的")
                continue
            title = row.get(H_TITLE).strip()
            if title and title != session.title:
                ctx.error(
                    SHEET,
                    n,
                    H_TITLE,
                    f"培训班 {session.pk} 的名称是“{session.title}”，不是“{title}”",
                )
                continue
            opens, closes = checkin_window(session)
            if now < opens:
                ctx.error(SHEET, n, H_SESSION, f"培训班 {session.pk} 尚未开始，不能登记签到")
                continue
            raw_at = row.get(H_AT).strip()
            try:
                at = parse_moment(raw_at) if raw_at else session.starts_at
            except ValueError as exc:
                ctx.error(SHEET, n, H_AT, str(exc))
                continue
            if not (opens <= at <= closes):
                ctx.error(SHEET, n, H_AT, f"签到时间须在 {_fmt(opens)} 至 {_fmt(closes)} 之间")
                continue
            if n not in hashes:
                continue
            person = persons.get(hashes[n])
            if person is None:
                ctx.error(SHEET, n, H_ID, "该身份证号未登记")
                continue
            name = row.get(H_NAME).strip()
            if name and name != person.name:
                ctx.error(SHEET, n, H_NAME, f"姓名“{name}”与该身份证号登记的姓名不一致")
                continue
            key = (session.pk, person.pk)
            if key not in roster:
                ctx.error(SHEET, n, H_ID, f"{person.name}不在培训班 {session.pk} 的名单中")
                continue
            if key in seen:
                ctx.error(SHEET, n, H_ID, f"与第 {seen[key]} 行重复（同一培训班、同一人）")
                continue
            room_name = row.get(H_VENUE).strip()
            if room_name:
                problem = _venue_problem(venues.get(session.pk, []), rooms[key], room_name)
                if problem:
                    ctx.error(SHEET, n, H_VENUE, f"{person.name}：{problem}")
                    continue
            seen[key] = n
            if roster[key] is not None:
                continue  # already checked in: nothing to change
            plan.append(AttendanceRow(n, session.pk, person.pk, at))
        return plan

    def write(self, plan: list[AttendanceRow], ctx: ImportContext) -> int:
        from safetrain.people.models import Person

        sessions = TrainingSession.objects.in_bulk({r.session_id for r in plan})
        persons = Person.objects.in_bulk({r.person_id for r in plan})
        written = 0
        for r in plan:
            written += attendance_mark(
                actor=ctx.actor,
                session=sessions[r.session_id],
                persons=[persons[r.person_id]],
                method=CheckInMethod.IMPORT,
                at=r.at,
            )
        return written

    def export_rows(self, scope: ExportScope) -> list[list[Any]]:
        from safetrain.classes.selectors import session_q
        from safetrain.core.scope import person_q
        from safetrain.people.services import person_id_number

        qs = (
            Participant.objects.filter(checked_in_at__isnull=False)
            .select_related("session", "person", "enterprise", "venue")
            .order_by("session_id", "id")
        )
        if scope.viewer is not None:
            qs = qs.filter(person_q(scope.viewer, "person__")).filter(
                session_id__in=TrainingSession.objects.filter(session_q(scope.viewer)).values("pk")
            )
        if scope.enterprise:
            qs = qs.filter(enterprise__credit_code=scope.enterprise.strip().upper())
        if scope.region:
            qs = qs.filter(enterprise__region_id=scope.region.strip())
        mains = dict(
            Venue.objects.filter(is_main=True, session_id__in=qs.values("session_id")).values_list(
                "session_id", "name"
            )
        )
        out: list[list[Any]] = []
        for p in qs:
            assert p.checked_in_at is not None
            out.append(
                [
                    str(p.session_id),
                    p.session.title,
                    person_id_number(p.person),
                    p.person.name,
                    p.checked_in_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
                    p.venue.name if p.venue else mains.get(p.session_id, ""),
                ]
            )
        return out
