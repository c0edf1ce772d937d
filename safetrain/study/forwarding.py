"""Forward stored xAPI statements to an external learning record store (LRS), by configuration.

SAFETRAIN_XAPI_LRS_URL is the LRS's xAPI endpoint (statements go to `<url>/statements`), with
HTTP Basic credentials SAFETRAIN_XAPI_LRS_USERNAME / _PASSWORD. `safetrain xapi forward` sends
the statements not yet forwarded, oldest first, in batches (a POST of a JSON array, header
`X-Experience-API-Version: 1.0.3`). A statement keeps its id, so a batch sent twice (an answer
lost on the way back) is harmless: the LRS answers 204 or 409 for ids it already has. A failed
batch stays queued, its error is recorded, and the command exits 1 — run it from cron or a
systemd timer; the queue is the table.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from safetrain.study import clock
from safetrain.study.models import XapiStatement

BATCH = 100
TIMEOUT = 30


class ForwardingNotConfigured(Exception):
    pass


@dataclass
class ForwardResult:
    sent: int = 0
    failed: int = 0
    error: str = ""


def _request(url: str, body: bytes) -> urllib.request.Request:
    headers = {
        "Content-Type": "application/json",
        "X-Experience-API-Version": "1.0.3",
    }
    user = settings.SAFETRAIN_XAPI_LRS_USERNAME
    if user:
        token = f"{user}:{settings.SAFETRAIN_XAPI_LRS_PASSWORD}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(token).decode()
    return urllib.request.Request(url, data=body, headers=headers, method="POST")


def forward(*, limit: int | None = None, batch: int = BATCH) -> ForwardResult:
    """Send unforwarded statements; stop at the first failing batch."""
    endpoint = str(settings.SAFETRAIN_XAPI_LRS_URL or "").rstrip("/")
    if not endpoint:
        raise ForwardingNotConfigured("SAFETRAIN_XAPI_LRS_URL 未设置：不转发 xAPI 语句")
    url = endpoint + "/statements"
    result = ForwardResult()
    last_id = 0
    while limit is None or result.sent < limit:
        size = batch if limit is None else min(batch, limit - result.sent)
        rows = list(
            XapiStatement.objects.filter(forwarded_at__isnull=True, id__gt=last_id).order_by("id")[
                :size
            ]
        )
        if not rows:
            break
        last_id = rows[-1].pk
        body = json.dumps([r.statement for r in rows], ensure_ascii=False).encode()
        ids = [r.pk for r in rows]
        try:
            with urllib.request.urlopen(_request(url, body), timeout=TIMEOUT) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
            if status != 409:  # 409: the LRS already has these ids
                return _failed(result, ids, f"HTTP {status}: {exc.read()[:200]!r}")
        except (urllib.error.URLError, OSError) as exc:
            return _failed(result, ids, f"{type(exc).__name__}: {exc}")
        if status not in (200, 204, 409):
            return _failed(result, ids, f"HTTP {status}")
        XapiStatement.objects.filter(pk__in=ids).update(forwarded_at=clock.now(), forward_error="")
        result.sent += len(ids)
    return result


def _failed(result: ForwardResult, ids: list[int], error: str) -> ForwardResult:
    for row in XapiStatement.objects.filter(pk__in=ids):
        row.forward_attempts += 1
        row.forward_error = error[:500]
        row.save(update_fields=["forward_attempts", "forward_error"])
    result.failed = len(ids)
    result.error = error
    return result
