"""A stand's card and page: the QR code, interest, an email left by choice, leads downloaded."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import sqlalchemy as sa

from hub.extensions import db
from hub.models import ApplicationState, Innovation, Lead


def stand_world(make, *, starts_in=timedelta(hours=-1)):
    owner = make.user()
    startup = make.startup(owner=owner, name="Kiosque")
    innovation = make.innovation(startup, title="Borne civique")
    slot = make.slot(starts_in=starts_in, deadline_in=timedelta(days=-2))
    application = make.application(
        slot, startup, innovation=innovation, state=ApplicationState.CONFIRMED
    )
    make.placement(application, make.stand(slot, "A1"), None)
    return owner, startup, slot, application


def test_a_visitor_says_they_are_interested_then_leaves_their_email(client, make, app):
    _owner, _startup, slot, application = stand_world(make)
    url = f"/demo-days/{slot.id}/stands/{application.id}"
    page = client.get(url)
    assert page.status_code == 200
    assert "<strong>Stand A1</strong>" in page.text
    assert "Votre e-mail" not in page.text  # the email is offered only after the choice

    answer = client.hx("POST", f"{url}/interest", target="interest")
    assert answer.status_code == 200
    assert "Laisser votre e-mail à Kiosque\u202f? C’est vous qui choisissez." in answer.text
    client.hx("POST", f"{url}/interest", target="interest")  # a second press counts once
    with app.app_context():
        assert db.session.get(Innovation, application.innovation_id).interest_count == 1

    refused = client.hx(
        "POST", f"{url}/email", target="interest", data={"email": "ana@example.org"}
    )
    assert refused.status_code == 422
    assert 'value="ana@example.org"' in refused.text
    assert "Cochez la case pour accepter." in refused.text

    left = client.hx(
        "POST", f"{url}/email", target="interest", data={"email": "ana@example.org", "consent": "y"}
    )
    assert left.status_code == 200
    assert "Merci\u00a0: Kiosque vous écrira." in left.text
    with app.app_context():
        assert db.session.scalars(sa.select(Lead.email)).all() == ["ana@example.org"]


def test_without_javascript_interest_and_email_redirect_back_to_the_stand(client, make, app):
    _owner, _startup, slot, application = stand_world(make)
    url = f"/demo-days/{slot.id}/stands/{application.id}"
    assert client.submit(f"{url}/interest").status_code == 303
    assert "Laisser votre e-mail" in client.get(url).text
    sent = client.submit(f"{url}/email", {"email": "bob@example.org", "consent": "y"})
    assert sent.status_code == 303
    assert sent.headers["Location"] == url


def test_the_stand_qr_code_carries_the_public_address(client, make):
    _owner, _startup, slot, application = stand_world(make)
    svg = client.get(f"/demo-days/{slot.id}/stands/{application.id}/qr.svg")
    assert svg.status_code == 200
    assert svg.headers["Content-Type"] == "image/svg+xml"
    assert svg.text.startswith("<svg")


def test_a_stand_of_a_startup_not_confirmed_is_not_found(client, make):
    slot = make.slot()
    accepted = make.application(slot, state=ApplicationState.ACCEPTED)
    assert client.get(f"/demo-days/{slot.id}/stands/{accepted.id}").status_code == 404
    assert client.get(f"/demo-days/{slot.id}/stands/{accepted.id}/qr.svg").status_code == 404
    assert client.submit(f"/demo-days/{slot.id}/stands/{accepted.id}/interest").status_code == 404


def test_staff_print_one_card_per_placed_startup(client, make):
    _owner, _startup, slot, application = stand_world(make)
    client.login(make.staff().email)
    page = client.get(f"/staff/showcase/slots/{slot.id}/programme/cards")
    assert page.status_code == 200
    assert page.text.count('class="stand-card"') == 1
    assert f"http://localhost/demo-days/{slot.id}/stands/{application.id}" in page.text


def test_the_founder_downloads_the_leads_as_csv_and_xlsx(client, make, app):
    owner, startup, slot, application = stand_world(make)
    client.submit(
        f"/demo-days/{slot.id}/stands/{application.id}/email",
        {"email": "=cmd@example.org", "consent": "y"},
    )
    client.login(owner.email)
    page = client.get(f"/manage/{startup.slug}/applications/{application.id}")
    assert "1 visiteur vous a laissé son e-mail." in page.text
    url = f"/manage/{startup.slug}/applications/{application.id}/leads"
    download = client.get(f"{url}.csv")
    assert download.status_code == 200
    rows = list(csv.reader(io.StringIO(download.text.lstrip("\ufeff"))))
    assert rows[0] == ["E-mail", "Laissé le", "A accepté"]
    assert rows[1][0] == "'=cmd@example.org"  # never run as a formula
    assert rows[1][2].startswith("J’accepte que Kiosque reçoive")
    xlsx = client.get(f"{url}.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.data[:2] == b"PK"


def test_leads_before_the_day_or_of_another_startup_are_refused(client, make):
    owner, startup, _slot, application = stand_world(make, starts_in=timedelta(days=3))
    client.login(owner.email)
    early = client.get(f"/manage/{startup.slug}/applications/{application.id}/leads.csv")
    assert early.status_code == 422
    assert "Les contacts se téléchargent une fois le démo day commencé." in early.text
    stranger = make.user()
    other = make.startup(owner=stranger)
    client.logout()
    client.login(stranger.email)
    foreign = client.get(f"/manage/{other.slug}/applications/{application.id}/leads.csv")
    assert foreign.status_code == 404
