"""The figures pages: who sees which figures, filters, downloads, the report, feedback pages."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hub.extensions import db
from hub.models import ApplicationState, Feedback, RegistrationState, SlotStatus, utcnow
from tests.support import lately


def past(days: int = 3):
    return utcnow().replace(second=0, microsecond=0) - timedelta(days=days)


@pytest.fixture
def two_partners(make):
    """Two partners, each with a past event of its own; only the first one's drew people."""
    alice, bob = make.user(), make.user()
    mine = make.partner("Médiathèque Loire", owner=alice)
    theirs = make.partner("Chambre de commerce", owner=bob)
    own = make.event(organisation=mine, title="Atelier tablette", capacity=5, starts_at=past())
    other = make.event(organisation=theirs, title="Export et douane", capacity=9,
                       starts_at=past(4))  # fmt: skip
    for state in (RegistrationState.ATTENDED, RegistrationState.ATTENDED,
                  RegistrationState.CONFIRMED):  # fmt: skip
        make.registration(own, state=state)
    for _n in range(7):
        make.registration(other, state=RegistrationState.ATTENDED)
    return alice, bob, mine, theirs, own, other


def figure(html: str, key: str) -> str:
    """The value shown for a headline figure (its <dd>)."""
    start = html.index(f'id="figure-{key}"')
    return html[html.index("<dd>", start) + 4 : html.index("</dd>", start)]


# --- Who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/staff/figures", "/staff/figures/report", "/staff/figures.csv", "/staff/figures.xlsx"],
)
def test_staff_figures_are_for_staff_only(client, make, url):
    assert client.get(url).status_code == 302  # to the login page
    client.login(make.user().email)
    assert client.get(url).status_code == 404
    client.logout()
    client.login(make.staff().email)
    assert client.get(url).status_code == 200


def test_staff_see_every_event_and_filter_by_partner(client, make, two_partners):
    *_, _mine, theirs, _own, _other = two_partners
    client.login(make.staff().email)
    html = client.get(f"/staff/figures?{lately()}").get_data(as_text=True)
    assert (figure(html, "events"), figure(html, "registrations")) == ("2", "10")
    assert (figure(html, "seats"), figure(html, "attended")) == ("14", "9")
    assert figure(html, "attendance_rate") == "90\u00a0%"  # 9 of the 10 seats held
    assert figure(html, "people") == "9"
    html = client.get(f"/staff/figures?{lately()}&partner={theirs.slug}").get_data(as_text=True)
    assert (figure(html, "events"), figure(html, "registrations")) == ("1", "7")


