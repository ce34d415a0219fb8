"""Erasing a person's data from the rows that must stay for the counts and the history.

A registration is not deleted: its row keeps the event, the state and the dates (check-in
history, the waiting list's order), but its name, address, private link and account are
replaced, its answers go, and the audit entries about it lose any name or address they held.
The figures read their own counts (hub/domain/figures/counters.py), so nothing here calls
them.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from hub.extensions import db
from hub.models import AuditEntry, Registration, RegistrationAnswer

# Keys of audit details that may hold a person's name, address or words.
PERSONAL_DETAILS = ("name", "email", "comment")
ERASED_NAME = ""


def erased_address(registration_id: int) -> str:
    """A placeholder that cannot reach anyone and stays unique per registration."""
    return f"erased-{registration_id}@invalid"


def anonymise_registrations(registrations: Sequence[Registration], now: datetime) -> int:
    """Replace the personal data of these registrations; returns how many were anonymised."""
    done = [registration for registration in registrations if registration.erased_at is None]
    for registration in done:
        registration.name = ERASED_NAME
        registration.email = erased_address(registration.id)
        # A new secret nobody knows: the old private link stops working.
        registration.token = secrets.token_urlsafe(32)
        registration.user_id = None
        registration.erased_at = now
    if done:
        db.session.execute(
            sa.delete(RegistrationAnswer).where(
                RegistrationAnswer.registration_id.in_([registration.id for registration in done])
            )
        )
        forget_in_audit(Registration.__tablename__, [registration.id for registration in done])
        db.session.flush()
    return len(done)


def forget_in_audit(target_type: str, target_ids: Sequence[int]) -> None:
    """Drop names, addresses and comments from the audit entries about these rows; who
    acted, what and when stay."""
    entries = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.target_type == target_type, AuditEntry.target_id.in_(target_ids)
        )
    )
    for entry in entries:
        if any(key in (entry.details or {}) for key in PERSONAL_DETAILS):
            entry.details = {
                key: value for key, value in entry.details.items() if key not in PERSONAL_DETAILS
            }
