"""The audit trail: who did what, to what, and when."""

from __future__ import annotations

from typing import Any

from hub.extensions import db
from hub.models import AuditEntry, User


def record(actor: User | None, action: str, target: Any, **details: Any) -> AuditEntry:
    """Add an audit entry to the current transaction.

    `target` is a model instance (its table name and id are kept) and `details` any
    JSON-serialisable facts worth keeping (old and new state, a message…).
    """
    if target is not None and getattr(target, "id", None) is None:
        db.session.flush()
    entry = AuditEntry(
        actor_id=actor.id if actor is not None and getattr(actor, "id", None) else None,
        action=action,
        target_type=getattr(target, "__tablename__", type(target).__name__.lower()),
        target_id=getattr(target, "id", None),
        details={key: _plain(value) for key, value in details.items()},
    )
    db.session.add(entry)
    return entry


def apply_changes(actor: User | None, action: str, target: Any, values: dict) -> list[str]:
    """Set on `target` the values that differ, record which did (if any); returns their names."""
    changed = [name for name, value in values.items() if getattr(target, name) != value]
    for name in changed:
        setattr(target, name, values[name])
    if changed:
        record(actor, action, target, fields=changed)
    return changed


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return str(value)
