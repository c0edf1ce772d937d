"""One error type for services; the API and the pages render it the same way.

Shape: {"code": ..., "message": ..., "fields": {...}} (DESIGN §5).
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A refused operation: stable code, human message, per-field reasons."""

    code = "invalid"
    status = 400

    def __init__(
        self, message: str, *, code: str | None = None, fields: dict[str, Any] | None = None
    ):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.fields = fields or {}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class ValidationFailed(ServiceError):
    code = "validation_failed"
    status = 422


class NotAllowed(ServiceError):
    code = "permission_denied"
    status = 403


class NotFound(ServiceError):
    code = "not_found"
    status = 404


class Conflict(ServiceError):
    code = "conflict"
    status = 409
