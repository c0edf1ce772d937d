"""`safetrain demo load` as a command: idempotent, deterministic, --reset, the full size."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError
from django.db.models import Count, F, Q

from safetrain.catalog.models import JobType, SpecialOperation
from safetrain.core.dates import add_months
from safetrain.demo.context import DEMO_PASSWORD
from safetrain.demo.models import DemoState
from safetrain.enterprises.models import Enterprise
from safetrain.people.models import Employment, Leave, Person, Post
from safetrain.people.tests.factories import make_enterprise
from safetrain.regions.models import Region

from .helpers import (
    ANCHOR,
    COUNTY_CODES,
    active_on,
    assert_no_overlapping_employments,
    assert_persons_valid,
    counts,
    fingerprint,
    load,
    load_small,
)

pytestmark = pytest.mark.django_db


def test_running_it_again_changes_nothing():
    load_small()
    before, fp = counts(), fingerprint()
    output = load_small()
    assert counts() == before
    assert fingerprint() == fp
    assert "本次新建：无" in output


def test_a_second_load_keeps_the_first_anchor_and_refuses_another_seed_or_size():
    load_small()
    assert DemoState.objects.get().anchor == dt.date.fromisoformat(ANCHOR)
    fp = fingerprint()
    load("--size", "small")  # no --on: the stored anchor is reused, so nothing changes
    assert fingerprint() == fp
    with pytest.raises(CommandError, match="--reset"):
        load("--size", "small", "--seed", "7")
    with pytest.raises(CommandError, match="--reset"):
        load("--on", ANCHOR)  # full size over a small demo
    assert fingerprint() == fp


def test_reset_wipes_and_regenerates_the_same_data_keeping_reference_data():
    load_small()
    fp, before = fingerprint(passwords=False), counts()
    reference = (Region.objects.count(), JobType.objects.count(), SpecialOperation.objects.count())
    person_ids = set(Person.objects.values_list("pk", flat=True))
    output = load_small("--reset")
    assert "已清空非参考数据" in output
    assert "本次新建：企业 8" in output
    # every row was written anew, and the same seed and anchor gave the same data
    assert set(Person.objects.values_list("pk", flat=True)).isdisjoint(person_ids)
    assert counts() == before
    assert fingerprint(passwords=False) == fp
    assert (
        Region.objects.count(),
        JobType.objects.count(),
        SpecialOperation.objects.count(),
    ) == reference
    assert authenticate(username="demo-city", password=DEMO_PASSWORD) is not None


def test_another_seed_gives_other_data():
    load_small()
    names = set(Enterprise.objects.values_list("name", flat=True))
    load_small("--reset", "--seed", "99")
    assert set(Enterprise.objects.values_list("name", flat=True)) != names
    assert DemoState.objects.get().seed == 99


def test_reset_refuses_to_wipe_data_the_demo_did_not_write_without_force():
    load_small()
    foreign = make_enterprise(region="140502", sector="industry_trade", name="真实企业有限公司")
    with pytest.raises(CommandError, match="--force"):
        load_small("--reset")
    assert Enterprise.objects.filter(pk=foreign.pk).exists()
    load_small("--reset", "--force")
    assert not Enterprise.objects.filter(name="真实企业有限公司").exists()
    assert Enterprise.objects.count() == 8


def test_a_bad_anchor_date_is_a_clear_error():
    with pytest.raises(CommandError, match="--on"):
        load("--size", "small", "--on", "2026-02-30")
    assert Person.objects.count() == 0


@pytest.mark.slow
def test_full_demo_is_realistic_valid_and_idempotent():
    output = load("--on", ANCHOR)
    anchor = dt.date.fromisoformat(ANCHOR)
    enterprises = Enterprise.objects.all()
    assert enterprises.count() >= 30
    sectors = Counter(enterprises.values_list("sector_id", flat=True))
    assert len(sectors) == 5 and sectors.most_common(1)[0][0] == "coal_mine"
    assert set(enterprises.values_list("region_id", flat=True)) == COUNTY_CODES
    assert Person.objects.count() >= 500
    assert_persons_valid()
    assert_no_overlapping_employments()

    # a realistic mix: employment forms, special operators, post changes, leaves, movers
    forms = Counter(Employment.objects.values_list("employment_form", flat=True))
    assert forms["contract"] > sum(forms.values()) / 2 and len(forms) >= 5
    assert Post.objects.filter(operation__isnull=False).count() >= 100
    assert Post.objects.exclude(employment__start_date=F("from_date")).count() >= 10
    leaves = list(Leave.objects.all())
    assert any(leave.end_date is None for leave in leaves)
    assert any(
        leave.end_date is not None
        and leave.end_date + dt.timedelta(days=1) >= add_months(leave.start_date, 3)
        for leave in leaves
    )
    assert all(leave.end_date is None or leave.end_date < anchor for leave in leaves)
    movers = Person.objects.annotate(
        jobs=Count("employments"),
        open_jobs=Count("employments", filter=Q(employments__end_date__isnull=True)),
        employers=Count("employments__enterprise", distinct=True),
    ).filter(jobs=2, open_jobs=1, employers=2)
    assert movers.count() >= 10
    not_employed = Person.objects.exclude(pk__in=active_on(anchor).values("person_id"))
    assert not_employed.exists()
    assert "demo-worker" in output

    before, fp = counts(), fingerprint()
    load()
    assert counts() == before and fingerprint() == fp


def test_the_readme_shows_the_demo_logins_and_password():
    from django.conf import settings

    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    assert f"`{DEMO_PASSWORD}`" in readme
    for username in (
        "demo-city",
        "demo-county",
        "demo-enterprise",
        "demo-inspector",
        "demo-trainer",
        "demo-worker",
    ):
        assert f"`{username}`" in readme
