"""Filters and globals for templates."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cache
from pathlib import Path

from flask import Flask, current_app, url_for
from flask_babel import format_date, format_datetime, format_time, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from hub.text import render_markdown

DATETIME_PATTERNS = {"medium": "d MMM y, HH:mm", "long": "EEEE d MMMM y, HH:mm"}

# Navigation entries appear once their blueprint is registered.
PUBLIC_LINKS = (
    ("innovations.catalogue", _l("Innovations")),
    ("startups.directory", _l("Startups")),
    ("partners.directory", _l("Partners")),
    ("events.agenda", _l("Agenda")),
    ("showcase.demo_days", _l("Demo days")),
)
MEMBER_LINKS = (("account.dashboard", _l("My space")),)
STAFF_LINKS = (("staff.dashboard", _l("Back office")),)


def nav_links() -> list[tuple[str, str]]:
    return [link for link in PUBLIC_LINKS if link[0] in current_app.view_functions]


def account_links() -> list[tuple[str, str]]:
    links = list(MEMBER_LINKS)
    if current_user.is_authenticated and current_user.is_staff:
        links += STAFF_LINKS
    return [link for link in links if link[0] in current_app.view_functions]


def register_template_helpers(app: Flask) -> None:
    static_root = Path(app.static_folder or "static")

    @cache
    def fingerprint(filename: str) -> str:
        path = static_root / filename
        return hashlib.sha256(path.read_bytes()).hexdigest()[:10] if path.exists() else ""

    def static_url(filename: str) -> str:
        """A static file's URL with its content hash, so a change is never served stale."""
        if "/vendor/" in f"/{filename}":
            return url_for("static", filename=filename)
        return url_for("static", filename=filename, v=fingerprint(filename))

    def when(value: datetime | None, style: str = "medium") -> str:
        # People read minutes, not seconds or UTC offsets: "6 déc. 2026, 14:00".
        pattern = DATETIME_PATTERNS.get(style, style)
        return format_datetime(value, pattern) if value else ""

    def day(value: datetime | None, style: str = "full") -> str:
        return format_date(value, style) if value else ""

    def hour(value: datetime | None) -> str:
        return format_time(value, "short") if value else ""

    app.jinja_env.filters.update(datetime=when, date=day, time=hour, markdown=render_markdown)
    app.jinja_env.globals.update(
        static_url=static_url,
        current_locale=lambda: str(get_locale()),
        nav_links=nav_links,
        account_links=account_links,
    )
    app.jinja_env.add_extension("jinja2.ext.do")
