"""A demo day's programme: stands, the pitch schedule, and placing the startups."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from hub.domain.errors import Conflict, DomainError, NotAllowed, NotFound
from hub.domain.showcase import applications, decisions, programme
from hub.extensions import db
from hub.models import (
    Application,
    ApplicationState,
    Placement,
    ShowcaseSlot,
    Space,
    Stand,
    User,
    utcnow,
)
from tests.support import emails, get


def scheduled_slot(make, **kwargs):
    """A slot from 14:00 to 17:00 (UTC) with 5-minute pitches from 14:30: 30 pitches."""
    starts_at = (utcnow() + timedelta(days=20)).replace(hour=14, minute=0, second=0, microsecond=0)
    return make.slot(
        starts_at=starts_at,
        first_pitch_at=starts_at + timedelta(minutes=30),
        pitch_minutes=5,
        **kwargs,
    )


def placements(slot) -> dict[int, tuple[str | None, int | None]]:
    rows = db.session.scalars(sa.select(Placement).where(Placement.slot_id == slot.id))
    return {p.application_id: (p.stand.name if p.stand else None, p.pitch_number) for p in rows}


def test_pitch_times_follow_the_schedule(make, ctx):
    slot = get(ShowcaseSlot, scheduled_slot(make))
    assert programme.pitch_count(slot) == 30
    assert slot.pitch_time(1) == slot.starts_at + timedelta(minutes=30)
    assert slot.pitch_time(3) == slot.starts_at + timedelta(minutes=40)
    assert slot.setup_at == slot.starts_at - timedelta(minutes=30)


def test_a_slot_without_a_first_pitch_has_no_pitches(make, ctx):
    slot = get(ShowcaseSlot, make.slot())
    assert programme.pitch_count(slot) == 0
    assert slot.pitch_time(1) is None


def test_stands_are_numbered_in_order_unless_named(make, ctx):
    staff, space = make.staff(), make.space()
    staff, space = get(User, staff), get(Space, space)
    first = programme.add_stand(staff, space)
    named = programme.add_stand(staff, space, "Fenêtre", grid_row=1, grid_column=2)
    third = programme.add_stand(staff, space)
    assert [(s.name, s.position) for s in programme.stands_of(space.id)] == [
        ("1", 1),
        ("Fenêtre", 2),
        ("3", 3),
    ]
    assert (named.grid_row, named.grid_column) == (1, 2)
    assert first.id != third.id


def test_two_stands_of_a_space_never_share_a_name(make, ctx):
    staff, space = make.staff(), make.space()
    staff, space = get(User, staff), get(Space, space)
    programme.add_stand(staff, space, "A1")
    with pytest.raises(Conflict) as refused:
        programme.add_stand(staff, space, "a1")
    assert refused.value.field == "name"


def test_a_grid_position_needs_a_row_and_a_column(make, ctx):
    staff, space = make.staff(), make.space()
    staff, space = get(User, staff), get(Space, space)
    with pytest.raises(DomainError) as refused:
        programme.add_stand(staff, space, "B", grid_row=2)
    assert refused.value.field == "grid_row"


def test_only_staff_add_stands(make, ctx):
    member, space = make.user(), make.space()
    with pytest.raises(NotAllowed):
        programme.add_stand(get(User, member), get(Space, space))


def test_the_first_pitch_must_fall_within_the_slot(make, ctx):
    staff, slot = make.staff(), make.slot()
    staff, slot = get(User, staff), get(ShowcaseSlot, slot)
    with pytest.raises(DomainError) as refused:
        programme.set_schedule(
            staff,
            slot,
            first_pitch_at=slot.ends_at,
            pitch_minutes=5,
            setup_minutes=30,
        )
    assert refused.value.field == "first_pitch_at"


def test_a_schedule_too_short_for_the_pitches_given_is_refused(make, ctx):
    staff = make.staff()
    slot = scheduled_slot(make)
    application = make.application(slot, state=ApplicationState.ACCEPTED)
    make.placement(application, pitch_number=20)
    slot = get(ShowcaseSlot, slot)
    with pytest.raises(Conflict) as refused:
        programme.set_schedule(
            get(User, staff),
            slot,
            first_pitch_at=slot.first_pitch_at,
            pitch_minutes=10,  # 15 pitches fit
            setup_minutes=30,
        )
    assert str(refused.value.message) == (
        "Le pitch 20 est déjà donné à une startup\u00a0: "
        "ce programme n’a de place que pour 15 pitchs."
    )


def test_staff_place_a_seated_startup_on_a_stand_and_a_pitch(make, ctx):
    staff = make.staff()
    slot = scheduled_slot(make)
    stand = make.stand(slot, "A1")
    application = make.application(slot, state=ApplicationState.CONFIRMED)
    placed = programme.place(
        get(User, staff), get(Application, application), stand_id=stand.id, pitch_number=2
    )
    db.session.commit()
    assert placements(slot) == {application.id: ("A1", 2)}
    assert placed.pitch_at == get(ShowcaseSlot, slot).pitch_time(2)


def test_a_stand_taken_by_another_startup_is_refused_with_its_name(make, ctx):
    staff = make.staff()
    slot = scheduled_slot(make)
    stand = make.stand(slot, "A1")
    first = make.application(slot, make.startup(name="Kiosque"), state=ApplicationState.ACCEPTED)
    second = make.application(slot, state=ApplicationState.ACCEPTED)
    make.placement(first, stand, 1)
    with pytest.raises(Conflict) as refused:
        programme.place(
            get(User, staff), get(Application, second), stand_id=stand.id, pitch_number=2
        )
    assert str(refused.value.message) == "Kiosque a déjà le stand A1."
    with pytest.raises(Conflict) as refused:
        programme.place(get(User, staff), get(Application, second), stand_id=None, pitch_number=1)
    assert str(refused.value.message) == "Kiosque a déjà le pitch 1."


@pytest.mark.parametrize("column", ["stand_id", "pitch_number"])
def test_the_database_refuses_two_startups_on_one_stand_or_pitch(make, ctx, column):
    slot = scheduled_slot(make)
    stand = make.stand(slot)
    first = make.application(slot, state=ApplicationState.ACCEPTED)
    second = make.application(slot, state=ApplicationState.ACCEPTED)
    make.placement(first, stand, 1)
    values = {"stand_id": stand.id, "pitch_number": 1}
    db.session.add(Placement(application_id=second.id, slot_id=slot.id, **{column: values[column]}))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_a_stand_of_another_space_or_a_pitch_beyond_the_schedule_is_refused(make, ctx):
    staff = make.staff()
    slot = scheduled_slot(make)
    elsewhere = make.stand(make.space())
    application = make.application(slot, state=ApplicationState.ACCEPTED)
    with pytest.raises(DomainError) as refused:
        programme.place(
            get(User, staff), get(Application, application), stand_id=elsewhere.id, pitch_number=1
        )
    assert refused.value.field == "stand_id"
    with pytest.raises(DomainError) as refused:
        programme.place(
            get(User, staff), get(Application, application), stand_id=None, pitch_number=31
        )
    assert refused.value.field == "pitch_number"


def test_only_a_startup_holding_a_seat_is_placed(make, ctx):
    staff = make.staff()
    slot = scheduled_slot(make)
    application = make.application(slot, state=ApplicationState.SUBMITTED)
    with pytest.raises(NotFound):
        programme.place(
            get(User, staff), get(Application, application), stand_id=None, pitch_number=1
        )


def test_assign_all_fills_free_stands_and_pitches_in_the_order_of_acceptance(make, ctx):
    staff = make.staff()
    slot = scheduled_slot(make)
    stands = [make.stand(slot, name) for name in ("A", "B", "C")]
    seated = [make.application(slot, state=ApplicationState.ACCEPTED) for _ in range(4)]
    make.placement(seated[1], stands[0], 1)  # placed by hand already
    make.application(slot, state=ApplicationState.WAITLISTED)
    given = programme.place_all(get(User, staff), get(ShowcaseSlot, slot))
    db.session.commit()
    assert given == 3
    assert placements(slot) == {
        seated[0].id: ("B", 2),
        seated[1].id: ("A", 1),
        seated[2].id: ("C", 3),
        seated[3].id: (None, 4),  # no stand left
    }
    assert programme.place_all(get(User, staff), get(ShowcaseSlot, slot)) == 0


def test_a_startup_leaving_its_seat_frees_its_stand_and_pitch(make, ctx):
    owner = make.user()
    staff = make.staff()
    slot = scheduled_slot(make)
    stand = make.stand(slot)
    leaving = make.application(slot, make.startup(owner=owner), state=ApplicationState.CONFIRMED)
    cancelled = make.application(slot, state=ApplicationState.ACCEPTED)
    make.placement(leaving, stand, 1)
    make.placement(cancelled, None, 2)
    applications.withdraw_application(get(User, owner), get(Application, leaving))
    decisions.cancel_application(get(User, staff), get(Application, cancelled))
    db.session.commit()
    assert placements(slot) == {}


def test_removing_a_stand_keeps_the_pitch(make, ctx):
    staff = make.staff()
    slot = scheduled_slot(make)
    stand = make.stand(slot, "A")
    application = make.application(slot, state=ApplicationState.ACCEPTED)
    make.placement(application, stand, 3)
    programme.remove_stand(get(User, staff), get(Stand, stand))
    db.session.commit()
    db.session.expire_all()
    assert placements(slot) == {application.id: (None, 3)}


# --- What the startup is told -------------------------------------------------------------


def test_the_acceptance_email_gives_the_set_up_time_the_asks_and_a_calendar(make, ctx, app):
    owner = make.user(email="fondatrice@kiosque.example")
    staff = make.staff()
    slot = scheduled_slot(make, setup_minutes=45)
    application = make.application(slot, make.startup(owner=owner))
    with app.app_context():
        row = db.session.get(Application, application.id)
        row.wants_power, row.needs = True, "Un écran"
        db.session.commit()
    decisions.decide_application(get(User, staff), get(Application, application), "accept")
    (email,) = emails(app, owner.email, "application_accepted")
    assert "- installation à partir du " in email.body_text
    assert "- votre stand\u00a0: à annoncer" in email.body_text
    assert "- vous avez demandé\u00a0: électricité, Un écran" in email.body_text
    (calendar,) = email.attachments
    assert calendar["filename"] == f"demo-day-{slot.id}.ics"
    assert "BEGIN:VEVENT" in calendar["content"]
    assert "Installation à partir de" in calendar["content"]


def test_placing_a_startup_emails_its_stand_and_pitch_with_a_calendar(make, ctx, app):
    owner = make.user(email="fondateur@agrivue.example")
    staff = make.staff()
    slot = scheduled_slot(make)
    stand = make.stand(slot, "Fenêtre")
    application = make.application(
        slot, make.startup(owner=owner), state=ApplicationState.CONFIRMED
    )
    programme.place(
        get(User, staff), get(Application, application), stand_id=stand.id, pitch_number=2
    )
    db.session.commit()
    (email,) = emails(app, owner.email, "application_placed")
    assert "- votre stand\u00a0: Fenêtre" in email.body_text
    assert "- votre pitch\u00a0: " in email.body_text and "(5 minutes)" in email.body_text
    content = email.attachments[0]["content"]
    assert content.count("BEGIN:VEVENT") == 2  # the day from set-up, and the pitch
    assert "Stand\u00a0: Fenêtre." in content.replace("\r\n ", "")  # lines unfolded
    # Saving the same placement again tells nobody twice.
    programme.place(
        get(User, staff), get(Application, application), stand_id=stand.id, pitch_number=2
    )
    db.session.commit()
    assert len(emails(app, owner.email, "application_placed")) == 1


def test_moving_the_slot_moves_its_pitches_and_another_space_frees_the_stands(make, ctx):
    from hub.domain.showcase import slots

    staff = make.staff()
    slot = scheduled_slot(make)
    stand = make.stand(slot, "A")
    application = make.application(slot, state=ApplicationState.ACCEPTED)
    make.placement(application, stand, 2)
    elsewhere = make.space()
    slot = get(ShowcaseSlot, slot)
    values = {
        name: getattr(slot, name)
        for name in ("space_id", "starts_at", "ends_at", "seats", "application_deadline")
    }
    first_pitch = slot.first_pitch_at
    values.update(
        theme=slot.theme,
        description=slot.description,
        starts_at=slot.starts_at + timedelta(days=1),
        ends_at=slot.ends_at + timedelta(days=1),
        space_id=elsewhere.id,
    )
    slots.update_slot(get(User, staff), slot, **values)
    db.session.commit()
    assert slot.first_pitch_at == first_pitch + timedelta(days=1)
    assert placements(slot) == {application.id: (None, 2)}
