"""Every page for every role: what each sees, 403 for pages outside a role, 404 outside scope."""

import pytest
from django.urls import reverse

from safetrain.enterprises.models import Enterprise
from safetrain.people.models import User
from safetrain.people.services import person_id_number
from safetrain.people.tests.factories import PASSWORD, make_employment, make_person

pytestmark = pytest.mark.django_db

ROLES = ["city_admin", "county_admin", "enterprise_admin", "inspector", "trainer", "worker"]


def test_anonymous_is_sent_to_login(client, world):
    for url in [reverse("home"), reverse("enterprise_list"), reverse("person_list")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_login_page_labels_and_field_names(client, db):
    html = client.get(reverse("login")).content.decode()
    assert 'id="id_username"' in html and 'id="id_password"' in html
    assert "用户名 / 身份证号 / 手机号" in html
    assert "密码" in html


def test_worker_signs_in_with_id_number_and_phone(client, users, world):
    number = person_id_number(world["pa"])
    response = client.post(reverse("login"), {"username": number, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    client.post(reverse("logout"))
    response = client.post(reverse("login"), {"username": "13800001234", "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_password_shows_an_error(client, users):
    response = client.post(
        reverse("login"), {"username": users["worker"].username, "password": "nope"}
    )
    assert response.status_code == 200
    assert 'class="errors"' in response.content.decode()


def test_sign_out_is_a_post(login, users):
    c = login(users["city_admin"])
    html = c.get(reverse("home")).content.decode()
    assert f'method="post" action="{reverse("logout")}"' in html
    assert c.post(reverse("logout")).status_code == 302
    assert c.get(reverse("home")).status_code == 302


@pytest.mark.parametrize(
    "role,expected,absent",
    [
        ("city_admin", ["企业", "人员", "账号"], ["我的档案"]),
        ("county_admin", ["企业", "人员", "账号"], ["我的档案"]),
        ("enterprise_admin", ["企业", "人员", "账号"], ["我的档案"]),
        ("inspector", ["企业", "人员"], ["账号", "我的档案"]),
        ("trainer", ["首页"], ["企业", "人员", "账号", "我的档案"]),
        ("worker", ["首页", "我的档案"], ["企业", "人员", "账号"]),
    ],
)
def test_menu_per_role(login, users, role, expected, absent):
    response = login(users[role]).get(reverse("home"))
    assert response.status_code == 200
    labels = [str(item["label"]) for item in response.context["nav_items"]]
    for label in expected:
        assert label in labels
    for label in absent:
        assert label not in labels


def test_city_dashboard_counts_by_sector(login, users, world):
    response = login(users["city_admin"]).get(reverse("home"))
    tiles = {t.sector.code: t for t in response.context["tiles"]}
    assert tiles["coal_mine"].enterprises == 1 and tiles["coal_mine"].in_post == 1
    assert tiles["metal_smelting"].enterprises == 1
    assert response.context["total_enterprises"] == 3
    assert response.context["total_in_post"] == 3


def test_county_dashboard_counts_only_its_county(login, users, world):
    response = login(users["county_admin"]).get(reverse("home"))
    assert response.context["total_enterprises"] == 2
    tiles = {t.sector.code: t for t in response.context["tiles"]}
    assert tiles["metal_smelting"].enterprises == 0


def test_dashboard_query_count_is_flat(login, users, world, django_assert_max_num_queries):
    c = login(users["city_admin"])
    for _ in range(5):
        make_employment(enterprise=world["c"])
    with django_assert_max_num_queries(8):
        c.get(reverse("home"))


def test_enterprise_admin_home(login, users, world):
    html = login(users["enterprise_admin"]).get(reverse("home")).content.decode()
    assert "城区甲煤矿" in html
    assert 'data-testid="in-post">1<' in html


def test_worker_home_shows_current_post_and_archive_link(login, users):
    html = login(users["worker"]).get(reverse("home")).content.decode()
    assert "井下电钳工" in html
    assert reverse("my_archive") in html


def test_trainer_home(login, users):
    assert "欢迎" in login(users["trainer"]).get(reverse("home")).content.decode()


def test_inspector_lookup_redirects_by_uid_never_putting_the_number_in_a_url(login, users, world):
    c = login(users["inspector"])
    number = person_id_number(world["pa"])
    response = c.post(reverse("person_lookup"), {"id_number": number, "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("person_detail", args=[world["pa"].uid])
    assert number not in response["Location"]
    # outside the inspector's county: not found, back home with a message
    response = c.post(
        reverse("person_lookup"), {"id_number": person_id_number(world["pc"])}, follow=True
    )
    assert "辖区内没有此身份证号的人员" in response.content.decode()


def test_lookup_is_post_only(login, users):
    assert login(users["inspector"]).get(reverse("person_lookup")).status_code == 405


# ----------------------------------------------------------------------------- enterprises


def test_enterprise_list_is_scoped(login, users, world):
    c = login(users["county_admin"])
    html = c.get(reverse("enterprise_list")).content.decode()
    assert "城区甲煤矿" in html and "城区乙化工" in html
    assert "高平丙冶炼" not in html
    html = login(users["city_admin"]).get(reverse("enterprise_list")).content.decode()
    assert "高平丙冶炼" in html


def test_enterprise_list_filters(login, users, world):
    c = login(users["city_admin"])
    html = c.get(reverse("enterprise_list"), {"county": "140581"}).content.decode()
    assert "高平丙冶炼" in html and "城区甲煤矿" not in html
    html = c.get(reverse("enterprise_list"), {"sector": "hazardous_chemicals"}).content.decode()
    assert "城区乙化工" in html and "城区甲煤矿" not in html
    html = c.get(reverse("enterprise_list"), {"q": "甲煤"}).content.decode()
    assert "城区甲煤矿" in html and "城区乙化工" not in html


def test_enterprise_list_paginates(login, users, world):
    from safetrain.people.tests.factories import make_enterprise

    for _ in range(30):
        make_enterprise(region="140525")
    c = login(users["city_admin"])
    first = c.get(reverse("enterprise_list"))
    assert len(first.context["page"].object_list) == 25
    second = c.get(reverse("enterprise_list"), {"page": 2})
    assert len(second.context["page"].object_list) == 33 - 25


def test_enterprise_detail_shows_tree_people_and_masked_ids(login, users, world):
    c = login(users["enterprise_admin"])
    response = c.get(reverse("enterprise_detail", args=[world["a"].credit_code]))
    html = response.content.decode()
    assert "综采车间" in html and "一班" in html and '<ul class="tree">' in html
    assert world["pa"].id_number_masked in html
    assert person_id_number(world["pa"]) not in html
    assert "井下电钳工" in html and "综采车间/一班" in html
    assert "校验位正确" in html


def test_enterprise_detail_outside_scope_is_404(login, users, world):
    c = login(users["enterprise_admin"])
    assert c.get(reverse("enterprise_detail", args=[world["b"].credit_code])).status_code == 404
    c = login(users["county_admin"])
    assert c.get(reverse("enterprise_detail", args=[world["c"].credit_code])).status_code == 404


@pytest.mark.parametrize("role", ["trainer", "worker"])
def test_enterprise_pages_forbidden_for_roles_without_them(login, users, world, role):
    c = login(users[role])
    assert c.get(reverse("enterprise_list")).status_code == 403
    assert c.get(reverse("enterprise_detail", args=[world["a"].credit_code])).status_code == 403
    assert c.get(reverse("person_list")).status_code == 403


def test_enterprise_create_with_bad_check_digit_is_a_warning(login, users, world):
    c = login(users["county_admin"])
    good = "91140502MA0L0000"  # 16 chars; build a valid one then break its check digit
    from safetrain.core.identifiers import credit_check_char

    first17 = (good + "0")[:17]
    wrong = "0" if credit_check_char(first17) != "0" else "1"
    code = first17 + wrong
    response = c.post(
        reverse("enterprise_create"),
        {
            "credit_code": code,
            "name": "新登记煤矿",
            "region": "140502",
            "sector": "coal_mine",
            "area_types": ["underground", "office"],
        },
        follow=True,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "校验位不符" in html  # the message
    assert 'data-testid="check-warning"' in html  # the badge
    ent = Enterprise.objects.get(credit_code=code)
    assert ent.area_types == ["underground", "office"] and not ent.credit_code_check_ok


def test_enterprise_create_refuses_another_county_and_a_taken_code(login, users, world):
    c = login(users["county_admin"])
    form = c.get(reverse("enterprise_create")).context["form"]
    assert [code for code, _ in form.fields["region"].choices] == ["140502"]
    response = c.post(
        reverse("enterprise_create"),
        {
            "credit_code": world["c"].credit_code,
            "name": "抢注",
            "region": "140502",
            "sector": "coal_mine",
        },
    )
    assert response.status_code == 200
    assert "已登记" in response.content.decode()
    world["c"].refresh_from_db()
    assert world["c"].name == "高平丙冶炼"


def test_enterprise_create_shows_service_errors(login, users):
    c = login(users["city_admin"])
    response = c.post(
        reverse("enterprise_create"),
        {"credit_code": "123", "name": "x", "region": "140502", "sector": "coal_mine"},
    )
    assert response.status_code == 200
    assert "统一社会信用代码应为18位" in response.content.decode()


def test_enterprise_edit(login, users, world):
    c = login(users["county_admin"])
    url = reverse("enterprise_edit", args=[world["a"].credit_code])
    response = c.post(url, {"name": "城区甲煤矿（改）", "region": "140502", "sector": "coal_mine"})
    assert response.status_code == 302
    world["a"].refresh_from_db()
    assert world["a"].name == "城区甲煤矿（改）"
    assert c.get(reverse("enterprise_edit", args=[world["c"].credit_code])).status_code == 404
    for role in ["enterprise_admin", "inspector", "worker", "trainer"]:
        assert login(users[role]).get(url).status_code == 403


# ----------------------------------------------------------------------------- persons


def test_person_list_scoped_and_masked(login, users, world):
    html = login(users["county_admin"]).get(reverse("person_list")).content.decode()
    assert "王矿工" in html and "李化工" in html and "赵冶炼" not in html
    assert world["pa"].id_number_masked in html
    assert person_id_number(world["pa"]) not in html
    html = login(users["enterprise_admin"]).get(reverse("person_list")).content.decode()
    assert "王矿工" in html and "李化工" not in html


def test_person_search_by_name_and_by_id_number_in_post(login, users, world):
    c = login(users["county_admin"])
    response = c.post(reverse("person_list"), {"q": "李化"})
    assert response.status_code == 302 and "q=" in response["Location"]
    html = c.get(response["Location"]).content.decode()
    assert "李化工" in html and "王矿工" not in html
    number = person_id_number(world["pb"])
    response = c.post(reverse("person_list"), {"q": number})
    assert response["Location"] == reverse("person_detail", args=[world["pb"].uid])
    response = c.post(reverse("person_list"), {"q": person_id_number(world["pc"])}, follow=True)
    assert "辖区内没有此身份证号的人员" in response.content.decode()


def test_id_number_in_the_address_is_not_searched(login, users, world):
    c = login(users["county_admin"])
    response = c.get(reverse("person_list"), {"q": person_id_number(world["pa"])})
    html = response.content.decode()
    assert "请通过搜索框查询身份证号" in html
    assert len(response.context["rows"]) == 2  # the unfiltered list


def test_archive_page(login, users, world):
    c = login(users["county_admin"])
    html = c.get(reverse("person_detail", args=[world["pa"].uid])).content.decode()
    assert world["pa"].id_number_masked in html
    assert "138****1234" in html
    assert person_id_number(world["pa"]) not in html
    assert "城区甲煤矿" in html
    assert "瓦斯检查工" in html and "5.4" in html  # first post
    assert "井下电钳工" in html  # post change
    assert "2022-01-01" in html and "2022-02-01" in html  # leave
    assert "在岗" in html
    assert "合同工" in html and "一线操作人员" in html


def test_archive_outside_scope_is_404(login, users, world):
    for role in ["county_admin", "enterprise_admin", "inspector", "trainer", "worker"]:
        c = login(users[role])
        assert c.get(reverse("person_detail", args=[world["pc"].uid])).status_code == 404, role
    assert (
        login(users["worker"]).get(reverse("person_detail", args=[world["pb"].uid])).status_code
        == 404
    )


def test_worker_sees_own_archive(login, users, world):
    c = login(users["worker"])
    response = c.get(reverse("my_archive"))
    assert response.status_code == 200
    assert "王矿工" in response.content.decode()
    assert c.get(reverse("person_detail", args=[world["pa"].uid])).status_code == 200
    assert login(users["inspector"]).get(reverse("my_archive")).status_code == 403


def test_archive_sections_registry(login, users, world, monkeypatch, settings):
    from pathlib import Path

    from safetrain.web import archive

    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [Path(__file__).parent / "templates"]}]

    seen = []

    def section(person, viewer):
        seen.append((person, viewer))
        return archive.ArchiveSection("证书测试段", "web_tests/section.html", {"n": 7})

    monkeypatch.setattr(archive, "archive_sections", [section, lambda p, v: None])
    html = login(users["worker"]).get(reverse("my_archive")).content.decode()
    assert "证书测试段" in html and "section-n=7 person=王矿工" in html
    assert seen == [(world["pa"], users["worker"])]


def test_former_employer_and_new_employer_see_the_whole_history(login, users, world):
    import datetime as dt

    emp = world["pc"].employments.get()
    emp.end_date = dt.date(2023, 12, 31)
    emp.save()
    make_employment(world["pc"], world["a"], start=dt.date(2024, 1, 1))
    html = (
        login(users["enterprise_admin"])
        .get(reverse("person_detail", args=[world["pc"].uid]))
        .content.decode()
    )
    assert "高平丙冶炼" in html and "城区甲煤矿" in html


# ----------------------------------------------------------------------------- accounts


def test_account_list_scoped(login, users, world):
    html = login(users["enterprise_admin"]).get(reverse("account_list")).content.decode()
    assert users["worker"].username in html
    assert users["city_admin"].username not in html
    assert login(users["inspector"]).get(reverse("account_list")).status_code == 403
    assert login(users["worker"]).get(reverse("account_create")).status_code == 403


def test_role_choices_per_creator(login, users):
    def roles(user):
        form = login(user).get(reverse("account_create")).context["form"]
        return {code for code, _ in form.fields["role"].choices}

    assert roles(users["city_admin"]) == {
        "city_admin",
        "county_admin",
        "enterprise_admin",
        "inspector",
        "trainer",
        "worker",
    }
    assert roles(users["county_admin"]) == {"enterprise_admin", "inspector", "trainer", "worker"}
    assert roles(users["enterprise_admin"]) == {"worker"}


def test_enterprise_admin_creates_a_worker_account_from_its_roster(login, users, world):
    c = login(users["enterprise_admin"])
    newbie = make_employment(make_person(name="新工人"), world["a"]).person
    data = {
        "username": "xingongren",
        "role": "worker",
        "id_number": person_id_number(newbie),
        "password1": "Str0ng-pass-2024",
        "password2": "Str0ng-pass-2024",
    }
    response = c.post(reverse("account_create"), data)
    assert response.status_code == 302
    assert User.objects.get(username="xingongren").person == newbie
    # someone not on the roster
    data.update(username="other", id_number=person_id_number(world["pb"]))
    response = c.post(reverse("account_create"), data)
    assert response.status_code == 200
    assert not User.objects.filter(username="other").exists()
    assert "名册" in response.content.decode()


def test_county_admin_creates_an_inspector_only_in_its_county(login, users):
    c = login(users["county_admin"])
    base = {"password1": "Str0ng-pass-2024", "password2": "Str0ng-pass-2024", "role": "inspector"}
    response = c.post(reverse("account_create"), {**base, "username": "insp1", "region": "140502"})
    assert response.status_code == 302
    assert User.objects.get(username="insp1").region_id == "140502"
    response = c.post(reverse("account_create"), {**base, "username": "insp2", "region": "140581"})
    assert response.status_code == 200
    assert not User.objects.filter(username="insp2").exists()


def test_account_create_reports_service_errors_on_fields(login, users):
    c = login(users["city_admin"])
    response = c.post(
        reverse("account_create"),
        {
            "username": users["worker"].username,
            "role": "trainer",
            "password1": "Str0ng-pass-2024",
            "password2": "Str0ng-pass-2024",
        },
    )
    assert response.status_code == 200
    assert "已存在" in str(response.context["form"].errors["username"])
    response = c.post(
        reverse("account_create"),
        {"username": "t1", "role": "trainer", "password1": "abc", "password2": "abd"},
    )
    assert "两次输入的密码不一致" in response.content.decode()
