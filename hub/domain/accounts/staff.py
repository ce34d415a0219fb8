"""Accounts the operators and the venue team manage."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hub.domain import audit
from hub.domain.accounts.passwords import check_password_rules
from hub.domain.accounts.queries import find_user, normalise_email
from hub.domain.errors import DomainError, NotAllowed
from hub.extensions import db
from hub.models import Role, User, utcnow


def create_user(email: str, name: str, password: str, role: Role, locale: str = "fr") -> User:
    """An account made by an operator: confirmed at once."""
    check_password_rules(password)
    if find_user(email) is not None:
        raise DomainError(_l("An account with this email already exists."), field="email")
    user = User(
        email=normalise_email(email),
        name=name,
        role=role,
        locale=locale,
        email_confirmed_at=utcnow(),
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(None, "user.created", user, role=role.value)
    return user


def set_user_active(actor: User, user: User, active: bool) -> None:
    """Staff deactivate or reactivate an account; deactivation ends its sessions."""
    if not actor.is_staff:
        raise NotAllowed(_l("Only the venue team can do this."))
    if actor.id == user.id:
        raise DomainError(_l("You cannot deactivate your own account."))
    user.is_active = active
    if not active:
        user.end_all_sessions()
    audit.record(actor, "user.activated" if active else "user.deactivated", user)
