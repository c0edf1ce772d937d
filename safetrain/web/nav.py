"""The menu: one registry of entries, filtered per role, resolved per request.

Other apps add their pages by appending a NavItem here (one line, merge-friendly). An entry whose
url name does not resolve (its app is not installed or not written yet) is silently left out,
so the menu never breaks a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safetrain.web import labels

ALL = frozenset(
    {"city_admin", "county_admin", "enterprise_admin", "inspector", "trainer", "worker"}
)
ADMINS = frozenset({"city_admin", "county_admin"})
SCOPED = frozenset({"city_admin", "county_admin", "enterprise_admin", "inspector"})


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]
    icon: str = ""


NAV: list[NavItem] = [
    NavItem(_("Home"), "home", ALL, "home"),
    NavItem(_("My archive"), "my_archive", frozenset({"worker"}), "archive"),
    NavItem(_("Enterprises"), "enterprise_list", SCOPED, "enterprise"),
    NavItem(_("People"), "person_list", SCOPED, "people"),
    NavItem(_("Import workbook"), "workbook:import", frozenset(ADMINS | {"enterprise_admin"})),
    NavItem(_("Certificates"), "certificates:ledger", SCOPED, "certificate"),
    NavItem(_("Certificate reminders"), "certificates:reminders", frozenset({"enterprise_admin"})),
    NavItem(_("My certificates"), "certificates:mine", frozenset({"worker"}), "certificate"),
    NavItem(_("Training and exam records"), "records:index", frozenset({"enterprise_admin"})),
    NavItem(_("Can I work today?"), "compliance:me", frozenset({"worker"}), "status"),
    NavItem(_("To-do"), "compliance:todo", frozenset({"worker"}), "todo"),
    NavItem(_("Work clearance"), "compliance:enterprise_mine", frozenset({"enterprise_admin"})),
    NavItem(_("Remedial to-dos"), "compliance:remedial_mine", frozenset({"enterprise_admin"})),
    NavItem(_("Course market"), "courses:market", ALL, "courses"),
    NavItem(_("My courses"), "study:mine", frozenset({"worker"}), "study"),
    NavItem(
        _("Manage courses"),
        "courses:manage",
        frozenset(ADMINS | {"enterprise_admin", "trainer"}),
    ),
    NavItem(_("Assign courses"), "courses:assign", frozenset({"enterprise_admin"})),
    NavItem(_("Question banks"), "questions:banks", ALL - {"worker", "inspector"}, "questions"),
    NavItem(_("Practice and mock exams"), "questions:banks", frozenset({"worker"}), "practice"),
    NavItem(_("Wrong-answer book"), "questions:wrong_book", frozenset({"worker"}), "wrong"),
    NavItem(_("Accounts"), "account_list", frozenset(ADMINS | {"enterprise_admin"}), "accounts"),
    NavItem(_("Inspections"), "inspections:index", frozenset(ADMINS | {"inspector"}), "inspect"),
    NavItem(_("Correction orders"), "inspections:orders", SCOPED),
    NavItem(_("Spot-check retests"), "inspections:retests", frozenset({"enterprise_admin"})),
    NavItem(_("Campaign calendar"), "inspections:calendar", frozenset(ADMINS | {"inspector"})),
    NavItem(_("Double-random draws"), "inspections:draws", SCOPED),
    NavItem(_("Dashboards"), "dashboards:home", SCOPED, "dashboard"),
    NavItem(_("Notices"), "dashboards:notices", SCOPED, "notice"),
    NavItem(_("Exams"), "exams:index", frozenset(SCOPED | {"worker"}), "exam"),
    NavItem(_("Training sessions"), "classes:list", frozenset(SCOPED | {"trainer"}), "classes"),
    NavItem(_("Training plans"), "classes:plans", frozenset(ADMINS | {"enterprise_admin"})),
    NavItem(_("My training sessions"), "classes:mine", frozenset({"worker"})),
    NavItem(_("Questionnaires"), "surveys:mine", frozenset({"worker"})),
    NavItem(_("Audit log"), "audit:events", frozenset({"city_admin"}), "audit"),
    NavItem(_("Rescue teams"), "rescue:index", SCOPED),
    NavItem(_("Must-know handbooks"), "handbooks:list", ALL - {"worker"}),
    NavItem(_("My must-know handbook"), "handbooks:mine", frozenset({"worker"})),
]


def effective_role(user: Any) -> str:
    """The role that decides the menu and the pages; a superuser counts as a city admin."""
    if getattr(user, "is_superuser", False):
        return "city_admin"
    return str(getattr(user, "role", ""))


def menu_for(user: Any, current_path: str = "") -> list[dict[str, Any]]:
    if not getattr(user, "is_authenticated", False):
        return []
    role = effective_role(user)
    items = []
    for item in NAV:
        if role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append(
            {
                "label": item.label,
                "url": url,
                "icon": item.icon,
                "name": item.url_name,
                "active": active,
            }
        )
    # /courses/ and /courses/assign/ both prefix /courses/assign/: only the longest is current
    longest = max((len(str(i["url"])) for i in items if i["active"]), default=0)
    for entry in items:
        entry["active"] = bool(entry["active"]) and len(str(entry["url"])) == longest
    return items


def nav(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `nav_items` for the menu and `role_label` for the top bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "role_label": ""}
    role = effective_role(user)
    return {
        "nav_items": menu_for(user, request.path),
        "role_label": labels.ROLES.get(role, role),
    }
