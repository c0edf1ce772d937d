"""The small demo's rescue teams and coal-mine handbooks (steps `rescue` and `handbooks`)."""

from __future__ import annotations

import datetime as dt

import pytest

from safetrain.compliance.engine import Scope
from safetrain.demo.reset import wipe_non_reference
from safetrain.demo.tests.helpers import ANCHOR, load_small
from safetrain.enterprises.models import Enterprise
from safetrain.handbooks.models import Handbook, HandbookItem
from safetrain.handbooks.selectors import handbook_for_person
from safetrain.handbooks.services import question_sector
from safetrain.people.models import User
from safetrain.rescue.models import RescueTeam, TeamMember
from safetrain.rescue.selectors import HIGH_RISK_SECTORS, high_risk_enterprises_without_rescue_team

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield load_small()
        wipe_non_reference()


def test_rescue_teams_and_gaps(demo):
    on = dt.date.fromisoformat(ANCHOR)
    high_risk = Enterprise.objects.filter(sector_id__in=HIGH_RISK_SECTORS)
    missing = set(high_risk_enterprises_without_rescue_team(Scope.city(), on))
    assert missing and missing < set(high_risk)  # some have a team, some are flagged
    admin = User.objects.get(username="demo-enterprise")
    mine_team = RescueTeam.objects.get(enterprise_id=admin.enterprise_id)
    assert mine_team.kind == "full_time" and admin.enterprise not in missing
    members = TeamMember.objects.filter(team=mine_team)
    assert members.count() >= 2 and mine_team.drills.exists()
    assert all(m.qualifications.exists() for m in members)
    # every member of an own team was employed there on the day they joined
    for m in TeamMember.objects.filter(team__kind__in=["full_time", "part_time"]):
        assert m.person.employments.filter(
            enterprise=m.team.enterprise, start_date__lte=m.joined_on
        ).exists()


def test_coal_handbooks_link_coal_questions(demo):
    books = Handbook.objects.filter(sector_id="coal_mine")
    assert books.count() == 2
    for item in HandbookItem.objects.filter(handbook__in=books):
        assert item.questions.exists(), item.title
        for q in item.questions.select_related("bank", "current"):
            assert question_sector(q) in ("coal_mine", None)
    worker = User.objects.get(username="demo-worker")
    assert handbook_for_person(person=worker.person, on=dt.date.fromisoformat(ANCHOR)) in books


def test_loading_again_changes_nothing(demo):
    counts = (RescueTeam.objects.count(), TeamMember.objects.count(), HandbookItem.objects.count())
    load_small()
    assert counts == (
        RescueTeam.objects.count(),
        TeamMember.objects.count(),
        HandbookItem.objects.count(),
    )
