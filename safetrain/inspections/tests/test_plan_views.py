"""Pages of 双随机: plans, roster and conflicts, the draw and its public page, planned
inspections carried out."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safetrain.core import dates
from safetrain.inspections.models import ConflictOfInterest, Draw, EnforcementPlan, Inspection
from safetrain.people.tests.factories import make_enterprise, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def zz(db):
    ents = [make_enterprise(region="140525", name=f"泽州企业{i}") for i in range(4)]
    other = make_enterprise(region="140581", name="高平企业")
    insp = [make_user("inspector", region="140525", username=f"zz-{i}") for i in range(3)]
    return {
        "ents": ents,
        "other": other,
        "insp": insp,
        "admin": make_user("county_admin", region="140525", username="zz-admin"),
        "gp_admin": make_user("county_admin", region="140581", username="gp-admin"),
        "ent_admin": make_user("enterprise_admin", enterprise=ents[0], username="zz-ent"),
        "gp_ent_admin": make_user("enterprise_admin", enterprise=other, username="gp-ent"),
        "worker": make_user("worker", username="zz-worker"),
    }


def test_plan_create_add_upload_and_draw_publish(client, zz):
    client.force_login(zz["admin"])
    year = dates.today().year
    r = client.post(
        reverse("inspections:plans"),
        {"region": "140525", "year": year, "title": "泽州县年度执法计划", "note": ""},
    )
    plan = EnforcementPlan.objects.get()
    assert r.status_code == 302 and r.url == reverse("inspections:plan", args=[plan.pk])
    url = reverse("inspections:plan", args=[plan.pk])
    codes = "\n".join(e.credit_code for e in zz["ents"][:2])
    client.post(url, {"action": "add", "codes": codes})
    assert plan.entries.count() == 2
    bad = f"{zz['ents'][2].credit_code}\n{zz['other'].credit_code}\n".encode()
    r = client.post(
        url, {"action": "upload", "file": SimpleUploadedFile("l.txt", bad)}, follow=True
    )
    assert "第 2 行" in r.content.decode() and plan.entries.count() == 2
    client.post(
        url,
        {
            "action": "upload",
            "file": SimpleUploadedFile("l.csv", zz["ents"][2].credit_code.encode()),
        },
    )
    assert plan.entries.count() == 3
    page = client.get(url).content.decode()
    assert "风险权重" in page and zz["ents"][2].name in page
    r = client.post(reverse("inspections:draws"), {"region": "140525", "count": 2, "seed": "42"})
    draw = Draw.objects.get()
    assert r.url == reverse("inspections:draw", args=[draw.pk])
    assert draw.plan == plan and len(draw.result) == 2
    assert Inspection.objects.filter(status="planned").count() == 2


def test_other_county_and_inspectors_cannot_manage(client, zz):
    client.force_login(zz["gp_admin"])
    r = client.post(
        reverse("inspections:plans"),
        {"region": "140525", "year": 2030, "title": "x"},
        follow=True,
    )
    assert not EnforcementPlan.objects.exists()
    assert "只有本局" in r.content.decode()
    client.force_login(zz["insp"][0])
    client.post(reverse("inspections:draws"), {"region": "140525", "count": 1, "seed": "1"})
    assert not Draw.objects.exists()
    client.force_login(zz["worker"])
    assert client.get(reverse("inspections:plans")).status_code == 403


def test_conflict_recorded_on_the_roster_page(client, zz):
    client.force_login(zz["admin"])
    url = reverse("inspections:roster")
    page = client.get(url).content.decode()
    assert all(u.username in page for u in zz["insp"])
    client.post(
        url,
        {
            "region": "140525",
            "action": "add",
            "inspector": "zz-1",
            "enterprise": zz["ents"][0].credit_code,
            "reason": "曾在该企业任职",
        },
    )
    conflict = ConflictOfInterest.objects.get()
    assert conflict.inspector.username == "zz-1" and conflict.recorded_by == zz["admin"]
    # an enterprise of another county is not in the jurisdiction: nothing recorded
    client.post(
        url,
        {
            "region": "140525",
            "action": "add",
            "inspector": "zz-1",
            "enterprise": zz["other"].credit_code,
            "reason": "x",
        },
    )
    assert ConflictOfInterest.objects.count() == 1
    client.post(url, {"region": "140525", "action": "remove", "conflict": conflict.pk})
    assert not ConflictOfInterest.objects.exists()


def test_published_draw_is_public_in_scope_only(client, zz):
    from safetrain.inspections import planning

    draw = planning.draw_publish(actor=zz["admin"], region_code="140525", count=2, seed="7")
    url = reverse("inspections:draw", args=[draw.pk])
    for user in ("admin", "ent_admin"):
        client.force_login(zz[user])
        page = client.get(url).content.decode()
        assert "7" in page and "同样的结果" in page or "same result" in page
        for pair in draw.result:
            assert pair["enterprise"] in page
        assert client.get(reverse("inspections:draws")).content.decode().count(url) == 1
    for user in ("gp_admin", "gp_ent_admin"):
        client.force_login(zz[user])
        assert client.get(url).status_code == 404
        assert url not in client.get(reverse("inspections:draws")).content.decode()
    client.force_login(zz["worker"])
    assert client.get(url).status_code == 403


def test_planned_inspection_is_listed_and_carried_out(client, zz):
    from safetrain.inspections import planning

    draw = planning.draw_publish(actor=zz["admin"], region_code="140525", count=1, seed="9")
    inspection = draw.pairs.get().inspection
    inspector = inspection.assigned.first()
    client.force_login(inspector)
    index = client.get(reverse("inspections:index")).content.decode()
    assert inspection.enterprise.name in index and 'data-testid="planned"' in index
    url = reverse("inspections:detail", args=[inspection.pk])
    assert 'data-testid="carry-out"' in client.get(url).content.decode()
    client.post(url, {"action": "carry_out", "date": dates.today().isoformat()})
    inspection.refresh_from_db()
    assert inspection.status == "planned"  # no method chosen: refused
    client.post(
        url,
        {"action": "carry_out", "date": dates.today().isoformat(), "methods": ["site_visit"]},
    )
    inspection.refresh_from_db()
    assert inspection.status == "done" and inspection.inspector == inspector
    # an inspector not assigned and not drawn does not see it as a to-do
    others = [u for u in zz["insp"] if u not in inspection.assigned.all()]
    client.force_login(others[0])
    assert 'data-testid="planned"' not in client.get(reverse("inspections:index")).content.decode()


def test_draws_api_lists_published_draws_in_scope(client, zz):
    from safetrain.inspections import planning

    draw = planning.draw_publish(actor=zz["admin"], region_code="140525", count=2, seed="11")
    client.force_login(zz["ent_admin"])
    data = client.get("/api/v1/inspections/draws").json()
    assert data["count"] == 1 and data["items"][0]["seed"] == "11"
    one = client.get(f"/api/v1/inspections/draws/{draw.pk}").json()
    assert one["pairs"] == draw.result and one["inputs_digest"] == draw.inputs_digest
    client.force_login(zz["gp_ent_admin"])
    assert client.get("/api/v1/inspections/draws").json()["count"] == 0
    assert client.get(f"/api/v1/inspections/draws/{draw.pk}").status_code == 404
