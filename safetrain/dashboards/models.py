"""The dashboards' cache of per-enterprise counts for a day, and the published notices (通报).

The counts are a cache of the compliance engine's evaluation (never the source of truth): a Day
holds, for one date, one EnterpriseDay row per enterprise with persons employed on that date.
A change of any input (safetrain.core.events) stamps the enterprises concerned with a new
sequence number; a Day older than a stamp recomputes just those enterprises when next read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Day(models.Model):
    on = models.DateField(unique=True)
    seq = models.BigIntegerField(default=0)  # the change sequence it reflects
    # the certificate ledger summary is computed only for a day shown as a dashboard's date
    # (not for a day that is only a point of a trend): it costs as much as the rates
    has_certs = models.BooleanField(default=False)
    computed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.on} seq={self.seq}"


class EnterpriseDay(models.Model):
    day = models.ForeignKey(Day, on_delete=models.CASCADE, related_name="rows")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+"
    )
    population = models.IntegerField(default=0)  # in post on the day
    covered = models.IntegerField(default=0)
    cert_required = models.IntegerField(default=0)
    certified = models.IntegerField(default=0)
    aware = models.IntegerField(default=0)
    may_work = models.IntegerField(default=0)
    blocking = models.JSONField(default=dict)  # finding code → persons in post with it
    certs = models.JSONField(default=dict)  # certificate ledger state → needed certificates
    # employment form (合同工, 劳务派遣 …) → [population, covered, cert_required, certified,
    # aware, may_work] of the persons in post with that form
    forms = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "enterprise"], name="entday_unique")]

    def __str__(self) -> str:
        return f"{self.day_id} {self.enterprise_id} pop={self.population}"


class Stamp(models.Model):
    """The sequence number of the latest change that touched an enterprise's counts."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    seq = models.BigIntegerField(db_index=True)
    # the earliest day the changes not yet folded into every cached Day can affect (None: any
    # day); a cached Day before it needs no refresh for this enterprise (stats._stamp)
    since = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.enterprise_id} seq={self.seq} since={self.since}"


class Notice(models.Model):
    """A 通报 for a scope (the city or a county) and a period; its content is frozen at
    generation (`content`), so a published notice never changes under its readers."""

    scope = models.CharField(max_length=18)  # region code (city or county)
    period_start = models.DateField()
    period_end = models.DateField()
    title = models.CharField(max_length=200)
    content = models.JSONField(default=dict)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-period_end", "-id"]
        indexes = [models.Index(fields=["scope", "published_at"], name="notice_scope_pub")]

    def __str__(self) -> str:
        return self.title
