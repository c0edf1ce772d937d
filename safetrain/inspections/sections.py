"""The enterprise page's 执法检查 section (web.archive.enterprise_sections): open orders,
recent inspections, and for inspectors and bureau admins the buttons to inspect or order."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from safetrain.core import dates
from safetrain.enterprises.models import Enterprise
from safetrain.people.models import User
from safetrain.web.nav import effective_role

if TYPE_CHECKING:
    from safetrain.inspections.models import Inspection

# Sections other apps add to the inspection page (safetrain.surveys: the questionnaires):
# f(inspection, viewer) -> (title, template, context) or None to show nothing.
InspectionSection = Callable[["Inspection", User], "tuple[str, str, dict[str, Any]] | None"]
inspection_sections: list[InspectionSection] = []


def enterprise_section(enterprise: Enterprise, viewer: User) -> tuple[str, str, dict[str, Any]]:
    from safetrain.inspections.selectors import inspection_list, open_orders

    return (
        "执法检查",
        "inspections/enterprise_section.html",
        {
            "orders": open_orders(enterprise, dates.today()),
            "inspections": list(inspection_list(viewer=viewer, enterprise=enterprise)[:5]),
            "may_oversee": effective_role(viewer) in ("city_admin", "county_admin", "inspector"),
        },
    )
