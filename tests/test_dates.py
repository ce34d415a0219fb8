"""Dates in two styles, in the venue's zone, written by one module (hub/dates.py)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from babel import core as babel_core
from babel import localedata
from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import force_locale

from hub import dates
from hub.i18n import UNREAD_LOCALE_TABLES
from tests.support import ROOT

NEW_YEAR = datetime(2027, 1, 1, 13, 0, tzinfo=UTC)  # 14:00 in Paris


@pytest.mark.parametrize(
    "locale, long, short",
    [
        ("fr", "vendredi 1 janvier 2027, 14 h 00", "1 janv. 2027, 14 h 00"),
        ("en", "Friday 1 January 2027, 14:00", "1 Jan 2027, 14:00"),
    ],
)
def test_the_two_styles_in_each_language(ctx, locale, long, short):
    with force_locale(locale):
        assert dates.datetime_text(NEW_YEAR, "long") == long
        assert dates.datetime_text(NEW_YEAR, "short") == short
        # The names templates used before are the same two styles.
        assert dates.datetime_text(NEW_YEAR, "medium") == short
        assert dates.date_text(NEW_YEAR, "full") == long.rpartition(",")[0]


def test_times_are_in_the_venues_zone(ctx, make):
    space = make.space(venue_slug="pointe-a-pitre", timezone="America/Guadeloupe")
    with force_locale("fr"):
        assert dates.time_text(NEW_YEAR) == "14 h 00"
        assert dates.time_text(NEW_YEAR, venue=space.venue) == "09 h 00"
        assert dates.date_text(date(2027, 3, 7), "short") == "7 mars 2027"
        assert dates.month_text(date(2027, 3, 1)) == "mars 2027"
        assert dates.datetime_text(None) == ""


def test_dates_follow_the_locale_in_force_when_it_changes_mid_request(app):
    with app.test_request_context("/?lang=en"):
        english = dates.datetime_text(NEW_YEAR)
        with force_locale("fr"):
            french = dates.datetime_text(NEW_YEAR)
        assert dates.datetime_text(NEW_YEAR) == english
    assert (english, french) == ("1 Jan 2027, 14:00", "1 janv. 2027, 14 h 00")


def test_an_unknown_style_is_refused(ctx):
    with pytest.raises(ValueError, match="unknown date style 'numeric'"):
        dates.date_text(NEW_YEAR, "numeric")


def test_no_other_module_formats_dates_itself():
    writers = re.compile(r"\bformat_(date|datetime|time)\(")
    found = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "hub").rglob("*.py")
        if path.name != "dates.py" and writers.search(path.read_text())
    ]
    assert found == []


def test_templates_name_only_the_two_styles():
    styles = set()
    for path in (ROOT / "hub/templates").rglob("*"):
        if path.is_file():
            styles |= set(re.findall(r"\|\s*(?:datetime|date)\(\"(\w+)\"", path.read_text()))
    assert styles <= {"long", "short"}


def test_an_event_page_writes_every_date_the_long_way(client, make):
    event = make.event(title="Atelier tableur", starts_at=NEW_YEAR)
    html = client.get(f"/events/{event.slug}").text
    assert "vendredi 1 janvier 2027, 14 h 00–16 h 00" in html
    assert "01/01/2027" not in html and "14:00" not in html.replace('datetime="', "")


def test_locale_tables_never_read_are_dropped_and_dates_and_numbers_read_the_same(ctx):
    assert not set(UNREAD_LOCALE_TABLES) & set(localedata.load("fr"))
    assert babel_core.get_global("likely_subtags") == {}
    # Babel's own functions, nothing kept: what the app writes still reads the same.
    assert format_date(date(2031, 3, 9), "EEEE d MMMM y", locale="fr") == "dimanche 9 mars 2031"
    assert format_date(date(2031, 3, 9), "d MMM y", locale="fr") == "9 mars 2031"
    assert format_date(date(2031, 2, 9), "LLLL y", locale="en") == "February 2031"
    assert format_decimal(12345.5, "#,##0.#", locale="fr") == "12\u202f345,5"
    assert format_decimal(0.25, "#,##0.#%", locale="en") == "25%"
