"""GET /api/v1/ping: the trivial JSON endpoint (load-balancer health check, and the reference
the HTTP benchmarks compare every endpoint against: same server, same settings, no work)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

router = Router(tags=["ops 运维"])


class PingOut(Schema):
    status: str


@router.get("/ping", response=PingOut, auth=None, summary="健康检查")
def ping(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok"}
