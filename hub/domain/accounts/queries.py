"""Reading accounts."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from hub.domain import like
from hub.extensions import db
from hub.models import AuditEntry, User
from hub.timezones import local_to_utc


def normalise_email(email: str) -> str:
    """Addresses are kept and compared trimmed and in lower case."""
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def users_for_staff(search: str = "") -> sa.Select:
    """Accounts, newest first, whose email or name contains `search`."""
    query = sa.select(User).order_by(User.created_at.desc(), User.id.desc())
    if search:
        query = query.where(
            sa.or_(like.contains(User.email, search), like.contains(User.name, search))
        )
    return query


def audit_trail(
    actor: str = "",
    kind: str = "",
    first: date | None = None,
    last: date | None = None,
    target_type: str = "",
    action: str = "",
) -> sa.Select:
    """The audit log, newest first: by whom (name or email contains `actor`), what kind of
    action (its code's first word: "event", "registration"…), from `first` to `last` (days
    as the display time zone counts them), on one kind of target, or codes starting `action`."""
    query = sa.select(AuditEntry).order_by(AuditEntry.id.desc())
    if actor:
        query = query.where(
            AuditEntry.actor_id.in_(
                sa.select(User.id).where(
                    sa.or_(like.contains(User.email, actor), like.contains(User.name, actor))
                )
            )
        )
    if kind:
        query = query.where(like.starts_with(AuditEntry.action, f"{kind}."))
    if first:
        query = query.where(AuditEntry.created_at >= local_to_utc(datetime.combine(first, time())))
    if last:
        end = datetime.combine(last + timedelta(days=1), time())
        query = query.where(AuditEntry.created_at < local_to_utc(end))
    if target_type:
        query = query.where(AuditEntry.target_type == target_type)
    if action:
        query = query.where(like.starts_with(AuditEntry.action, action))
    return query.options(sa.orm.joinedload(AuditEntry.actor))


def audit_targets(entries: list[AuditEntry]) -> dict[tuple[str, int], object]:
    """What the entries name, read in one query per kind: {(table, id): row}."""
    models = {
        mapper.class_.__tablename__: mapper.class_
        for mapper in db.Model.registry.mappers
        if hasattr(mapper.class_, "__tablename__")
    }
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.target_id is not None and entry.target_type in models:
            wanted.setdefault(entry.target_type, set()).add(entry.target_id)
    found: dict[tuple[str, int], object] = {}
    for table, ids in wanted.items():
        model = models[table]
        for row in db.session.scalars(sa.select(model).where(model.id.in_(ids))):
            found[(table, row.id)] = row
    return found
