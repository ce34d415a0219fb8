"""Slugs for public addresses, unique in their table."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute

from hub.domain import like
from hub.extensions import db
from hub.text import slugify


def in_byte_order(column) -> sa.ColumnElement:
    """A slug column sorted by its bytes: slugs are ASCII, so A–Z is the same on both
    databases (PostgreSQL would otherwise sort by the locale's rules)."""
    return column.collate("C") if db.engine.dialect.name == "postgresql" else column


def unique_slug(column: InstrumentedAttribute, text: str, max_length: int = 120) -> str:
    """A slug made from `text` that no row has yet in `column`: "atelier", then "atelier-2"…"""
    base = slugify(text, max_length=max_length)
    taken = set(
        db.session.scalars(
            sa.select(column).where(sa.or_(column == base, like.starts_with(column, f"{base}-")))
        )
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
