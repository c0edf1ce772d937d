"""Who sees which course; recommendations; group selection edge cases."""

from __future__ import annotations

import pytest

from safetrain.courses.selectors import course_list, recommended_for
from safetrain.courses.tests.factories import make_course
from safetrain.people.tests.factories import make_employment, make_enterprise, make_user

pytestmark = pytest.mark.django_db


def test_course_scope_per_role():
    ent, other_ent = make_enterprise(), make_enterprise()
    trainer = make_user("trainer")
    ent_admin = make_user("enterprise_admin", enterprise=ent)
    public = make_course(actor=trainer, title="公开")
    draft = make_course(actor=trainer, title="草稿", published=False)
    own = make_course(actor=ent_admin, title="本企业")
    foreign = make_course(actor=make_user("enterprise_admin", enterprise=other_ent), title="外企业")
    worker = make_user("worker", person=make_employment(enterprise=ent).person)
    jobless = make_user("worker")  # a person with no employment
    seen = {
        "worker": {public, own},
        "jobless": {public},
        "trainer": {public, draft},
        "other trainer": {public},
        "ent_admin": {public, own},
        "city": {public, draft, own, foreign},
        "county": {public, draft, own, foreign},
        "inspector": {public, draft, own, foreign},
    }
    viewers = {
        "worker": worker,
        "jobless": jobless,
        "trainer": trainer,
        "other trainer": make_user("trainer"),
        "ent_admin": ent_admin,
        "city": make_user("city_admin"),
        "county": make_user("county_admin"),
        "inspector": make_user("inspector"),
    }
    for name, viewer in viewers.items():
        assert set(course_list(viewer=viewer)) == seen[name], name


def test_recommended_without_post_or_employment_is_by_findings_only():
    make_course(title="岗位课", job_types=["coal_mine:瓦斯检查工"])
    person = make_user("worker").person  # not employed: no post, no personal findings
    assert recommended_for(person) == []


def test_unpublished_and_other_enterprise_courses_never_recommended():
    ent = make_enterprise()
    person = make_employment(enterprise=ent, job="瓦斯检查工").person
    make_course(title="草稿", job_types=["coal_mine:瓦斯检查工"], published=False)
    make_course(
        actor=make_user("enterprise_admin"), title="别家", job_types=["coal_mine:瓦斯检查工"]
    )
    mine = make_course(
        actor=make_user("enterprise_admin", enterprise=ent),
        title="本矿",
        job_types=["coal_mine:瓦斯检查工"],
    )
    assert [c.title for c in recommended_for(person)][:1] == [mine.title]
    assert not {"草稿", "别家"} & {c.title for c in recommended_for(person)}
