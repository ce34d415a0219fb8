"""Accounts: sign-up with email confirmation, log in, password reset, deactivation."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from hub.domain import audit
from hub.domain.errors import DomainError, NotAllowed
from hub.domain.mail import queue_email
from hub.extensions import db
from hub.models import Role, User, utcnow

PASSWORD_MIN, PASSWORD_MAX = 8, 128


@cache
def _dummy_hash() -> str:
    """Compared against when no account matches, so a wrong email costs as long as a wrong
    password. Made on first use: hashing at import would cost every worker at start."""
    return generate_password_hash("not a real password")


def normalise_email(email: str) -> str:
    return email.strip().lower()


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


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def user_for_session(session_id: str) -> User | None:
    """The user a session or remember cookie names, if that session is still valid."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_token != token:
        return None
    return user


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"hub.{purpose}")


def _password_fingerprint(user: User) -> str:
    # Changes with the password, which makes reset links single-use.
    return user.password_hash[-12:]


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
            _send_confirmation(existing)
        else:
            queue_email(
                existing.email,
                "account_exists",
                existing.locale,
                user=existing,
                login_url=url_for("auth.login", _external=True),
                reset_url=url_for("auth.request_reset", _external=True),
            )
        return None
    user = User(name=name.strip(), email=email, locale=locale, role=Role.MEMBER)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(user, "user.registered", user)
    _send_confirmation(user)
    return user


def _send_confirmation(user: User) -> None:
    token = _serializer("signup").dumps({"u": user.id})
    queue_email(
        user.email,
        "confirm_signup",
        user.locale,
        user=user,
        confirm_url=url_for("auth.confirm_signup", token=token, _external=True),
    )


def confirm_signup(token: str) -> User:
    """Open the account a sign-up link names. The link works once."""
    try:
        data = _serializer("signup").loads(
            token, max_age=current_app.config["SIGNUP_CONFIRM_MAX_AGE"]
        )
    except BadSignature as error:
        raise DomainError(_l("This link is invalid or has expired. Sign up again.")) from error
    user = db.session.get(User, data.get("u"))
    if user is None or user.email_confirmed_at is not None or not user.is_active:
        raise DomainError(_l("This link has already been used. You can log in."))
    user.email_confirmed_at = utcnow()
    audit.record(user, "user.confirmed", user)
    return user


def authenticate(email: str, password: str) -> User:
    """The user with these credentials, or a DomainError that says nothing more."""
    user = find_user(email)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        raise DomainError(_l("Email or password is incorrect."))
    if not user.check_password(password) or not user.is_active:
        raise DomainError(_l("Email or password is incorrect."))
    if user.email_confirmed_at is None:
        _send_confirmation(user)
        raise DomainError(_l("Confirm your email address first: we have sent you the link again."))
    user.last_login_at = utcnow()
    return user


def log_out_everywhere(user: User) -> None:
    """End every session and remember cookie of this user."""
    user.end_all_sessions()


def request_password_reset(email: str) -> None:
    """Email a reset link if the address has an account; say nothing either way."""
    user = find_user(email)
    if user is None or not user.is_active:
        return
    token = _serializer("reset").dumps({"u": user.id, "h": _password_fingerprint(user)})
    queue_email(
        user.email,
        "password_reset",
        user.locale,
        user=user,
        reset_url=url_for("auth.reset_password", token=token, _external=True),
        minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
    )


def user_for_reset(token: str) -> User:
    try:
        data = _serializer("reset").loads(
            token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"]
        )
    except BadSignature as error:
        raise DomainError(_l("This reset link is invalid or has expired.")) from error
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
