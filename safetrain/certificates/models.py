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
