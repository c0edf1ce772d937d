"""`safetrain demo load`: a realistic, deterministic Jincheng demo, built through the services."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from safetrain.core.dates import today
from safetrain.core.errors import Conflict
from safetrain.core.models import Attributed
from safetrain.enterprises.models import Enterprise
from safetrain.people.models import Person, User

from .context import SIZES, DemoContext, DemoLogin
from .generators import JinchengGenerator
from .models import DemoState
from .reset import wipe_non_reference
from .steps import STEPS
from .steps.doublerandom import EXTRA_USERNAMES_RE

DEMO_USERNAMES = (
    "demo-city",
    "demo-county",
    "demo-enterprise",
    "demo-inspector",
    "demo-trainer",
    "demo-worker",
)


@dataclass
class DemoResult:
    anchor: dt.date
    seed: int
    size: str
    created: Counter[str]
    logins: list[DemoLogin]
    wiped: dict[str, int]
    totals: dict[str, int]


def foreign_rows() -> dict[str, int]:
    """Rows the demo did not write (a real deployment's data), which --reset would destroy."""
    seed = Attributed.Source.SEED
    counts = {
        "enterprises": Enterprise.objects.exclude(source=seed).count(),
        "persons": Person.objects.exclude(source=seed).count(),
        "accounts": User.objects.exclude(username__in=DEMO_USERNAMES)
        .exclude(username__regex=EXTRA_USERNAMES_RE)
        .count(),
    }
    return {k: v for k, v in counts.items() if v}


def demo_load(
    *,
    seed: int = 2024,
    size: str = "full",
    reset: bool = False,
    force: bool = False,
    on: dt.date | None = None,
    say: Callable[[str], None] = print,
) -> DemoResult:
    """Load the demo in one transaction. Running it again gives the same data.

    The anchor date ("today" of the demo world) is `on`, else the anchor of an earlier load,
    else today. A load whose seed, size or anchor differs from the loaded demo is refused
    unless `reset` wipes the earlier one (with every other non-reference row: `force` is
    needed when rows exist that the demo did not write).
    """
    if size not in SIZES:
        raise Conflict(f"未知规模 {size}（可选：{'、'.join(SIZES)}）", fields={"size": size})
    with transaction.atomic():
        wiped: dict[str, int] = {}
        if reset:
            foreign = foreign_rows()
            if foreign and not force:
                detail = "、".join(f"{k} {v}" for k, v in foreign.items())
                raise Conflict(
                    f"数据库中有非演示数据（{detail}），--reset 会一并删除；确认请加 --force",
                    code="foreign_data",
                )
            wiped = wipe_non_reference()
        state = DemoState.objects.filter(key="jincheng").first()
        if state is not None:
            asked = {"seed": seed, "size": size, "anchor": on or state.anchor}
            loaded = {"seed": state.seed, "size": state.size, "anchor": state.anchor}
            if asked != loaded:
                raise Conflict(
                    "已加载的演示数据为 "
                    f"seed={state.seed} size={state.size} 基准日={state.anchor}，"
                    f"与本次 seed={seed} size={size} 基准日={asked['anchor']} 不同；"
                    "请加 --reset 重新生成",
                    code="demo_mismatch",
                )
        anchor = state.anchor if state is not None else (on or today())
        ctx = DemoContext(
            seed=seed,
            size=SIZES[size],
            anchor=anchor,
            generator=JinchengGenerator(seed=seed, anchor=anchor),
            say=say,
        )
        for step in STEPS:
            step(ctx)
        DemoState.objects.update_or_create(
            key="jincheng", defaults={"seed": seed, "size": size, "anchor": anchor}
        )
        totals = {
            "enterprises": Enterprise.objects.count(),
            "persons": Person.objects.count(),
            "accounts": User.objects.count(),
        }
    return DemoResult(anchor, seed, size, ctx.writer.created, ctx.logins, wiped, totals)
