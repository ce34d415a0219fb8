"""Signing up: an account opens when the emailed link is followed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hub.domain import audit, outbox, signed
from hub.domain.accounts.passwords import check_password_rules
from hub.domain.accounts.queries import find_user, normalise_email
from hub.domain.errors import DomainError
from hub.extensions import db
from hub.models import Role, User, utcnow


def register_account(name: str, email: str, password: str, locale: str) -> User | None:
    """Start a sign-up; the account opens when the emailed link is followed.

    The caller shows the same answer whether or not the email was known: a known address
    gets a reminder instead (or the confirmation again if it was never confirmed).
    """
    check_password_rules(password)
    email = normalise_email(email)
    existing = find_user(email)
    if existing is not None:
        if existing.email_confirmed_at is None:
            send_confirmation(existing)
        else:
            outbox.queue(existing.email, "account_exists", existing.locale, user=existing)
        return None
    user = User(name=name.strip(), email=email, locale=locale, role=Role.MEMBER)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(user, "user.registered", user)
    send_confirmation(user)
    return user


def send_confirmation(user: User) -> None:
    """Email the link that confirms the address and opens the account."""
    outbox.queue(
        user.email,
        "confirm_signup",
        user.locale,
        user=user,
        token=signed.signer("signup").dumps({"u": user.id}),
    )


def confirm_signup(token: str) -> User:
    """Open the account a sign-up link names. The link works once."""
    data = signed.read(
        "signup",
        token,
        "SIGNUP_CONFIRM_MAX_AGE",
        _l("This link is invalid or has expired. Sign up again."),
    )
    user = db.session.get(User, data.get("u"))
    if user is None or user.email_confirmed_at is not None or not user.is_active:
        raise DomainError(_l("This link has already been used. You can log in."))
    user.email_confirmed_at = utcnow()
    audit.record(user, "user.confirmed", user)
    return user
