from __future__ import annotations

from django.db.models import QuerySet

from safetrain.catalog.models import JobType, Sector, SpecialOperation


def sector_list() -> QuerySet[Sector]:
    return Sector.objects.all()


def operation_list() -> QuerySet[SpecialOperation]:
    return SpecialOperation.objects.all()


def job_type_list(*, sector: str | None = None) -> QuerySet[JobType]:
    qs = JobType.objects.select_related("sector", "operation")
    if sector:
        qs = qs.filter(sector_id=sector)
    return qs


def job_type_find(name: str, *, sector: str | None = None) -> JobType | None:
    """A job type by its name; the enterprise's own sector is preferred when names repeat."""
    matches = list(JobType.objects.filter(name=name.strip()).select_related("operation"))
    if sector:
        for jt in matches:
            if jt.sector_id == sector:
                return jt
    return matches[0] if matches else None
