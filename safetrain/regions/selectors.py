from django.db.models import QuerySet

from safetrain.regions.models import CITY_CODE, Region


def region_list() -> QuerySet[Region]:
    return Region.objects.all()


def county_list() -> QuerySet[Region]:
    return Region.objects.filter(parent_id=CITY_CODE)


def region_get(code: str) -> Region | None:
    return Region.objects.filter(code=code).first()
