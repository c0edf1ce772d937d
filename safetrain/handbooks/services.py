"""Writes for must-know handbooks: create, add/edit/remove items, mark an item read.

Authors: city and county admins and trainers (a handbook is the city's reference for a post,
not an enterprise's); every worker reads the handbook of their post. A refused write raises a
ServiceError naming the field and reason, and writes nothing. `actor=None` is the demo / the
command line.

A handbook item may only test knowledge of its own sector: each linked question's sector (the
sector of its current version, else its bank's) must be the handbook's sector or none (a general
question, e.g. of the work-safety law).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from safetrain.catalog.models import JobType, Sector
from safetrain.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from safetrain.handbooks.models import Handbook, HandbookItem, ItemRead
from safetrain.people.models import Person, User
from safetrain.questions.models import Question

AUTHOR_ROLES = frozenset({"city_admin", "county_admin", "trainer"})
MAX_QUESTIONS_PER_ITEM = 50


def may_author(actor: User | None) -> bool:
    if actor is None or actor.is_superuser:
        return True
    return actor.is_authenticated and actor.is_active and actor.role in AUTHOR_ROLES


def check_may_author(actor: User | None) -> None:
    if not may_author(actor):
        raise NotAllowed("只有市局、县局管理员和培训讲师可以编写应知应会手册")


def _text(value: object, *, field: str, label: str, max_length: int | None = None) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationFailed(f"{label}不能为空", fields={field: "必填"})
    if max_length is not None and len(text) > max_length:
        raise ValidationFailed(
            f"{label}不能超过 {max_length} 个字", fields={field: f"最多 {max_length} 个字"}
        )
    return text


def handbook_create(
    *,
    actor: User | None,
    sector: Sector | str,
    job_type: JobType | None = None,
    title: str,
    description: str = "",
    source: str = "web",
) -> Handbook:
    """The handbook of a sector and job type (job type empty: the sector's common handbook)."""
    check_may_author(actor)
    if isinstance(sector, str):
        found = (
            Sector.objects.filter(pk=sector).first() or Sector.objects.filter(name=sector).first()
        )
        if found is None:
            raise ValidationFailed(f"未知行业“{sector}”", fields={"sector": "未知"})
        sector = found
    if job_type is not None and job_type.sector_id != sector.pk:
        raise ValidationFailed(
            f"工种“{job_type.name}”属于{job_type.sector}，不属于{sector}",
            fields={"job_type": "不属于所选行业"},
        )
    title = _text(title, field="title", label="手册名称", max_length=128)
    if Handbook.objects.filter(sector=sector, job_type=job_type).exists():
        what = f"{sector} · {job_type.name if job_type else '行业通用'}"
        raise Conflict(f"{what} 的应知应会手册已存在", fields={"job_type": "已有手册"})
    try:
        with transaction.atomic():
            return Handbook.objects.create(
                sector=sector,
                job_type=job_type,
                title=title,
                description=str(description or "").strip(),
                source=source,
                created_by=actor,
            )
    except IntegrityError as exc:  # a concurrent create of the same post's handbook
        raise Conflict("该岗位的应知应会手册已存在", fields={"job_type": "已有手册"}) from exc


def question_sector(question: Question) -> str | None:
    """The sector a question belongs to: its current version's, else its bank's."""
    version = question.current
    if version is not None and version.sector_id:
        return str(version.sector_id)
    return str(question.bank.sector_id) if question.bank.sector_id else None


def _questions(handbook: Handbook, question_ids: Sequence[object]) -> list[Question]:
    ids: list[int] = []
    for i, raw in enumerate(question_ids):
        try:
            qid = int(str(raw).strip())
        except ValueError:
            raise ValidationFailed(
                f"第 {i + 1} 个题目编号“{raw}”不是数字", fields={f"questions.{i}": "不是数字"}
            ) from None
        if qid in ids:
            raise ValidationFailed(f"题目 #{qid} 重复", fields={f"questions.{i}": "重复"})
        ids.append(qid)
    if len(ids) > MAX_QUESTIONS_PER_ITEM:
        raise ValidationFailed(
            f"一个条目最多关联 {MAX_QUESTIONS_PER_ITEM} 道题", fields={"questions": "过多"}
        )
    found = {q.pk: q for q in Question.objects.filter(pk__in=ids).select_related("bank", "current")}
    out = []
    for i, qid in enumerate(ids):
        q = found.get(qid)
        if q is None or q.retired:
            raise ValidationFailed(
                f"题目 #{qid} 不存在或已停用", fields={f"questions.{i}": "不存在或已停用"}
            )
        sector = question_sector(q)
        if sector is not None and sector != handbook.sector_id:
            name = Sector.objects.filter(pk=sector).values_list("name", flat=True).first()
            raise ValidationFailed(
                f"题目 #{qid} 属于{name or sector}，不属于本手册的行业{handbook.sector}",
                fields={f"questions.{i}": "不属于本手册的行业"},
            )
        out.append(q)
    return out


def _order(handbook: Handbook, order: object, exclude: int | None = None) -> int:
    if order in (None, ""):
        last = handbook.items.order_by("-order").values_list("order", flat=True).first()
        return (last or 0) + 1
    try:
        value = int(str(order))
    except ValueError:
        raise ValidationFailed("顺序须为正整数", fields={"order": "须为正整数"}) from None
    if value < 1:
        raise ValidationFailed("顺序须为正整数", fields={"order": "须为正整数"})
    taken = handbook.items.filter(order=value)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise Conflict(f"顺序 {value} 已被其他条目占用", fields={"order": "已占用"})
    return value


def item_add(
    *,
    actor: User | None,
    handbook: Handbook,
    title: str,
    body: str,
    order: object = None,
    question_ids: Sequence[object] = (),
    source: str = "web",
) -> HandbookItem:
    """A new item (order: the next after the last when not given), linked to bank questions."""
    check_may_author(actor)
    title = _text(title, field="title", label="条目标题", max_length=128)
    body = _text(body, field="body", label="条目内容")
    questions = _questions(handbook, question_ids)
    with transaction.atomic():
        item = HandbookItem.objects.create(
            handbook=handbook,
            order=_order(handbook, order),
            title=title,
            body=body,
            source=source,
            created_by=actor,
        )
        item.questions.set(questions)
    return item


def item_update(
    *,
    actor: User | None,
    item: HandbookItem,
    title: str,
    body: str,
    order: object,
    question_ids: Sequence[object],
) -> HandbookItem:
    check_may_author(actor)
    title = _text(title, field="title", label="条目标题", max_length=128)
    body = _text(body, field="body", label="条目内容")
    questions = _questions(item.handbook, question_ids)
    new_order = _order(item.handbook, order, exclude=item.pk)
    with transaction.atomic():
        item.title, item.body, item.order = title, body, new_order
        item.save(update_fields=["title", "body", "order"])
        item.questions.set(questions)
    return item


def item_remove(*, actor: User | None, item: HandbookItem) -> None:
    check_may_author(actor)
    if item.reads.exists():
        raise Conflict(
            "已有人员读过该条目，不能删除（阅读记录是培训档案的一部分）；可修改其内容",
            fields={"item": "已有阅读记录"},
        )
    item.delete()


def item_mark_read(*, actor: User, item: HandbookItem) -> tuple[ItemRead, bool]:
    """The worker has read the item (the first reading is kept). Only the handbook of their own
    post can be marked (selectors.handbook_for_person decides)."""
    from safetrain.handbooks.selectors import handbook_for_person

    person = Person.objects.filter(pk=actor.person_id).first() if actor.person_id else None
    if person is None:
        raise NotAllowed("只有从业人员本人可以记录阅读")
    mine = handbook_for_person(person=person)
    if mine is None or mine.pk != item.handbook_id:
        raise NotFound("该条目不在您岗位的应知应会手册中")
    with transaction.atomic():
        read, created = ItemRead.objects.get_or_create(
            item=item, person=person, defaults={"read_at": timezone.now()}
        )
    return read, created
