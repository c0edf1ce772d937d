"""Template filters for the web pages: labels in the active language, status badges."""

from __future__ import annotations

from typing import Any

from django import template

from safetrain.web import labels

register = template.Library()


@register.filter
def label(code: str, kind: str) -> str:
    """{{ employment.role_category|label:"role_category" }}"""
    return labels.label(kind, code)


@register.filter
def area_types(codes: list[str]) -> str:
    return "、".join(labels.label("area_type", c) for c in codes or []) or "—"


@register.filter
def region(obj: Any) -> str:
    """A Region (or None) in the active language."""
    if obj is None:
        return "—"
    return labels.region_name(obj.code, obj.name)


@register.filter
def sector(obj: Any) -> str:
    if obj is None:
        return "—"
    return labels.sector_name(obj.name, obj.name_en)


STATUS_BADGES = {"in_post": "badge-ok", "on_leave": "badge-warn", "not_employed": "badge-bad"}


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "")


@register.inclusion_tag("web/includes/form_filter.html")
def form_filter(form_value: str = "", **keep: Any) -> dict[str, Any]:
    """The employment-form (用工形式) filter of a list of persons, a GET form that keeps the
    other parameters: {% form_filter form_value q=q code=code %}."""
    return {
        "form_value": form_value,
        "keep": keep,
        "employment_forms": [
            (code, labels.label("employment_form", code)) for code in labels.EMPLOYMENT_FORMS
        ],
    }
