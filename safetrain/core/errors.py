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


def add_to_form(form: Any, exc: ServiceError, field_map: dict[str, str] | None = None) -> None:
    """Show a refused service call on a Django form: on the first field the error names (a
    service field key such as ``members.0`` names the form field ``members``; ``field_map``
    translates service keys to form fields where they differ), else as a non-field error."""
    for key in exc.fields:
        name = field_map.get(key) if field_map is not None else key.split(".")[0]
        if name and name in form.fields:
            form.add_error(name, exc.message)
            return
    form.add_error(None, exc.message)
