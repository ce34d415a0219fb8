"""The public side of events: agenda, event page, registration, private link, calendars."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import sqlalchemy as sa

from hub.extensions import db
from hub.models import (
    Audience,
    AuditEntry,
    EventKind,
    EventState,
    Registration,
    RegistrationState,
)
from tests.support import counted_statements, emails


def register(client, slug, email, name="Sam Durand", wants_news=None, htmx=False):
    data = {"name": name, "email": email}
    if wants_news:
        data["wants_news"] = wants_news
    if htmx:
        return client.hx("POST", f"/events/{slug}/register", target="registration", data=data)
    return client.submit(f"/events/{slug}/register", data)


def registrations(app, event):
    with app.app_context():
        return [
            (r.email, r.state)
            for r in db.session.scalars(
                sa.select(Registration)
                .where(Registration.event_id == event.id)
                .order_by(Registration.id)
            )
        ]


def outbox(app, recipient=None):
    return emails(app, recipient)


def token_of(app, email):
    with app.app_context():
        return db.session.scalar(
            sa.select(Registration.token)
            .where(Registration.email == email)
            .order_by(Registration.id.desc())
        )


def test_agenda_lists_upcoming_published_events_with_seats_left(client, make):
    space = make.space()
    shown = make.event(space, title="Initiation au tableur", capacity=12)
    make.registration(shown)
    make.event(space, title="Proposition en attente", state=EventState.PROPOSED)
    make.event(space, title="Atelier passé", starts_in=timedelta(days=-3))
    response = client.get("/events")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Initiation au tableur" in page
    assert "11 places restantes" in page
    assert "Proposition en attente" not in page
    assert "Atelier passé" not in page


def test_agenda_filters_by_kind_audience_venue_and_month(client, make):
    lyon = make.space(venue_slug="rennes")
    make.event(title="Conférence IA", kind=EventKind.CONFERENCE, audience=Audience.PROFESSIONALS)
    make.event(lyon, title="Atelier à Rennes", kind=EventKind.WORKSHOP)
    make.event(title="Formation dans deux mois", starts_in=timedelta(days=70))

    def titles(query, htmx=False):
        if htmx:
            response = client.hx("GET", f"/events?{query}", target="agenda")
        else:
            response = client.get(f"/events?{query}")
        assert response.status_code == 200
        return set(re.findall(r'<a href="/events/[^"]+">([^<]+)</a>', response.get_data(True)))

    assert titles("kind=conference") == {"Conférence IA"}
    assert titles("audience=professionals") == {"Conférence IA"}
    assert titles("venue=rennes") == {"Atelier à Rennes"}
    later = month_from_now(client.application, days=70)
    assert titles(f"month={later}") == {"Formation dans deux mois"}
    assert titles("kind=nonsense") == {
        "Conférence IA",
        "Atelier à Rennes",
        "Formation dans deux mois",
    }
    fragment = client.hx("GET", "/events?kind=workshop", target="agenda")
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and 'id="agenda"' in body
    assert "HX-Request" in fragment.headers["Vary"]
    assert titles("kind=workshop", htmx=True) == {"Atelier à Rennes", "Formation dans deux mois"}


def test_each_filter_link_keeps_the_other_filters_and_starts_at_page_one(client, make):
    rennes = make.space(venue_slug="rennes")
    make.event(rennes, title="Atelier à Rennes", kind=EventKind.WORKSHOP)
    page = client.get("/events?kind=workshop&venue=rennes&page=1").get_data(as_text=True)
    found = re.findall(r'<li><a href="([^"]*)" hx-get="[^"]*"[^>]*?( aria-current="true")?>', page)
    links = {html.unescape(href): current for href, current in found}
    # "All" of a filter drops only that filter; another choice replaces it in place.
    assert "/events?venue=rennes" in links  # all kinds
    assert "/events?kind=workshop" in links  # all venues
    assert links["/events?kind=workshop&venue=rennes"] == ' aria-current="true"'
    assert "/events?kind=workshop&venue=rennes&audience=everyone" in links
    assert all("page=" not in href for href in links)


def test_agenda_has_an_empty_state(client):
    page = client.get("/events?kind=conference").get_data(as_text=True)
    assert "Aucun événement à venir ne correspond à ces filtres." in page


def test_event_page_shows_hosts_seats_and_a_form(client, make):
    chamber = make.partner("Chambre de commerce")
    school = make.partner("École de design")
    declined = make.partner("Association refusée")
    event = make.event(organisation=chamber, capacity=5)
    make.cohost(event, school)
    from hub.models import CoHostState

    make.cohost(event, declined, state=CoHostState.DECLINED)
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Chambre de commerce" in page and "École de design" in page
    assert "Association refusée" not in page
    assert "5 places restantes sur 5" in page
    assert 'hx-trigger="every 15s"' in page
    seats = client.hx("GET", f"/events/{event.slug}", target="seats-left")
    assert seats.get_data(as_text=True).strip().startswith('<p id="seats-left"')


def test_unpublished_event_pages_answer_404(client, make):
    event = make.event(state=EventState.PROPOSED)
    assert client.get(f"/events/{event.slug}").status_code == 404
    assert client.get(f"/events/{event.slug}.ics").status_code == 404
    assert client.get("/events/nothing-here").status_code == 404


def test_logged_in_visitor_finds_the_form_filled_in(client, make):
    user = make.user(email="lou@example.org", name="Lou Garnier")
    event = make.event()
    client.login(user.email)
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert 'value="Lou Garnier"' in page and 'value="lou@example.org"' in page


def test_registration_confirms_then_waitlists_with_a_position(client, app, make):
    event = make.event(capacity=1)
    first = register(client, event.slug, "Ana@Example.org", htmx=True)
    assert first.status_code == 200
    assert 'data-state="confirmed"' in first.get_data(as_text=True)
    second = register(client, event.slug, "ben@example.org", htmx=True)
    assert 'data-state="waitlisted" data-position="1"' in second.get_data(as_text=True)
    assert "numéro 1 sur la liste d'attente" in second.get_data(as_text=True)
    third = register(client, event.slug, "cy@example.org")
    assert third.status_code == 303
    assert third.headers["Location"] == f"/r/{token_of(app, 'cy@example.org')}"
    assert registrations(app, event) == [
        ("ana@example.org", RegistrationState.CONFIRMED),
        ("ben@example.org", RegistrationState.WAITLISTED),
        ("cy@example.org", RegistrationState.WAITLISTED),
    ]
    mails = outbox(app)
    assert [(m.recipient, m.kind) for m in mails] == [
        ("ana@example.org", "event_registration_confirmed"),
        ("ben@example.org", "event_registration_waitlisted"),
        ("cy@example.org", "event_registration_waitlisted"),
    ]
    confirmation = mails[0]
    assert confirmation.subject.startswith("Votre inscription est confirmée")
    assert f"/r/{token_of(app, 'ana@example.org')}" in confirmation.body_text
    assert [a["filename"] for a in confirmation.attachments] == [
        f"{event.slug}.ics",
        "check-in-qr-code.png",
    ]
    assert "numéro 2 sur la liste d'attente" in mails[2].body_text


def test_registration_email_is_in_the_visitors_language(client, app, make):
    event = make.event()
    client.get("/language/en")
    register(client, event.slug, "eve@example.org")
    (mail,) = outbox(app, "eve@example.org")
    assert mail.locale == "en"
    assert mail.subject.startswith("Your registration is confirmed")


def test_second_registration_with_the_same_email_resends_the_link(client, app, make):
    event = make.event(capacity=3)
    register(client, event.slug, "dan@example.org")
    again = register(client, event.slug, "DAN@example.org ", htmx=True)
    body = again.get_data(as_text=True)
    assert "Cette adresse est déjà inscrite à cet événement" in body
    assert token_of(app, "dan@example.org") not in body
    assert registrations(app, event) == [("dan@example.org", RegistrationState.CONFIRMED)]
    assert [m.kind for m in outbox(app, "dan@example.org")] == [
        "event_registration_confirmed",
        "event_registration_reminder",
    ]
    plain = register(client, event.slug, "dan@example.org")
    assert plain.status_code == 303 and plain.headers["Location"] == f"/events/{event.slug}"
    # The same answer, but no third email within ten minutes: the form cannot flood an inbox.
    assert len(outbox(app, "dan@example.org")) == 2


def test_registration_needs_a_valid_email(client, app, make):
    event = make.event()
    response = register(client, event.slug, "not-an-email")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in page
    assert registrations(app, event) == []


def test_registration_asks_no_consent_and_says_what_is_kept_why_and_how_long(
    client, app, make, settings
):
    settings(REGISTRATION_RETENTION_DAYS=90)
    event = make.event()
    form = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert "effacés 90 jours après l’événement" in form
    assert 'href="/privacy"' in form.split('id="registration"')[1]
    # The optional consent is a separate box, unticked.
    box = re.search(r'<input[^>]*name="wants_news"[^>]*>', form).group(0)
    assert "checked" not in box
    assert register(client, event.slug, "ana@example.org").status_code == 303
    assert register(client, event.slug, "ben@example.org", wants_news="y").status_code == 303
    with app.app_context():
        wants = dict(
            db.session.execute(sa.select(Registration.email, Registration.wants_news)).all()
        )
    assert wants == {"ana@example.org": False, "ben@example.org": True}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"registration_opens_at_days": 2}, "Les inscriptions ne sont pas encore ouvertes."),
        ({"registration_closes_at_days": -1}, "Les inscriptions sont closes."),
    ],
)
def test_registrations_follow_their_window(client, app, make, fields, message):
    from hub.models import utcnow

    now = utcnow()
    extra = {}
    if "registration_opens_at_days" in fields:
        extra["registration_opens_at"] = now + timedelta(days=fields["registration_opens_at_days"])
    if "registration_closes_at_days" in fields:
        extra["registration_opens_at"] = now - timedelta(days=5)
        extra["registration_closes_at"] = now + timedelta(
            days=fields["registration_closes_at_days"]
        )
    event = make.event(**extra)
    assert message in client.get(f"/events/{event.slug}").get_data(as_text=True)
    response = register(client, event.slug, "late@example.org")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert registrations(app, event) == []


def test_private_link_shows_the_registration_and_cancels_it_once(client, app, make):
    event = make.event(capacity=1)
    register(client, event.slug, "fay@example.org")
    register(client, event.slug, "gus@example.org")
    token = token_of(app, "fay@example.org")
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert "Confirmée" in page and event.title in page
    assert f"/r/{token}/qr.svg" in page
    qr = client.get(f"/r/{token}/qr.svg")
    assert qr.mimetype == "image/svg+xml" and b"<svg" in qr.data and b"style=" not in qr.data
    cancel = client.submit(f"/r/{token}/cancel")
    assert cancel.status_code == 303
    assert "Votre inscription est annulée" in client.get(f"/r/{token}").get_data(as_text=True)
    again = client.submit(f"/r/{token}/cancel")
    assert again.status_code == 303
    assert "Cette inscription était déjà annulée." in client.get(f"/r/{token}").get_data(
        as_text=True
    )
    assert registrations(app, event) == [
        ("fay@example.org", RegistrationState.CANCELLED),
        ("gus@example.org", RegistrationState.CONFIRMED),
    ]
    promoted = outbox(app, "gus@example.org")[-1]
    assert promoted.kind == "event_registration_promoted"
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == [
        "registration.confirmed",
        "registration.waitlisted",
        "registration.cancelled",
        "registration.promoted",
    ]


def test_a_wrong_token_answers_404(client):
    for path in ("/r/nope", "/r/nope.ics", "/r/nope/qr.svg"):
        assert client.get(path).status_code == 404
    assert client.submit("/r/nope/cancel").status_code == 404


def test_registration_is_rate_limited_with_a_friendly_page(client, settings, make):
    event = make.event(capacity=50)
    settings(RATELIMIT_REGISTRATION="3 per minute")
    responses = [register(client, event.slug, f"p{i}@example.org") for i in range(4)]
    assert [response.status_code for response in responses] == [303, 303, 303, 429]
    assert "Trop de tentatives" in responses[-1].get_data(as_text=True)
    assert "Retry-After" in responses[-1].headers


def test_event_calendar_parses_with_the_venue_time_zone(client, make):
    event = make.event(title="Conférence du soir")
    response = client.get(f"/events/{event.slug}.ics")
    assert response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    (item,) = calendar.walk("VEVENT")
    start = item.decoded("dtstart")
    assert start.tzinfo.key == "Europe/Paris"
    assert start == event.starts_at
    assert item.decoded("dtend") == event.ends_at
    assert str(item["summary"]) == "Conférence du soir"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert start.astimezone(ZoneInfo("UTC")) == event.starts_at


def test_calendar_descriptions_are_plain_text(client, make):
    event = make.event(
        title="Atelier tableur",
        description="Un atelier **gratuit**, *sans jargon* : [le programme](https://example.org/p)."
        "\n\n- tableaux\n- graphiques",
    )
    for path in (f"/events/{event.slug}.ics", "/events.ics"):
        (item,) = icalendar.Calendar.from_ical(client.get(path).data).walk("VEVENT")
        assert str(item["description"]) == (
            "Un atelier gratuit, sans jargon : le programme (https://example.org/p)."
            "\n\n- tableaux\n- graphiques"
        )


def test_a_cancelled_registration_offers_its_cancellation_for_the_calendar(client, app, make):
    event = make.event(title="Atelier tableur", description="Atelier **gratuit**")
    register(client, event.slug, "fay@example.org", name="Fay Martin")
    token = token_of(app, "fay@example.org")
    (before,) = icalendar.Calendar.from_ical(client.get(f"/r/{token}.ics").data).walk("VEVENT")
    assert str(before["status"]) == "CONFIRMED"
    assert str(before["description"]) == "Atelier gratuit"
    assert client.submit(f"/r/{token}/cancel").status_code == 303

    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert "télécharger l'annulation (.ics)" in page
    assert f'href="/r/{token}.ics"' in page
    response = client.get(f"/r/{token}.ics")
    assert response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"] == "private, no-store"
    calendar = icalendar.Calendar.from_ical(response.data)
    (after,) = calendar.walk("VEVENT")
    assert str(after["uid"]) == str(before["uid"]) == f"event-{event.id}@atelier-hub"
    assert str(after["status"]) == "CANCELLED"
    assert int(after["sequence"]) > int(before["sequence"])
    assert str(calendar["method"]) == "PUBLISH"

    # A short email tells the person, with the cancellation (iTIP CANCEL) for their calendar.
    (mail,) = outbox(app, "fay@example.org")[1:]
    assert mail.kind == "event_registration_cancelled"
    assert mail.subject == "Inscription annulée\u00a0: Atelier tableur"
    assert mail.body_text.startswith(
        "Bonjour Fay Martin,\n\nVotre inscription est annulée pour\u00a0:"
    )
    (attachment,) = mail.attachments
    assert attachment["filename"] == f"{event.slug}.ics"
    assert attachment["content_type"] == "text/calendar; charset=utf-8; method=CANCEL"
    invitation = icalendar.Calendar.from_ical(attachment["content"])
    assert str(invitation["method"]) == "CANCEL"
    (cancel,) = invitation.walk("VEVENT")
    assert str(cancel["uid"]) == str(before["uid"])
    assert (str(cancel["status"]), int(cancel["sequence"])) == ("CANCELLED", int(after["sequence"]))
    assert str(cancel["attendee"]) == "mailto:fay@example.org"
    assert str(cancel["organizer"]).startswith("mailto:")
    # Cancelling again sends nothing more.
    client.submit(f"/r/{token}/cancel")
    assert len(outbox(app, "fay@example.org")) == 2


def test_agenda_calendar_lists_every_upcoming_published_event(client, make):
    space = make.space()
    first = make.event(space, title="Premier")
    second = make.event(space, title="Second", starts_in=timedelta(days=9))
    make.event(space, title="Brouillon", state=EventState.DRAFT, starts_in=timedelta(days=12))
    calendar = icalendar.Calendar.from_ical(client.get("/events.ics").data)
    items = calendar.walk("VEVENT")
    assert [str(item["summary"]) for item in items] == ["Premier", "Second"]
    assert [item.decoded("dtstart") for item in items] == [first.starts_at, second.starts_at]


def test_host_events_partial_lists_a_partners_upcoming_events(app, make):
    from flask import render_template

    from hub.domain.events.queries import upcoming_events_for_host
    from hub.models import Organisation

    chamber = make.partner("Chambre de commerce")
    make.event(organisation=chamber, title="Conférence de la Chambre")
    with app.test_request_context():
        organisation = db.session.get(Organisation, chamber.id)
        html = render_template(
            "events/_host_events.html", host_events=upcoming_events_for_host(organisation)
        )
        empty = render_template("events/_host_events.html", host_events=[])
    assert "Conférence de la Chambre" in html and "Atelier" in html
    assert "Aucun événement à venir pour le moment." in empty


def test_the_event_page_for_a_new_visitor_sets_no_cookie_and_loads_the_form_from_its_address(
    client, make
):
    event = make.event()
    page = client.get(f"/events/{event.slug}")
    html = page.get_data(as_text=True)
    assert page.headers.get("Set-Cookie") is None
    assert "csrf_token" not in html and "X-CSRFToken" not in html
    assert f'hx-get="/events/{event.slug}/register" hx-trigger="load"' in html
    assert f'href="/events/{event.slug}/register#registration"' in html  # without JavaScript

    form = client.hx("GET", f"/events/{event.slug}/register", target="registration")
    fragment = form.get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="registration"')
    assert 'name="csrf_token"' in fragment
    assert "hub_session=" in form.headers["Set-Cookie"]

    plain = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert "<html" in plain and 'name="csrf_token"' in plain


def test_agenda_offers_only_cities_and_months_that_have_events(client, make):
    rennes = make.space(venue_slug="rennes")
    make.space(venue_slug="nancy")  # a venue with no event: never offered
    make.event(title="Conférence IA", kind=EventKind.CONFERENCE, starts_in=timedelta(days=3))
    make.event(rennes, title="Atelier à Rennes", starts_in=timedelta(days=70))
    make.event(
        rennes, title="Atelier annulé", starts_in=timedelta(days=130), state=EventState.CANCELLED
    )
    soon = month_from_now(client.application, days=3)
    later = month_from_now(client.application, days=70)

    def offered(query=""):
        html = client.get(f"/events?{query}").text
        venues = re.findall(r'href="/events\?(?:[^"]*&amp;)?venue=([\w-]+)', html)
        months = re.findall(r'href="/events\?(?:[^"]*&amp;)?month=([\d-]+)', html)
        return sorted(set(venues)), sorted(set(months))

    assert offered() == (["rennes", "saint-etienne"], sorted({soon, later}))
    # Each choice follows the other filters: no city or month that would show nothing.
    assert offered("kind=conference") == (["saint-etienne"], [soon])
    assert offered("venue=rennes") == (["rennes", "saint-etienne"], [later])
    # A chosen month stays offered, to be seen and removed, even when nothing is left in it.
    assert offered("kind=conference&month=2031-05") == ([], sorted(["2031-05", soon]))


def test_a_registration_by_htmx_also_refreshes_the_seats_left(client, make):
    event = make.event(capacity=3)
    make.registration(event)
    answer = register(client, event.slug, "ana@example.org", htmx=True).get_data(as_text=True)
    assert 'data-state="confirmed"' in answer
    seats = re.search(r'<p id="seats-left"[^>]*>\s*(.*?)\s*</p>', answer, re.S)
    assert 'hx-swap-oob="true"' in seats.group(0)
    assert seats.group(1) == "1 place restante sur 3"
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "1 place restante sur 3" in page and "hx-swap-oob" not in page


def test_a_past_full_event_says_one_thing_only(client, make):
    event = make.event(capacity=1, starts_in=timedelta(days=-1))
    make.registration(event)
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Cet événement a commencé\u00a0: les inscriptions sont closes." in page
    assert "Complet" not in page
    assert 'id="seats-left"' not in page


def test_a_cancelled_event_says_so_once(client, make):
    from hub.models import EventState

    event = make.event(state=EventState.CANCELLED)
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert page.count("Cet événement est annulé.") == 1
    assert "places restantes" not in page


def month_from_now(app, days: int) -> str:
    """The month ("2027-03") of the moment `days` from now, as the agenda counts months: in
    the display time zone, where an evening at the end of a month is already the next one."""
    moment = datetime.now(UTC) + timedelta(days=days)
    return moment.astimezone(ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])).strftime("%Y-%m")


def agenda_facts(client, query: str) -> tuple[str, list[str], list[str], set[str]]:
    """The agenda's heading, the cities and months it offers, and the titles it lists."""
    html = client.get(f"/events?{query}").text
    heading = re.search(r'<h2 id="results-heading">([^<]+)</h2>', html).group(1)
    venues = re.findall(r'href="/events\?(?:[^"]*&amp;)?venue=([\w-]+)', html)
    months = re.findall(r'href="/events\?(?:[^"]*&amp;)?month=([\d-]+)', html)
    titles = set(re.findall(r'<a href="/events/[^"]+">([^<]+)</a>', html))
    return heading, sorted(set(venues)), sorted(set(months)), titles


