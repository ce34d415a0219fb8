"""Every user-facing string has its French translation (French is the default language)."""

from __future__ import annotations

import subprocess
import sys

from babel.messages.pofile import read_po

from tests.support import ROOT


def test_every_string_in_the_code_is_translated_to_french(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
            "-k", "_l", "-o", str(template), "--no-location", "--omit-header", ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )  # fmt: skip
    with template.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    with (ROOT / "hub/translations/fr/LC_MESSAGES/messages.po").open("rb") as handle:
        french = {
            message.id: message.string
            for message in read_po(handle)
            if message.id and not message.fuzzy
        }
    untranslated = sorted(str(message) for message in wanted if not french.get(message))
    assert untranslated == [], "run `make translations` and translate these into French"


def test_the_french_catalogue_compiles():
    # A catalogue whose header is marked fuzzy is silently skipped by the compiler.
    with (ROOT / "hub/translations/fr/LC_MESSAGES/messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale="fr")
    assert catalogue.fuzzy is False
    assert catalogue.locale_identifier == "fr"


def test_templates_translate_in_the_locale_in_force_even_when_it_changes_mid_request(app):
    from flask import render_template_string
    from flask_babel import force_locale

    template = "{{ _('Log in') }}"
    with app.test_request_context("/?lang=en"):
        english = render_template_string(template)
        with force_locale("fr"):
            french = render_template_string(template)
        assert render_template_string(template) == english
    assert (english, french) == ("Log in", "Se connecter")
