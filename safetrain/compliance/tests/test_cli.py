"""`safetrain compliance show|rates|recompute` — JSON shapes exactly as DESIGN §5."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from safetrain.compliance.models import PersonStatus
from safetrain.core.testing import new_id_number
from safetrain.people.services import person_id_number

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("compliance", *args, stdout=out)
    return out.getvalue()


def test_show_json_shape(small_world):
    p3 = small_world["p"][3]
    data = json.loads(run("show", person_id_number(p3), "--on", "2025-03-01", "--json"))
    assert list(data) == ["as_of", "status", "may_work", "enterprise", "findings"]
    assert data["as_of"] == "2025-03-01" and data["status"] == "in_post"
    assert data["may_work"] is False and data["enterprise"] == small_world["ent"].credit_code
    codes = [f["code"] for f in data["findings"]]
    assert codes == ["CERT_MISSING", "ANNUAL_HOURS_PENDING", "ANNUAL_HOURS_SHORT"]
    for f in data["findings"]:
        assert list(f) == ["code", "blocking", "basis", "remedy", "detail"]
    missing = data["findings"][0]
    assert missing["blocking"] is True and "30号令" in missing["basis"]
    assert missing["detail"]["needed_operation"] == "5.4"
    assert "5.4" in missing["remedy"]


def test_show_text_is_a_chinese_summary(small_world):
    text = run("show", person_id_number(small_world["p"][3]), "--on", "2025-03-01")
    assert "不得上岗" in text and "应持证未持证" in text and "整改：" in text and "依据：" in text
    text = run("show", person_id_number(small_world["p"][5]), "--on", "2025-03-01")
    assert "离岗" in text


def test_show_not_employed_json(small_world):
    data = json.loads(
        run("show", person_id_number(small_world["nobody"]), "--json", "--on", "2025-03-01")
    )
    assert data == {
        "as_of": "2025-03-01",
        "status": "not_employed",
        "may_work": False,
        "enterprise": None,
        "findings": [],
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "123"], "身份证号无效"),
        (["show", "__unknown__"], "未找到"),
        (["show", "__valid__", "--on", "2025-13-01"], "--on"),
        (["rates", "--region", "999999"], "未知行政区划"),
        (["rates", "--enterprise", "91140502MA0XXXXXXX"], "未找到"),
    ],
)
def test_errors(small_world, args, message):
    args = [new_id_number() if a == "__unknown__" else a for a in args]
    args = [person_id_number(small_world["p"][1]) if a == "__valid__" else a for a in args]
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_unknown_id_exits_1_with_a_message(small_world, capsys):
    with pytest.raises(SystemExit) as exc:
        ManagementUtility(["safetrain", "compliance", "show", new_id_number()]).execute()
    assert exc.value.code == 1
    assert "未找到身份证号为" in capsys.readouterr().err


def test_rates_json_shape(small_world):
    data = json.loads(
        run("rates", "--enterprise", small_world["ent"].credit_code, "--on", "2025-03-01", "--json")
    )
    assert list(data) == [
        "as_of",
        "scope",
        "population",
        "coverage",
        "certified",
        "awareness",
        "may_work",
    ]
    assert data["scope"] == small_world["ent"].credit_code and data["population"] == 5
    assert data["coverage"] == {"num": 2, "den": 5} and data["may_work"] == {"num": 4, "den": 5}
    city = json.loads(run("rates", "--on", "2025-03-01", "--json"))
    assert city["scope"] == "140500" and city["population"] == 6
    county = json.loads(run("rates", "--region", "140581", "--on", "2025-03-01", "--json"))
    assert county["scope"] == "140581" and county["population"] == 1
    text = run("rates", "--region", "140502", "--on", "2025-03-01")
    assert "安全教育覆盖率 2/5（40.0%）" in text


def test_recompute(small_world):
    assert "已重算 9 人" in run("recompute")
    assert PersonStatus.objects.count() == 9


def test_bench_generates_a_city_and_reads_todays_rates_from_the_cache(db):
    from safetrain.compliance.bench import run_bench

    out = io.StringIO()
    figures = run_bench(persons=60, seed=3, samples=10, out=out)
    assert figures["recomputed"] == 60
    assert figures["today_rates_source"] == "materialized"
    assert "compliance show" in out.getvalue()
    with pytest.raises(CommandError, match="空数据库"):
        run_bench(persons=10, seed=3, samples=1, out=io.StringIO())
