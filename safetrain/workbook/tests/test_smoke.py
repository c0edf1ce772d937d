import datetime as dt

import pytest

from safetrain.core.testing import new_credit_code, new_id_number
from safetrain.people.models import Person, Post
from safetrain.workbook.engine import export_workbook, import_workbook
from safetrain.workbook.registry import ExportScope
from safetrain.workbook.tests.helpers import enterprise_row, messages, person_row, xlsx

pytestmark = pytest.mark.django_db


def test_smoke():
    code = new_credit_code("140502")
    a, b = new_id_number(), new_id_number()
    data = xlsx(
        {
            "企业": [enterprise_row(code, "测试煤业")],
            "人员": [
                person_row(a, "张三", code, phone="13800138000", dept="综采车间/一班"),
                person_row(
                    b,
                    "李四",
                    code,
                    post="瓦斯检查工",
                    start="2020-01-01",
                    end="2022-12-31",
                    form="劳务派遣",
                ),
            ],
            "岗位变动": [[a, code, "2023-06-01", "井下电钳工", ""]],
            "离岗": [[a, code, "2023-08-01", "2023-09-30"]],
        }
    )
    r = import_workbook(data, actor=None, today=dt.date(2024, 6, 30))
    print(messages(r), r.warnings, r.counts)
    assert r.ok
    assert Person.objects.count() == 2
    print(list(Post.objects.values()))
    out = export_workbook(ExportScope())
    r2 = import_workbook(out, actor=None, today=dt.date(2024, 6, 30))
    print(messages(r2), r2.counts)
    assert r2.ok
    assert all(c.written == 0 for c in r2.counts.values())
