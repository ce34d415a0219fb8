"""A demo day's stands, in Chromium: staff place the startups, the founder sees where and
when, a visitor scans the stand's code and leaves interest and an email, the founder
downloads the leads."""

from __future__ import annotations

from datetime import timedelta

from hub.models import ApplicationState, utcnow
from tests.browser.conftest import assert_accessible
from tests.browser.test_showcase_journey import log_in, log_out


def test_staff_place_stands_the_founder_sees_them_a_visitor_leaves_an_email(page, make, app):
    founder = make.user(email="lea.fabre@example.org", name="Léa Fabre")
    staff = make.staff(email="equipe@example.org")
    startup = make.startup(owner=founder, name="Solaire & Co")
    innovation = make.innovation(startup, title="Toit solaire partagé")
    other = make.startup(name="Agrivue")
    # A demo day under way: it started an hour ago and ends in two.
    starts_at = utcnow().replace(second=0, microsecond=0) - timedelta(hours=1)
    slot = make.slot(
        theme="Journée démo climat",
        starts_at=starts_at,
        duration=timedelta(hours=3),
        deadline_in=timedelta(days=-2),
        first_pitch_at=starts_at + timedelta(minutes=30),
    )
    application = make.application(
        slot, startup, innovation=innovation, state=ApplicationState.CONFIRMED
    )
    make.application(slot, other, state=ApplicationState.CONFIRMED)

    # Staff add two stands, place the founder's startup by hand, then the rest in order.
    log_in(page, staff.email)
    page.goto("/staff/showcase/slots?show=past")
    page.goto(f"/staff/showcase/slots/{slot.id}/programme")
    assert_accessible(page)
    page.get_by_label("Nom ou numéro").fill("Fenêtre")
    page.get_by_role("button", name="Ajouter un stand").click()
    page.get_by_text("Le stand « Fenêtre » est ajouté.").wait_for()
    page.get_by_role("button", name="Ajouter un stand").click()
    page.get_by_text("Le stand « 2 » est ajouté.").wait_for()
    row = page.locator(f"#placement-{application.id}")
    row.get_by_label("Stand").select_option(label="Fenêtre")
    row.get_by_label("Pitch").select_option(value="2")
    row.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Solaire & Co est placée.").wait_for()
    page.get_by_role("button", name="Tout attribuer dans l’ordre").click()
    page.get_by_text("1 startup a reçu un stand ou un pitch.").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Cartes des stands à imprimer").click()
    page.get_by_role("heading", name="Toit solaire partagé").wait_for()
    assert_accessible(page)
    card = page.locator(".stand-card", has_text="Toit solaire partagé")
    stand_address = card.locator(".stand-card-url").inner_text().strip()
    assert card.locator("img").evaluate("image => image.naturalWidth") > 0
    page.goto(f"/demo-days/{slot.id}")
    page.get_by_role("heading", name="Programme").wait_for()
    page.get_by_role("link", name="Toit solaire partagé").first.wait_for()
    assert_accessible(page)
    log_out(page)

    # The founder sees the stand and the pitch time on the application.
    log_in(page, founder.email)
    page.goto(f"/manage/{startup.slug}/applications/{application.id}")
    day = page.locator(".your-day")
    day.get_by_text("Fenêtre").wait_for()
    assert "0 visiteur vous a laissé son e-mail." in day.inner_text()
    assert_accessible(page)
    log_out(page)

    # A visitor scans the card: the stand's page, on a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(stand_address.replace("http://localhost", ""))
    page.get_by_role("heading", name="Toit solaire partagé").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Ça m’intéresse").click()
    page.get_by_role(
        "group", name="Laisser votre e-mail à Solaire & Co\u202f? C’est vous qui choisissez."
    ).wait_for()
    assert_accessible(page)
    page.get_by_label("Votre e-mail").fill("ana@example.org")
    page.get_by_label("J’accepte que Solaire & Co reçoive mon adresse e-mail").check()
    page.get_by_role("button", name="Envoyer mon e-mail à Solaire & Co").click()
    page.get_by_text("Merci\u00a0: Solaire & Co vous écrira.").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The founder downloads the leads.
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, founder.email)
    page.goto(f"/manage/{startup.slug}/applications/{application.id}")
    page.get_by_text("1 visiteur vous a laissé son e-mail.").wait_for()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger les contacts (CSV)").click()
    download = download_info.value
    with open(download.path(), encoding="utf-8-sig") as saved:
        content = saved.read()
    assert "ana@example.org" in content
    assert download.suggested_filename == f"leads-{startup.slug}-{slot.id}.csv"
