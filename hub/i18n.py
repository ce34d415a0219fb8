"""Language and time zone of the reader."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import TypeVar

from babel import core as babel_core
from babel import localedata
from flask import current_app, g, has_request_context, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

LANGUAGE_COOKIE = "hub_lang"
LANGUAGE_ARG = "lang"
# The languages the site speaks (LANGUAGES) and events may be held in, by their code.
LANGUAGE_NAMES = {"fr": _l("French"), "en": _l("English")}
T = TypeVar("T")


# Babel keeps the CLDR tables of each language it has read, with the root language's and its
# global tables, for the life of the process: 4.8 MiB a worker for French alone. The app
# reads month and day names and number formats and symbols (hub/dates.py, format_decimal);
# these tables, of units, currencies, time zone and country names, relative dates and the
# guesses of a region or script from a language, it never reads.
UNREAD_LOCALE_TABLES = (
    "compact_currency_formats", "compact_decimal_formats", "compound_unit_patterns",
    "currency_names", "currency_names_plural", "currency_symbols", "date_fields",
    "languages", "list_patterns", "meta_zones", "scripts", "territories", "time_zones",
    "unit_display_names", "unit_patterns", "variants",
)  # fmt: skip
UNREAD_GLOBAL_TABLES = (
    "all_currencies", "likely_subtags", "meta_zones", "territory_aliases",
    "territory_currencies", "territory_languages", "territory_zones", "windows_zone_mapping",
    "zone_aliases", "zone_territories",
)  # fmt: skip


def drop_unread_locale_tables(languages: tuple[str, ...]) -> None:
    """Load the languages' tables now and drop those the app never reads (3.9 MiB a worker
    once every public page has been seen). Babel returns its cached tables themselves."""
    for name in ("root", *languages):
        tables = localedata.load(name)
        for table in UNREAD_LOCALE_TABLES:
            tables.pop(table, None)
    for table in UNREAD_GLOBAL_TABLES:
        babel_core.get_global(table).clear()


def _babel_namespace() -> SimpleNamespace | None:
    """Flask-Babel's namespace for the request (or application context): the locale in force
    (`babel_locale`, which force_locale() replaces for mail in another language) and what
    is kept beside it. None before Flask-Babel first needs it, or outside any context."""
    try:
        return vars(g._get_current_object()).get("_flask_babel")
    except RuntimeError:  # outside an application context
        return None


def kept_for_locale(name: str, compute: Callable[[], T]) -> T:
    """A value that depends only on the locale in force, computed once per request and
    locale: kept in Flask-Babel's namespace beside the locale object it was computed for,
    so that a force_locale() (mail in another language) computes its own."""
    babel = _babel_namespace()
    locale = vars(babel).get("babel_locale") if babel is not None else None
    if locale is None:
        return compute()
    kept = vars(babel).get(name)
    if kept is None or kept[0] is not locale:
        kept = (locale, compute())
        setattr(babel, name, kept)
    return kept[1]


def locale_name() -> str:
    """The locale in force as text ("fr"): a list page writes a hundred dates and hours in
    it, and `str(get_locale())` costs about 4 µs."""
    return kept_for_locale("hub_locale_name", lambda: str(get_locale()))


def language_name(code: str) -> str:
    """ "fr" → "French", in the reader's language; an unknown code as it is."""
    return str(LANGUAGE_NAMES.get(code, code))


def visitor_locale(config, asked: str | None, chosen: str | None, account: str | None = None):
    """The reader's language: ?lang= (each language has its own address: hreflang, the
    embed widget), else the language cookie, else the account's, else the default."""
    for language in (asked, chosen, account):
        if language in config["LANGUAGES"]:
            return language
    return config["BABEL_DEFAULT_LOCALE"]


def select_locale() -> str:
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    account = current_user.locale if current_user and current_user.is_authenticated else None
    return visitor_locale(
        current_app.config,
        request.args.get(LANGUAGE_ARG),
        request.cookies.get(LANGUAGE_COOKIE),
        account,
    )


def keep_account_language() -> None:
    """Store the language a signed-in person reads in (for their emails).

    The language link is a GET, which changes nothing stored; the unit of work calls this
    before committing a change the person makes, so their account follows their choice.
    """
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in current_app.config["LANGUAGES"] and current_user and current_user.is_authenticated:
        from hub.domain.accounts.sessions import remember_locale

        remember_locale(current_user, chosen)
