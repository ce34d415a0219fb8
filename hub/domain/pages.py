"""One page of a list, and the one way lists are cut into pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from hub.extensions import db

# Deep pages of tens of thousands of rows are for the API's clients, not for readers.
MAX_PAGE = 100_000


@dataclass
class Page:
    """One page of results, shaped like Flask-SQLAlchemy's pagination for the templates."""

    items: list
    page: int
    per_page: int
    total: int
    # True when `total` is a bound: there are more than `total` results (pages stop there).
    more: bool = False

    @property
    def pages(self) -> int:
        return (self.total + self.per_page - 1) // self.per_page

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def paginate(
    query: sa.Select,
    page: int,
    per_page: int,
    row: Callable[..., Any] | None = None,
    counted: sa.Select | None = None,
) -> Page:
    """Page `page` (from 1) of the query's results, and their total, in two queries.

    Items are the query's first column, or `row(*columns)` for queries of several columns.
    A page past the end is empty. `counted`: the same rows without the columns that cost
    (a per-row subquery), to count them.
    """
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(
            (query if counted is None else counted).order_by(None).subquery()
        )
    )
    result = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).unique()
    items = [row(*columns) for columns in result] if row else list(result.scalars())
    return Page(items=items, page=page, per_page=per_page, total=total)
