"""Tags and sectors: lists of words kept as JSON, read the same way on both databases."""

from __future__ import annotations

import sqlalchemy as sa

from hub.extensions import db


def elements(column) -> sa.TableValuedAlias:
    """The words of a JSON list column, as a table with one `value` per word."""
    postgresql = db.engine.dialect.name == "postgresql"
    function = sa.func.json_array_elements_text if postgresql else sa.func.json_each
    return function(column).table_valued("value")


def has_word(column, word: str, ignore_case: bool = False) -> sa.ColumnElement[bool]:
    """Rows whose JSON list holds `word` (exactly, or ignoring case)."""
    words = elements(column)
    value, wanted = words.c.value, word
    if ignore_case:
        value, wanted = sa.func.lower(value), word.lower()
    return sa.exists(sa.select(sa.literal(1)).select_from(words).where(value == wanted))
