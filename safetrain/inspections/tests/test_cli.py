from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from safetrain.certificates.tests.factories import make_certificate
from safetrain.inspections import services
from safetrain.people.tests.factories import make_enterprise, make_user

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("inspections", *args, stdout=out)
    return out.getvalue()


def test_draw_json_is_reproducible_and_pairs_two_inspectors(db):
    codes = {make_enterprise(region="140525").credit_code for _ in range(5)}
    make_enterprise(region="140581")
    for name in ("i-a", "i-b", "i-c"):
        make_user("inspector", region="140525", username=name)
    make_user("inspector", region="140581", username="i-other")
    first = json.loads(_run("draw", "--region", "140525", "--count", "3", "--seed", "9", "--json"))
    again = json.loads(_run("draw", "--region", "140525", "--count", "3", "--seed", "9", "--json"))
    assert first == again
    assert first["seed"] == 9 and first["region"] == "140525"
    assert len(first["pairs"]) == 3
    for pair in first["pairs"]:
        assert pair["enterprise"] in codes
        assert len(set(pair["inspectors"])) == 2 and "i-other" not in pair["inspectors"]
    assert "双随机" in _run("draw", "--region", "140525", "--count", "1", "--seed", "1")


def test_draw_refuses_too_few(db):
    make_enterprise(region="140525")
    make_user("inspector", region="140525")
    with pytest.raises(CommandError, match="企业不足"):
        _run("draw", "--region", "140525", "--count", "2", "--seed", "1")
    with pytest.raises(CommandError, match="执法人员不足"):
        _run("draw", "--region", "140525", "--count", "1", "--seed", "1")
    with pytest.raises(CommandError, match="不存在"):
        _run("draw", "--region", "999999", "--count", "1", "--seed", "1")


def test_refresh_orders_closes_cleared_orders(world):
    order = services.order_issue(
        actor=None,
        enterprise=world["a"],
        items=[(world["ops"][0].pk, "CERT_MISSING")],
        deadline=world["today"] + dt.timedelta(days=5),
    )
    assert "办结责令改正 0 件" in _run("refresh-orders")
    make_certificate(world["ops"][0], operation="5.4", issued_on=world["today"])
    assert "办结责令改正 1 件" in _run("refresh-orders", "--on", world["today"].isoformat())
    order.refresh_from_db()
    assert order.closed_on == world["today"]
    with pytest.raises(CommandError, match="--on"):
        _run("refresh-orders", "--on", "2024-13-01")
