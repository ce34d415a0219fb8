"""Logging in and out."""

from __future__ import annotations

from functools import cache

from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from hub.domain.accounts.queries import find_user
from hub.domain.errors import DomainError
from hub.extensions import db
from hub.models import User, utcnow


@cache
def _dummy_hash() -> str:
    """Compared against when no account matches, so a wrong email costs as long as a wrong
    password. Made on first use: hashing at import would cost every worker at start."""
    return generate_password_hash("not a real password")


class UnconfirmedEmail(DomainError):
    """The password is right but the address is not confirmed yet."""

    def __init__(self, message, user: User):
        super().__init__(message)
        self.user = user


def authenticate(email: str, password: str) -> User:
    """The user with these credentials, or a DomainError that says nothing more.

    An unconfirmed account is refused with UnconfirmedEmail, whose message says the link
    was sent again: the caller sends it (signup.send_confirmation) and keeps that email
    although the login is refused.
    """
    user = find_user(email)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        raise DomainError(_l("Email or password is incorrect."))
    if not user.check_password(password) or not user.is_active:
        raise DomainError(_l("Email or password is incorrect."))
    if user.email_confirmed_at is None:
        raise UnconfirmedEmail(
            _l("Confirm your email address first: we have sent you the link again."), user
        )
    user.last_login_at = utcnow()
    return user


def user_for_session(session_id: str) -> User | None:
    """The user a session or remember cookie names, if that session is still valid."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_token != token:
        return None
    return user


def log_out_everywhere(user: User) -> None:
    """End every session and remember cookie of this user."""
    user.end_all_sessions()


def remember_locale(user: User, locale: str) -> None:
    """The language the person reads, kept for the emails they get."""
    if user.locale != locale:
        user.locale = locale
