"""Thin views: parse the request, call the domain, commit once, render."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request
from flask_wtf import FlaskForm

from hub.domain.errors import DomainError


def safe_next_url(default: str) -> str:
    """The `next` address if it stays on this site, else `default`."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


def show_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Put a domain error beside its field, or above the form when it names none."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        form.form_errors.append(str(error.message))