def test_an_event_published_shows_at_once_in_the_agendas_filters_and_count(client, make, app):
    from hub.domain.events.decisions import publish_event
    from hub.models import Event

    make.event(title="Conférence IA", kind=EventKind.CONFERENCE, starts_in=timedelta(days=3))
    proposed = make.event(
        make.space(venue_slug="rennes"),
        title="Atelier à Rennes",
        starts_in=timedelta(days=70),
        state=EventState.PROPOSED,
    )
    soon = month_from_now(client.application, days=3)
    later = month_from_now(client.application, days=70)
    # Each address is new, so no page is served from the cache: only the kept index could be.
    assert agenda_facts(client, "n=1") == (
        "1 événement à venir",
        ["saint-etienne"],
        [soon],
        {"Conférence IA"},
    )
    assert agenda_facts(client, "kind=workshop&n=1")[0] == "0 événement à venir"

    staff = make.staff()
    with app.app_context():
        publish_event(db.session.get(type(staff), staff.id), db.session.get(Event, proposed.id))
        db.session.commit()

    assert agenda_facts(client, "n=2") == (
        "2 événements à venir",
        ["rennes", "saint-etienne"],
        sorted({soon, later}),
        {"Conférence IA", "Atelier à Rennes"},
    )
    assert agenda_facts(client, "kind=workshop&n=2") == (
        "1 événement à venir",
        ["rennes"],
        [later],
        {"Atelier à Rennes"},
    )
    assert agenda_facts(client, f"month={later}&n=2")[3] == {"Atelier à Rennes"}