def test_a_partner_sees_only_the_events_it_hosted(client, two_partners):
    alice, _bob, _mine, theirs, _own, _other = two_partners
    client.login(alice.email)
    response = client.get(f"/account/figures?{lately()}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (figure(html, "events"), figure(html, "registrations")) == ("1", "3")
    assert "Chambre de commerce" not in html
    # Another organisation's figures answer 404, and a partner filter is not theirs to set.
    assert client.get(f"/account/figures?org={theirs.slug}").status_code == 404
    assert client.get(f"/account/figures.csv?org={theirs.slug}").status_code == 404
    assert client.get(f"/account/figures/report?org={theirs.slug}").status_code == 404
    html = client.get(f"/account/figures?{lately()}&partner={theirs.slug}").get_data(as_text=True)
    assert figure(html, "registrations") == "3"
    rows = list(csv.reader(io.StringIO(client.get(f"/account/figures.csv?{lately()}&table=partners")
                                       .get_data(as_text=True).lstrip("\ufeff"))))  # fmt: skip
    assert [row[0] for row in rows[1:]] == ["Médiathèque Loire"]


def test_a_cohost_sees_the_cohosted_event(client, make, two_partners):
    _alice, bob, _mine, theirs, own, _other = two_partners
    make.cohost(own, theirs)
    client.login(bob.email)
    html = client.get(f"/account/figures?{lately()}").get_data(as_text=True)
    assert (figure(html, "events"), figure(html, "registrations")) == ("2", "10")


def test_a_startup_sees_its_demo_days_and_interest(client, make):
    owner = make.user()
    startup = make.startup("Capteurs du Forez", owner=owner)
    innovation = make.innovation(startup, "Sonde d'humidité")
    other = make.innovation(title="Vélo cargo")
    slot = make.slot(starts_at=past(), status=SlotStatus.CLOSED)
    make.application(slot, startup, innovation=innovation, state=ApplicationState.CONFIRMED)
    for item in (innovation, innovation, other):
        client.post(f"/innovations/{item.slug}/interest",
                    headers={"X-CSRFToken": client.csrf_token()})  # fmt: skip
        client.delete_cookie("hub_interested")
    client.login(owner.email)
    html = client.get(f"/account/figures?{lately()}").get_data(as_text=True)
    assert (figure(html, "demo_days"), figure(html, "interest")) == ("1", "2")
    assert "Sonde d&#39;humidité" in html and "Vélo cargo" not in html
    assert 'id="figure-registrations"' not in html


def test_a_member_of_no_partner_or_startup_is_told_so(client, make):
    client.login(make.user().email)
    response = client.get("/account/figures")
    assert response.status_code == 200
    assert 'id="figures"' not in response.get_data(as_text=True)
    assert client.get("/account/figures.csv").status_code == 404


# --- Filters, htmx, bad dates ---------------------------------------------------------------


def test_an_htmx_filter_answers_the_figures_region_only(client, make, two_partners):
    client.login(make.staff().email)
    response = client.hx("GET", f"/staff/figures?{lately()}&audience=residents", target="figures")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="figures">') and "<html" not in html
    assert "HX-Request" in response.headers["Vary"]


def test_dates_that_cannot_be_read_are_refused_beside_the_field(client, make):
    client.login(make.staff().email)
    response = client.get("/staff/figures?period=custom&first=2026-03-10&last=2026-02-01")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="figures-last-error"' in html
    assert 'value="2026-03-10"' in html and 'value="2026-02-01"' in html  # kept as typed
    # Unreadable values are forgiven: this month is shown.
    assert client.get("/staff/figures?period=nonsense&first=hier").status_code == 200


def test_pages_have_no_inline_style_or_script(client, make, two_partners):
    client.login(make.staff().email)
    for url in (f"/staff/figures?{lately()}", f"/staff/figures/report?{lately()}"):
        html = client.get(url).get_data(as_text=True)
        assert " style=" not in html and "<style" not in html
        assert "<script>" not in html and " on" + "click=" not in html
        assert html.count("<svg") == 3 and html.count("<table") >= 3


def test_a_worker_reuses_figures_it_has_just_computed_for_a_minute(
    client, make, two_partners, settings
):
    *_, own, _other = two_partners
    client.login(make.staff().email)
    settings(FIGURES_CACHE_SECONDS=60)
    url = f"/staff/figures?{lately()}&audience=everyone"
    assert figure(client.get(url).get_data(as_text=True), "registrations") == "10"
    make.registration(own)
    assert figure(client.get(url).get_data(as_text=True), "registrations") == "10"
    settings(FIGURES_CACHE_SECONDS=0)
    assert figure(client.get(url).get_data(as_text=True), "registrations") == "11"


# --- Downloads and the report -----------------------------------------------------------------


def test_each_table_downloads_as_csv_and_all_of_them_as_a_workbook(client, make, two_partners):
    client.login(make.staff().email)
    response = client.get(f"/staff/figures.csv?{lately()}&table=audiences")
    assert response.headers["Content-Disposition"].endswith('-audiences.csv"')
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Public", "Événements", "Inscriptions", "Présents"]
    assert rows[1:] == [["Habitants", "0", "0", "0"], ["Professionnels", "0", "0", "0"],
                        ["Tout public", "2", "10", "9"]]  # fmt: skip
    summary = client.get(f"/staff/figures.csv?{lately()}").get_data(as_text=True)
    assert "Taux de présence,90.0" in summary
    assert client.get("/staff/figures.csv?table=secret").status_code == 404
    workbook = client.get(f"/staff/figures.xlsx?{lately()}")
    with zipfile.ZipFile(io.BytesIO(workbook.data)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
    assert len(sheets) == 5


def test_the_report_has_the_headline_figures_charts_and_filters(client, make, two_partners):
    *_, mine, _theirs, _own, _other = two_partners
    client.login(make.staff().email)
    html = client.get(f"/staff/figures/report?{lately()}&partner={mine.slug}").get_data(
        as_text=True
    )
    assert figure(html, "registrations") == "3"
    assert "Médiathèque Loire" in html  # the filter is named
    assert "data-print" in html
    assert html.count('class="chart"') == 3


# --- Feedback -----------------------------------------------------------------------------------


@pytest.fixture
def attendee(make):
    event = make.event(title="Atelier tablette", starts_at=past(1))
    return make.registration(event, state=RegistrationState.ATTENDED, email="ana@example.org")


def test_an_attendee_answers_by_private_link_without_javascript(client, app, attendee):
    url = f"/r/{attendee.token}/feedback"
    page = client.get(url)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    response = client.submit(url, {"rating": "4", "comment": "Très clair"})
    assert response.status_code == 303 and response.location.endswith(f"{url}?saved=1")
    html = client.get(response.location).get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="4"', html) and "Très clair" in html
    client.submit(url, {"rating": "5", "comment": ""})
    with app.app_context():
        answers = db.session.scalars(sa.select(Feedback)).all()
        assert [(a.rating, a.comment) for a in answers] == [(5, "")]


def test_feedback_by_htmx_answers_the_form_region(client, attendee):
    response = client.hx("POST", f"/r/{attendee.token}/feedback", target="feedback-form",
                         data={"rating": "3"})  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="feedback-form">') and "flash-success" in html


def test_a_missing_rating_is_refused_beside_it_and_nothing_is_saved(client, app, attendee):
    response = client.submit(f"/r/{attendee.token}/feedback", {"comment": "Sans note"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="rating-error"' in html and "Sans note" in html
    assert client.post(f"/r/{attendee.token}/feedback", data={"rating": "4"}).status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Feedback)) == 0


def test_a_person_who_did_not_come_cannot_answer(client, make):
    registration = make.registration(make.event(starts_at=past(1)))
    response = client.submit(f"/r/{registration.token}/feedback", {"rating": "5"})
    assert response.status_code == 422
    assert "Seules les personnes venues" in response.get_data(as_text=True)
    html = client.get(f"/r/{registration.token}/feedback").get_data(as_text=True)
    assert "<form" not in html.split('id="feedback-form"')[1].split("</div>")[0]
    assert client.get("/r/not-a-token/feedback").status_code == 404


def test_hosts_see_the_average_count_and_comments_of_their_event_only(client, make):
    host_member, stranger = make.user(), make.user()
    host = make.partner(owner=host_member)
    make.partner(owner=stranger)
    event = make.event(organisation=host, starts_at=past(2))
    for rating, comment in ((5, "Parfait"), (2, "Trop rapide")):
        make.feedback(make.registration(event, state=RegistrationState.ATTENDED), rating, comment)
    client.login(host_member.email)
    html = client.get(f"/account/events/{event.id}").get_data(as_text=True)
    assert "2 réponses, note moyenne 3,5 / 5." in html
    assert "Parfait" in html and "Trop rapide" in html
    client.logout()
    client.login(stranger.email)
    assert client.get(f"/account/events/{event.id}").status_code == 404
