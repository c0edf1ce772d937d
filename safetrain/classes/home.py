"""The enterprise admin's home-page block: this year's training-plan progress."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from safetrain.core.dates import today

if TYPE_CHECKING:
    from safetrain.people.models import User


def plan_home_section(viewer: User) -> Any:
    from safetrain.classes.selectors import plan_progress
    from safetrain.enterprises.selectors import enterprise_get_by_id
    from safetrain.web.archive import ArchiveSection

    if viewer.is_superuser or viewer.role != "enterprise_admin" or not viewer.enterprise_id:
        return None
    enterprise = enterprise_get_by_id(viewer=viewer, pk=viewer.enterprise_id)
    if enterprise is None:
        return None
    on = today()
    progress = plan_progress(enterprise, on.year, on)
    return ArchiveSection(
        _("Training plan %(year)s") % {"year": on.year},
        "classes/plan_summary.html",
        {"progress": progress, "year": on.year, "on": on},
    )
