"""Must-know handbooks (应知应会手册, the notice §三(四)): per sector and job type, the short
items a worker of that post must know, each linked to questions of the bank; workers read the
handbook of their post and the reading is remembered per item. docs/handbooks.md."""

from __future__ import annotations

from django.db import models

from safetrain.core.models import Attributed


class Handbook(Attributed):
    """The handbook of one sector and job type; a handbook without a job type is the sector's
    common one (read by posts of the sector whose job type has no handbook of its own)."""

    sector = models.ForeignKey("catalog.Sector", on_delete=models.PROTECT, related_name="+")
    job_type = models.ForeignKey(
        "catalog.JobType", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=128)
    description = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["sector__ordering", "job_type__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sector", "job_type"], name="handbook_unique_sector_job"
            ),
            models.UniqueConstraint(
                fields=["sector"],
                condition=models.Q(job_type__isnull=True),
                name="handbook_unique_sector_common",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class HandbookItem(Attributed):
    """One short item: title, body text, its place in the handbook, the questions that test it."""

    handbook = models.ForeignKey(Handbook, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField()
    title = models.CharField(max_length=128)
    body = models.TextField()
    questions = models.ManyToManyField("questions.Question", related_name="+", blank=True)

    class Meta:
        ordering = ["handbook_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["handbook", "order"], name="handbookitem_unique_order"),
        ]

    def __str__(self) -> str:
        return self.title


class ItemRead(models.Model):
    """A person has read an item (first time kept)."""

    item = models.ForeignKey(HandbookItem, on_delete=models.CASCADE, related_name="reads")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "person"], name="itemread_once"),
        ]
        indexes = [models.Index(fields=["person", "item"], name="itemread_person")]
