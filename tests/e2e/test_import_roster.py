"""Browser journey: an enterprise admin uploads a roster with a bad row, sees the row error,
uploads the fixed file and finds the people in the person list (issue #2)."""

from __future__ import annotations

import pytest

from safetrain.core.testing import new_id_number
from safetrain.people.tests.factories import PASSWORD, make_enterprise, make_user
from safetrain.workbook.tests.helpers import person_row, xlsx
from tests.e2e.conftest import screenshot
from tests.e2e.journeys import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _reference_data():
    # transactional tests flush the tables, reference data included: load it again
    from safetrain.catalog.services import catalog_load

    catalog_load()


def test_enterprise_admin_fixes_a_bad_row_and_imports_the_roster(page, live_server, tmp_path):
    ent = make_enterprise(region="140502", sector="coal_mine", name="晋城市城区凤凰山煤业有限公司")
    make_user("enterprise_admin", enterprise=ent, username="roster_admin")
    numbers = [new_id_number() for _ in range(3)]
    wrong = numbers[1][:17] + ("0" if numbers[1][17] != "0" else "1")
    code = ent.credit_code
    rows = [
        person_row(numbers[0], "郭采煤", code, post="采煤机司机", dept="综采一队/早班"),
        person_row(wrong, "韩瓦检", code, post="瓦斯检查工", dept="通风科"),
        person_row(numbers[2], "冯电工", code, post="井下电钳工", start="2022-08-15"),
    ]
    bad = tmp_path / "花名册.xlsx"
    bad.write_bytes(xlsx({"人员": rows}))
    rows[1][0] = numbers[1]
    fixed = tmp_path / "花名册-已改.xlsx"
    fixed.write_bytes(xlsx({"人员": rows}))

    base = live_server.url
    sign_in(page, base, "roster_admin", PASSWORD)
    page.click("nav.nav-side a[data-nav='workbook:import']")  # the menu entry
    page.wait_for_url(f"{base}/workbook/")
    page.set_input_files("#id_file", str(bad))
    page.click("#import-form button[type=submit]")
    errors = page.locator("#import-errors")
    errors.wait_for()
    assert "发现 1 处错误，未写入任何数据" in errors.inner_text()
    cells = errors.locator("tbody tr").first.locator("td").all_inner_texts()
    assert cells[:3] == ["人员", "3", "身份证号"]
    assert "校验码错误" in cells[3]
    screenshot(page, "workbook-import-row-error")

    page.set_input_files("#id_file", str(fixed))
    page.click("#import-form button[type=submit]")
    done = page.locator("#import-done")
    done.wait_for()
    assert "导入完成" in done.inner_text()
    assert done.locator("tbody tr").first.locator("td").all_inner_texts() == ["人员", "3", "3"]
    screenshot(page, "workbook-import-done")

    page.goto(f"{base}/persons/")
    table = page.locator("table").inner_text()
    for name in ("郭采煤", "韩瓦检", "冯电工"):
        assert name in table
    screenshot(page, "workbook-person-list")
