"""Signed, expiring tokens for emailed links (sign-up, password reset, invitations)."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from hub.domain.errors import DomainError


def signer(purpose: str) -> URLSafeTimedSerializer:
    """A serializer whose tokens are valid for one purpose only ("signup", "reset"…)."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"hub.{purpose}")


def read(purpose: str, token: str, max_age_setting: str, refusal) -> dict:
    """What a link of `purpose` carries, while younger than the setting `max_age_setting`;
    DomainError(`refusal`) for a forged, altered or expired one."""
    try:
        return signer(purpose).loads(token, max_age=current_app.config[max_age_setting])
    except BadSignature as error:
        raise DomainError(refusal) from error
