"""HTTP hardening: `check --deploy` clean in production mode, the Content Security Policy, no
inline script anywhere in the templates, cookie flags."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from safetrain.people.tests.factories import make_user

ROOT = Path(settings.BASE_DIR)


def production_env(**extra: str) -> dict[str, str]:
    # the browser tests' conftest allows sync DB access from async code; a deployment must not
    dropped = ("DEBUG", "SECURE_COOKIES", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        SAFETRAIN_MODE="production",
        SAFETRAIN_TESTING="0",
        SECRET_KEY="k" + base64.urlsafe_b64encode(os.urandom(48)).decode(),
        SAFETRAIN_DATA_KEY=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        ALLOWED_HOSTS="safetrain.example.gov.cn",
        SAFETRAIN_DATA_DIR="/tmp/safetrain-deploy-check",
        DATABASE_URL="sqlite:////tmp/safetrain-deploy-check/db.sqlite3",
    )
    env.update(extra)
    return env


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "safetrain", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_check_deploy_is_clean_in_production_mode():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


@pytest.mark.slow
def test_check_deploy_warns_without_production_mode():
    """The same check on the development defaults does complain: the test above is not vacuous."""
    env = production_env(SAFETRAIN_MODE="")
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS


@pytest.mark.slow
@pytest.mark.parametrize("extra", [{"SECRET_KEY": ""}, {"DEBUG": "1"}])
def test_production_mode_refuses_to_start_without_a_key_or_with_debug(extra):
    env = production_env(**extra)
    if not extra.get("SECRET_KEY", "x"):
        env.pop("SECRET_KEY")
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy():
    response = Client().get("/login/")
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in policy.split(";")) if part
    )
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in directives["script-src"]


TEMPLATE_DIRS = sorted(p for p in (ROOT / "safetrain").glob("*/templates"))
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I | re.S)
JS_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)


def test_no_template_has_inline_script_or_event_handlers():
    files = [p for d in TEMPLATE_DIRS for p in d.rglob("*.html")]
    assert len(files) > 50
    bad = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, HANDLER, JS_URL):
            for m in pattern.finditer(text):
                bad.append(f"{path.relative_to(ROOT)}: {m.group(0)[:80]}")
    assert bad == []


def test_the_scan_finds_what_it_looks_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/x.js" defer></script>')
    assert HANDLER.search('<form method="post" onsubmit="return confirm(1)">')
    assert HANDLER.search('<button\n  onclick="x()">')
    assert not HANDLER.search('<div data-on-time="1">')
    assert JS_URL.search('<a href="javascript:void(0)">')


@pytest.mark.django_db
def test_session_and_language_cookies_are_httponly_and_samesite(settings):
    settings.SESSION_COOKIE_SECURE = True
    user = make_user("trainer")
    c = Client()
    from safetrain.people.tests.factories import PASSWORD

    c.post("/login/", {"username": user.username, "password": PASSWORD})
    cookie = c.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["secure"]
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    lang = c.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert lang["httponly"] and lang["samesite"] == "Lax"
    assert c.cookies[settings.CSRF_COOKIE_NAME]["samesite"] == "Lax"
