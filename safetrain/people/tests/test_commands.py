"""`safetrain user create` and `safetrain token create` (DESIGN §5)."""

import io

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from safetrain.people.models import ApiToken, User
from safetrain.people.services import person_id_number, token_user
from safetrain.people.tests.factories import make_enterprise, make_person, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "Jincheng-2024-safe"


def create(*args: str, password: str = PASSWORD + "\n") -> str:
    out = io.StringIO()
    call_command("user", "create", *args, stdin=io.StringIO(password), stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("role", "anchor"),
    [
        ("city_admin", ["--region", "140500"]),
        ("county_admin", ["--region", "140581"]),
        ("inspector", ["--region", "140502"]),
        ("trainer", []),
    ],
)
def test_create_region_roles_and_trainer(role, anchor):
    out = create("u1", "--role", role, *anchor)
    user = User.objects.get(username="u1")
    assert user.role == role
    assert user.check_password(PASSWORD)
    assert user.region_id == (anchor[1] if anchor else None)
    assert "已创建账号 u1" in out


def test_create_enterprise_admin_by_credit_code():
    ent = make_enterprise()
    create("boss", "--role", "enterprise_admin", "--enterprise", ent.credit_code.lower())
    assert User.objects.get(username="boss").enterprise == ent


def test_create_worker_links_the_existing_person():
    person = make_person(name="王五")
    create("wang", "--role", "worker", "--id-number", person_id_number(person))
    user = User.objects.get(username="wang")
    assert user.person == person
    assert user.first_name == "王五"


def test_password_is_one_line_without_its_line_break():
    create("crlf", "--role", "trainer", password=PASSWORD + "\r\nsecond line\n")
    user = User.objects.get(username="crlf")
    assert user.check_password(PASSWORD)
    assert not user.check_password(PASSWORD + "\r")


def test_unknown_person_is_a_clear_error_without_the_plain_number():
    number = person_id_number(make_person())
    other = number[:14] + ("0" if number[14] != "0" else "1") + number[15:17]
    from safetrain.core.identifiers import id_check_char

    other = other + id_check_char(other)
    with pytest.raises(CommandError) as exc:
        create("ghost", "--role", "worker", "--id-number", other)
    assert "未找到身份证号" in str(exc.value)
    assert other not in str(exc.value)
    assert other[:6] + "********" + other[-4:] in str(exc.value)
    assert not User.objects.filter(username="ghost").exists()


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["x", "--role", "county_admin"], PASSWORD, "--region"),
        (["x", "--role", "county_admin", "--region", "140500"], PASSWORD, "县级"),
        (["x", "--role", "city_admin", "--region", "999999"], PASSWORD, "未知行政区划"),
        (["x", "--role", "enterprise_admin"], PASSWORD, "企业"),
        (
            ["x", "--role", "enterprise_admin", "--enterprise", "91140502MA0000000X"],
            PASSWORD,
            "未找到",
        ),
        (["x", "--role", "worker"], PASSWORD, "身份证号"),
        (["x", "--role", "worker", "--id-number", "140502198001010015"], PASSWORD, "校验码"),
        (["x", "--role", "trainer", "--region", "140502"], PASSWORD, "--region 只适用于"),
        (
            ["x", "--role", "county_admin", "--region", "140502", "--id-number", "1"],
            PASSWORD,
            "--id-number 只适用于",
        ),
        (["x", "--role", "trainer"], "", "标准输入"),
        (["x", "--role", "trainer"], "\n", "标准输入"),
        (["x", "--role", "trainer"], "12345\n", "密码不符合要求"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(args, password, message):
    with pytest.raises(CommandError) as exc:
        create(*args, password=password)
    assert message in str(exc.value)
    assert not User.objects.filter(username="x").exists()


def test_duplicate_username_is_refused():
    make_user("trainer", username="dup")
    with pytest.raises(CommandError, match="已存在"):
        create("dup", "--role", "trainer")


def run_cli(argv, monkeypatch, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    with pytest.raises(SystemExit) as exc:
        execute_from_command_line(["safetrain", *argv])
    return exc.value.code


def test_cli_errors_exit_1_with_the_message_on_stderr(monkeypatch, capsys):
    code = run_cli(["user", "create", "x", "--role", "county_admin"], monkeypatch, PASSWORD + "\n")
    captured = capsys.readouterr()
    assert code == 1
    assert "该角色需要 --region" in captured.err
    assert captured.out == ""


def test_cli_usage_errors_exit_1_too(monkeypatch, capsys):
    assert run_cli(["user", "create", "x", "--role", "teacher"], monkeypatch) == 1
    assert "invalid choice" in capsys.readouterr().err
    assert (
        run_cli(
            [
                "user",
                "create",
                "x",
                "--role",
                "county_admin",
                "--region",
                "140502",
                "--enterprise",
                "Y",
            ],
            monkeypatch,
        )
        == 1
    )
    assert run_cli(["token"], monkeypatch) == 1


def test_cli_success_reads_the_password_from_stdin(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    # run_from_argv closes every connection at the end; on PostgreSQL that would end the
    # test's transaction before the assertion below can read the account
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    execute_from_command_line(["safetrain", "user", "create", "cli", "--role", "trainer"])
    assert "已创建账号 cli" in capsys.readouterr().out
    assert User.objects.get(username="cli").check_password(PASSWORD)


def test_token_create_prints_only_a_working_token():
    user = make_user("county_admin")
    out = io.StringIO()
    call_command("token", "create", user.username, stdout=out)
    text = out.getvalue()
    assert text.count("\n") == 1
    token = text.strip()
    assert token.startswith("st_") and " " not in token
    assert token_user(token) == user
    row = ApiToken.objects.get(user=user)
    assert token not in row.key_hash  # only a digest is stored


def test_token_create_twice_gives_two_tokens():
    user = make_user("trainer")
    a, b = io.StringIO(), io.StringIO()
    call_command("token", "create", user.username, stdout=a)
    call_command("token", "create", user.username, stdout=b)
    assert a.getvalue() != b.getvalue()
    assert ApiToken.objects.filter(user=user).count() == 2


def test_token_for_unknown_user_exits_1(monkeypatch, capsys):
    with pytest.raises(CommandError, match="未知用户 nobody"):
        call_command("token", "create", "nobody")
    assert run_cli(["token", "create", "nobody"], monkeypatch) == 1
    captured = capsys.readouterr()
    assert "未知用户 nobody" in captured.err
    assert captured.out == ""


def test_token_for_inactive_user_is_refused():
    user = make_user("trainer")
    user.is_active = False
    user.save()
    with pytest.raises(CommandError, match="停用"):
        call_command("token", "create", user.username)
