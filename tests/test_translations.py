"""Every user-facing string has its French translation (French is the default language)."""

from __future__ import annotations

import re
import subprocess
import sys

from babel.messages.pofile import read_po

from tests.support import ROOT


def test_every_string_in_the_code_is_translated_to_french(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
            "-k", "_l", "-k", "lazy_ngettext:1,2", "-o", str(template), "--no-location",
            "--omit-header", ".",
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


# French typography: a no-break space before ":" (U+00A0, or the narrow U+202F) and a narrow
# one before ";", "?" and "!" (U+202F, or U+00A0); an ordinary space would let the sign start
# a line. Addresses ("https://") and times ("14:00") are not punctuation.
PUNCTUATION = re.compile(r"(?<!:)(?P<before>.)(?P<sign>[:;?!])(?!//)")


def typography_faults(text: str) -> list[str]:
    faults = []
    for match in PUNCTUATION.finditer(text):
        before, sign = match["before"], match["sign"]
        following = text[match.end() : match.end() + 1]
        if sign == ":" and before.isdigit() and following.isdigit():
            continue
        if before not in ("\u00a0", "\u202f"):
            faults.append(text[max(0, match.start() - 6) : match.end()])
    return faults


def test_typography_faults_are_found():
    assert typography_faults("Quand : demain ; où ? Ici!") == [
        "Quand :",
        "demain ;",
        "n ; où ?",
        "ù ? Ici!",
    ]
    assert typography_faults("Quand\u00a0: à 14:00 sur https://atelier.example\u202f!") == []


def test_french_strings_have_a_no_break_space_before_high_punctuation():
    with (ROOT / "hub/translations/fr/LC_MESSAGES/messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale="fr")
    faults = []
    for message in catalogue:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings if message.id else ():
            faults += typography_faults(string)
    assert faults == []


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


def test_templates_translate_and_format_as_jinjas_newstyle_gettext_does(app):
    from flask import render_template_string
    from flask_babel import force_locale

    template = (
        "{{ _('Logo of %(name)s', name='<b>Tech</b>') }}|{{ _('100%%') }}"
        "|{{ ngettext('%(num)d innovation.', '%(num)d innovations.', 3) }}"
        "|{% trans count=1 %}{{ count }} seat left{% pluralize %}{{ count }} seats{% endtrans %}"
        "|{{ pgettext('menu', 'Log in') }}|{{ npgettext('menu', '%(num)d a', '%(num)d b', 2) }}"
    )
    with app.test_request_context("/"):
        with force_locale("fr"):
            french = render_template_string(template)
        with force_locale("en"):
            english = render_template_string(template)
    assert french.split("|") == [
        "Logo de &lt;b&gt;Tech&lt;/b&gt;", "100%", "3 innovations.", "1 seat left", "Log in", "2 b",
    ]  # fmt: skip
    assert english.split("|") == [
        "Logo of &lt;b&gt;Tech&lt;/b&gt;", "100%", "3 innovations.", "1 seat left", "Log in", "2 b",
    ]  # fmt: skip
