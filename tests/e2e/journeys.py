"""Shared data and steps for the web UI journeys (imported by test_roles and test_phone)."""

from __future__ import annotations

import datetime as dt

from safetrain.catalog.services import catalog_load
from safetrain.enterprises.services import org_unit_ensure
from safetrain.people.services import PostSpec, leave_record, person_id_number, post_change
from safetrain.people.tests.factories import (
    PASSWORD,
    make_employment,
    make_enterprise,
    make_person,
    make_user,
)


def build_world() -> dict:
    """A small Jincheng: two counties, three enterprises, people in post, one login per role."""
    catalog_load()  # reference data (a transactional test starts from a flushed database)
    a = make_enterprise(region="140502", sector="coal_mine", name="晋城市城区凤凰山煤业有限公司")
    b = make_enterprise(region="140502", sector="hazardous_chemicals", name="城区天泽化工有限公司")
    c = make_enterprise(region="140581", sector="metal_smelting", name="高平市兴盛冶炼有限公司")
    team = org_unit_ensure(enterprise=a, path="综采一队/早班")
    org_unit_ensure(enterprise=a, path="机电科/维修班")
    org_unit_ensure(enterprise=a, path="通风科")
    worker_person = make_person(name="王建国", phone="13912345678")
    emp = make_employment(worker_person, a, job="瓦斯检查工", start=dt.date(2019, 4, 1))
    post_change(
        actor=None,
        employment=emp,
        from_date=dt.date(2023, 6, 1),
        post=PostSpec(title="综采班组长", org_unit=team),
    )
    leave_record(
        actor=None, employment=emp, start_date=dt.date(2022, 3, 1), end_date=dt.date(2022, 7, 15)
    )
    for i, job in enumerate(["井下电钳工", "采煤机司机", "安全检查工", "绞车司机"]):
        make_employment(make_person(name=f"李{'一二三四'[i]}"), a, job=job)
    make_employment(make_person(name="赵安全"), a, role="safety_manager")
    make_employment(make_person(name="孙化工"), b)
    make_employment(make_person(name="周冶炼"), c)
    users = {
        "city_admin": make_user("city_admin", username="city"),
        "county_admin": make_user("county_admin", region="140502", username="county"),
        "enterprise_admin": make_user("enterprise_admin", enterprise=a, username="ent"),
        "inspector": make_user("inspector", region="140502", username="insp"),
        "trainer": make_user("trainer", username="trainer"),
        "worker": make_user("worker", person=worker_person, username="worker"),
    }
    return {
        "a": a,
        "b": b,
        "c": c,
        "worker_person": worker_person,
        "worker_id_number": person_id_number(worker_person),
        "users": users,
        "password": PASSWORD,
    }


def totp_code_for(username: str) -> str:
    """The TOTP code an authenticator app would show now for the account's stored secret — one
    for a time step after the last accepted one (each code works once), waiting for it if the
    account signed in a moment ago."""
    import time

    import pyotp

    from safetrain.accounts.models import TotpDevice
    from safetrain.core.crypto import decrypt

    device = TotpDevice.objects.get(user__username=username)
    totp = pyotp.TOTP(decrypt(device.secret_encrypted))
    step = max(int(time.time()) // 30, device.last_step + 1)
    while step > int(time.time()) // 30 + 1:  # the server accepts one step of clock drift
        time.sleep(1)
    return totp.at(step * 30)


def sign_in(page, base_url: str, username: str, password: str) -> None:
    """Sign in through the pages: the password, then for the two-factor roles (admins and
    inspectors) the TOTP code — on the first sign-in after enrolling with the key the page
    shows, as a person would with an authenticator app."""
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form[action='/login/'] button[type=submit]")
    page.wait_for_load_state()
    if "/auth/2fa/" in page.url:
        from safetrain.people.auth import resolve_account

        account = resolve_account(username).username
        if "/auth/2fa/enrol/" in page.url:
            import pyotp

            secret = page.get_by_test_id("otp-secret").inner_text().replace(" ", "")
            code = pyotp.TOTP(secret).now()
        else:
            code = totp_code_for(account)
        page.fill("#id_code", code)
        page.click("[data-testid=otp-form] button[type=submit]")
    page.wait_for_url(f"{base_url}/")
