"""Pages: the list with gaps, the enterprise page (phone-first), the team page's forms, and the
dashboard flag."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from safetrain.core.dates import today
from safetrain.people.services import person_id_number
from safetrain.people.tests.factories import make_person
from safetrain.rescue.models import RescueTeam, TeamMember
from safetrain.rescue.tests.factories import contract, own_team

pytestmark = pytest.mark.django_db

D = dt.date


def test_enterprise_admin_lands_on_own_page_and_sees_the_warning(client, world):
    client.force_login(world["admin_a"])
    response = client.get(reverse("rescue:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("rescue:enterprise", args=[world["a"].pk])
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="rescue-missing"' in page
    own_team(world["a"], since=D(2020, 1, 1), name="兼职救护队甲")
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="rescue-missing"' not in page and "兼职救护队甲" in page


def test_other_enterprise_page_is_404(client, world):
    client.force_login(world["admin_b"])
    assert client.get(reverse("rescue:enterprise", args=[world["a"].pk])).status_code == 404
    client.force_login(world["worker"])
    assert client.get(reverse("rescue:index")).status_code == 403


def test_create_team_form_refuses_backwards_agreement(client, world):
    client.force_login(world["admin_a"])
    url = reverse("rescue:enterprise", args=[world["a"].pk])
    response = client.post(
        url,
        {
            "kind": "contracted",
            "name": "晋城市矿山救护大队",
            "agreement_start": "2025-06-01",
            "agreement_end": "2025-05-01",
        },
    )
    assert response.status_code == 200
    assert "早于开始日期" in response.content.decode()
    assert not RescueTeam.objects.exists()
    response = client.post(
        url,
        {
            "kind": "contracted",
            "name": "晋城市矿山救护大队",
            "agreement_start": "2025-01-01",
            "agreement_end": "2025-12-31",
        },
    )
    team = RescueTeam.objects.get()
    assert response["Location"] == reverse("rescue:team", args=[team.pk])


def test_inspector_reads_but_cannot_write(client, world):
    team = own_team(world["a"])
    client.force_login(world["inspector"])
    page = client.get(reverse("rescue:team", args=[team.pk])).content.decode()
    assert 'data-testid="member-form"' not in page
    response = client.post(
        reverse("rescue:team", args=[team.pk]),
        {
            "form": "member",
            "m-id_number": person_id_number(world["pa"]),
            "m-duty": "队员",
            "m-joined_on": "2024-01-02",
        },
    )
    assert response.status_code == 403
    assert not TeamMember.objects.exists()


def test_add_member_by_id_number(client, world):
    team = own_team(world["a"])
    client.force_login(world["admin_a"])
    url = reverse("rescue:team", args=[team.pk])

    def post(person, day="2024-01-02"):
        return client.post(
            url,
            {
                "form": "member",
                "m-id_number": person_id_number(person),
                "m-duty": "队员",
                "m-joined_on": day,
            },
        )

    # a person employed at b (outside a's jurisdiction is not even found)
    response = post(world["pb"])
    assert response.status_code == 200 and not TeamMember.objects.exists()
    # registered, but not employed at a: found by the city admin, refused by the rule
    client.force_login(world["city"])
    stranger = make_person()
    response = post(stranger)
    assert "不能加入本企业自建救援队伍" in response.content.decode()
    assert not TeamMember.objects.exists()
    client.force_login(world["admin_a"])
    assert post(world["pa"]).status_code == 302
    page = client.get(url).content.decode()
    assert world["pa"].name in page and world["pa"].id_number_masked in page


def test_drill_and_qualification_forms(client, world):
    team = own_team(world["a"])
    client.force_login(world["admin_a"])
    url = reverse("rescue:team", args=[team.pk])
    client.post(
        url,
        {
            "form": "member",
            "m-id_number": person_id_number(world["pa"]),
            "m-duty": "队长",
            "m-joined_on": "2024-01-02",
        },
    )
    member = TeamMember.objects.get()
    response = client.post(
        url,
        {
            "form": "qualification",
            "q-member": str(member.pk),
            "q-name": "矿山救护队员证",
            "q-number": "JH-7",
            "q-issued_on": "2024-01-01",
            "q-valid_until": "2023-01-01",
        },
    )
    assert "早于发证日期" in response.content.decode()
    assert not member.qualifications.exists()
    response = client.post(
        url,
        {
            "form": "drill",
            "d-date": "2024-02-01",
            "d-subject": "井下避灾路线演练",
            "d-participants": [str(member.pk)],
        },
    )
    assert response.status_code == 302
    assert "井下避灾路线演练" in client.get(url).content.decode()


def test_county_list_shows_teams_and_gaps(client, world, django_assert_max_num_queries):
    for i in range(6):
        contract(world["a"], D(2024, 1, 1), D(2030, 12, 31), name=f"协议队{i}")
    client.force_login(world["county"])
    with django_assert_max_num_queries(10):
        page = client.get(reverse("rescue:index")).content.decode()
    assert page.count("协议队") == 6
    gaps = page.split('data-testid="rescue-gaps"')[1].split("</section>")[0]
    assert world["b"].name in gaps and world["a"].name not in gaps
    assert world["c"].name not in page  # another county


def test_dashboard_flags_high_risk_enterprises_without_a_team(client, world):
    own_team(world["a"], since=D(2020, 1, 1))
    client.force_login(world["city"])
    on = today().isoformat()
    page = client.get(reverse("dashboards:dashboard", args=["140500"]) + f"?on={on}")
    slot = f'hx-get="{reverse("rescue:dashboard_flag")}?scope=140500&amp;on={on}"'
    assert slot in page.content.decode()
    flag = client.get(reverse("rescue:dashboard_flag"), {"scope": "140500", "on": on})
    html = flag.content.decode()
    assert 'data-testid="rescue-flag"' in html
    assert world["b"].name in html and world["c"].name in html
    assert world["a"].name not in html and world["d"].name not in html
    assert "2 / 3" in html
    # an enterprise's dashboard: a covered mine shows no flag, an uncovered plant does
    covered = client.get(reverse("rescue:dashboard_flag"), {"scope": world["a"].credit_code})
    assert covered.status_code == 200 and "rescue-flag" not in covered.content.decode()
    plant = client.get(reverse("rescue:dashboard_flag"), {"scope": world["b"].credit_code})
    assert world["b"].name in plant.content.decode()


def test_dashboard_flag_keeps_to_the_jurisdiction(client, world):
    client.force_login(world["county"])
    html = client.get(reverse("rescue:dashboard_flag"), {"scope": "140502"}).content.decode()
    assert world["b"].name in html and world["c"].name not in html
    assert client.get(reverse("rescue:dashboard_flag"), {"scope": "140581"}).status_code == 403
    other = client.get(reverse("rescue:dashboard_flag"), {"scope": world["c"].credit_code})
    assert other.status_code == 404
    client.force_login(world["worker"])
    assert client.get(reverse("rescue:dashboard_flag"), {"scope": "140502"}).status_code == 403
