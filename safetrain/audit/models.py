"""The security audit log (等保 2.0 安全审计): who did what, when, from where, with what result.

Append-only: rows are written by services.audit_record() and removed only by
`safetrain audit purge` once older than the legal minimum of six months (网络安全法 Art. 21).
An event never holds a password, a token or a full ID number (services scrub the text).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEventKind(models.TextChoices):
    SIGN_IN = "sign_in", _("Sign-in")
    SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
    SIGN_OUT = "sign_out", _("Sign-out")
    PERMISSION_DENIED = "permission_denied", _("Permission denied")
    IMPORT = "import", _("Import")
    EXPORT = "export", _("Export")
    UNMASK = "unmask", _("Personal data unmasked")
    ROLE_CHANGE = "role_change", _("Role change")
    ACCOUNT_CHANGE = "account_change", _("Account change")
    TOKEN_CREATE = "token_create", _("API token created")
    KEY_ROTATION = "key_rotation", _("Data key rotation")
    AUDIT_PURGE = "audit_purge", _("Audit log purge")


class AuditResult(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILURE = "failure", _("Failure")


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True, default="")
    ip = models.GenericIPAddressField(null=True, blank=True)
    event = models.CharField(max_length=32, choices=AuditEventKind.choices)
    result = models.CharField(
        max_length=8, choices=AuditResult.choices, default=AuditResult.SUCCESS
    )
    object_type = models.CharField(max_length=64, blank=True, default="")
    object_id = models.CharField(max_length=64, blank=True, default="")
    object_repr = models.CharField(max_length=200, blank=True, default="")
    detail = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["at"], name="audit_at"),
            models.Index(fields=["event", "at"], name="audit_event_at"),
            models.Index(fields=["user", "at"], name="audit_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.event} {self.result}"
