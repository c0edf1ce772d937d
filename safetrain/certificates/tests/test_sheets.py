"""The 证书 sheet: check (every row error, nothing written), write, export, round trip."""

from __future__ import annotations

import datetime as dt

import pytest

from safetrain.certificates.models import Certificate, CertificateReview
from safetrain.certificates.sheets import CertificateSheet
from safetrain.certificates.tests.factories import make_certificate
from safetrain.core.testing import new_id_number
from safetrain.people.services import id_lookup_hash, person_id_number
from safetrain.people.tests.factories import make_employment, make_enterprise, make_user
from safetrain.workbook.registry import ExportScope, ImportContext, Row, registry

pytestmark = pytest.mark.django_db
HEADERS = CertificateSheet.headers


def rows_of(values: list[list[str]]) -> list[Row]:
    return [
        Row(number=i + 2, cells=dict(zip(HEADERS, [str(v) for v in vals], strict=True)))
        for i, vals in enumerate(values)
    ]


def snapshot():
    return (
        sorted(
            Certificate.objects.values_list(
                "person_id",
                "cert_type",
                "operation_id",
                "number",
                "issuing_authority",
                "issued_on",
                "valid_until",
                "review_due",
                "revoked",
            )
        ),
        sorted(
            CertificateReview.objects.values_list("certificate__number", "passed_on", "cleared_due")
        ),
    )


def test_registered_with_the_design_headers():
    handler = registry.get("证书")
    assert isinstance(handler, CertificateSheet)
    assert handler.order == 50
    assert handler.headers == [
        "身份证号",
        "证书类型",
        "作业类别代码",
        "证书编号",
        "发证日期",
        "有效期至",
        "复审日期",
        "已复审日期",
        "发证机关",
        "状态",
    ]


def run(rows, actor=None, state=None):
    ctx = ImportContext(actor=actor)
    if state:
        ctx.state.update(state)
    sheet = CertificateSheet()
    plan = sheet.check(rows, ctx)
    return sheet, plan, ctx


def test_import_defaults_review_revocation_then_round_trip():
    p1 = make_employment(job="瓦斯检查工").person
    p2 = make_employment(role="principal").person
    id1, id2 = person_id_number(p1), person_id_number(p2)
    rows = rows_of(
        [
            [
                id1,
                "特种作业操作证",
                "5.4",
                "T-001",
                "2024-02-29",
                "",
                "",
                "",
                "晋城市应急管理局",
                "有效",
            ],
            [
                id1,
                "特种作业操作证",
                "5.1",
                "T-002",
                "2019-05-01",
                "",
                "2022-05-01",
                "2022-04-20",
                "晋城市应急管理局",
                "有效",
            ],
            [
                id2,
                "安全生产知识和管理能力考核合格证",
                "",
                "M-001",
                "2023-01-01",
                "2025-12-31",
                "",
                "",
                "山西省应急管理厅",
                "",
            ],
            [
                id2,
                "特种作业操作证",
                "1.2",
                "T-003",
                "2021-01-01",
                "",
                "",
                "",
                "晋城市应急管理局",
                "吊销",
            ],
        ]
    )
    sheet, plan, ctx = run(rows)
    assert ctx.errors == []
    assert sheet.write(plan, ctx) == 4
    t1 = Certificate.objects.get(number="T-001")
    assert (t1.valid_until, t1.review_due) == (dt.date(2030, 2, 27), dt.date(2027, 2, 28))
    t2 = Certificate.objects.get(number="T-002")
    assert t2.review_due is None
    assert t2.reviews.get().cleared_due == dt.date(2022, 5, 1)
    assert Certificate.objects.get(number="M-001").valid_until == dt.date(2025, 12, 31)
    assert Certificate.objects.get(number="T-003").revoked
    assert Certificate.objects.get(number="T-001").source == "import"

    before = snapshot()
    exported = list(sheet.export_rows(ExportScope()))
    assert len(exported) == 4
    t2_row = next(r for r in exported if r[3] == "T-002")
    assert t2_row == [
        id1,
        "特种作业操作证",
        "5.1",
        "T-002",
        "2019-05-01",
        "2025-04-30",
        "2022-05-01",
        "2022-04-20",
        "晋城市应急管理局",
        "有效",
    ]
    sheet, plan, ctx = run(rows_of(exported))
    assert ctx.errors == []
    sheet.write(plan, ctx)
    assert snapshot() == before
    # the original file a second time changes nothing either
    sheet, plan, ctx = run(rows)
    assert ctx.errors == []
    sheet.write(plan, ctx)
    assert snapshot() == before


