"""Slugs for public addresses, unique in their table."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute

from hub.extensions import db
from hub.text import slugify


def unique_slug(column: InstrumentedAttribute, text: str, max_length: int = 120) -> str:
    """A slug made from `text` that no row has yet in `column`: "atelier", then "atelier-2"…"""
    base = slugify(text, max_length=max_length)
    taken = set(
        db.session.scalars(
            sa.select(column).where(sa.or_(column == base, column.startswith(f"{base}-")))
        )
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
