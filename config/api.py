"""The REST API under /api/v1/: one NinjaAPI, one router per app, one error shape.

Every error, whatever raised it, leaves as {"code", "message", "fields"} (DESIGN §5):
401 unauthorized, 403 permission_denied / csrf_failed, 404 not_found (also for unknown paths),
405 method_not_allowed, 422 validation_failed, a ServiceError's own code and status, and a
generic 500 server_error that never carries a stack trace. See docs/api.md.

Authentication: `Authorization: Bearer TOKEN` (tokens from `safetrain token create`), or the
web session, for which unsafe methods need the CSRF token (X-CSRFToken header). A request that
carries an Authorization header is judged by it alone, never by a session cookie.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from safetrain.core.errors import NotAllowed, ServiceError

logger = logging.getLogger("safetrain.api")


class CsrfFailed(NotAllowed):
    code = "csrf_failed"


class BearerAuth(HttpBearer):
    """`Authorization: Bearer TOKEN`; an unknown or revoked token authenticates nobody."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from safetrain.people.services import token_user

        user = token_user(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The web session (pages call the API with the user's cookie), CSRF-checked.

    Unlike ninja's SessionAuth the CSRF check runs only once the session is known to belong to a
    signed-in user, so an anonymous request gets 401 rather than 403; and a request with an
    Authorization header never falls back to the session.
    """

    param_name: str = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if "authorization" in request.headers:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise CsrfFailed(
                "CSRF 校验失败：网页会话发起的修改请求须带 X-CSRFToken 请求头",
                fields={"X-CSRFToken": "缺失或无效"},
            )
        return user


class Utf8JSONRenderer(JSONRenderer):
    """Chinese text as UTF-8, not \\uXXXX escapes (readable in curl and logs)."""

    json_dumps_params = {"ensure_ascii": False}


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "validation_failed",
    429: "throttled",
}
HTTP_MESSAGES = {
    400: "请求无效（请求体须为有效的 JSON）",
    401: "需要登录或有效的访问令牌",
    403: "无权执行该操作",
    404: "未找到",
    405: "不支持该请求方法",
    409: "与现有数据冲突",
    429: "请求过于频繁，请稍后再试",
}


def _body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "fields": fields or {}}


class SafetrainAPI(NinjaAPI):
    """NinjaAPI whose URL patterns also answer unknown paths and wrong methods in the error shape."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = self._json_errors(pattern.callback)
        urls.append(re_path(r"^.*$", csrf_exempt(self._unknown_path), name="unknown-path"))
        return urls

    def error(
        self,
        request: HttpRequest,
        status: int,
        code: str,
        message: str,
        fields: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return self.create_response(request, _body(code, message, fields), status=status)

    def _unknown_path(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.error(request, 404, "not_found", f"接口不存在：{request.path}")

    def _json_errors(self, view: Callable[..., Any]) -> Callable[..., Any]:
        if getattr(view, "is_async", False):  # pragma: no cover - no async operations yet
            return view

        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                response = cast(HttpResponse, view(request, *args, **kwargs))
            except Http404:
                return self.error(request, 404, "not_found", HTTP_MESSAGES[404])
            if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
                allowed = response.get("Allow", "")
                new = self.error(
                    request,
                    405,
                    "method_not_allowed",
                    f"该接口不支持 {request.method} 方法",
                    {"allowed": [m.strip() for m in allowed.split(",") if m.strip()]},
                )
                new["Allow"] = allowed
                return new
            return response

        return wrapper


api = SafetrainAPI(
    title="safetrain API",
    version="1",
    description="晋城市安全生产教育培训系统接口。认证、错误格式与各接口示例见 docs/api.md。",
    urls_namespace="api-v1",
    auth=[BearerAuth(), SessionAuth()],
    renderer=Utf8JSONRenderer(),
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": True}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return api.error(request, exc.status, exc.code, exc.message, exc.fields)


# Chinese messages for the pydantic error types a client meets; others keep pydantic's text.
PYDANTIC_MESSAGES = {
    "missing": "必填",
    "string_type": "须为文本",
    "string_too_short": "不能为空或过短",
    "string_too_long": "过长（最多 {max_length} 个字符）",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "bool_parsing": "须为 true 或 false",
    "date_parsing": "不是有效日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "不是有效日期（YYYY-MM-DD）",
    "date_type": "不是有效日期（YYYY-MM-DD）",
    "greater_than_equal": "须大于或等于 {ge}",
    "less_than_equal": "须小于或等于 {le}",
    "enum": "取值须为 {expected} 之一",
    "list_type": "须为列表",
    "model_attributes_type": "须为 JSON 对象",
    "dict_type": "须为 JSON 对象",
}


def _field_message(err: dict[str, Any]) -> str:
    template = PYDANTIC_MESSAGES.get(str(err.get("type", "")))
    if template is None:
        return str(err.get("msg", "无效"))
    try:
        return template.format(**err.get("ctx", {}))
    except (KeyError, IndexError):
        return template.split("（")[0]


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """422 with one message per field, keyed by the field's dotted path (`area_types.0`)."""
    fields: dict[str, Any] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        key = ".".join(loc) or "body"
        fields.setdefault(key, _field_message(err))
    if len(fields) == 1:
        [(key, reason)] = fields.items()
        message = f"请求数据无效：{key} {reason}"
    else:
        message = f"请求数据无效（{len(fields)} 处），详见 fields"
    return api.error(request, 422, "validation_failed", message, fields)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.error(request, 401, "unauthorized", HTTP_MESSAGES[401])


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    code = HTTP_CODES.get(status, "error")
    return api.error(request, status, code, HTTP_MESSAGES.get(status, str(exc)))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.error(request, 404, "not_found", HTTP_MESSAGES[404])


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.error(request, 403, "permission_denied", HTTP_MESSAGES[403])


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled error in %s %s", request.method, request.path)
    return api.error(request, 500, "server_error", "服务器内部错误，请稍后再试或联系管理员")


def register_routers() -> None:
    """Each app with an api.py exposes `router`; mounted here in dependency order."""
    import importlib

    for module, prefix in [
        ("safetrain.enterprises.api", "/enterprises"),
        ("safetrain.people.api", "/"),
        ("safetrain.certificates.api", "/certificates"),
        ("safetrain.compliance.api", "/"),
        ("safetrain.archive.api", "/"),
        ("safetrain.inspections.api", "/inspections"),
        ("safetrain.scale.api", "/"),
        ("safetrain.courses.api", "/"),
        ("safetrain.dashboards.api", "/"),
        ("safetrain.study.api", "/"),
        ("safetrain.exams.api", "/"),
        ("safetrain.classes.api", "/"),
        ("safetrain.audit.api", "/"),
        ("safetrain.accounts.api", "/"),
        ("safetrain.rescue.api", "/rescue"),
    ]:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name == module:
                continue
            raise
        api.add_router(prefix, mod.router)


register_routers()
