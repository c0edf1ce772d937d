"""The workbook pages: who may use them, a bad row's error in the table, the fixed file."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from safetrain.people.models import Person
from safetrain.people.tests.factories import make_employment, make_enterprise, make_user
from safetrain.workbook.registry import registry
from safetrain.workbook.tests.helpers import person_row, xlsx

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def upload(data, name="roster.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def ent():
    return make_enterprise(region="140502", name="城区甲煤矿")


@pytest.mark.parametrize("role", ["inspector", "trainer", "worker"])
def test_other_roles_get_403(role):
    client = client_for(make_user(role))
    for name in ("workbook:import", "workbook:template", "workbook:export"):
        assert client.get(reverse(name)).status_code == 403


def test_anonymous_is_sent_to_sign_in():
    response = Client().get(reverse("workbook:import"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_bad_row_shows_its_error_then_the_fixed_file_imports(ent, ids):
    client = client_for(make_user("enterprise_admin", enterprise=ent))
    page = client.get(reverse("workbook:import"))
    assert page.status_code == 200
    assert "下载空白模板" in page.content.decode()
    good, bad = ids(), ids()
    wrong = bad[:17] + ("0" if bad[17] != "0" else "1")
    rows = [person_row(good, "张三", ent.credit_code), person_row(wrong, "李四", ent.credit_code)]
    response = client.post(reverse("workbook:import"), {"file": upload(xlsx({"人员": rows}))})
    assert response.status_code == 400
    html = response.content.decode()
    assert "发现 1 处错误，未写入任何数据" in html
    assert "<td>人员</td><td>3</td><td>身份证号</td>" in html
    assert "身份证号校验码错误" in html
    assert not Person.objects.filter(name__in=["张三", "李四"]).exists()
    # dry run of the fixed file: counts, nothing written
    rows[1][0] = bad
    response = client.post(
        reverse("workbook:import"), {"file": upload(xlsx({"人员": rows})), "dry_run": "1"}
    )
    assert response.status_code == 200 and "检查通过（试运行，未写入）" in response.content.decode()
    assert not Person.objects.filter(name="张三").exists()
    response = client.post(reverse("workbook:import"), {"file": upload(xlsx({"人员": rows}))})
    assert response.status_code == 200
    assert "导入完成" in response.content.decode()
    assert set(Person.objects.values_list("name", flat=True)) >= {"张三", "李四"}


def test_not_an_xlsx_and_oversize_uploads(ent, settings):
    client = client_for(make_user("county_admin", region="140502"))
    response = client.post(reverse("workbook:import"), {"file": upload(b"not a workbook")})
    assert response.status_code == 400
    assert "文件不是 Excel 工作簿（.xlsx）" in response.content.decode()
    settings.SAFETRAIN_MAX_UPLOAD_BYTES = 100
    response = client.post(reverse("workbook:import"), {"file": upload(b"PK\x03\x04" + b"0" * 500)})
    assert response.status_code == 400 and "文件过大" in response.content.decode()
    response = client.post(reverse("workbook:import"), {})
    assert response.status_code == 400 and "请选择要导入的 .xlsx 文件" in response.content.decode()


def test_template_download(ent):
    client = client_for(make_user("city_admin"))
    response = client.get(reverse("workbook:template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == registry.names()
    assert [c.value for c in book["人员"][1]] == registry.get("人员").all_headers


def test_export_is_the_viewers_scope(ent):
    other = make_enterprise(region="140502")
    mine = make_employment(enterprise=ent).person
    make_employment(enterprise=other)
    client = client_for(make_user("enterprise_admin", enterprise=ent))
    response = client.get(reverse("workbook:export"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["人员"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[3]) for r in rows] == [(mine.name, ent.credit_code)]
    assert [r[0] for r in book["企业"].iter_rows(min_row=2, values_only=True)] == [ent.credit_code]