def test_every_bad_row_is_reported_and_nothing_written():
    p1 = make_employment(job="瓦斯检查工").person
    p2 = make_employment().person
    make_certificate(p2, number="TAKEN", issued_on=dt.date(2022, 1, 1))
    id1 = person_id_number(p1)
    unknown = new_id_number()
    rows = rows_of(
        [
            [unknown, "特种作业操作证", "5.4", "B-1", "2024-01-01", "", "", "", "", "有效"],
            [id1, "特种作业操作证", "5.99", "B-2", "2024-01-01", "", "", "", "", "有效"],
            [id1, "特种作业操作证", "", "B-3", "2024-01-01", "", "", "", "", "有效"],
            [id1, "特种作业操作证", "5.4", "B-4", "2024-01-01", "2023-01-01", "", "", "", "有效"],
            [
                id1,
                "特种作业操作证",
                "5.4",
                "B-5",
                "2024-01-01",
                "2030-01-01",
                "2031-01-01",
                "",
                "",
                "有效",
            ],
            [id1, "特种作业操作证", "5.4", "TAKEN", "2022-01-01", "", "", "", "", "有效"],
            [id1, "驾驶证", "", "B-7", "2024-01-01", "", "", "", "", "有效"],
            [id1, "特种作业操作证", "5.4", "B-8", "2024/01/01", "", "", "", "", "有效"],
            [id1, "特种作业操作证", "5.4", "B-9", "2024-01-01", "", "", "", "", "过期"],
            [
                id1,
                "安全生产知识和管理能力考核合格证",
                "",
                "B-10",
                "2024-01-01",
                "",
                "",
                "2025-01-01",
                "",
                "",
            ],
            [id1, "特种作业操作证", "5.4", "B-11", "2024-01-01", "", "", "", "", ""],
            [id1, "特种作业操作证", "5.4", "B-11", "2024-01-01", "", "", "", "", ""],
            ["123", "特种作业操作证", "5.4", "B-13", "2024-01-01", "", "", "", "", ""],
            [
                id1,
                "安全生产知识和管理能力考核合格证",
                "5.4",
                "B-14",
                "2024-01-01",
                "",
                "",
                "",
                "",
                "",
            ],
        ]
    )
    sheet, plan, ctx = run(rows)
    got = {(e.row, e.column) for e in ctx.errors}
    assert got == {
        (2, "身份证号"),
        (3, "作业类别代码"),
        (4, "作业类别代码"),
        (5, "有效期至"),
        (6, "复审日期"),
        (7, "证书编号"),
        (8, "证书类型"),
        (9, "发证日期"),
        (10, "状态"),
        (11, "已复审日期"),
        (13, "证书编号"),
        (14, "身份证号"),
        (15, "作业类别代码"),
    }
    by_row = {e.row: e for e in ctx.errors}
    assert "未登记" in by_row[2].message
    assert "另一人" in by_row[7].message
    assert "第 12 行" in by_row[13].message
    assert str(by_row[2]).startswith("证书, 2, 身份证号: ")
    assert Certificate.objects.count() == 1  # check wrote nothing


def test_person_declared_by_the_people_sheet_of_the_same_file_is_known():
    id_number = new_id_number()
    rows = rows_of([[id_number, "特种作业操作证", "5.4", "F-1", "2024-01-01", "", "", "", "", ""]])
    _, _, ctx = run(rows)
    assert [e.column for e in ctx.errors] == ["身份证号"]
    _, plan, ctx = run(rows, state={"persons_by_hash": {id_lookup_hash(id_number): object()}})
    assert ctx.errors == [] and len(plan) == 1


def test_enterprise_admin_imports_only_for_its_roster_and_exports_its_scope():
    a = make_enterprise()
    b = make_enterprise()
    pa = make_employment(enterprise=a, job="瓦斯检查工").person
    pb = make_employment(enterprise=b, job="瓦斯检查工").person
    make_certificate(pa, number="SA")
    make_certificate(pb, number="SB")
    admin = make_user("enterprise_admin", enterprise=a)
    rows = rows_of(
        [
            [
                person_id_number(pa),
                "特种作业操作证",
                "5.1",
                "J-1",
                "2024-01-01",
                "",
                "",
                "",
                "",
                "",
            ],
            [
                person_id_number(pb),
                "特种作业操作证",
                "5.1",
                "J-2",
                "2024-01-01",
                "",
                "",
                "",
                "",
                "",
            ],
        ]
    )
    _, _, ctx = run(rows, actor=admin)
    assert [(e.row, e.column) for e in ctx.errors] == [(3, "身份证号")]
    sheet = CertificateSheet()
    assert [r[3] for r in sheet.export_rows(ExportScope(viewer=admin))] == ["SA"]
    assert [r[3] for r in sheet.export_rows(ExportScope(enterprise=b.credit_code))] == ["SB"]
