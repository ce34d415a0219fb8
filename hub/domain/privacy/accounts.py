"""Closing an account: the person's registrations are erased, the account anonymised.

What their organisations need comes first: the owner of a startup or a partner hands it
over to another member before leaving (hub/domain/organisations/members.py), and nobody
leaves an organisation with no member at all; membership of the others simply ends.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hub.domain import audit
from hub.domain.errors import DomainError
from hub.domain.privacy.requests import erase_person
from hub.extensions import db
from hub.models import AuditEntry, Invitation, Membership, MembershipRole, User, utcnow


def closing_refusals(user: User) -> list[str]:
    """Why this account cannot be closed now, one reason per organisation; empty if it can."""
    reasons = []
    for membership in db.session.scalars(
        sa.select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
    ):
        organisation = membership.organisation
        others = sum(1 for other in organisation.memberships if other.user_id != user.id)
        if others == 0:
            reasons.append(
                str(
                    _l(
                        "You are the only member of %(name)s: invite someone and hand it over, "
                        "or ask the venue team to remove it.",
                        name=organisation.name,
                    )
                )
            )
        elif membership.role == MembershipRole.OWNER:
            reasons.append(
                str(
                    _l(
                        "You are the owner of %(name)s: hand it over to another member first "
                        "(its members page).",
                        name=organisation.name,
                    )
                )
            )
    return reasons


def close_account(user: User, password: str) -> int:
    """Close the account after checking the password; returns how many registrations went.

    The row stays (the audit trail keeps who acted), anonymous and unable to log in.
    """
    if not user.check_password(password or ""):
        raise DomainError(_l("This password is not right."), field="password")
    reasons = closing_refusals(user)
    if reasons:
        raise DomainError(" ".join(reasons))
    email = user.email
    erased = erase_person(email, actor=user, account=user)
    db.session.execute(sa.delete(Membership).where(Membership.user_id == user.id))
    db.session.execute(sa.delete(Invitation).where(Invitation.email == email))
    for entry in db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.details["email"].as_string() == email)
    ):
        entry.details = {key: value for key, value in entry.details.items() if key != "email"}
    user.name = ""
    user.email = f"closed-{user.id}@invalid"
    user.set_password(secrets.token_urlsafe(32))
    user.is_active = False
    user.end_all_sessions()
    audit.record(user, "user.closed", user, at=utcnow().isoformat())
    db.session.flush()
    return erased
