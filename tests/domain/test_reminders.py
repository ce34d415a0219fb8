"""Reminders, decided by the periodic job at the time it runs (`now` given, no sleeping)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from hub.domain.events.decisions import cancel_event
from hub.domain.events.proposals import EventDetails, update_event
from hub.domain.events.registrations import cancel_registration
from hub.domain.events.reminders import queue_due_reminders
from hub.extensions import db
from hub.models import Event, Registration, RegistrationState, Role, User, utcnow
from tests.support import emails

DAY = timedelta(hours=24)
MINUTE = timedelta(minutes=1)


@pytest.fixture
def staff(make):
    return make.user(role=Role.STAFF)


def remind(now: datetime, **options) -> int:
    queued = queue_due_reminders(now, **options)
    db.session.commit()
    return queued


def reminded(app) -> list[str]:
    return [email.recipient for email in emails(app, kind="event_reminder")]


def registration(email: str) -> Registration:
    return db.session.scalar(sa.select(Registration).where(Registration.email == email))


def test_confirmed_registrants_are_reminded_once_from_the_reminder_time(app, ctx, make):
    event = make.event(starts_in=timedelta(days=7))
    for email in ("ana@example.org", "ben@example.org"):
        make.registration(event, email=email)
    make.registration(event, email="wait@example.org", state=RegistrationState.WAITLISTED)
    make.registration(event, email="gone@example.org", state=RegistrationState.CANCELLED)

    assert remind(event.starts_at - DAY - MINUTE) == 0
    assert remind(event.starts_at - DAY) == 2
    assert remind(event.starts_at - DAY + 5 * MINUTE) == 0
    assert remind(event.starts_at - MINUTE) == 0

    assert reminded(app) == ["ana@example.org", "ben@example.org"]
    assert registration("ana@example.org").reminded_for == event.starts_at
    assert registration("wait@example.org").reminded_for is None


def test_a_reminder_has_the_private_link_the_place_how_to_get_there_and_the_files(app, ctx, make):
    space = make.space(
        venue_slug="saint-etienne", access_notes="Tram T1 ou T2, arrêt Hôtel de Ville."
    )
    event = make.event(space, title="Atelier tableur", starts_in=timedelta(days=3))
    person = make.registration(event, email="ana@example.org", name="Ana")
    remind(event.starts_at - DAY)

    [email] = emails(app, kind="event_reminder")

    assert email.subject.startswith("Rappel\u00a0: Atelier tableur, ")
    assert email.body_text.startswith("Bonjour Ana,")
    assert f"http://localhost/r/{person.token}" in email.body_text
    assert f"Salle {space.name.split()[-1]}" in email.body_text
    assert "12 place de l'Hôtel de Ville, 42000 Saint-Étienne" in email.body_text
    assert "Pour venir\u00a0: Tram T1 ou T2, arrêt Hôtel de Ville." in email.body_text
    assert [file["filename"] for file in email.attachments] == [
        f"{event.slug}.ics",
        "check-in-qr-code.png",
    ]


def test_the_hours_before_come_from_the_setting(app, ctx, make, settings):
    settings(REMINDER_HOURS_BEFORE=48)
    event = make.event(starts_in=timedelta(days=7))
    make.registration(event, email="ana@example.org")

    assert remind(event.starts_at - 2 * DAY - MINUTE) == 0
    assert remind(event.starts_at - 2 * DAY) == 1


def test_a_registration_cancelled_before_the_reminder_time_gets_none(app, ctx, make):
    event = make.event(starts_in=timedelta(days=7))
    make.registration(event, email="ana@example.org")
    make.registration(event, email="ben@example.org")

    cancel_registration(registration("ana@example.org"))
    db.session.commit()

    assert remind(event.starts_at - DAY) == 1
    assert reminded(app) == ["ben@example.org"]


def test_someone_promoted_before_the_reminder_time_is_reminded(app, ctx, make):
    event = make.event(capacity=1, starts_in=timedelta(days=7))
    make.registration(event, email="ana@example.org")
    make.registration(event, email="wait@example.org", state=RegistrationState.WAITLISTED)

    cancel_registration(registration("ana@example.org"))
    db.session.commit()

    assert remind(event.starts_at - DAY) == 1
    assert reminded(app) == ["wait@example.org"]


def test_someone_confirmed_or_promoted_after_the_reminder_time_gets_no_second_email(app, ctx, make):
    """Their confirmation, just sent with the same details and files, serves."""
    event = make.event(capacity=2, starts_in=timedelta(hours=10))
    make.registration(event, email="early@example.org", confirmed_at=utcnow() - 3 * DAY)
    make.registration(event, email="late@example.org")  # registered just now
    make.registration(event, email="wait@example.org", state=RegistrationState.WAITLISTED)
    cancel_registration(registration("late@example.org"))  # wait@ is promoted now
    db.session.commit()

    assert remind(utcnow()) == 1
    assert reminded(app) == ["early@example.org"]
    assert registration("wait@example.org").reminded_for == event.starts_at  # not asked again
    assert remind(utcnow() + MINUTE) == 0


def test_waitlisted_people_are_never_reminded(app, ctx, make):
    event = make.event(capacity=1, starts_in=timedelta(days=2))
    make.registration(event, email="ana@example.org")
    make.registration(event, email="wait@example.org", state=RegistrationState.WAITLISTED)

    remind(event.starts_at - DAY)
    remind(event.starts_at - MINUTE)

    assert reminded(app) == ["ana@example.org"]


def test_a_cancelled_event_sends_no_reminder(app, ctx, make, staff):
    event = make.event(starts_in=timedelta(days=7))
    make.registration(event, email="ana@example.org")

    cancel_event(db.session.get(User, staff.id), db.session.get(Event, event.id), "Salle inondée")
    db.session.commit()

    assert remind(event.starts_at - DAY) == 0
    assert reminded(app) == []


def move(event_id: int, staff_id: int, by: timedelta) -> Event:
    event = db.session.get(Event, event_id)
    details = EventDetails.of(event, starts_at=event.starts_at + by, ends_at=event.ends_at + by)
    update_event(db.session.get(User, staff_id), event, details)
    db.session.commit()
    return event


def test_an_event_moved_before_the_reminder_is_reminded_at_its_new_time(app, ctx, make, staff):
    event = make.event(starts_in=timedelta(days=7))
    make.registration(event, email="ana@example.org")
    old_start = event.starts_at

    moved = move(event.id, staff.id, by=timedelta(days=2))

    assert remind(old_start - DAY) == 0
    assert remind(moved.starts_at - DAY) == 1
    assert registration("ana@example.org").reminded_for == moved.starts_at


def test_an_event_moved_after_its_reminder_is_announced_again_before_the_new_time(
    app, ctx, make, staff
):
    event = make.event(starts_in=timedelta(days=7))
    make.registration(event, email="ana@example.org")
    assert remind(event.starts_at - DAY) == 1

    moved = move(event.id, staff.id, by=timedelta(days=3))

    assert remind(event.starts_at - DAY + 10 * MINUTE) == 0
    assert remind(moved.starts_at - DAY) == 1
    assert reminded(app) == ["ana@example.org", "ana@example.org"]
    assert [email.kind for email in emails(app, recipient="ana@example.org")] == [
        "event_reminder",
        "event_moved",
        "event_reminder",
    ]


def next_summer_time_sunday(after: date) -> date:
    """The last Sunday of March (clocks go forward in Paris) after `after`."""
    year = after.year if after < date(after.year, 3, 1) else after.year + 1
    last = date(year, 3, 31)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def test_a_reminder_is_due_exactly_the_hours_before_even_across_a_clock_change(app, ctx, make):
    """24 hours are 24 real hours: before a 10:00 event on the night clocks go forward,
    the reminder is due at 09:00 the day before, Paris time."""
    sunday = next_summer_time_sunday(utcnow().date() + timedelta(days=2))
    paris = ZoneInfo("Europe/Paris")
    starts_at = datetime(sunday.year, sunday.month, sunday.day, 10, 0, tzinfo=paris)
    event = make.event(starts_at=starts_at.astimezone(UTC))
    make.registration(event, email="ana@example.org")
    saturday_nine = datetime(sunday.year, sunday.month, sunday.day - 1, 9, 0, tzinfo=paris)

    assert remind((saturday_nine - MINUTE).astimezone(UTC)) == 0
    assert remind(saturday_nine.astimezone(UTC)) == 1


def test_a_reminder_gives_the_time_at_the_venue_whatever_the_server_zone(app, ctx, make):
    space = make.space(venue_slug="noumea", timezone="Pacific/Noumea")
    day = utcnow().date() + timedelta(days=20)
    starts_at = datetime(day.year, day.month, day.day, 9, 0, tzinfo=ZoneInfo("Pacific/Noumea"))
    event = make.event(space, title="Atelier lagon", starts_at=starts_at.astimezone(UTC))
    make.registration(event, email="ana@example.org")
    make.registration(event, email="sam@example.org", locale="en")
    remind(event.starts_at - DAY)

    french, english = emails(app, kind="event_reminder")

    assert french.subject.endswith(" à 09 h 00")
    assert ", 09 h 00–11 h 00" in french.body_text
    assert english.subject.endswith(" at 09:00")
