from __future__ import annotations

from django import template

from safetrain.courses import labels

register = template.Library()


@register.filter
def topic_label(code: str) -> str:
    return str(labels.TOPICS.get(code, code))


@register.filter
def lesson_kind_label(code: str) -> str:
    return str(labels.LESSON_KINDS.get(code, code))


@register.filter
def source_label(code: str) -> str:
    return str(labels.SOURCES.get(code, code))


@register.filter
def minutes(seconds: int) -> int:
    return max(1, round((seconds or 0) / 60))
