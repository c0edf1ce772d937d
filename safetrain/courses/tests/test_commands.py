"""`safetrain courses reindex` and `safetrain courses bench` (which leaves nothing behind)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from safetrain.courses.models import Course
from safetrain.courses.tests.factories import make_course

pytestmark = pytest.mark.django_db


def test_reindex_rebuilds_search_text():
    course = make_course(title="瓦斯抽采工岗位安全")
    Course.objects.filter(pk=course.pk).update(search_text="")
    out = io.StringIO()
    call_command("courses", "reindex", stdout=out)
    assert "courses reindexed: 1" in out.getvalue()
    course.refresh_from_db()
    assert "瓦斯抽采工岗位安全" in course.search_text


def test_bench_prints_figures_and_rolls_back():
    make_course(title="真实课程")
    out = io.StringIO()
    call_command("courses", "bench", "--courses", "30", "--repeat", "2", stdout=out)
    text = out.getvalue()
    assert "p95 ms" in text and "q=瓦斯" in text
    hits = {line.split()[0]: int(line.split()[-4]) for line in text.splitlines()[2:]}
    assert hits["(none)="] == 31  # 30 synthetic + the real one, counted while they existed
    assert Course.objects.count() == 1
