"""Browser checks of account security: the TOTP enrolment page, the confirm dialog that replaced
an inline handler, and no Content Security Policy violation on the pages people use."""

from __future__ import annotations

import datetime as dt

from safetrain.certificates.models import Certificate
from safetrain.certificates.tests.factories import make_certificate
from safetrain.core.dates import today
from tests.e2e.conftest import screenshot
from tests.e2e.journeys import build_world, sign_in

PAGES = [
    "/",
    "/enterprises/",
    "/persons/",
    "/accounts/",
    "/auth/",
    "/certificates/",
    "/dashboards/",
    "/courses/",
    "/exams/",
    "/classes/",
    "/inspections/",
    "/api/v1/docs",
]


def csp_messages(page) -> list[str]:
    seen: list[str] = []
    page.on(
        "console",
        lambda msg: (
            seen.append(msg.text)
            if "content security policy" in msg.text.lower() or "refused to" in msg.text.lower()
            else None
        ),
    )
    return seen


def test_admin_enrols_then_pages_load_without_csp_violations(page, live_server):
    world = build_world()
    base = live_server.url
    violations = csp_messages(page)
    page.goto(f"{base}/login/")
    page.fill("#id_username", "county")
    page.fill("#id_password", world["password"])
    page.click("form[action='/login/'] button[type=submit]")
    page.wait_for_url(f"{base}/auth/2fa/enrol/**")
    assert page.locator("[data-testid=otp-qr] svg").is_visible()
    screenshot(page, "security-otp-enrol")
    page.goto(f"{base}/persons/")  # nothing before the second factor
    assert "/auth/2fa/enrol/" in page.url
    page.click("form.logout-form button[type=submit]")
    page.wait_for_url(f"{base}/login/")

    sign_in(page, base, "county", world["password"])  # enrols through the page
    for path in PAGES:
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
    page.goto(f"{base}/auth/")
    screenshot(page, "security-page-desktop")
    assert violations == []


def test_revoking_a_certificate_asks_first_without_inline_script(page, live_server):
    world = build_world()
    base = live_server.url
    person = world["worker_person"]
    cert = make_certificate(person, issued_on=today() - dt.timedelta(days=30))
    violations = csp_messages(page)
    sign_in(page, base, "county", world["password"])
    page.goto(f"{base}/certificates/{cert.pk}/")
    asked: list[str] = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("button:has-text('吊销')")
    page.wait_for_timeout(300)
    assert asked and "吊销" in asked[0]
    assert not Certificate.objects.get(pk=cert.pk).revoked
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('吊销')")
    page.wait_for_load_state("networkidle")
    assert Certificate.objects.get(pk=cert.pk).revoked
    assert violations == []


def test_worker_pages_on_a_phone_have_no_csp_violations(phone_page, live_server):
    world = build_world()
    base = live_server.url
    violations = csp_messages(phone_page)
    sign_in(phone_page, base, world["worker_id_number"], world["password"])
    for path in ["/", "/me/", "/auth/", "/courses/", "/auth/password/"]:
        phone_page.goto(f"{base}{path}")
        phone_page.wait_for_load_state("networkidle")
    screenshot(phone_page, "security-page-phone")
    assert violations == []
    # one header row on a phone: account security is reached through the menu
    phone_page.goto(f"{base}/me/")
    assert not phone_page.get_by_test_id("security-link").is_visible()
    phone_page.click("details.nav-phone summary")
    phone_page.get_by_test_id("security-link-phone").click()
    phone_page.wait_for_url(f"{base}/auth/")


def test_an_injected_inline_script_is_refused_and_reported(page, live_server):
    """The policy is enforced and the console check above would see a violation."""
    world = build_world()
    base = live_server.url
    violations = csp_messages(page)
    sign_in(page, base, world["worker_id_number"], world["password"])
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = 1'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.injected") is None
    assert violations and "Content Security Policy" in violations[0]
