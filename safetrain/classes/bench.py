"""Benchmark: one large offline session and a plan, through the services (not a test).

    SAFETRAIN_DATA_DIR=$(mktemp -d) .venv/bin/python -m safetrain.classes.bench --persons 2000

Builds a fresh SQLite database in the data directory (refuses one that already has persons):
one coal mine with N workers in post (bulk-created), its enterprise admin, a session that
ended an hour ago. Times, as that admin: putting all N on the roster, recording their
attendance, completion (N training records through the records service, compliance status
refreshed), completing again (idempotent, nothing written), the plan progress of a 3-item plan,
and 500 QR check-ins of a running session.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=2000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from safetrain.classes import services
    from safetrain.classes.selectors import plan_progress
    from safetrain.core.dates import today
    from safetrain.core.identifiers import make_credit_code, make_id_number
    from safetrain.enterprises.models import Enterprise
    from safetrain.people.models import Employment, Person, Post, User
    from safetrain.people.services import person_fields, user_create

    if Person.objects.exists():
        raise SystemExit("the database already has persons: use an empty data directory")
    t = time.perf_counter()
    mine = Enterprise.objects.create(
        credit_code=make_credit_code("140525", 900),
        name="基准煤矿",
        region_id="140525",
        sector_id="coal_mine",
    )
    persons = Person.objects.bulk_create(
        [
            Person(
                **person_fields(
                    id_number=make_id_number(
                        "140525", dt.date(1970, 1, 1) + dt.timedelta(days=i % 9000), i // 9000
                    ),
                    name=f"工人{i}",
                )
            )
            for i in range(args.persons)
        ],
        batch_size=1000,
    )
    employments = Employment.objects.bulk_create(
        [
            Employment(
                person=p, enterprise=mine, role_category="worker", start_date=dt.date(2020, 1, 1)
            )
            for p in persons
        ],
        batch_size=1000,
    )
    Post.objects.bulk_create(
        [Post(employment=e, from_date=e.start_date, title="采煤工") for e in employments],
        batch_size=1000,
    )
    admin = user_create(
        actor=None,
        username="bench-admin",
        password="Bench-pass-2024!",
        role="enterprise_admin",
        enterprise=mine,
    )
    print(f"setup: {len(persons)} persons in {time.perf_counter() - t:.1f} s")
    print(f"database: {connection.vendor}")

    def timed(label: str, fn):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        result = fn()
        print(f"{label}: {time.perf_counter() - start:.2f} s")
        return result

    now = timezone.now()
    past = services.session_create(
        actor=admin,
        title="基准培训班",
        audience="general",
        kind="continuing",
        starts_at=now - dt.timedelta(hours=9),
        ends_at=now - dt.timedelta(hours=1),
        hours="8",
    )
    timed(
        f"roster_add {len(persons)}",
        lambda: services.roster_add(actor=admin, session=past, persons=persons),
    )
    timed(
        f"attendance_mark {len(persons)}",
        lambda: services.attendance_mark(
            actor=admin, session=past, persons=persons, at=past.starts_at
        ),
    )
    written = timed(
        "session_complete (records + compliance refresh)",
        lambda: services.session_complete(actor=admin, session=past),
    )
    print(f"  training records written: {written}")
    again = timed(
        "session_complete again", lambda: services.session_complete(actor=admin, session=past)
    )
    print(f"  written the second time: {again}")

    plan = services.plan_create(actor=admin, enterprise=mine, year=today().year)
    for group in ("all", "new_hires", "role"):
        services.plan_item_add(
            actor=admin,
            plan=plan,
            title=group,
            group=group,
            role_category="worker",
            session=past,
            due_on=dt.date(plan.year, 12, 31),
        )
    progress = timed("plan_progress (3 items)", lambda: plan_progress(mine, plan.year, today()))
    assert progress is not None
    print(f"  progress: {progress.done} / {progress.total}")

    running = services.session_create(
        actor=admin,
        title="进行中的培训班",
        audience="general",
        kind="special",
        starts_at=now - dt.timedelta(minutes=10),
        ends_at=now + dt.timedelta(hours=3),
        hours="4",
    )
    checkers = persons[:500]
    services.roster_add(actor=admin, session=running, persons=checkers)
    accounts = User.objects.bulk_create(
        [User(username=f"w{p.pk}", role="worker", person=p) for p in checkers]
    )
    token = services.checkin_token(running)
    start = time.perf_counter()
    for user in accounts:
        services.checkin_by_qr(actor=user, token=token)
    spent = time.perf_counter() - start
    print(
        f"checkin_by_qr x{len(accounts)}: {spent:.2f} s ({1000 * spent / len(accounts):.1f} ms each)"
    )


if __name__ == "__main__":
    main()
