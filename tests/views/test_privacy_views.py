"""Personal data in the pages: when an event's data is erased, the person's own data page,
their download, correction and erasure by emailed confirmation."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from hub.extensions import db
from hub.models import Membership, Registration, RegistrationState, User, utcnow
from tests.support import DEFAULT_PASSWORD, emails

DAY = timedelta(days=1)


@pytest.fixture
def host(make):
    owner = make.user(email="alice@cci.example", name="Alice Chambre")
    return owner, make.partner("Chambre de commerce", owner=owner)


def ended(make, organisation, days_ago: float):
    """An event of `organisation` that ended `days_ago` days ago (2 hours long)."""
    start = (utcnow() - timedelta(days=days_ago) - timedelta(hours=2)).replace(microsecond=0)
    return make.event(organisation=organisation, starts_at=start)


def test_hosts_export_attendees_until_the_retention_date_and_not_after(client, make, host):
    owner, chamber = host
    recent = ended(make, chamber, days_ago=89)
    old = ended(make, chamber, days_ago=91)
    for event in (recent, old):
        make.registration(event, name="Zoé Martin", email="zoe@example.org")
    client.login(owner.email)

    export = client.get(f"/account/events/{recent.id}/attendees.csv")
    assert export.status_code == 200
    assert "Zoé Martin" in export.get_data(as_text=True)
    page = client.get(f"/account/events/{recent.id}").get_data(as_text=True)
    assert f"/account/events/{recent.id}/attendees.csv" in page
    assert "seront effacés le" in page

    refused = client.get(f"/account/events/{old.id}/attendees.csv")
    assert refused.status_code == 303
    assert refused.headers["Location"].endswith(f"/account/events/{old.id}")
    page = client.get(f"/account/events/{old.id}").get_data(as_text=True)
    assert "rien à exporter" in page
    assert f"/account/events/{old.id}/attendees.csv" not in page
    assert "ont été effacés le" in page


def test_staff_see_when_each_events_personal_data_is_erased(client, make, settings):
    settings(REGISTRATION_RETENTION_DAYS=90)
    staff = make.staff()
    event = make.event(starts_at=datetime(2031, 5, 4, 8, 0, tzinfo=UTC))
    client.login(staff.email)
    page = client.get("/staff/events").get_data(as_text=True)
    assert "Données personnelles effacées le" in page
    assert "2 août 2031" in page  # 90 days after 4 May, 10:00 Paris time
    assert event.title in page


# --- A person's data from a private link ------------------------------------------------------


def registration_rows(app, email: str | None = None) -> list[Registration]:
    with app.app_context():
        query = sa.select(Registration).order_by(Registration.id)
        if email:
            query = query.where(Registration.email == email)
        rows = db.session.scalars(query).all()
        db.session.expunge_all()
        return rows


@pytest.fixture
def ana(make):
    """Ana registered to two events (feedback on the past one); Ben to one of them."""
    past = make.event(title="Tableur pour tous", starts_at=utcnow() - 3 * DAY)
    coming = make.event(title="Sécurité en ligne", capacity=1)
    came = make.registration(
        past, email="ana@example.org", name="Ana Lpz", state=RegistrationState.ATTENDED
    )
    make.feedback(came, rating=5, comment="Très utile")
    seat = make.registration(coming, email="ana@example.org", name="Ana Lpz")
    make.registration(past, email="ben@example.org", name="Ben Other")
    waiting = make.registration(
        coming, email="cleo@example.org", name="Cléo", state=RegistrationState.WAITLISTED
    )
    return {"came": came, "seat": seat, "waiting": waiting, "coming": coming}


def test_a_private_link_shows_everything_held_under_its_address(client, ana):
    page = client.get(f"/r/{ana['seat'].token}/data")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    text = page.get_data(as_text=True)
    assert "Tableur pour tous" in text and "Sécurité en ligne" in text
    assert "Très utile" in text
    assert "Ben Other" not in text and "Cléo" not in text


def test_the_download_holds_exactly_the_persons_data(client, ana):
    response = client.get(f"/r/{ana['came'].token}/data.json")
    assert response.headers["Content-Disposition"] == 'attachment; filename="my-data.json"'
    data = json.loads(response.get_data(as_text=True))
    assert data["email"] == "ana@example.org"
    assert [
        (row["event"], row["name"], row["email"], row["state"]) for row in data["registrations"]
    ] == [
        ("Sécurité en ligne", "Ana Lpz", "ana@example.org", "confirmed"),
        ("Tableur pour tous", "Ana Lpz", "ana@example.org", "attended"),
    ]
    assert data["registrations"][0]["feedback"] is None
    assert {k: v for k, v in data["registrations"][1]["feedback"].items() if k != "at"} == {
        "rating": 5,
        "comment": "Très utile",
    }
    assert "ben@example.org" not in json.dumps(data) and "cleo" not in json.dumps(data)
    readable = client.get(f"/r/{ana['came'].token}/data.html")
    assert readable.headers["Content-Disposition"] == 'attachment; filename="my-data.html"'
    assert "Très utile" in readable.get_data(as_text=True)
    assert "Ben Other" not in readable.get_data(as_text=True)


def test_the_person_corrects_their_name_on_every_registration(client, app, ana):
    empty = client.submit(f"/r/{ana['seat'].token}/data/name", {"name": "  "})
    assert empty.status_code == 422
    assert "Indiquez votre nom." in empty.get_data(as_text=True)
    done = client.submit(f"/r/{ana['seat'].token}/data/name", {"name": "Ana López"})
    assert done.status_code == 303
    assert [row.name for row in registration_rows(app, "ana@example.org")] == ["Ana López"] * 2
    assert [row.name for row in registration_rows(app, "ben@example.org")] == ["Ben Other"]


def test_erasure_needs_the_link_emailed_to_the_address_not_a_forwarded_private_link(
    client, app, ana
):
    # Whoever holds the private link can only ask: the link goes to the address.
    asked = client.submit(f"/r/{ana['seat'].token}/data/erase")
    assert asked.status_code == 303
    assert len(registration_rows(app, "ana@example.org")) == 2
    [mail] = emails(app, kind="privacy_erasure_confirm")
    assert mail.recipient == "ana@example.org"
    link = re.search(r"http://localhost(/privacy/erase/\S+)", mail.body_text).group(1)
    # A made-up or altered confirmation link erases nothing.
    forged = client.submit("/privacy/erase/" + ana["seat"].token)
    assert forged.status_code == 422
    assert client.submit(link[:-3] + "abc").status_code == 422
    assert len(registration_rows(app, "ana@example.org")) == 2
    # Opening the emailed link shows what will go, and writes nothing.
    confirm = client.get(link)
    assert "Tableur pour tous" in confirm.get_data(as_text=True)
    assert len(registration_rows(app, "ana@example.org")) == 2

    erased = client.submit(link)

    assert erased.status_code == 200
    assert "2 inscriptions ont été effacées" in erased.get_data(as_text=True)
    assert registration_rows(app, "ana@example.org") == []
    came, seat = (
        next(row for row in registration_rows(app) if row.id == ana[key].id)
        for key in ("came", "seat")
    )
    assert (came.name, came.email, came.state) == (
        "",
        f"erased-{came.id}@invalid",
        RegistrationState.ATTENDED,
    )
    assert seat.state == RegistrationState.CANCELLED and seat.erased_at is not None
    # The freed seat went to the waiting list, as a cancellation does.
    [cleo] = registration_rows(app, "cleo@example.org")
    assert cleo.state == RegistrationState.CONFIRMED
    assert [row.name for row in registration_rows(app, "ben@example.org")] == ["Ben Other"]
    assert client.get(f"/r/{ana['seat'].token}/data").status_code == 404
    with app.app_context():
        from hub.models import AuditEntry, Feedback

        assert db.session.scalar(sa.select(sa.func.count()).select_from(Feedback)) == 0
        trail = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "registration.erased")
        ).all()
        assert sorted(entry.target_id for entry in trail) == sorted([came.id, seat.id])
        assert all(entry.details == {} for entry in trail)


# --- Staff answer a request by post or phone --------------------------------------------------


def test_staff_find_export_and_erase_an_address_with_an_audit_entry_without_the_data(
    client, app, make, ana
):
    staff = make.staff()
    client.login(staff.email)
    found = client.get("/staff/privacy?email=ANA@example.org ").get_data(as_text=True)
    assert "Tableur pour tous" in found and "Sécurité en ligne" in found
    assert "Ben Other" not in found
    export = client.get("/staff/privacy/data.json?email=ana@example.org")
    assert export.headers["Content-Disposition"] == 'attachment; filename="personal-data.json"'
    data = json.loads(export.get_data(as_text=True))
    assert [row["email"] for row in data["registrations"]] == ["ana@example.org"] * 2

    erased = client.submit("/staff/privacy/erase", {"email": "ana@example.org"})

    assert erased.status_code == 303
    assert registration_rows(app, "ana@example.org") == []
    [cleo] = registration_rows(app, "cleo@example.org")
    assert cleo.state == RegistrationState.CONFIRMED
    with app.app_context():
        from hub.models import AuditEntry

        trail = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.target_type == "registrations")
        ).all()
        erasures = [entry for entry in trail if entry.action == "registration.erased"]
        assert [entry.actor_id for entry in erasures] == [staff.id, staff.id]
        assert all("ana" not in json.dumps(entry.details).lower() for entry in trail)
    after = client.get("/staff/privacy?email=ana@example.org").get_data(as_text=True)
    assert "Plus rien n’est conservé sous ana@example.org." in after


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/staff/privacy?email=ana@example.org"),
        ("get", "/staff/privacy/data.json?email=ana@example.org"),
        ("post", "/staff/privacy/erase"),
    ],
)
def test_only_staff_answer_requests(client, app, make, ana, method, url):
    member = make.user()
    client.login(member.email)
    if method == "get":
        assert client.get(url).status_code == 404
    else:
        assert client.submit(url, {"email": "ana@example.org"}).status_code == 404
    assert len(registration_rows(app, "ana@example.org")) == 2


# --- Account holders -----------------------------------------------------------------------------


def test_an_account_holder_sees_downloads_corrects_and_erases_their_data(client, app, make, ana):
    user = make.user(email="ana@example.org", name="Ana Lpz")
    make.partner("Fab Lab", owner=make.user(), members=(user,))
    client.login(user.email)
    assert "/account/data" in client.get("/account/").get_data(as_text=True)
    page = client.get("/account/data").get_data(as_text=True)
    assert "Fab Lab" in page and "Tableur pour tous" in page and "Ben Other" not in page
    data = json.loads(client.get("/account/data.json").get_data(as_text=True))
    assert data["account"]["email"] == "ana@example.org"
    assert data["account"]["organisations"] == [{"name": "Fab Lab", "role": "member"}]
    assert len(data["registrations"]) == 2

    assert client.submit("/account/data/name", {"name": "Ana López"}).status_code == 303
    assert [row.name for row in registration_rows(app, "ana@example.org")] == ["Ana López"] * 2

    assert client.submit("/account/data/erase").status_code == 303
    assert registration_rows(app, "ana@example.org") == []
    [cleo] = registration_rows(app, "cleo@example.org")
    assert cleo.state == RegistrationState.CONFIRMED


def test_closing_an_account_is_refused_to_the_owner_until_handed_over(client, app, make):
    owner = make.user(email="owner@example.org")
    colleague = make.user()
    make.startup("Robotique", owner=owner, members=(colleague,))
    client.login(owner.email)
    page = client.get("/account/data").get_data(as_text=True)
    assert "Vous êtes propriétaire de Robotique" in page
    refused = client.submit("/account/close", {"password": DEFAULT_PASSWORD})
    assert refused.status_code == 422
    assert "Vous êtes propriétaire de Robotique" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, owner.id).email == "owner@example.org"


def test_the_only_member_of_an_organisation_cannot_close_either(client, make):
    alone = make.user()
    make.partner("Solo", owner=alone)
    client.login(alone.email)
    page = client.get("/account/data").get_data(as_text=True)
    assert "Vous êtes le seul membre de Solo" in page


def test_closing_an_account_erases_it_and_logs_out(client, app, make, ana):
    user = make.user(email="ana@example.org", name="Ana Lpz")
    make.partner("Fab Lab", owner=make.user(), members=(user,))
    client.login(user.email)
    wrong = client.submit("/account/close", {"password": "not it"})
    assert wrong.status_code == 422
    assert "Ce mot de passe n’est pas le bon." in wrong.get_data(as_text=True)

    closed = client.submit("/account/close", {"password": DEFAULT_PASSWORD})

    assert closed.status_code == 303
    with app.app_context():
        account = db.session.get(User, user.id)
        assert (account.name, account.email, account.is_active) == (
            "",
            f"closed-{user.id}@invalid",
            False,
        )
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Membership)
                .where(Membership.user_id == user.id)
            )
            == 0
        )
    assert registration_rows(app, "ana@example.org") == []
    assert client.get("/account/data").status_code == 302  # logged out
    again = client.submit("/auth/login", {"email": "ana@example.org", "password": DEFAULT_PASSWORD})
    assert again.status_code == 422


# --- Pages a public service must publish --------------------------------------------------------


def test_the_privacy_notice_reads_periods_and_dpo_from_the_settings_in_french_and_english(
    client, settings
):
    settings(REGISTRATION_RETENTION_DAYS=60, DPO_CONTACT="dpo@saint-etienne.example")
    french = client.get("/privacy").get_data(as_text=True)
    assert "60 jours après l’événement" in french
    assert "365 jours après l’événement" in french
    assert "1 heure après l’envoi" in french  # password reset links
    assert "dpo@saint-etienne.example" in french
    assert "Base légale" in french
    english = client.get("/privacy?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "60 days after the event" in english and "7 days after signing up" in english
    assert "Legal basis" in english


def test_the_accessibility_statement_follows_the_rgaa_form(client, settings):
    settings(ACCESSIBILITY_CONTACT="a11y@saint-etienne.example")
    french = client.get("/accessibility").get_data(as_text=True)
    for heading in (
        "État de conformité",
        "Résultats des tests",
        "Contenus non accessibles",
        "Établissement de cette déclaration d’accessibilité",
        "Retour d’information et contact",
        "Voies de recours",
    ):
        assert f">{heading}</h2>" in french
    assert "partiellement conforme" in french and "a11y@saint-etienne.example" in french
    assert "27 novembre 2026" in french
    english = client.get("/accessibility?lang=en").get_data(as_text=True)
    assert ">Compliance status</h2>" in english


def test_every_page_links_both_pages_from_the_footer(client):
    footer = client.get("/events").get_data(as_text=True).split("<footer")[1]
    assert 'href="/privacy"' in footer
    assert "Accessibilité\u00a0: partiellement conforme" in footer
    assert 'href="/accessibility"' in footer


def test_the_optional_news_consent_is_withdrawn_from_the_private_link(client, app, make):
    event = make.event()
    other = make.event()
    for target in (event, other):
        client.submit(
            f"/events/{target.slug}/register",
            {"name": "Ana", "email": "ana@example.org", "wants_news": "y"},
        )
    [first, second] = registration_rows(app, "ana@example.org")
    assert (first.wants_news, second.wants_news) == (True, True)
    page = client.get(f"/r/{first.token}/data").get_data(as_text=True)
    assert "Nouvelles des prochaines formations" in page
    assert client.submit(f"/r/{first.token}/data/news").status_code == 303
    assert [row.wants_news for row in registration_rows(app, "ana@example.org")] == [False, False]
    page = client.get(f"/r/{first.token}/data").get_data(as_text=True)
    assert "Nouvelles des prochaines formations" not in page


def test_an_empty_address_finds_and_erases_nothing(client, app, make):
    event = make.event()
    make.registration(event, name="Sans adresse", email="")
    client.login(make.staff().email)
    assert "Sans adresse" not in client.get("/staff/privacy?email=").get_data(as_text=True)
    client.submit("/staff/privacy/erase", {"email": " "})
    assert [row.name for row in registration_rows(app)] == ["Sans adresse"]


def test_contacts_left_at_a_demo_day_are_part_of_a_persons_data(client, app, make):
    from hub.models import ApplicationState, Lead

    startup = make.startup("Robotique Loire", owner=make.user())
    slot = make.slot(theme="Démonstrations de printemps")
    application = make.application(slot, startup, state=ApplicationState.CONFIRMED)
    with app.app_context():
        db.session.add(
            Lead(
                application_id=application.id,
                slot_id=slot.id,
                email="ana@example.org",
                consent="Oui",
            )
        )
        db.session.commit()
    client.login(make.staff().email)
    found = client.get("/staff/privacy?email=ana@example.org").get_data(as_text=True)
    assert "Robotique Loire — Démonstrations de printemps" in found
    data = json.loads(
        client.get("/staff/privacy/data.json?email=ana@example.org").get_data(as_text=True)
    )
    assert [(c["startup"], c["demo_day"]) for c in data["demo_day_contacts"]] == [
        ("Robotique Loire", "Démonstrations de printemps")
    ]
    client.submit("/staff/privacy/erase", {"email": "ana@example.org"})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Lead)) == 0
