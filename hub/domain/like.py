"""The one way a LIKE pattern is built from what a person (or a filter) typed."""

from __future__ import annotations

import sqlalchemy as sa


def contains(column, text: str) -> sa.ColumnElement[bool]:
    """Rows whose column contains `text`, ignoring case; % and _ are taken literally."""
    return column.icontains(text.strip(), autoescape=True)


def starts_with(column, text: str) -> sa.ColumnElement[bool]:
    """Rows whose column starts with `text` exactly; % and _ are taken literally."""
    return column.startswith(text, autoescape=True)
