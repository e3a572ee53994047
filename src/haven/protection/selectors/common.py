"""What the protection selectors share: ids from URLs, pagination."""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.core.paginator import Paginator
from django.db.models import Model, QuerySet

from haven.registry.selectors import MAX_PER_PAGE, Page

PER_PAGE = 50
M = TypeVar("M", bound=Model)


def parse_id(ref: object) -> uuid.UUID | None:
    if isinstance(ref, uuid.UUID):
        return ref
    try:
        return uuid.UUID(str(ref).strip())
    except ValueError:
        return None


def paginate(items: QuerySet[M], page: int, per_page: int) -> Page[M]:
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    total = Paginator(items, per_page).count
    number = max(1, min(page, max(1, -(-total // per_page))))
    offset = (number - 1) * per_page
    return Page(items=list(items[offset: offset + per_page]), number=number,
                per_page=per_page, total=total)
