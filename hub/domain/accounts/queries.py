"""Reading accounts."""

from __future__ import annotations

import sqlalchemy as sa

from hub.domain import like
from hub.extensions import db
from hub.models import AuditEntry, User


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


def audit_trail(target_type: str = "", action: str = "") -> sa.Select:
    """The audit log, newest first, for one kind of target and actions starting with `action`."""
    query = sa.select(AuditEntry).order_by(AuditEntry.id.desc())
    if target_type:
        query = query.where(AuditEntry.target_type == target_type)
    if action:
        query = query.where(like.starts_with(AuditEntry.action, action))
    return query.options(sa.orm.joinedload(AuditEntry.actor))
