"""Certificates (DESIGN §2): special-operation certificates (特种作业操作证) and the safety
knowledge and management capability certificate (安全生产知识和管理能力考核合格证).

They belong to the person, not the enterprise, and follow the person across employers."""

from __future__ import annotations

from django.db import models

from safetrain.core.models import Attributed


class CertificateType(models.TextChoices):
    SPECIAL_OPERATION = "special_operation", "特种作业操作证"
    SAFETY_MANAGEMENT = "safety_management", "安全生产知识和管理能力考核合格证"


class Certificate(Attributed):
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="certificates"
    )
    cert_type = models.CharField(max_length=32, choices=CertificateType.choices)
    operation = models.ForeignKey(
        "catalog.SpecialOperation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    number = models.CharField(max_length=64)
    issuing_authority = models.CharField(max_length=128, blank=True, default="")
    issued_on = models.DateField()
    valid_until = models.DateField()
    review_due = models.DateField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
    # renewal: the new certificate supersedes the old; both stay in the archive
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )

    class Meta:
        ordering = ["person_id", "issued_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cert_type", "number"], name="certificate_unique_number"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(cert_type="special_operation", operation__isnull=False)
                    | models.Q(cert_type="safety_management", operation__isnull=True)
                ),
                name="certificate_operation_matches_type",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("issued_on")),
                name="certificate_valid_after_issue",
            ),
        ]
        indexes = [models.Index(fields=["valid_until"], name="certificate_valid_until")]

    def __str__(self) -> str:
        return f"{self.get_cert_type_display()} {self.number}"


class CertificateReview(Attributed):
    """A passed review (复审), 30号令 Art. 21–23: at least 8 学时 of review training plus an exam."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="reviews")
    passed_on = models.DateField()
    # the review due date that this review cleared (kept for the archive)
    cleared_due = models.DateField(null=True, blank=True)
    hours = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    notes = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ["certificate_id", "passed_on"]


class Notification(models.Model):
    """An in-app reminder (DESIGN §2 reminders): a review entering its 60-day window or an expiry
    entering its 90-day window. One per recipient, certificate, kind and window (the due date),
    so the daily `safetrain certificates remind` may run any number of times."""

    class Kind(models.TextChoices):
        REVIEW_DUE = "review_due", "复审临近"
        EXPIRING = "expiring", "即将到期"

    recipient = models.ForeignKey(
        "people.User", on_delete=models.CASCADE, related_name="certificate_notifications"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="notifications"
    )
    # the date the window leads to (review due or valid until), ISO; a moved date is a new window
    window_key = models.CharField(max_length=32)
    message = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    read = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "certificate", "kind", "window_key"],
                name="notification_unique_window",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read"], name="notification_recipient_read")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.certificate_id} → {self.recipient_id}"
