"""Page-number pagination for the API: `?page=&page_size=` → {"items","count","page","page_size"}.

django-ninja's own PageNumberPagination returns only {"items","count"}; clients need to know the
page they got, so every list endpoint returns this one shape through `paginate`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class PageParams(Schema):
    page: int = Field(1, ge=1, description="页码，从 1 开始")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"每页条数（≤ {MAX_PAGE_SIZE}）"
    )


class Page[T](Schema):
    items: list[T]
    count: int
    page: int
    page_size: int


def paginate(
    rows: QuerySet[Any] | Sequence[Any],
    params: PageParams,
    transform: Callable[[Any], Any] | None = None,
) -> dict[str, Any]:
    """Slice one page out of an ordered queryset (or list); a page past the end is empty."""
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    start = (params.page - 1) * params.page_size
    items = list(rows[start : start + params.page_size])
    if transform is not None:
        items = [transform(item) for item in items]
    return {"items": items, "count": count, "page": params.page, "page_size": params.page_size}
