"""Retention: the daily job erases each kind of personal data once its period has passed,
and not a minute before. The clock is the job's `now`, chosen by each test."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from hub.config import RETENTION, retention
from hub.domain import audit, outbox
from hub.domain.figures import queries
from hub.domain.figures.periods import period_of
from hub.domain.periodic import declared_jobs
from hub.domain.privacy.retention import apply_retention, personal_data_erased_at
from hub.extensions import db
from hub.models import (
    AuditEntry,
    Event,
    Feedback,
    Invitation,
    MessageStatus,
    OutboxMessage,
    PeriodKind,
    Registration,
    RegistrationState,
    User,
)

MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
# Every test runs on a fixed clock: events took place in 2025, the job runs in 2025–2026.
EVENT_START = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


def run(now: datetime):
    outcome = apply_retention(now)
    db.session.commit()
    return outcome


def row(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


@pytest.fixture
def past_event(make):
    return make.event(starts_at=EVENT_START)


def test_the_retention_job_runs_daily_on_the_worker():
    [job] = [job for job in declared_jobs() if job.name == "privacy.retention"]
    assert job.every == DAY
    assert job.run is apply_retention


def test_the_registry_reads_each_period_from_the_settings(app, settings):
    settings(REGISTRATION_RETENTION_DAYS=30, PASSWORD_RESET_MAX_AGE=600)
    assert retention(app.config, "registrations") == timedelta(days=30)
    assert retention(app.config, "password_reset_links") == timedelta(minutes=10)
    assert retention(app.config, "feedback_comments") == timedelta(days=365)
    assert retention(app.config, "unconfirmed_signups") == timedelta(days=7)
    assert retention(app.config, "sent_mail") == timedelta(days=30)
    assert {period.kind for period in RETENTION} == {
        "registrations",
        "feedback_comments",
        "unconfirmed_signups",
        "password_reset_links",
        "signup_links",
        "invitations",
        "sent_mail",
        "leads",
    }


def test_registrations_are_anonymised_90_days_after_the_event_not_before(ctx, make, past_event):
    staff = make.staff()
    kept = make.registration(past_event, email="ana@example.org", name="Ana Lopez")
    came = make.registration(
        past_event, email="ben@example.org", name="Ben", state=RegistrationState.ATTENDED
    )
    other = make.event(starts_at=EVENT_START + 30 * DAY)
    later = make.registration(other, email="ana@example.org", name="Ana Lopez")
    audit.record(
        db.session.get(User, staff.id),
        "registration.attended",
        row(Registration, came.id),
        name="Ben",
    )
    db.session.commit()
    erased_on = past_event.ends_at + 90 * DAY
    assert personal_data_erased_at(row(Event, past_event.id)) == erased_on

    assert run(erased_on - MINUTE).registrations == 0
    assert row(Registration, kept.id).email == "ana@example.org"

    assert run(erased_on).registrations == 2
    for before in (kept, came):
        after = row(Registration, before.id)
        assert (after.name, after.email) == ("", f"erased-{before.id}@invalid")
        assert after.token != before.token
        assert after.erased_at == erased_on
        assert after.state == before.state and after.event_id == past_event.id
    assert row(Registration, later.id).email == "ana@example.org"  # its own period runs on
    [entry] = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.target_id == came.id, AuditEntry.action == "registration.attended"
        )
    )
    assert (entry.actor_id, entry.details) == (staff.id, {})
    assert run(erased_on + DAY).registrations == 0  # done once


def test_the_figures_of_a_past_year_do_not_change_after_anonymisation(ctx, make, past_event):
    host = make.partner()
    event = make.event(organisation=host, starts_at=EVENT_START + DAY, capacity=2)
    made = [
        make.registration(event, email=f"p{number}@example.org", state=state)
        for number, state in enumerate(
            (RegistrationState.ATTENDED, RegistrationState.ATTENDED, RegistrationState.WAITLISTED)
        )
    ]
    make.registration(past_event, email="p0@example.org", state=RegistrationState.ATTENDED)
    attendee = made[1]
    make.feedback(attendee, rating=5, comment="Très clair")
    filters = queries.FigureFilters(period_of(PeriodKind.YEAR, date(2025, 6, 1)))
    now = datetime(2026, 4, 1, tzinfo=UTC)

    def figures():
        result = queries.figures_for(filters, now=now)
        return result.totals, result.months, result.audiences, result.partners

    before = figures()
    assert (before[0].registrations, before[0].attended, before[0].feedback_average) == (4, 3, 5)

    outcome = run(now)

    assert (outcome.registrations, outcome.feedback_comments) == (4, 1)
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(Registration.email.like("%@example.org"))
        )
        == 0
    )
    assert figures() == before


def test_feedback_comments_go_a_year_after_the_event_ratings_stay(ctx, make, past_event):
    attendee = make.registration(past_event, state=RegistrationState.ATTENDED)
    answer = make.feedback(attendee, rating=4, comment="Merci à l'équipe")
    a_year = past_event.ends_at + 365 * DAY

    assert run(a_year - MINUTE).feedback_comments == 0
    assert row(Feedback, answer.id).comment == "Merci à l'équipe"
    assert run(a_year).feedback_comments == 1
    assert (row(Feedback, answer.id).comment, row(Feedback, answer.id).rating) == ("", 4)


def test_unconfirmed_sign_ups_are_deleted_after_7_days(ctx, make):
    signed_up = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
    waiting = make.user(email="late@example.org", confirmed=False)
    confirmed = make.user(email="ok@example.org")
    db.session.execute(sa.update(User).values(created_at=signed_up))
    outbox.queue("late@example.org", "confirm_signup", "fr", user=row(User, waiting.id), token="t")
    db.session.commit()

    assert run(signed_up + 7 * DAY - MINUTE).unconfirmed_signups == 0
    assert row(User, waiting.id) is not None
    assert run(signed_up + 7 * DAY).unconfirmed_signups == 1
    assert row(User, waiting.id) is None
    assert row(User, confirmed.id) is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def queue_mail(kind: str, created: datetime, status=MessageStatus.PENDING, sent=None) -> int:
    message = OutboxMessage(
        recipient="ana@example.org",
        kind=kind,
        context={"token": "secret"},
        body_text="https://example.org/auth/reset/secret",
        status=status,
        created_at=created,
        sent_at=sent,
    )
    db.session.add(message)
    db.session.commit()
    return message.id


def test_mail_goes_30_days_after_sending_links_once_expired(ctx, settings):
    settings(PASSWORD_RESET_MAX_AGE=3600)
    sent = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
    confirmation = queue_mail("event_registration_confirmed", sent, MessageStatus.SENT, sent)
    waiting = queue_mail("event_feedback_request", sent)  # scheduled for later: kept
    reset = queue_mail("password_reset", sent, MessageStatus.SENT, sent)

    assert run(sent + timedelta(hours=1) - MINUTE).mail == 0
    assert run(sent + timedelta(hours=1)).mail == 1
    assert row(OutboxMessage, reset) is None
    assert run(sent + 30 * DAY - MINUTE).mail == 0
    assert run(sent + 30 * DAY).mail == 1
    assert row(OutboxMessage, confirmation) is None
    assert row(OutboxMessage, waiting) is not None


def test_invitations_go_at_expiry_and_the_address_leaves_the_audit_trail(ctx, make, settings):
    settings(INVITATION_MAX_AGE=14 * 86400)
    owner = make.user()
    startup = make.startup(owner=owner)
    sent = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
    invitation = Invitation(organisation_id=startup.id, email="new@example.org", created_at=sent)
    db.session.add(invitation)
    entry = audit.record(
        db.session.get(User, owner.id),
        "organisation.member_invited",
        row(type(startup), startup.id),
        email="new@example.org",
    )
    entry.created_at = sent
    db.session.commit()
    invitation_id, entry_id = invitation.id, entry.id

    assert run(sent + 14 * DAY - MINUTE).invitations == 0
    assert run(sent + 14 * DAY).invitations == 1
    assert row(Invitation, invitation_id) is None
    entry = row(AuditEntry, entry_id)
    assert (entry.actor_id, entry.action, entry.details) == (
        owner.id,
        "organisation.member_invited",
        {},
    )
