"""Display labels for codes, in the active language.

The models keep their Chinese choice labels (the workbooks and the API use them); the web pages
show these labels instead, so that an English session reads English. English msgids, Chinese in
safetrain/locale/zh_Hans/LC_MESSAGES/django.po.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

ROLES: dict[str, Promise] = {
    "city_admin": _("City administrator"),
    "county_admin": _("County administrator"),
    "enterprise_admin": _("Enterprise safety administrator"),
    "inspector": _("Inspector"),
    "trainer": _("Trainer"),
    "worker": _("Worker"),
}

ROLE_CATEGORIES: dict[str, Promise] = {
    "principal": _("Principal"),
    "deputy": _("Deputy in charge of safety"),
    "safety_manager": _("Safety manager"),
    "worker": _("Front-line worker"),
}

EMPLOYMENT_FORMS: dict[str, Promise] = {
    "contract": _("Contract"),
    "dispatched": _("Dispatched"),
    "temporary": _("Temporary"),
    "rotating": _("Rotating"),
    "agreement": _("Agreement"),
    "intern": _("Intern"),
}

AREA_TYPES: dict[str, Promise] = {
    "underground": _("Underground"),
    "office": _("Office"),
    "production": _("Production"),
    "living": _("Living quarters"),
}

ORG_UNIT_KINDS: dict[str, Promise] = {
    "company": _("Company"),
    "workshop": _("Workshop / department"),
    "team": _("Team / section"),
}

STATUSES: dict[str, Promise] = {
    "in_post": _("In post"),
    "on_leave": _("On leave"),
    "not_employed": _("Not employed"),
}

REGIONS_EN = {
    "140500": "Jincheng City",
    "140502": "Chengqu District",
    "140521": "Qinshui County",
    "140522": "Yangcheng County",
    "140524": "Lingchuan County",
    "140525": "Zezhou County",
    "140581": "Gaoping City",
}

KINDS = {
    "role": ROLES,
    "role_category": ROLE_CATEGORIES,
    "employment_form": EMPLOYMENT_FORMS,
    "area_type": AREA_TYPES,
    "org_unit_kind": ORG_UNIT_KINDS,
    "status": STATUSES,
}


def english() -> bool:
    return (get_language() or "").startswith("en")


def label(kind: str, code: str) -> str:
    """The label of a code of a kind ('role', 'role_category', ...); the code itself if unknown."""
    return str(KINDS[kind].get(code, code))


def region_name(code: str, name: str) -> str:
    return REGIONS_EN.get(code, name) if english() else name


def sector_name(name: str, name_en: str) -> str:
    return name_en if english() and name_en else name
