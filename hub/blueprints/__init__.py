"""Thin views: read the request, call the domain, render. The transaction and the answer
to a refusal belong to hub/unit_of_work.py and hub/errors.py, not to the views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, request
from flask_login import current_user


def safe_next_url(default: str) -> str:
    """The `next` address if it stays on this site, else `default`."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


def keep_private(response):
    """A page whose address is a secret (a private link): no shared cache keeps it, and
    the address is not sent on to other sites."""
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def staff_required(view):
    """Staff only: anonymous visitors are sent to log in, members get a 404."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if not current_user.is_staff:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def register_panel(state_or_app, area: str, template: str, context: Callable[[], dict]) -> None:
    """Add a section to a dashboard ("account" or "staff") from the blueprint that owns it.

    `context` is called when the dashboard renders and returns the template's variables.
    """
    app = getattr(state_or_app, "app", state_or_app)
    app.extensions.setdefault("hub.panels", {}).setdefault(area, []).append((template, context))


def dashboard_panels(area: str) -> list[tuple[str, dict]]:
    return [
        (template, context())
        for template, context in current_app.extensions.get("hub.panels", {}).get(area, [])
    ]
