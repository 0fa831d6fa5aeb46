"""A page of rows from a select(), with the numbers a pager needs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from . import params


@dataclass
class Page:
    items: list[Any]
    number: int
    size: int
    total: int

    @classmethod
    def of(cls, session: Session, query: Select, number: int, size: int) -> Page:
        """Run ``query`` for page ``number`` (1-based, clamped to the last page)."""
        total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
        pages = max(1, -(-total // size))
        number = min(max(1, number), pages)
        items = session.scalars(query.limit(size).offset((number - 1) * size)).unique().all()
        return cls(list(items), number, size, total)

    @property
    def first(self) -> int:
        """How many rows come before this page (for running row numbers)."""
        return (self.number - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


#: url_for's own keywords: a query argument of these names must never reach it.
_URL_FOR_KEYWORDS = {"endpoint", "values"}


def link_args(keep: Iterable[str], **changes) -> dict[str, Any]:
    """Arguments for a link to the current page: its path values, the query arguments named in
    ``keep`` (one-line text) and ``changes``. Nothing else of the query string is carried."""
    names = [n for n in keep if not n.startswith("_") and n not in _URL_FOR_KEYWORDS]
    return {**params.args().keep(names), **(request.view_args or {}), **changes}
