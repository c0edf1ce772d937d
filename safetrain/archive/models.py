"""The tamper-evident record log (docs/archive.md).

Every archive record written (training, exam result, certificate, review, employment, post,
leave, 三违, incident, drill, correction order) appends one ``LogEntry``; each entry's hash
covers the previous entry's hash and its own canonical JSON, so an edited, deleted or moved
entry breaks the chain (``safetrain archive verify``). ``ChainHead`` is one row (id 1) holding
the last seq and hash: appenders lock it, and it shows entries deleted from the end.
"""

from __future__ import annotations

from django.db import models


class LogEntry(models.Model):
    seq = models.BigIntegerField(primary_key=True)
    kind = models.CharField(max_length=40)
    # the record: "<app_label>.<model>:<pk>", e.g. "records.trainingrecord:42"
    ref = models.CharField(max_length=80)
    prev_hash = models.CharField(max_length=64)
    # the entry's canonical JSON (sorted keys, no whitespace, UTF-8): what the hash covers
    canonical = models.TextField()
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["ref", "seq"], name="logentry_ref_seq")]

    def __str__(self) -> str:
        return f"{self.seq} {self.kind} {self.ref}"


class ChainHead(models.Model):
    """The chain's last entry (one row, id 1). Appends lock this row, so they are serialised."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.seq} {self.hash[:12]}"
