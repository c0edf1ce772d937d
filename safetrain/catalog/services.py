"""Loading the reference data. Idempotent: running it again changes nothing."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from safetrain.catalog import data


def catalog_load(*, apps: Any = None) -> dict[str, int]:
    """Create or update regions, sectors, operations and job types from safetrain.catalog.data.

    `apps` is the migration state registry when called from a data migration.
    """
    from safetrain.regions import data as region_data

    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Region = apps.get_model("regions", "Region")
    Sector = apps.get_model("catalog", "Sector")
    SpecialOperation = apps.get_model("catalog", "SpecialOperation")
    JobType = apps.get_model("catalog", "JobType")
    with transaction.atomic():
        city_code, city_name = region_data.CITY
        Region.objects.update_or_create(
            code=city_code, defaults={"name": city_name, "parent": None}
        )
        for code, name in region_data.COUNTIES:
            Region.objects.update_or_create(
                code=code, defaults={"name": name, "parent_id": city_code}
            )
        for i, (code, name, name_en, high_risk) in enumerate(data.SECTORS):
            Sector.objects.update_or_create(
                code=code,
                defaults={"name": name, "name_en": name_en, "high_risk": high_risk, "ordering": i},
            )
        for i, (code, name) in enumerate(data.OPERATIONS):
            category = code.split(".")[0]
            SpecialOperation.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "category": category,
                    "category_name": data.CATEGORIES[category],
                    "ordering": i,
                },
            )
        for sector, name, op in data.JOB_TYPES:
            JobType.objects.update_or_create(
                code=data.job_type_code(sector, name),
                defaults={"name": name, "sector_id": sector, "operation_id": op},
            )
    return {
        "regions": Region.objects.count(),
        "sectors": Sector.objects.count(),
        "operations": SpecialOperation.objects.count(),
        "job_types": JobType.objects.count(),
    }
