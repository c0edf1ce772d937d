"""Forwarding xAPI statements to an external LRS, against a local fake LRS (http.server)."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safetrain.study.models import XapiStatement
from safetrain.study.tests.factories import make_learner, study_lesson

pytestmark = pytest.mark.django_db


class FakeLRS:
    def __init__(self, fail_first: int = 0):
        self.received: list[dict] = []
        self.requests: list[dict] = []
        self.fail_first = fail_first
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                lrs.requests.append(
                    {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}}
                )
                if lrs.fail_first > 0:
                    lrs.fail_first -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                statements = json.loads(body)
                known = {s["id"] for s in lrs.received}
                lrs.received.extend(s for s in statements if s["id"] not in known)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps([s["id"] for s in statements]).encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/xapi"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def statements(tc):
    learner = make_learner()
    study_lesson(tc, learner.user, learner.course.lessons.first().pk, 60)
    learner2 = make_learner()
    study_lesson(tc, learner2.user, learner2.course.lessons.first().pk, 60)
    return XapiStatement.objects.count()


def test_forward_sends_every_statement_once(settings, statements, capsys):
    with FakeLRS() as lrs:
        settings.SAFETRAIN_XAPI_LRS_URL = lrs.url
        settings.SAFETRAIN_XAPI_LRS_USERNAME = "lrs-key"
        settings.SAFETRAIN_XAPI_LRS_PASSWORD = "lrs-secret"
        call_command("xapi", "forward")
        assert f"forwarded: {statements}" in capsys.readouterr().out
        call_command("xapi", "forward")  # nothing left to send
        assert "forwarded: 0" in capsys.readouterr().out
    assert len(lrs.received) == statements >= 2
    first = lrs.requests[0]
    assert first["path"] == "/xapi/statements"
    assert first["headers"]["x-experience-api-version"] == "1.0.3"
    expected = "Basic " + base64.b64encode(b"lrs-key:lrs-secret").decode()
    assert first["headers"]["authorization"] == expected
    assert not XapiStatement.objects.filter(forwarded_at__isnull=True).exists()
    assert {s["id"] for s in lrs.received} == {
        str(x) for x in XapiStatement.objects.values_list("statement_id", flat=True)
    }


def test_a_failing_lrs_keeps_the_statements_queued(settings, statements):
    with FakeLRS(fail_first=1) as lrs:
        settings.SAFETRAIN_XAPI_LRS_URL = lrs.url
        with pytest.raises(CommandError, match="HTTP 503"):
            call_command("xapi", "forward")
        assert XapiStatement.objects.filter(forwarded_at__isnull=True).count() == statements
        assert XapiStatement.objects.filter(forward_attempts=1).exists()
        call_command("xapi", "forward")  # the LRS is back
    assert len(lrs.received) == statements
    assert not XapiStatement.objects.filter(forwarded_at__isnull=True).exists()


def test_unreachable_or_unconfigured(settings, statements):
    settings.SAFETRAIN_XAPI_LRS_URL = ""
    with pytest.raises(CommandError, match="SAFETRAIN_XAPI_LRS_URL"):
        call_command("xapi", "forward")
    settings.SAFETRAIN_XAPI_LRS_URL = "http://127.0.0.1:9/xapi"  # discard port: refused
    with pytest.raises(CommandError, match="转发失败"):
        call_command("xapi", "forward")
    assert not XapiStatement.objects.filter(forwarded_at__isnull=False).exists()
