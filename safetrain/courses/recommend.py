"""'Recommended for my post': job type of the current post first, then the topics the person's
compliance findings call for."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from safetrain.courses.models import Course, Topic
from safetrain.people.models import Person, Post
from safetrain.people.selectors import active_employment

# which topics help with which finding (codes of safetrain/compliance/rules)
FINDING_TOPICS: dict[str, tuple[str, ...]] = {
    "VIOLATION_RETRAINING_PENDING": (Topic.ACCIDENT_CASES, Topic.RULES),
    "ACCIDENT_RETRAINING_PENDING": (Topic.ACCIDENT_CASES, Topic.EMERGENCY),
    "PREJOB_TRAINING_MISSING": (Topic.RULES, Topic.LAWS, Topic.EMERGENCY),
    "PREJOB_EXAM_MISSING": (Topic.RULES, Topic.SKILLS),
    "RETURN_TRAINING_PENDING": (Topic.RULES, Topic.SKILLS),
    "TRANSFER_TRAINING_PENDING": (Topic.RULES, Topic.SKILLS),
    "INITIAL_HOURS_SHORT": (Topic.LAWS, Topic.RISK_CONTROL, Topic.HAZARD_CHECK),
    "ANNUAL_HOURS_SHORT": (Topic.LAWS, Topic.RISK_CONTROL, Topic.HAZARD_CHECK),
    "ANNUAL_HOURS_PENDING": (Topic.LAWS, Topic.RISK_CONTROL, Topic.HAZARD_CHECK),
    "CERT_MISSING": (Topic.SKILLS,),
    "CERT_JOB_MISMATCH": (Topic.SKILLS,),
    "CERT_EXPIRED": (Topic.SKILLS,),
    "CERT_REVIEW_OVERDUE": (Topic.SKILLS,),
}


def current_post(person: Person, on: dt.date) -> Post | None:
    employment = active_employment(person, on)
    if employment is None:
        return None
    return (
        Post.objects.filter(employment=employment, from_date__lte=on)
        .select_related("job_type")
        .order_by("-from_date")
        .first()
    )


def finding_codes(person: Person, on: dt.date) -> list[str]:
    """The person's own finding codes on `on`, through the compliance engine."""
    from safetrain.compliance.engine import evaluate_person

    evaluation = evaluate_person(person, on)
    return [f.code for f in evaluation.findings]


def topics_for(codes: list[str]) -> list[str]:
    topics: list[str] = []
    for code in codes:
        for topic in FINDING_TOPICS.get(code, ()):
            if topic not in topics:
                topics.append(topic)
    return topics


def recommended_courses(person: Person, on: dt.date, *, limit: int = 12) -> list[Course]:
    employment = active_employment(person, on)
    visible = Q(published=True) & (
        Q(enterprise__isnull=True)
        | Q(enterprise_id=employment.enterprise_id if employment else None)
    )
    courses = Course.objects.filter(visible).prefetch_related("sectors", "job_types")
    post = current_post(person, on)
    picked: list[Course] = []
    if post is not None and post.job_type_id is not None:
        picked.extend(courses.filter(job_types=post.job_type_id).order_by("-published_at")[:limit])
    topics = topics_for(finding_codes(person, on))
    if topics and len(picked) < limit:
        seen = [c.pk for c in picked]
        by_topic_qs = courses.filter(topic__in=topics).exclude(pk__in=seen)
        if employment is not None:  # courses for every sector, or for the employer's sector
            sector = employment.enterprise.sector_id
            by_topic_qs = by_topic_qs.filter(Q(sectors__isnull=True) | Q(sectors=sector)).distinct()
        by_topic = list(by_topic_qs.order_by("-published_at", "-id")[: limit * 2])
        by_topic.sort(key=lambda c: topics.index(c.topic))
        picked.extend(by_topic[: limit - len(picked)])
    return picked
