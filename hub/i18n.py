"""Language and time zone of the reader."""

from __future__ import annotations

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

LANGUAGE_COOKIE = "hub_lang"
LANGUAGE_ARG = "lang"
# The languages the site speaks (LANGUAGES) and events may be held in, by their code.
LANGUAGE_NAMES = {"fr": _l("French"), "en": _l("English")}


def language_name(code: str) -> str:
    """ "fr" → "French", in the reader's language; an unknown code as it is."""
    return str(LANGUAGE_NAMES.get(code, code))


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    # ?lang= gives each language its own address (hreflang alternates, the embed widget).
    asked = request.args.get(LANGUAGE_ARG) if request else None
    if asked in languages:
        return asked
    chosen = request.cookies.get(LANGUAGE_COOKIE) if request else None
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def keep_account_language() -> None:
    """Store the language a signed-in person reads in (for their emails).

    The language link is a GET, which changes nothing stored; the unit of work calls this
    before committing a change the person makes, so their account follows their choice.
    """
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in current_app.config["LANGUAGES"] and current_user and current_user.is_authenticated:
        from hub.domain.accounts.sessions import remember_locale

        remember_locale(current_user, chosen)
