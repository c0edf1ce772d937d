"""Jurisdiction: who may see what (DESIGN §1). Every selector filters through these functions.

- city admin, city inspector, superuser: the whole city
- county admin, county inspector: enterprises of their county and the people employed there
- enterprise admin: their own enterprise and the people employed there
- trainer: no enterprise or person lists (courses and sessions they run come with later issues)
- worker: their own person only

A person is within a scope when any employment (current or past) is with an enterprise in that
scope: a new employer sees the worker's whole lifelong archive, and a former employer keeps
seeing the records it produced. Written down in docs/jurisdiction.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from safetrain.regions.models import CITY_CODE

if TYPE_CHECKING:
    from safetrain.people.models import User

NOTHING = Q(pk__in=[])


def is_citywide(viewer: User) -> bool:
    if viewer.is_superuser:
        return True
    return (
        viewer.role in ("city_admin", "inspector", "county_admin") and viewer.region_id == CITY_CODE
    )


def region_codes(viewer: User) -> list[str] | None:
    """Region codes the viewer covers; None means every region (the whole city)."""
    if is_citywide(viewer):
        return None
    if viewer.role in ("county_admin", "inspector") and viewer.region_id:
        return [viewer.region_id]
    return []


def enterprise_q(viewer: User, prefix: str = "") -> Q:
    """A Q over Enterprise (or over a relation to it, with prefix like 'enterprise__')."""
    if not viewer.is_authenticated or not viewer.is_active:
        return NOTHING
    if is_citywide(viewer):
        return Q()
    if viewer.role in ("county_admin", "inspector") and viewer.region_id:
        return Q(**{f"{prefix}region_id": viewer.region_id})
    if viewer.role == "enterprise_admin" and viewer.enterprise_id:
        return Q(**{f"{prefix}pk": viewer.enterprise_id})
    return NOTHING


def person_q(viewer: User, prefix: str = "") -> Q:
    """A Q over Person (or a relation to it, with prefix like 'person__')."""
    if not viewer.is_authenticated or not viewer.is_active:
        return NOTHING
    if is_citywide(viewer):
        return Q()
    if viewer.role == "worker":
        if viewer.person_id is None:
            return NOTHING
        return Q(**{f"{prefix}pk": viewer.person_id})
    ent = enterprise_q(viewer, "enterprise__")
    if ent == NOTHING:
        return NOTHING
    from safetrain.people.models import Employment

    return Q(**{f"{prefix}pk__in": Employment.objects.filter(ent).values("person_id")})
