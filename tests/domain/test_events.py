"""Event rules without HTTP: waiting list, cancellations, co-hosts, hosts' upcoming events."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from hub.domain.errors import Conflict, DomainError, NotAllowed, NotFound
from hub.domain.events import attendance, cohosts, decisions, proposals, queries, registrations
from hub.extensions import db
from hub.models import (
    CoHostState,
    Event,
    EventHost,
    EventState,
    Organisation,
    OutboxMessage,
    Registration,
    RegistrationState,
    User,
)


def states(event_id):
    rows = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event_id).order_by(Registration.id)
    )
    return [(r.name, r.state.value) for r in rows]


def sign_up(event_id, *names):
    outcomes = []
    for name in names:
        event = db.session.get(Event, event_id)
        outcomes.append(
            registrations.register_for_event(event, name, f"{name.lower()}@example.org", True, "fr")
        )
        db.session.commit()
    return outcomes


def cancel(name):
    registration = db.session.scalar(sa.select(Registration).where(Registration.name == name))
    changed = registrations.cancel_registration(registration)
    db.session.commit()
    return changed


def test_waiting_list_keeps_its_order_through_several_cancellations(make, ctx):
    event = make.event(capacity=2)
    sign_up(event.id, "Ana", "Ben", "Cleo", "Dan", "Eve", "Fred")
    assert states(event.id) == [
        ("Ana", "confirmed"), ("Ben", "confirmed"), ("Cleo", "waitlisted"),
        ("Dan", "waitlisted"), ("Eve", "waitlisted"), ("Fred", "waitlisted"),
    ]  # fmt: skip
    assert cancel("Dan") is True  # a waitlisted person leaves: nobody is promoted
    assert cancel("Ana") is True  # a seat frees: Cleo, the oldest waiting, gets it
    assert cancel("Cleo") is True  # and again: Eve (Dan left)
    assert states(event.id) == [
        ("Ana", "cancelled"), ("Ben", "confirmed"), ("Cleo", "cancelled"),
        ("Dan", "cancelled"), ("Eve", "confirmed"), ("Fred", "waitlisted"),
    ]  # fmt: skip
    fred = db.session.scalar(sa.select(Registration).where(Registration.name == "Fred"))
    assert queries.waitlist_position(fred) == 1
    promoted = db.session.scalars(
        sa.select(OutboxMessage.recipient)
        .where(OutboxMessage.kind == "event_registration_promoted")
        .order_by(OutboxMessage.id)
    ).all()
    assert promoted == ["cleo@example.org", "eve@example.org"]


def test_cancelling_twice_changes_nothing_the_second_time(make, ctx):
    event = make.event(capacity=1)
    sign_up(event.id, "Ana", "Ben", "Cleo")
    assert cancel("Ana") is True
    assert cancel("Ana") is False
    assert states(event.id) == [("Ana", "cancelled"), ("Ben", "confirmed"), ("Cleo", "waitlisted")]


def test_an_email_may_register_again_after_cancelling(make, ctx):
    event = make.event(capacity=5)
    sign_up(event.id, "Ana")
    cancel("Ana")
    (outcome,) = sign_up(event.id, "Ana")
    assert outcome.created is True
    assert states(event.id) == [("Ana", "cancelled"), ("Ana", "confirmed")]


def test_registration_is_refused_for_an_unpublished_or_started_event(make, ctx):
    proposed = make.event(state=EventState.PROPOSED)
    started = make.event(starts_in=timedelta(minutes=-10))
    for event_id in (proposed.id, started.id):
        with pytest.raises(Conflict):
            sign_up(event_id, "Ana")
        db.session.rollback()


def test_registration_needs_no_consent_and_keeps_the_optional_one(make, ctx):
    event = make.event()
    outcome = registrations.register_for_event(
        db.session.get(Event, event.id), "Ana", "ana@example.org", False, "fr"
    )
    assert (outcome.created, outcome.registration.wants_news) == (True, False)


def test_an_attended_registration_cannot_be_cancelled(make, ctx):
    event = make.event()
    registration = make.registration(event, state=RegistrationState.ATTENDED)
    with pytest.raises(Conflict):
        registrations.cancel_registration(db.session.get(Registration, registration.id))


def test_a_wrong_token_is_not_found(ctx):
    with pytest.raises(NotFound):
        queries.registration_by_token("not-a-token")


def test_check_in_is_idempotent_and_needs_a_confirmed_seat(make, ctx):
    staff = make.staff()
    event = make.event()
    confirmed = make.registration(event)
    waiting = make.registration(event, state=RegistrationState.WAITLISTED)
    actor = db.session.get(User, staff.id)
    assert attendance.check_in(actor, db.session.get(Registration, confirmed.id)) is True
    assert attendance.check_in(actor, db.session.get(Registration, confirmed.id)) is False
    with pytest.raises(Conflict):
        attendance.check_in(actor, db.session.get(Registration, waiting.id))


def test_a_declined_partner_can_be_invited_again(make, ctx):
    alice = make.user()
    chamber = make.partner(owner=alice)
    school = make.partner()
    event = make.event(organisation=chamber, state=EventState.PROPOSED)
    make.cohost(event, school, state=CoHostState.DECLINED)
    host = cohosts.invite_cohost(
        db.session.get(User, alice.id),
        db.session.get(Event, event.id),
        db.session.get(Organisation, school.id),
    )
    assert host.state == CoHostState.INVITED
    with pytest.raises(Conflict):
        cohosts.invite_cohost(
            db.session.get(User, alice.id),
            db.session.get(Event, event.id),
            db.session.get(Organisation, school.id),
        )


def test_an_answered_invitation_cannot_be_answered_again(make, ctx):
    bruno = make.user()
    school = make.partner(owner=bruno)
    event = make.event(organisation=make.partner(), state=EventState.PROPOSED)
    host = make.cohost(event, school, state=CoHostState.INVITED)
    actor = db.session.get(User, bruno.id)
    cohosts.respond_to_invitation(actor, db.session.get(EventHost, host.id), accept=True)
    with pytest.raises(Conflict):
        cohosts.respond_to_invitation(actor, db.session.get(EventHost, host.id), accept=False)


def test_only_staff_publish(make, ctx):
    alice = make.user()
    chamber = make.partner(owner=alice)
    event = make.event(organisation=chamber, state=EventState.PROPOSED)
    with pytest.raises(NotAllowed):
        decisions.publish_event(db.session.get(User, alice.id), db.session.get(Event, event.id))


def test_raising_the_capacity_confirms_people_waiting(make, ctx):
    staff = make.staff()
    event = make.event(capacity=1)
    sign_up(event.id, "Ana", "Ben", "Cleo")
    loaded = db.session.get(Event, event.id)
    details = proposals.EventDetails.of(loaded, capacity=2)
    proposals.update_event(db.session.get(User, staff.id), loaded, details)
    db.session.commit()
    assert states(event.id) == [("Ana", "confirmed"), ("Ben", "confirmed"), ("Cleo", "waitlisted")]
    details.capacity = 1
    with pytest.raises(DomainError) as error:
        proposals.update_event(
            db.session.get(User, staff.id), db.session.get(Event, event.id), details
        )
    assert error.value.field == "capacity"


def test_upcoming_events_for_host_lists_its_own_and_accepted_cohosted_events(make, ctx):
    chamber = make.partner()
    school = make.partner()
    own = make.event(organisation=chamber, title="Sa conférence")
    cohosted = make.event(organisation=school, title="Co-organisé", starts_in=timedelta(days=9))
    make.cohost(cohosted, chamber)
    invited = make.event(organisation=school, title="Seulement invité")
    make.cohost(invited, chamber, state=CoHostState.INVITED)
    make.event(organisation=chamber, title="Passé", starts_in=timedelta(days=-2))
    make.event(organisation=chamber, title="Proposé", state=EventState.PROPOSED)
    titles = [
        e.title for e in queries.upcoming_events_for_host(db.session.get(Organisation, chamber.id))
    ]
    assert titles == [own.title, cohosted.title]
