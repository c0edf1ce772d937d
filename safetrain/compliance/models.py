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
    # today's findings as [[code, remedy, detail], …] (blocking and basis come from the policy
    # version above), so GET /api/v1/persons/{id}/compliance for today is one row, not an
    # evaluation (docs/benchmarks.md, "(c)")
    # NULL after the set-based recompute for a person with findings: remedies and details are
    # then computed from the records when asked (compliance.selectors)
    findings = models.JSONField(default=list, null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["enterprise", "as_of"], name="personstatus_ent_asof"),
            models.Index(fields=["as_of"], name="personstatus_asof"),
            # MAX(computed_at) is the stamp that invalidates the cached rates (engine.rates)
            models.Index(fields=["computed_at"], name="personstatus_computed"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.as_of} {self.status} may_work={self.may_work}"


class TodoItem(models.Model):
    """One piece of remedial work (a training or an exam) that a blocking finding asks for.

    Put on the worker's and the enterprise admin's to-do lists when the finding appears, marked
    cleared (never deleted: the archive keeps them) when its part is done or the finding clears.
    Maintained only by ``safetrain.compliance.todo.todo_sync``; see docs/compliance-pages.md.
    """

    class Kind(models.TextChoices):
        TRAINING = "training", "培训"
        EXAM = "exam", "考试"

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="compliance_todos"
    )
    # the enterprise of the active employment when the item was last synced (whose admin acts)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="compliance_todos",
    )
    code = models.CharField(max_length=40)  # the finding code, e.g. VIOLATION_RETRAINING_PENDING
    kind = models.CharField(max_length=16, choices=Kind.choices)
    needed = models.CharField(max_length=255)  # e.g. 三违脱产培训 24.0 学时（还差 16.0 学时）
    detail = models.JSONField(default=dict)  # the finding's detail when last synced
    created_on = models.DateField()
    cleared_on = models.DateField(null=True, blank=True)
    cleared_note = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "code", "kind"],
                condition=models.Q(cleared_on__isnull=True),
                name="todo_one_open_per_person_code_kind",
            )
        ]
        indexes = [
            models.Index(fields=["enterprise", "cleared_on"], name="todo_ent_cleared"),
            models.Index(fields=["person", "cleared_on"], name="todo_person_cleared"),
        ]
        ordering = ["created_on", "id"]

    def __str__(self) -> str:
        state = f"cleared {self.cleared_on}" if self.cleared_on else "open"
        return f"{self.person_id} {self.code} {self.kind} {state}"