def test_an_event_leaves_the_agenda_when_it_ends_though_nothing_else_changed(
    client, make, monkeypatch
):
    from hub.domain.events import queries
    from hub.models import utcnow

    make.event(title="Atelier du matin", starts_in=timedelta(hours=1))
    make.event(title="Atelier de demain", starts_in=timedelta(days=1))
    assert agenda_facts(client, "n=1")[3] == {"Atelier du matin", "Atelier de demain"}
    later = utcnow() + timedelta(hours=5)
    monkeypatch.setattr(queries, "utcnow", lambda: later)
    heading, _, _, titles = agenda_facts(client, "n=2")
    assert (heading, titles) == ("1 événement à venir", {"Atelier de demain"})
    heading, _, _, titles = agenda_facts(client, "kind=workshop&n=2")
    assert (heading, titles) == ("1 événement à venir", {"Atelier de demain"})


def test_a_new_agenda_address_costs_one_query_once_the_index_is_kept(app, client, make):
    rennes = make.space(venue_slug="rennes")
    for day in range(1, 25):
        make.event(rennes if day % 2 else None, starts_in=timedelta(days=day, hours=day % 5))
    assert client.get("/events?n=0").status_code == 200  # reads the index
    for query in ("kind=workshop&n=1", "venue=rennes&n=1", "page=2&n=1", "n=1"):
        with counted_statements(app) as statements:
            assert client.get(f"/events?{query}").status_code == 200
        # Not counted: BEGIN, and the content counter (read once a second, test speed varies).
        queries = [s for s in statements if s != "BEGIN" and "content_version" not in s]
        assert len(queries) == 1, queries  # the page's cards and their seats
