"""Pages: authoring (list, new handbook, items with the sector rule), the worker's reading page
with progress, marking an item read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safetrain.handbooks import services
from safetrain.handbooks.models import Handbook, HandbookItem, ItemRead

pytestmark = pytest.mark.django_db


def _gas_handbook(world, items=3):
    h = services.handbook_create(
        actor=None, sector="coal_mine", job_type=world["gas_job"], title="瓦斯检查工应知应会"
    )
    for i in range(items):
        services.item_add(
            actor=None,
            handbook=h,
            title=f"条目{i}",
            body=f"内容{i}",
            question_ids=[world["coal_q"][i].pk],
        )
    return h


def test_trainer_creates_a_handbook_and_items(client, world):
    client.force_login(world["trainer"])
    r = client.post(
        reverse("handbooks:list"),
        {"sector": "coal_mine", "job_type": str(world["gas_job"].pk), "title": "瓦斯检查工手册"},
    )
    h = Handbook.objects.get()
    assert r["Location"] == reverse("handbooks:detail", args=[h.pk])
    url = reverse("handbooks:detail", args=[h.pk])
    bad = client.post(
        url,
        {
            "title": "条目",
            "body": "内容",
            "questions": f"{world['coal_q'][0].pk}，{world['chem_q'][0].pk}",
        },
    )
    assert bad.status_code == 200
    assert "不属于本手册的行业" in bad.content.decode() or "危险化学品" in bad.content.decode()
    assert not HandbookItem.objects.exists()
    ok = client.post(
        url, {"title": "条目", "body": "内容", "questions": f"{world['coal_q'][0].pk}"}
    )
    assert ok.status_code == 302
    assert f"#{world['coal_q'][0].pk}" in client.get(url).content.decode()


def test_enterprise_admin_reads_but_does_not_author(client, world):
    h = _gas_handbook(world)
    client.force_login(world["admin"])
    page = client.get(reverse("handbooks:detail", args=[h.pk])).content.decode()
    assert "条目0" in page and 'data-testid="item-form"' not in page
    r = client.post(reverse("handbooks:detail", args=[h.pk]), {"title": "x", "body": "y"})
    assert r.status_code == 403
    r = client.post(reverse("handbooks:list"), {"sector": "coal_mine", "title": "x"})
    assert r.status_code == 403
    assert Handbook.objects.count() == 1
    client.force_login(world["w_gas"])
    assert client.get(reverse("handbooks:list")).status_code == 403


def test_worker_reads_their_posts_handbook_with_progress(client, world):
    h = _gas_handbook(world)
    client.force_login(world["w_gas"])
    page = client.get(reverse("handbooks:mine")).content.decode()
    assert "瓦斯检查工应知应会" in page and "已读 0 / 3 条" in page
    assert 'aria-valuenow="0"' in page and 'aria-valuemax="3"' in page
    first = h.items.order_by("order").first()
    r = client.post(reverse("handbooks:read", args=[first.pk]))
    assert r.status_code == 302 and r["Location"].endswith(f"#item-{first.pk}")
    page = client.get(reverse("handbooks:mine")).content.decode()
    assert 'aria-valuenow="1"' in page
    assert ItemRead.objects.filter(person=world["gas"]).count() == 1


def test_reading_another_posts_item_is_404(client, world):
    h = _gas_handbook(world)
    client.force_login(world["w_chem"])
    page = client.get(reverse("handbooks:mine")).content.decode()
    assert 'data-testid="no-handbook"' in page
    r = client.post(reverse("handbooks:read", args=[h.items.first().pk]))
    assert r.status_code == 404
    assert not ItemRead.objects.exists()


def test_edit_item_keeps_the_sector_rule(client, world):
    h = _gas_handbook(world, items=1)
    item = h.items.get()
    url = reverse("handbooks:edit", args=[h.pk, item.pk])
    client.force_login(world["admin"])
    assert client.get(url).status_code == 403
    client.force_login(world["county"])
    page = client.get(url).content.decode()
    assert str(world["coal_q"][0].pk) in page and "条目0" in page
    bad = client.post(
        url, {"order": "1", "title": "改", "body": "新", "questions": str(world["chem_q"][1].pk)}
    )
    assert "不属于本手册的行业" in bad.content.decode()
    item.refresh_from_db()
    assert item.title == "条目0"
    ok = client.post(
        url, {"order": "3", "title": "改", "body": "新", "questions": str(world["coal_q"][4].pk)}
    )
    assert ok.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.order) == ("改", 3)
    assert list(item.questions.all()) == [world["coal_q"][4]]


def test_exam_form_draws_the_risk_awareness_test_from_a_handbook(client, world):
    from safetrain.exams.models import Exam

    h = _gas_handbook(world, items=3)
    client.force_login(world["admin"])
    page = client.get("/exams/new/").content.decode()
    assert f'<option value="{h.pk}">' in page and "瓦斯检查工应知应会" in page
    data = {
        "title": "瓦斯检查工应知应会测试",
        "purpose": "risk_awareness",
        "pass_mark": "80",
        "duration_minutes": "30",
        "opens_at": "2026-01-01T08:00",
        "closes_at": "2030-01-01T08:00",
        "attempt_limit": "1",
        "rule_count": "4",
        "rule_points": "25",
        "rule_handbook": str(h.pk),
        "job_type": str(world["gas_job"].pk),
    }
    html = client.post("/exams/new/", data).content.decode()
    assert "需要 4 题" in html and not Exam.objects.exists()  # the handbook links 3
    data["rule_count"] = "3"
    assert client.post("/exams/new/", data).status_code == 302
    exam = Exam.objects.get()
    assert exam.rule[0]["handbook"] == str(h.pk)
    assert list(exam.candidates.values_list("person_id", flat=True)) == [world["gas"].pk]


def test_worker_home_shows_the_handbook_progress(client, world):
    h = _gas_handbook(world, items=2)
    services.item_mark_read(actor=world["w_gas"], item=h.items.first())
    client.force_login(world["w_gas"])
    page = client.get("/").content.decode()
    block = page.split('data-testid="handbook-home"')[1]
    assert "瓦斯检查工应知应会" in block and "已读 1 / 2 条" in block
    client.force_login(world["w_chem"])  # no handbook for the post: no block
    assert 'data-testid="handbook-home"' not in client.get("/").content.decode()
