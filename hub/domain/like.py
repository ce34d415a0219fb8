"""The one way a LIKE pattern is built from what a person typed."""

from __future__ import annotations

import sqlalchemy as sa


def contains(column, text: str) -> sa.ColumnElement[bool]:
    """Rows whose column contains `text`, ignoring case; % and _ are taken literally."""
    return column.icontains(text.strip(), autoescape=True)
