"""`safetrain courses bench`: how fast the market's search is with many courses.

Inside one transaction that is rolled back at the end (nothing stays in the database): adds N
synthetic published courses (titles, summaries and lesson text drawn from the demo catalogue's
vocabulary, job types and sectors linked), then times the market query — search terms, filters,
a page of 20 with sectors and job types, and the count — as the page runs it."""

from __future__ import annotations

import random
import statistics
import time
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from safetrain.catalog.models import JobType
from safetrain.courses.demo_catalogue import COURSES
from safetrain.courses.models import Course, Topic
from safetrain.courses.sanitize import plain_text
from safetrain.courses.search import normalise
from safetrain.courses.selectors import course_market
from safetrain.people.models import User

QUERIES: list[dict[str, Any]] = [
    {"q": "瓦斯"},
    {"q": "泄漏 防护"},
    {"q": "三违 案例"},
    {"q": "不存在的词语"},
    {"topic": "emergency"},
    {"sector": "coal_mine", "q": "顶板"},
    {"job_type": "coal_mine:瓦斯检查工"},
    {},
]


class _Rollback(Exception):
    pass


def _synthetic(n: int, rng: random.Random) -> None:
    job_types = list(JobType.objects.all())
    phrases = [c["title"] for c in COURSES] + [c["summary"] for c in COURSES]
    texts = [plain_text(body) for c in COURSES for _, _, body in c["lessons"]]
    now = timezone.now()
    rows = []
    for i in range(n):
        title = f"{rng.choice(phrases)[:40]}（第{i + 1}期）"
        summary = rng.choice(phrases)
        body = " ".join(rng.sample(texts, 3))
        topic = rng.choice(Topic.values)
        rows.append(
            Course(
                title=title,
                summary=summary,
                topic=topic,
                hours=Decimal(rng.choice(["1", "1.5", "2", "3", "4", "8", "16"])),
                published=True,
                published_at=now,
                source="seed",
                search_text=normalise(f"{title} {summary} {Topic(topic).label} {body}"),
            )
        )
    created = Course.objects.bulk_create(rows, batch_size=1000)
    through_j = Course.job_types.through
    through_s = Course.sectors.through
    links_j, links_s = [], []
    for course in created:
        jt = rng.choice(job_types)
        links_j.append(through_j(course_id=course.pk, jobtype_id=jt.pk))
        links_s.append(through_s(course_id=course.pk, sector_id=jt.sector_id))
    through_j.objects.bulk_create(links_j, batch_size=2000)
    through_s.objects.bulk_create(links_s, batch_size=2000)


def run(courses: int, repeat: int, seed: int = 1) -> list[dict[str, Any]]:
    viewer = User(role="city_admin", is_superuser=True, is_active=True)
    results: list[dict[str, Any]] = []
    try:
        with transaction.atomic():
            _synthetic(courses, random.Random(seed))
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE courses_course")
            for filters in QUERIES:
                timings = []
                hits = 0
                for _ in range(repeat):
                    start = time.perf_counter()
                    rows = course_market(viewer=viewer, **filters)
                    hits = rows.count()
                    page = list(rows[:20])
                    for course in page:  # what the card template reads
                        list(course.sectors.all())
                        list(course.job_types.all())
                    timings.append((time.perf_counter() - start) * 1000)
                timings.sort()
                results.append(
                    {
                        "filters": filters or {"(none)": ""},
                        "hits": hits,
                        "p50_ms": statistics.median(timings),
                        "p95_ms": timings[max(0, int(len(timings) * 0.95) - 1)],
                        "max_ms": timings[-1],
                    }
                )
            raise _Rollback
    except _Rollback:
        pass
    return results
