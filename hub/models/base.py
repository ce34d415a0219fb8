"""Column types and helpers shared by every model."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database.

    SQLite keeps no offset, so values are stored as naive UTC and handed back aware.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class LabelledEnum(StrEnum):
    """A state or kind stored as its value and shown as its translated label.

    Members are written `PUBLISHED = "published", _l("Published")`; templates and messages
    use `EventState.PUBLISHED.label`, so each label is written once, beside its value.
    """

    label: str

    def __new__(cls, value: str, label=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label if label is not None else value
        return member


def enum_type(enum: type[StrEnum]) -> sa.Enum:
    """A string column limited to the enum's values by a CHECK constraint."""
    return sa.Enum(
        enum,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum) + 4,
        values_callable=lambda members: [m.value for m in members],
        name=enum.__name__.lower(),
        validate_strings=True,
    )
