"""Series pages: made by staff or partners, a public page of dates, a course booked at once."""

from __future__ import annotations

from datetime import time, timedelta

import sqlalchemy as sa

from hub.domain.events import series
from hub.extensions import db
from hub.models import EventSeries, EventState, Registration, RegistrationState, utcnow
from tests.domain.test_series import details, next_tuesday


def made(app, make, is_course=False, capacity=10, weeks=3):
    staff = make.staff()
    space = make.space()
    with app.app_context():
        rule = series.SeriesRule(
            starts=time(14), ends=time(16), first_date=next_tuesday(), weeks=weeks
        )
        a_series = series.create_series(
            staff, details(space, capacity=capacity), rule, is_course=is_course
        )
        db.session.commit()
        return a_series.slug, a_series.id, staff


def form(space, **overrides):
    data = {
        "organisation": "0", "title": "Bureautique pas à pas", "kind": "training",
        "audience": "residents", "language": "fr", "description": "Huit séances.",
        "space_id": str(space.id), "starts": "14:00", "ends": "16:00",
        "first_date": next_tuesday().isoformat(), "weeks": "8", "dates": "", "capacity": "12",
        "max_places": "1", "waitlist": "give", "offer_hours": "24",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_staff_create_a_weekly_series_from_the_form(client, app, make):
    staff = make.staff()
    space = make.space()
    client.login(staff.email)
    assert client.get("/account/series/new").status_code == 200
    response = client.submit("/account/series/new", form(space, is_course="y"))
    assert response.status_code == 303
    with app.app_context():
        [a_series] = db.session.scalars(sa.select(EventSeries)).all()
        assert a_series.is_course
        assert len(a_series.events) == 8
        assert {e.state for e in a_series.events} == {EventState.PUBLISHED}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "La série est créée\u00a0: 8 dates." in page
    assert "Modifier toutes les dates à venir" in page


def test_a_bad_date_in_the_list_is_refused_beside_the_field(client, app, make):
    staff = make.staff()
    space = make.space()
    client.login(staff.email)
    response = client.submit(
        "/account/series/new", form(space, first_date="", weeks="", dates="2026-13-45")
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="dates-error"' in html and "2026-13-45" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(EventSeries)) == 0


def test_someone_without_a_partner_cannot_make_a_series(client, make):
    client.login(make.user().email)
    assert client.get("/account/series/new").status_code == 404


def test_another_partner_s_series_is_404(client, app, make):
    _slug, series_id, _staff = made(app, make)
    member = make.user()
    make.partner(owner=member)
    client.login(member.email)
    assert client.get(f"/account/series/{series_id}").status_code == 404


def test_the_public_page_lists_upcoming_dates_with_seats_left(client, app, make):
    slug, _id, _staff = made(app, make, capacity=4)
    page = client.get(f"/series/{slug}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("4 places restantes") == 3
    assert "S'inscrire à tout le parcours" not in html
    assert client.get("/series/nope").status_code == 404


def test_a_course_is_booked_at_once_without_javascript_and_with_htmx(client, app, make):
    slug, _series_id, _staff = made(app, make, is_course=True, capacity=1)
    page = client.get(f"/series/{slug}").get_data(as_text=True)
    assert "M'inscrire aux 3 séances" in page
    data = {"name": "Ana", "email": "ana@example.org"}
    response = client.submit(f"/series/{slug}/register", data)
    assert response.status_code == 200
    assert 'data-state="confirmed"' in response.get_data(as_text=True)

    data = {"name": "Ben", "email": "ben@example.org"}
    fragment = client.hx(
        "POST", f"/series/{slug}/register", target="course-registration", data=data
    )
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and not html.lstrip().startswith("<!doctype")
    assert 'data-state="waitlisted"' in html
    with app.app_context():
        states = db.session.execute(
            sa.select(Registration.email, Registration.state).order_by(Registration.id)
        ).all()
    assert (
        states
        == [("ana@example.org", RegistrationState.CONFIRMED)] * 3
        + [("ben@example.org", RegistrationState.WAITLISTED)] * 3
    )


def test_a_course_session_page_sends_people_to_the_course(client, app, make):
    slug, series_id, _staff = made(app, make, is_course=True)
    with app.app_context():
        first = db.session.get(EventSeries, series_id).events[0].slug
    html = client.get(f"/events/{first}/register").get_data(as_text=True)
    assert "Cette séance fait partie d'un parcours" in html
    assert f'href="/series/{slug}"' in html


def test_staff_change_all_future_dates(client, app, make):
    _slug, series_id, staff = made(app, make)
    client.login(staff.email)
    data = {"title": "Bureautique", "description": "Nouveau.", "capacity": "8",
            "starts": "15:00", "ends": "17:00"}  # fmt: skip
    response = client.submit(f"/account/series/{series_id}", data)
    assert response.status_code == 303
    with app.app_context():
        events = db.session.get(EventSeries, series_id).events
        assert {(e.title, e.capacity) for e in events} == {("Bureautique", 8)}
        assert all(e.starts_at > utcnow() + timedelta(hours=1) for e in events)


def test_a_first_date_in_the_past_is_refused_beside_the_field(client, app, make):
    staff = make.staff()
    space = make.space()
    client.login(staff.email)
    past = (utcnow() - timedelta(days=3)).date().isoformat()
    response = client.submit("/account/series/new", form(space, first_date=past))
    assert response.status_code == 422
    assert 'id="first_date-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(EventSeries)) == 0


def test_a_series_page_is_in_the_sitemap_while_one_of_its_dates_is_published(client, app, make):
    slug, series_id, _ = made(app, make, weeks=2)
    assert f"http://localhost/series/{slug}</loc>" in client.get("/sitemap.xml").text
    with app.app_context():
        for event in db.session.get(EventSeries, series_id).events:
            event.state = EventState.CANCELLED
        db.session.commit()
    assert f"/series/{slug}</loc>" not in client.get("/sitemap.xml").text
