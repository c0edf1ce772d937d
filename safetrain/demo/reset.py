"""`demo load --reset`: wipe every non-reference row, keep the reference data.

Reference data is what migrations load and every deployment shares: regions, the catalogue
(sectors, special operations, job types), content types and permissions. Later issues that add
reference data of their own (e.g. the compliance policy versions) add their model labels to
REFERENCE_MODELS or their app label to REFERENCE_APPS.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection, models, transaction

from safetrain.archive.chain import log_maintenance

REFERENCE_APPS = {"regions", "catalog", "contenttypes"}
REFERENCE_MODELS = {"auth.permission", "auth.group", "auth.group_permissions"}


def wipe_targets() -> list[type[models.Model]]:
    out: list[type[models.Model]] = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        if meta.app_label in REFERENCE_APPS or meta.label_lower in REFERENCE_MODELS:
            continue
        out.append(model)
    return out


def wipe_non_reference() -> dict[str, int]:
    """Delete all rows of every non-reference table in one transaction; return rows per table.

    Rows are deleted with plain DELETEs (no per-object cascade): every table on the list goes,
    and foreign keys are checked when the transaction commits (Django creates them deferrable),
    so the order does not matter. A reference row pointing at a wiped row fails the commit and
    nothing is deleted.
    """
    counts: dict[str, int] = {}
    with log_maintenance(), transaction.atomic():  # the record log refuses DELETE otherwise
        for model in wipe_targets():
            deleted = model._base_manager.all()._raw_delete(connection.alias)  # type: ignore[attr-defined]
            if deleted:
                counts[model._meta.label] = deleted
    return counts
