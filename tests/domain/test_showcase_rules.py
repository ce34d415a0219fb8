"""Demo slot rules: deadlines, seats, the waiting list, one live application, slots."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from hub.domain.errors import Conflict, DomainError
from hub.domain.showcase import applications, decisions, queries, slots
from hub.extensions import db
from hub.models import (
    Application,
    ApplicationState,
    AuditEntry,
    Innovation,
    InnovationStatus,
    Organisation,
    OutboxMessage,
    ShowcaseSlot,
    SlotStatus,
    User,
    utcnow,
)
from tests.support import emails, get


def states(*applications) -> list[ApplicationState]:
    return [db.session.get(Application, a.id).state for a in applications]


def test_accepting_past_the_seats_is_refused_with_the_reason(make, ctx):
    staff = make.staff()
    slot = make.slot(seats=1)
    make.application(slot, state=ApplicationState.CONFIRMED)
    application = make.application(slot)
    with pytest.raises(Conflict) as refused:
        decisions.decide_application(get(User, staff), get(Application, application), "accept")
    assert str(refused.value.message) == (
        "L’unique place de ce créneau est prise\u00a0: mettez la candidature sur liste "
        "d’attente, ou libérez d’abord la place."
    )


def test_an_unverified_startup_cannot_be_accepted(make, ctx):
    staff = make.staff()
    slot = make.slot()
    startup = make.startup(verified=False, name="Kiosque")
    application = make.application(slot, startup)
    with pytest.raises(DomainError) as refused:
        decisions.decide_application(get(User, staff), get(Application, application), "accept")
    assert "Kiosque n’est pas encore vérifiée" in str(refused.value.message)


def test_a_withdrawal_offers_the_seat_to_the_oldest_waitlisted(make, ctx):
    owner = make.user()
    startup = make.startup(owner=owner)
    slot = make.slot(seats=1)
    leaving = make.application(slot, startup, state=ApplicationState.CONFIRMED)
    newer = make.application(slot, state=ApplicationState.WAITLISTED, waitlisted_minutes_ago=5)
    older = make.application(slot, state=ApplicationState.WAITLISTED, waitlisted_minutes_ago=60)
    applications.withdraw_application(get(User, owner), get(Application, leaving))
    db.session.commit()
    assert states(leaving, older, newer) == [
        ApplicationState.WITHDRAWN,
        ApplicationState.ACCEPTED,
        ApplicationState.WAITLISTED,
    ]
    promoted = db.session.scalar(
        sa.select(AuditEntry).where(
            AuditEntry.target_id == older.id, AuditEntry.action == "application.accepted"
        )
    )
    assert promoted.details["promoted"] is True
    kinds = db.session.scalars(sa.select(OutboxMessage.kind)).all()
    assert kinds == ["application_promoted"]


def test_a_staff_cancellation_tells_the_startup_and_promotes(make, ctx):
    staff = make.staff()
    slot = make.slot(seats=1)
    seat = make.application(slot, state=ApplicationState.ACCEPTED)
    waiting = make.application(slot, state=ApplicationState.WAITLISTED)
    decisions.cancel_application(get(User, staff), get(Application, seat), "Stand indisponible")
    db.session.commit()
    assert states(seat, waiting) == [ApplicationState.CANCELLED, ApplicationState.ACCEPTED]
    kinds = sorted(db.session.scalars(sa.select(OutboxMessage.kind)).all())
    assert kinds == ["application_cancelled", "application_promoted"]


def test_a_withdrawal_from_the_waiting_list_promotes_nobody(make, ctx):
    owner = make.user()
    startup = make.startup(owner=owner)
    slot = make.slot(seats=1)
    make.application(slot, state=ApplicationState.ACCEPTED)
    waiting = make.application(slot, startup, state=ApplicationState.WAITLISTED)
    other = make.application(slot, state=ApplicationState.WAITLISTED)
    applications.withdraw_application(get(User, owner), get(Application, waiting))
    db.session.commit()
    assert states(waiting, other) == [ApplicationState.WITHDRAWN, ApplicationState.WAITLISTED]


def _apply(owner, startup, slot, innovation_id, submit=True, pitch="Une démonstration en direct."):
    return applications.save_application(
        get(User, owner),
        get(Organisation, startup),
        get(ShowcaseSlot, slot),
        innovation_id=innovation_id,
        pitch=pitch,
        needs="",
        submit=submit,
    )


def test_one_live_application_per_startup_and_slot(make, ctx):
    owner = make.user()
    startup = make.startup(owner=owner)
    innovation = make.innovation(startup)
    slot = make.slot()
    _apply(owner, startup, slot, innovation.id)
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        _apply(owner, startup, slot, innovation.id)
    assert "déjà une candidature" in str(refused.value.message)


def test_a_past_deadline_refuses_applications_and_changes_nothing(make, ctx):
    owner = make.user()
    startup = make.startup(owner=owner)
    innovation = make.innovation(startup)
    slot = make.slot(starts_in=timedelta(days=2), deadline_in=timedelta(hours=-1))
    with pytest.raises(DomainError) as refused:
        _apply(owner, startup, slot, innovation.id)
    db.session.rollback()
    assert str(refused.value.message) == "La date limite de candidature pour ce créneau est passée."
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 0


def test_a_draft_cannot_be_submitted_after_the_deadline(make, ctx):
    owner = make.user()
    startup = make.startup(owner=owner)
    slot = make.slot(starts_in=timedelta(days=2), deadline_in=timedelta(hours=-1))
    draft = make.application(slot, startup, state=ApplicationState.DRAFT)
    with pytest.raises(DomainError):
        applications.submit_application(get(User, owner), get(Application, draft))
    db.session.rollback()
    assert states(draft) == [ApplicationState.DRAFT]


@pytest.mark.parametrize("whose", ["another startup", "archived", "missing"])
def test_an_innovation_that_is_not_ours_is_refused(make, ctx, whose):
    owner = make.user()
    startup = make.startup(owner=owner)
    slot = make.slot()
    if whose == "another startup":
        innovation_id = make.innovation(make.startup()).id
    elif whose == "archived":
        innovation_id = make.innovation(startup, status=InnovationStatus.ARCHIVED).id
    else:
        innovation_id = 999_999
    with pytest.raises(DomainError) as refused:
        _apply(owner, startup, slot, innovation_id)
    db.session.rollback()
    assert refused.value.field == "innovation_id"
    assert str(refused.value.message).startswith("Choisissez une des innovations de votre startup")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 0


def _slot_values(space_id, starts_in=timedelta(days=30), deadline_in=timedelta(days=20), seats=4):
    now = utcnow().replace(microsecond=0)
    return {
        "space_id": space_id,
        "starts_at": now + starts_in,
        "ends_at": now + starts_in + timedelta(hours=2),
        "application_deadline": now + deadline_in,
        "seats": seats,
        "theme": "Santé connectée",
        "description": "",
    }


def test_staff_publish_a_slot(make, ctx):
    staff = make.staff()
    space = make.space()
    slot = slots.create_slot(get(User, staff), **_slot_values(space.id))
    db.session.commit()
    assert get(ShowcaseSlot, slot).status == SlotStatus.OPEN
    assert db.session.scalar(sa.select(AuditEntry.action)) == "slot.created"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"deadline_in": timedelta(days=-1)}, "application_deadline",
         "La date limite de candidature est déjà passée."),
        ({"deadline_in": timedelta(days=31)}, "application_deadline",
         "La date limite de candidature doit précéder le début du créneau."),
        ({"seats": 0}, "seats", "Un créneau compte au moins une place de startup."),
    ],
)  # fmt: skip
def test_a_slot_with_bad_dates_or_seats_is_refused(make, ctx, change, field, message):
    staff = make.staff()
    space = make.space()
    with pytest.raises(DomainError) as refused:
        slots.create_slot(get(User, staff), **_slot_values(space.id, **change))
    assert (refused.value.field, str(refused.value.message)) == (field, message)


def test_a_slot_cannot_overlap_another_in_the_same_space(make, ctx):
    staff = make.staff()
    space = make.space()
    make.slot(space=space, starts_in=timedelta(days=30), theme="Mobilité")
    with pytest.raises(Conflict) as refused:
        slots.create_slot(get(User, staff), **_slot_values(space.id))
    assert "Mobilité" in str(refused.value.message)


def test_seats_cannot_drop_below_the_seats_held(make, ctx):
    staff = make.staff()
    slot = make.slot(seats=3)
    make.application(slot, state=ApplicationState.ACCEPTED)
    make.application(slot, state=ApplicationState.CONFIRMED)
    values = {key: getattr(get(ShowcaseSlot, slot), key) for key in slots.SLOT_FIELDS}
    values["seats"] = 1
    with pytest.raises(Conflict) as refused:
        slots.update_slot(get(User, staff), get(ShowcaseSlot, slot), **values)
    assert refused.value.field == "seats"


def test_more_seats_go_to_the_waiting_list(make, ctx):
    staff = make.staff()
    slot = make.slot(seats=1)
    make.application(slot, state=ApplicationState.ACCEPTED)
    waiting = make.application(slot, state=ApplicationState.WAITLISTED)
    values = {key: getattr(get(ShowcaseSlot, slot), key) for key in slots.SLOT_FIELDS}
    values["seats"] = 2
    slots.update_slot(get(User, staff), get(ShowcaseSlot, slot), **values)
    db.session.commit()
    assert states(waiting) == [ApplicationState.ACCEPTED]


def test_cancelling_a_slot_cancels_and_tells_every_applicant(app, make, ctx):
    staff = make.staff()
    slot = make.slot()
    live = [
        make.application(slot, state=state)
        for state in (ApplicationState.SUBMITTED, ApplicationState.CONFIRMED)
    ]
    draft = make.application(slot, state=ApplicationState.DRAFT)
    gone = make.application(slot, state=ApplicationState.REJECTED)
    told = slots.cancel_slot(get(User, staff), get(ShowcaseSlot, slot), "Travaux")
    db.session.commit()
    assert told == 2
    assert states(*live, draft, gone) == [
        ApplicationState.CANCELLED,
        ApplicationState.CANCELLED,
        ApplicationState.CANCELLED,
        ApplicationState.REJECTED,
    ]
    bodies = [message.body_text for message in emails(app)]
    assert len(bodies) == 2 and all("Travaux" in body for body in bodies)
    assert get(ShowcaseSlot, slot).status == SlotStatus.CANCELLED


def test_moving_a_slot_tells_the_applicants(make, ctx):
    staff = make.staff()
    slot = make.slot()
    make.application(slot, state=ApplicationState.ACCEPTED)
    make.application(slot, state=ApplicationState.DRAFT)
    values = {key: getattr(get(ShowcaseSlot, slot), key) for key in slots.SLOT_FIELDS}
    values["starts_at"] += timedelta(hours=1)
    values["ends_at"] += timedelta(hours=1)
    slots.update_slot(get(User, staff), get(ShowcaseSlot, slot), **values)
    db.session.commit()
    assert db.session.scalars(sa.select(OutboxMessage.kind)).all() == ["slot_changed"]


def test_a_closed_slot_takes_no_application_but_decisions_go_on(make, ctx):
    staff = make.staff()
    owner = make.user()
    startup = make.startup(owner=owner)
    innovation = make.innovation(startup)
    slot = make.slot()
    pending = make.application(slot)
    slots.close_slot(get(User, staff), get(ShowcaseSlot, slot))
    db.session.commit()
    with pytest.raises(DomainError):
        _apply(owner, startup, slot, innovation.id)
    db.session.rollback()
    decisions.decide_application(get(User, staff), get(Application, pending), "accept")
    db.session.commit()
    assert states(pending) == [ApplicationState.ACCEPTED]


def test_confirmed_startups_on_the_demo_day_page_are_verified_only(make, ctx):
    slot = make.slot()
    shown = make.application(slot, make.startup(), state=ApplicationState.CONFIRMED)
    make.application(slot, make.startup(verified=False), state=ApplicationState.CONFIRMED)
    make.application(slot, state=ApplicationState.ACCEPTED)
    confirmed = queries.confirmed_startups([slot.id])[slot.id]
    assert [application.id for application in confirmed] == [shown.id]
    assert isinstance(confirmed[0].innovation, Innovation)
