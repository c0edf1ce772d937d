"""Chinese full-text search that behaves the same on SQLite and PostgreSQL.

Each course keeps `search_text`: the NFKC-normalised, lower-cased text of its title, summary,
topic, sectors, job types and lessons, with whitespace collapsed. A query is normalised the same
way and split on whitespace; a course matches when its search_text contains every term
(`contains` → LIKE / LIKE on both engines, no word segmentation needed for Chinese: a term is a
substring). Courses number in the hundreds or thousands, so a scan of one text column is cheap;
see docs/courses.md for the PostgreSQL trigram index that would take over at larger scale."""

from __future__ import annotations

import re
import unicodedata

from django.db.models import Q

from safetrain.courses.sanitize import plain_text

MAX_TERMS = 8


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    return re.sub(r"\s+", " ", text).strip()


def terms(query: str) -> list[str]:
    """The query's terms (punctuation is a separator), at most MAX_TERMS."""
    parts = re.split(r"[\s,，。、;；:：!！?？\"'“”‘’()（）【】\[\]]+", normalise(query))
    return [p for p in parts if p][:MAX_TERMS]


def search_q(query: str) -> Q:
    q = Q()
    for term in terms(query):
        q &= Q(search_text__contains=term)
    return q


def course_search_text(course: object) -> str:
    """Build the denormalised column for a saved course (needs its m2m and lessons)."""
    from safetrain.courses.models import Course

    assert isinstance(course, Course)
    parts = [course.title, course.summary, course.get_topic_display()]
    parts += [s.name for s in course.sectors.all()]
    parts += [j.name for j in course.job_types.all()]
    for lesson in course.lessons.all():
        parts += [lesson.title, plain_text(lesson.body)]
    return normalise(" ".join(parts))
