"""The staff's programme page: stands, pitch schedule, placing startups inline."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from hub.extensions import db
from hub.models import ApplicationState, Placement, ShowcaseSlot, Stand, utcnow


def scheduled_slot(make, **kwargs):
    starts_at = (utcnow() + timedelta(days=20)).replace(hour=13, minute=0, second=0, microsecond=0)
    return make.slot(
        starts_at=starts_at, first_pitch_at=starts_at + timedelta(minutes=30), **kwargs
    )


def placed(app, slot_id: int) -> dict[int, tuple[str | None, int | None]]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Placement).where(Placement.slot_id == slot_id))
        return {p.application_id: (p.stand.name if p.stand else None, p.pitch_number) for p in rows}


def test_the_programme_page_lists_stands_pitches_and_seated_startups(client, make):
    staff = make.staff()
    slot = scheduled_slot(make)
    make.stand(slot, "Fenêtre")
    make.application(slot, make.startup(name="Kiosque"), state=ApplicationState.ACCEPTED)
    make.application(slot, make.startup(name="Attente"), state=ApplicationState.WAITLISTED)
    client.login(staff.email)
    page = client.get(f"/staff/showcase/slots/{slot.id}/programme")
    assert page.status_code == 200
    assert "Fenêtre" in page.text
    assert "Kiosque" in page.text
    assert "Attente" not in page.text
    # 13:30 UTC is 14:30 in Paris (winter) or 15:30 (summer): the venue's time is shown.
    assert "30 pitchs tiennent dans le créneau." in page.text


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_only_staff_reach_the_programme_page(client, make, who):
    slot = scheduled_slot(make)
    if who == "member":
        client.login(make.user().email)
    page = client.get(f"/staff/showcase/slots/{slot.id}/programme")
    assert page.status_code == (302 if who == "anonymous" else 404)


def test_staff_add_a_stand_and_a_wrong_one_keeps_what_was_typed(client, make, app):
    staff = make.staff()
    slot = scheduled_slot(make)
    client.login(staff.email)
    url = f"/staff/showcase/slots/{slot.id}/programme/stands"
    assert (
        client.submit(url, {"name": "A1", "grid_row": "1", "grid_column": "2"}).status_code == 303
    )
    refused = client.submit(url, {"name": "a1", "grid_row": "", "grid_column": ""})
    assert refused.status_code == 422
    assert "Cet espace a déjà un stand nommé « a1 »." in refused.text
    assert 'value="a1"' in refused.text
    with app.app_context():
        names = db.session.scalars(sa.select(Stand.name)).all()
    assert names == ["A1"]


def test_staff_set_the_schedule_in_the_venue_time(client, make, app):
    staff = make.staff()
    slot = make.slot(starts_at=utcnow().replace(microsecond=0) + timedelta(days=20))
    client.login(staff.email)
    with app.app_context():
        local_start = db.session.get(ShowcaseSlot, slot.id).starts_at
    from hub.timezones import utc_to_local

    with app.app_context():
        local = utc_to_local(local_start, db.session.get(ShowcaseSlot, slot.id).space.venue)
    response = client.submit(
        f"/staff/showcase/slots/{slot.id}/programme/schedule",
        {
            "first_pitch_at": (local + timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M"),
            "pitch_minutes": "7",
            "setup_minutes": "45",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        saved = db.session.get(ShowcaseSlot, slot.id)
        assert saved.first_pitch_at == local_start.replace(second=0) + timedelta(minutes=15)
        assert (saved.pitch_minutes, saved.setup_minutes) == (7, 45)


def test_a_placement_saved_inline_answers_the_row_and_a_clash_says_who(client, make, app):
    staff = make.staff()
    slot = scheduled_slot(make)
    stand = make.stand(slot, "B2")
    first = make.application(slot, make.startup(name="Kiosque"), state=ApplicationState.ACCEPTED)
    second = make.application(slot, state=ApplicationState.CONFIRMED)
    client.login(staff.email)
    url = f"/staff/showcase/slots/{slot.id}/programme/place"
    answer = client.hx(
        "POST", f"{url}/{first.id}", data={"stand_id": str(stand.id), "pitch_number": "3"}
    )
    assert answer.status_code == 200
    assert answer.text.strip().startswith(f'<tr id="placement-{first.id}">')
    assert "Kiosque est placée." in answer.text

    clash = client.hx(
        "POST", f"{url}/{second.id}", data={"stand_id": str(stand.id), "pitch_number": ""}
    )
    assert clash.status_code == 409
    assert "Kiosque a déjà le stand B2." in clash.text
    assert placed(app, slot.id) == {first.id: ("B2", 3)}


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999", "1e3"])
def test_hostile_numbers_are_refused_without_an_error(client, make, value):
    staff = make.staff()
    slot = scheduled_slot(make)
    application = make.application(slot, state=ApplicationState.ACCEPTED)
    client.login(staff.email)
    answer = client.hx(
        "POST",
        f"/staff/showcase/slots/{slot.id}/programme/place/{application.id}",
        data={"stand_id": value, "pitch_number": value},
    )
    assert answer.status_code == 422


def test_an_application_of_another_slot_is_not_found(client, make):
    staff = make.staff()
    slot, other = scheduled_slot(make), scheduled_slot(make)
    application = make.application(other, state=ApplicationState.ACCEPTED)
    client.login(staff.email)
    answer = client.submit(
        f"/staff/showcase/slots/{slot.id}/programme/place/{application.id}",
        {"stand_id": "", "pitch_number": "1"},
    )
    assert answer.status_code == 404


def test_assign_all_places_every_seated_startup(client, make, app):
    staff = make.staff()
    slot = scheduled_slot(make)
    make.stand(slot, "A")
    make.stand(slot, "B")
    seated = [make.application(slot, state=ApplicationState.ACCEPTED) for _ in range(2)]
    client.login(staff.email)
    response = client.submit(f"/staff/showcase/slots/{slot.id}/programme/place-all")
    assert response.status_code == 303
    assert placed(app, slot.id) == {seated[0].id: ("A", 1), seated[1].id: ("B", 2)}


# --- The startup's page ---------------------------------------------------------------------


def test_the_founder_sees_the_stand_pitch_set_up_and_asks_and_gets_a_calendar(client, make, app):
    owner = make.user()
    startup = make.startup(owner=owner)
    slot = scheduled_slot(make)
    stand = make.stand(slot, "Fenêtre")
    application = make.application(slot, startup, state=ApplicationState.CONFIRMED)
    make.placement(application, stand, 3)
    with app.app_context():
        from hub.models import Application

        db.session.get(Application, application.id).wants_table = True
        db.session.commit()
    client.login(owner.email)
    page = client.get(f"/manage/{startup.slug}/applications/{application.id}")
    assert page.status_code == 200
    assert "<strong>Fenêtre</strong>" in page.text
    assert "(5 minutes)" in page.text
    assert "<dd>table</dd>" in page.text
    calendar = client.get(f"/manage/{startup.slug}/applications/{application.id}/demo-day.ics")
    assert calendar.status_code == 200
    assert calendar.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert calendar.text.count("BEGIN:VEVENT") == 2


def test_another_startup_cannot_read_the_calendar(client, make):
    slot = scheduled_slot(make)
    application = make.application(slot, state=ApplicationState.ACCEPTED)
    stranger = make.user()
    other = make.startup(owner=stranger)
    client.login(stranger.email)
    url = f"/manage/{other.slug}/applications/{application.id}/demo-day.ics"
    assert client.get(url).status_code == 404


def test_the_application_form_keeps_power_and_table(client, make, app):
    owner = make.user()
    startup = make.startup(owner=owner)
    innovation = make.innovation(startup)
    slot = make.slot()
    client.login(owner.email)
    response = client.submit(
        f"/manage/{startup.slug}/applications/new?slot={slot.id}",
        {
            "innovation_id": innovation.id,
            "pitch": "Nous montrerons notre prototype en fonctionnement.",
            "wants_power": "y",
            "needs": "",
            "intent": "submit",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        from hub.models import Application

        saved = db.session.scalar(sa.select(Application))
        assert (saved.wants_power, saved.wants_table) == (True, False)


# --- The public programme -------------------------------------------------------------------


def public_programme_world(make):
    slot = scheduled_slot(make)
    shown = make.startup(name="Kiosque")
    innovation = make.innovation(shown, title="Borne civique")
    a1 = make.stand(slot, "A1", grid_row=1, grid_column=1)
    make.stand(slot, "A2", grid_row=1, grid_column=2)
    confirmed = make.application(
        slot, shown, innovation=innovation, state=ApplicationState.CONFIRMED
    )
    make.placement(confirmed, a1, 2)
    accepted = make.application(
        slot, make.startup(name="PasEncore"), state=ApplicationState.ACCEPTED
    )
    make.placement(accepted, None, 1)
    return slot, innovation


def test_the_public_programme_lists_pitches_stands_and_the_plan(client, make):
    slot, innovation = public_programme_world(make)
    page = client.get(f"/demo-days/{slot.id}")
    assert page.status_code == 200
    assert f'<a href="/innovations/{innovation.slug}">Borne civique</a>' in page.text
    assert "<strong>Stand A1</strong>" in page.text
    assert 'class="stand-plan-svg"' in page.text
    assert "PasEncore" not in page.text  # accepted, not yet confirmed
    assert f'href="/demo-days/{slot.id}.ics"' in page.text


def test_a_programme_not_announced_says_so(client, make):
    slot = scheduled_slot(make)
    page = client.get(f"/demo-days/{slot.id}")
    assert "Le programme n’est pas encore annoncé." in page.text


def test_the_programme_as_a_calendar_has_the_day_and_each_pitch(client, make):
    slot, innovation = public_programme_world(make)
    calendar = client.get(f"/demo-days/{slot.id}.ics")
    assert calendar.status_code == 200
    assert calendar.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert calendar.text.count("BEGIN:VEVENT") == 2
    assert "Pitch — Borne civique (Kiosque)" in calendar.text
    assert f"URL:http://localhost/innovations/{innovation.slug}" in calendar.text


def test_a_cancelled_demo_day_has_no_public_calendar(client, make):
    from hub.models import SlotStatus

    slot = make.slot(status=SlotStatus.CANCELLED)
    assert client.get(f"/demo-days/{slot.id}.ics").status_code == 404
