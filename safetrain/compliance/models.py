"""The materialized per-person status for today: a cache, never the source of truth.

Time travel never reads it; today's rates read it only when it is fresh (as_of == today for the
whole scope). Refreshed by `safetrain compliance recompute` and by compliance.hooks when an
input record changes.
"""

from __future__ import annotations

from django.db import models


class PersonStatus(models.Model):
    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="compliance_status"
    )
    as_of = models.DateField()
    status = models.CharField(max_length=16)  # in_post / on_leave / not_employed
    may_work = models.BooleanField(default=False)
    # the enterprise of the active employment on as_of (None when not employed)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    blocking_codes = models.JSONField(default=list)
    codes = models.JSONField(default=list)
    # the facts behind the campaign's rates (DESIGN §3), so today's rates are one aggregate
    covered = models.BooleanField(default=False)
    cert_required = models.BooleanField(default=False)
    certified = models.BooleanField(default=False)
    aware = models.BooleanField(default=False)
    policy_version = models.CharField(max_length=16, blank=True, default="")
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["enterprise", "as_of"], name="personstatus_ent_asof"),
            models.Index(fields=["as_of"], name="personstatus_asof"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.as_of} {self.status} may_work={self.may_work}"
