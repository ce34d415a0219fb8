"""Filters and globals for templates."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from flask import Flask, current_app, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from hub import dates, links, models
from hub.extensions import babel
from hub.i18n import LANGUAGE_ARG, kept_for_locale, language_name, locale_name
from hub.text import render_markdown

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


TEMPLATE_ENUMS = (
    models.Audience,
    models.EventKind,
    models.EventState,
    models.PeriodKind,
    models.RegistrationState,
    models.StartupStage,
)


def duration(value: timedelta) -> str:
    """A period in the largest whole unit: "90 jours", "1 heure", "10 minutes"."""
    seconds = int(value.total_seconds())
    if seconds % 86400 == 0:
        return ngettext("%(num)d day", "%(num)d days", seconds // 86400)
    if seconds % 3600 == 0:
        return ngettext("%(num)d hour", "%(num)d hours", seconds // 3600)
    return ngettext("%(num)d minute", "%(num)d minutes", max(seconds // 60, 1))


def month_label(month: str) -> str:
    """ "2026-03" as the reader says it: "mars 2026"."""
    return dates.month_text(date.fromisoformat(f"{month}-01"))


def nav_links() -> list[tuple[str, str]]:
    return [link for link in PUBLIC_LINKS if link[0] in current_app.view_functions]


def account_links() -> list[tuple[str, str]]:
    links = list(MEMBER_LINKS)
    if current_user.is_authenticated and current_user.is_staff:
        links += STAFF_LINKS
    return [link for link in links if link[0] in current_app.view_functions]


def _query_without(*names: str) -> list[tuple[str, str]]:
    return [(key, value) for key, value in request.args.items(multi=True) if key not in names]


def language_url(language: str | None) -> str:
    """This page's absolute address in a language (None: the address without a choice)."""
    args = _query_without(LANGUAGE_ARG)
    if language:
        args.append((LANGUAGE_ARG, language))
    return links.absolute(request.path, args)


def canonical_url() -> str:
    """This page's absolute address, keeping the language only when the address chose it."""
    return language_url(request.args.get(LANGUAGE_ARG))


FRAGMENTS = "hub.shared_fragments"


def shared_fragment(name: str, per_endpoint: bool = False) -> Markup:
    """A piece of the layout that every anonymous visitor sees alike, rendered once per
    language (and per endpoint, for a piece that marks the current page) by each worker.

    The header, footer and asset links cost a page about a third of its rendering; they
    depend on nothing else. Templates edited while the app runs (debug) are read afresh.
    """
    kept: dict = current_app.extensions[FRAGMENTS]
    key = (name, locale_name(), request.endpoint if per_endpoint else None, request.script_root)
    html = kept.get(key)
    if html is None:
        html = Markup(render_template(name))  # noqa: S704 (a template: escaped as it rendered)
        if not current_app.jinja_env.auto_reload:
            kept[key] = html
    return html


def register_template_helpers(app: Flask) -> None:
    static_root = Path(app.static_folder or "static")
    app.extensions[FRAGMENTS] = {}

    @cache
    def fingerprint(filename: str) -> str:
        path = static_root / filename
        return hashlib.sha256(path.read_bytes()).hexdigest()[:10] if path.exists() else ""

    def static_url(filename: str) -> str:
        """A static file's URL with its content hash, so a change is never served stale."""
        if "/vendor/" in f"/{filename}":
            return url_for("static", filename=filename)
        return url_for("static", filename=filename, v=fingerprint(filename))

    def decimal(value: float | int | None, pattern: str = "0.0") -> str:
        return format_decimal(value, pattern) if value is not None else ""

    app.jinja_env.filters.update(
        # Dates in two styles, in the venue's zone: hub/dates.py.
        datetime=dates.datetime_text,
        date=dates.date_text,
        time=dates.time_text,
        markdown=render_markdown,
        decimal=decimal,
        duration=duration,
    )
    app.jinja_env.globals.update(
        static_url=static_url,
        shared_fragment=shared_fragment,
        current_locale=locale_name,
        nav_links=nav_links,
        account_links=account_links,
        language_name=language_name,
        canonical_url=canonical_url,
        language_url=language_url,
        month_label=month_label,
        # Enums whose members templates list (filters, choices), each with its `.label`.
        **{enum.__name__: enum for enum in TEMPLATE_ENUMS},
    )
    app.jinja_env.add_extension("jinja2.ext.do")
    with app.app_context():
        kept_translations = _keep_translations_per_request(babel.domain_instance)
    _install_gettext(app, kept_translations)


def _install_gettext(app: Flask, translations) -> None:
    """The templates' `_`, gettext, ngettext, pgettext and npgettext, as Jinja's i18n
    extension makes them with `newstyle=True` (variables formatted in, escaped), asking the
    catalogue kept for the request straight away.

    Jinja's own pass each string through three context calls and Flask-Babel's find the
    domain again through the request context: about 11 µs a string, where these take 5, and
    a list page says 50 to 90 (issue 14).
    """

    def formatted(context: Context, text: str, variables: dict) -> str:
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704 (a translation: the variables are escaped)
        return text % variables  # always a format string, as in Jinja: "%%" writes "%"

    @pass_context
    def gettext(context: Context, string: str, /, **variables) -> str:
        return formatted(context, translations().ugettext(string), variables)

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, num: int, /, **variables) -> str:
        variables.setdefault("num", num)
        return formatted(context, translations().ungettext(singular, plural, num), variables)

    @pass_context
    def pgettext(context: Context, within: str, string: str, /, **variables) -> str:
        variables.setdefault("context", within)
        return formatted(context, translations().upgettext(within, string), variables)

    @pass_context
    def npgettext(
        context: Context, within: str, singular: str, plural: str, num: int, /, **variables
    ) -> str:
        variables.setdefault("context", within)
        variables.setdefault("num", num)
        text = translations().unpgettext(within, singular, plural, num)
        return formatted(context, text, variables)

    app.jinja_env.globals.update(
        _=gettext, gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext
    )


def _keep_translations_per_request(domain):
    """Look the translation catalogue up once per request and locale; returns the lookup.

    Flask-Babel's lookup reads the request context several times and formats the locale
    for every string translated (templates, lazy labels): a page translates a hundred.
    """
    if getattr(domain, "hub_keeps_translations", False):
        return domain.get_translations
    lookup = domain.get_translations

    def get_translations():
        return kept_for_locale("hub_translations", lookup)

    domain.get_translations = get_translations
    domain.hub_keeps_translations = True
    return get_translations
