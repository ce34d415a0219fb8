"""Passwords: the rules, and resetting a forgotten one by an emailed link."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from hub.domain import audit, outbox, signed
from hub.domain.accounts.queries import find_user
from hub.domain.errors import DomainError
from hub.extensions import db
from hub.models import User, utcnow

PASSWORD_MIN, PASSWORD_MAX = 8, 128


def check_password_rules(password: str) -> None:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise DomainError(
            _l(
                "Choose a password of %(min)d to %(max)d characters.",
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
            ),
            field="password",
        )


def _password_fingerprint(user: User) -> str:
    # Changes with the password, which makes reset links single-use.
    return user.password_hash[-12:]


def request_password_reset(email: str) -> None:
    """Email a reset link if the address has an account; say nothing either way."""
    user = find_user(email)
    if user is None or not user.is_active:
        return
    outbox.queue(
        user.email,
        "password_reset",
        user.locale,
        user=user,
        token=signed.signer("reset").dumps({"u": user.id, "h": _password_fingerprint(user)}),
        minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
    )


def user_for_reset(token: str) -> User:
    """The account a reset link names, while the link is valid and unused."""
    data = signed.read(
        "reset", token, "PASSWORD_RESET_MAX_AGE", _l("This reset link is invalid or has expired.")
    )
    user = db.session.get(User, data.get("u"))
    if user is None or not user.is_active or data.get("h") != _password_fingerprint(user):
        raise DomainError(_l("This reset link has already been used or has expired."))
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password from a reset link; the link then stops working."""
    user = user_for_reset(token)
    check_password_rules(password)
    user.set_password(password)
    # Following the emailed link proves the address too.
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    user.end_all_sessions()
    audit.record(user, "user.password_reset", user)
    return user
