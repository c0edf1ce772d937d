"""The REST API under /api/v1/: one NinjaAPI, one router per app, one error shape."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from safetrain.core.errors import ServiceError


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from safetrain.people.services import token_user

        user = token_user(token)
        if user is not None:
            request.user = user
        return user


def session_auth(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return None


api = NinjaAPI(
    title="safetrain API",
    version="1",
    urls_namespace="api-v1",
    auth=[BearerAuth(), session_auth],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(
    request: HttpRequest, status: int, code: str, message: str, fields: dict[str, Any] | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "fields": fields or {}}, status=status
    )


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, Any] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        fields[".".join(loc) or "body"] = err.get("msg", "invalid")
    return _error(request, 422, "validation_failed", "请求数据无效", fields)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthorized", "需要登录或有效的访问令牌")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "error", str(exc))


def register_routers() -> None:
    """Each app with an api.py exposes `router`; mounted here in dependency order."""
    import importlib

    for module, prefix in [
        ("safetrain.enterprises.api", "/enterprises"),
        ("safetrain.people.api", "/"),
        ("safetrain.certificates.api", "/certificates"),
        ("safetrain.compliance.api", "/"),
        ("safetrain.archive.api", "/"),
    ]:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name == module:
                continue
            raise
        api.add_router(prefix, mod.router)


register_routers()
