"""{% today_card person %}: the worker's "can I work today?" card on the home page.

The person comes from the page's own scoped selector (web.views.home); the tag evaluates it
today and renders compliance/includes/home_card.html.
"""

from __future__ import annotations

from typing import Any

from django import template

from safetrain.compliance import pages

register = template.Library()


@register.inclusion_tag("compliance/includes/home_card.html")
def today_card(person: Any) -> dict[str, Any]:
    open_items, _cleared = pages.person_todos(person)
    return {"card": pages.card_for(person), "open_todos": len(open_items)}
