"""Benchmark of the compliance pages (a benchmark, not a test; figures in docs/benchmarks.md).

    SAFETRAIN_DATA_DIR=$(mktemp -d) .venv/bin/python -m safetrain.compliance.bench_pages \
        --persons 20000

Fills an empty throwaway database with the synthetic city of ``compliance.bench`` and measures:
the full recompute with and without the to-do sync, the work-clearance page data of the
largest enterprise from the records and from the cache, its Excel export, and the archive
section (today's card + blocking history + to-dos) for random persons.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any


def _timed(label: str, fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - started
    print(f"{label}: {elapsed:.2f} s", flush=True)
    return elapsed, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count

    from safetrain.compliance import services, todo
    from safetrain.compliance.bench import generate
    from safetrain.compliance.models import TodoItem
    from safetrain.compliance.pages import archive_view, control_workbook, enterprise_control
    from safetrain.core import dates
    from safetrain.enterprises.models import Enterprise
    from safetrain.people.models import Employment, Person

    call_command("migrate", verbosity=0)
    if Person.objects.exists():
        print("需要一个空数据库：SAFETRAIN_DATA_DIR=$(mktemp -d)", file=sys.stderr)
        return 1
    today = dates.today()
    with transaction.atomic():
        _timed("生成合成数据", lambda: generate(args.persons, args.seed, today, sys.stdout))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    real_sync = services.todo_sync
    services.todo_sync = lambda *a, **k: {}  # type: ignore[assignment]
    _timed("全量重算（不含待办同步）", services.recompute_all)
    services.todo_sync = real_sync
    _timed("全量重算（含待办同步，首次创建待办）", services.recompute_all)
    print(f"  待办 {TodoItem.objects.filter(cleared_on=None).count()} 项", flush=True)
    _timed("全量重算（含待办同步，无变化）", services.recompute_all)
    ids = list(Person.objects.values_list("id", flat=True))
    _timed("todo_sync 全部人员（自行评估）", lambda: todo.todo_sync(ids, on=today))

    biggest = (
        Employment.objects.filter(end_date__isnull=True)
        .values("enterprise_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert biggest is not None
    ent = Enterprise.objects.select_related("sector").get(pk=biggest["enterprise_id"])
    print(f"最大企业 {ent.credit_code}：{biggest['n']} 个在职任职", flush=True)
    _, cached = _timed("上岗管控（今日，缓存）", lambda: enterprise_control(ent))
    print(f"  来源 {cached.source}，在岗 {cached.in_post}，不得上岗 {cached.blocked}")
    past = today.replace(day=1)
    _, fresh = _timed(f"上岗管控（{past}，从记录计算）", lambda: enterprise_control(ent, past))
    print(f"  来源 {fresh.source}，在岗 {fresh.in_post}，不得上岗 {fresh.blocked}")
    _, data = _timed("导出 Excel", lambda: control_workbook(cached))
    print(f"  {len(data)} 字节", flush=True)

    rng = random.Random(args.seed)
    times, days = [], []
    for pid in rng.sample(ids, min(args.samples, len(ids))):
        person = Person.objects.get(pk=pid)
        started = time.perf_counter()
        view = archive_view(person, today)
        times.append(time.perf_counter() - started)
        days.append(view.history.evaluated_days)
    times.sort()
    p50 = statistics.median(times) * 1000
    p95 = times[int(0.95 * (len(times) - 1))] * 1000
    print(
        f"档案合规分区（今日卡片+阻断历史+待办，{len(times)} 人）: p50 {p50:.1f} ms, "
        f"p95 {p95:.1f} ms；评估日 中位数 {statistics.median(days)}，最多 {max(days)}",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
