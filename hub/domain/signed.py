"""Signed, expiring tokens for emailed links (sign-up, password reset, invitations)."""

from __future__ import annotations

from flask import current_app
from itsdangerous import URLSafeTimedSerializer


def signer(purpose: str) -> URLSafeTimedSerializer:
    """A serializer whose tokens are valid for one purpose only ("signup", "reset"…)."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"hub.{purpose}")
