"""Walk-ins: people who turn up without registering, added at the door by the hosts."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hub.domain.errors import Conflict, DomainError, NotFound
from hub.domain.events import attendance, queries
from hub.extensions import db
from hub.models import Event, EventFigures, Registration, RegistrationState
from tests.support import emails


def event_of(event) -> Event:
    return db.session.get(Event, event.id)


def test_a_walk_in_is_counted_as_attended_and_takes_a_seat(app, ctx, make):
    staff = make.staff()
    event = make.event(capacity=3)
    make.registration(event, email="ana@example.org")

    walk_in = attendance.add_walk_in(staff, event_of(event), "  Léa Martin ", "")
    db.session.commit()

    assert (walk_in.name, walk_in.email, walk_in.state, walk_in.walk_in) == (
        "Léa Martin",
        "",
        RegistrationState.ATTENDED,
        True,
    )
    assert queries.seats_left(event_of(event)) == 1
    figures = db.session.get(EventFigures, event.id)
    assert (figures.registrations, figures.attended, figures.holding) == (2, 1, 1)
    assert emails(app) == []  # no address, no email


def test_two_walk_ins_without_email_are_two_people(app, ctx, make):
    staff = make.staff()
    event = make.event(capacity=3)
    attendance.add_walk_in(staff, event_of(event), "Léa", "")
    attendance.add_walk_in(staff, event_of(event), "Noé", "")
    db.session.commit()
    assert queries.registration_counts(event_of(event))["attended"] == 2


def test_a_walk_in_with_an_email_is_asked_how_it_went(app, ctx, make):
    staff = make.staff()
    event = make.event(capacity=3)
    attendance.add_walk_in(staff, event_of(event), "Léa", "Lea@Example.org")
    db.session.commit()
    assert [(e.recipient, e.kind) for e in emails(app)] == [
        ("lea@example.org", "event_feedback_request")
    ]


def test_a_full_event_refuses_a_walk_in_unless_the_host_chooses_to_exceed(app, ctx, make):
    staff = make.staff()
    event = make.event(capacity=1)
    make.registration(event)
    with pytest.raises(DomainError) as refused:
        attendance.add_walk_in(staff, event_of(event), "Léa", "")
    assert refused.value.field == "exceed_capacity"

    attendance.add_walk_in(staff, event_of(event), "Léa", "", exceed_capacity=True)
    db.session.commit()
    assert queries.registration_counts(event_of(event))["attended"] == 1


def test_never_beyond_what_the_room_holds(app, ctx, make):
    staff = make.staff()
    space = make.space(capacity=2)
    event = make.event(space, capacity=2)
    make.registration(event)
    make.registration(event)
    with pytest.raises(Conflict):
        attendance.add_walk_in(staff, event_of(event), "Léa", "", exceed_capacity=True)


def test_an_email_already_registered_is_checked_in_instead(app, ctx, make):
    staff = make.staff()
    event = make.event(capacity=3)
    make.registration(event, email="ana@example.org")
    with pytest.raises(DomainError) as refused:
        attendance.add_walk_in(staff, event_of(event), "Ana", "ana@example.org")
    assert refused.value.field == "email"


def test_only_the_event_s_hosts_add_walk_ins(app, ctx, make):
    stranger = make.user()
    event = make.event(capacity=3)
    with pytest.raises(NotFound):
        attendance.add_walk_in(stranger, event_of(event), "Léa", "")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0


def test_a_partner_host_adds_a_walk_in_to_their_event(app, ctx, make):
    member = make.user()
    partner = make.partner(owner=member)
    event = make.event(organisation=partner, capacity=3)
    walk_in = attendance.add_walk_in(member, event_of(event), "Léa", "")
    assert walk_in.state == RegistrationState.ATTENDED
