from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def clock(seconds: float | int | None) -> str:
    """Seconds as h:mm:ss (or m:ss under an hour), rounded down."""
    total = max(0, int(seconds or 0))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
