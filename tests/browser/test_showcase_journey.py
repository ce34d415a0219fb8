"""A startup's journey to a demo day, in Chromium, with the venue team's review in between."""

from __future__ import annotations

import re

import sqlalchemy as sa

from hub.extensions import db
from hub.models import Application, ApplicationState
from tests.browser.conftest import assert_accessible
from tests.support import DEFAULT_PASSWORD


def log_in(page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_text("vous êtes connecté·e").wait_for()


def log_out(page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_text("Vous êtes déconnecté·e.").wait_for()


def test_a_new_startup_applies_is_accepted_confirms_and_is_on_the_demo_day(page, make, app):
    founder = make.user(email="lea.fabre@example.org", name="Léa Fabre")
    staff = make.staff(email="equipe@example.org")
    slot = make.slot(seats=2, theme="Journée démo climat")

    # The founder creates the startup and an innovation.
    log_in(page, founder.email)
    page.goto("/account/")
    assert_accessible(page)
    page.get_by_role("button", name="Créer une startup").click()
    assert_accessible(page)
    page.get_by_label("Nom", exact=True).fill("Solaire & Co")
    page.get_by_label("Accroche").fill("Des panneaux solaires pour les commerces")
    page.get_by_label("Ville").fill("Saint-Étienne")
    page.get_by_label("Secteurs").fill("Énergie, Climat")
    page.get_by_label("Stade").select_option("prototype")
    page.get_by_role("button", name="Créer").click()
    page.get_by_role("heading", name="Solaire & Co").wait_for()
    page.get_by_text("En attente de vérification").wait_for()
    assert_accessible(page)

    page.get_by_role("button", name="Ajouter une innovation").click()
    page.get_by_label("Titre").fill("Toit solaire partagé")
    page.get_by_label("Résumé").fill("Un toit solaire que plusieurs commerces se partagent.")
    page.get_by_label("Description").fill("**Simple** à installer.")
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("L’innovation est enregistrée comme brouillon.").wait_for()
    page.get_by_role("button", name="Publier").click()
    page.get_by_text("« Toit solaire partagé » est publiée.").wait_for()
    assert_accessible(page)

    # It applies for the demo slot.
    page.goto(f"/demo-days/{slot.id}")
    assert_accessible(page)
    page.get_by_role("button", name="Candidater avec Solaire & Co").click()
    assert_accessible(page)
    page.get_by_label("Innovation à présenter").select_option(label="Toit solaire partagé")
    page.get_by_label("Votre pitch").fill("Nous montrerons un toit solaire en modèle réduit.")
    page.get_by_label("Besoins pratiques").fill("Une prise électrique.")
    page.get_by_role("button", name="Envoyer la candidature").click()
    page.get_by_text("Votre candidature est envoyée à l’équipe de l’atelier.").wait_for()
    assert page.locator(".application-state strong").inner_text() == "soumise"
    assert_accessible(page)
    log_out(page)

    # The venue team verifies the startup and accepts it in the review queue.
    log_in(page, staff.email)
    page.goto("/staff/")
    assert_accessible(page)
    page.get_by_role("link", name="Vérifier les organisations").click()
    assert_accessible(page)
    page.get_by_role("button", name="Vérifier Solaire & Co").click()
    page.get_by_text("Solaire & Co est vérifiée et visible publiquement.").wait_for()
    page.goto("/staff/showcase/applications")
    assert_accessible(page)
    row = page.locator("tr", has_text="Solaire & Co")
    row.get_by_label("Message à la startup").fill("Bienvenue au stand 2 !")
    row.get_by_role("button", name="Accepter").click()
    page.get_by_text("Solaire & Co est acceptée et en a été informée.").wait_for()
    assert page.locator("tr", has_text="Solaire & Co").locator(".state").inner_text() == "acceptée"
    assert page.locator('[data-state="accepted"]').inner_text() == "1"
    assert page.locator('[data-state="submitted"]').inner_text() == "0"
    assert_accessible(page)
    log_out(page)

    # The startup confirms; the public demo days page shows it.
    log_in(page, founder.email)
    page.goto("/account/")
    page.get_by_role("link", name="Journée démo climat").click()
    page.get_by_text("Bienvenue au stand 2 !").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer notre démonstration").click()
    page.get_by_text("Merci : votre démonstration est confirmée.").wait_for()
    log_out(page)

    page.goto("/demo-days")
    article = page.locator("article", has_text="Journée démo climat")
    article.get_by_role("link", name="Solaire & Co").wait_for()
    article.get_by_role("link", name="Toit solaire partagé").wait_for()
    assert_accessible(page)
    page.goto(f"/demo-days/{slot.id}")
    assert re.search(r"1 place de startup restante sur 2", page.locator("#seats-left").inner_text())
    assert_accessible(page)

    with app.app_context():
        state = db.session.scalar(sa.select(Application.state))
    assert state == ApplicationState.CONFIRMED


def test_staff_publish_a_slot_and_every_directory_page_is_accessible(page, make):
    staff = make.staff(email="equipe2@example.org")
    make.space(name="Espace démo")
    owner = make.user(email="hugo@example.org")
    startup = make.startup(
        owner=owner, name="TextiLab", sectors=["Industrie"], tagline="Le textile intelligent"
    )
    make.innovation(startup, title="Tissu chauffant")
    partner = make.partner(name="French Tech Saint-Étienne", sectors=["Réseau"])
    slot = make.slot(theme="Industrie du futur")
    make.application(slot, startup)

    for path in ("/startups", f"/startups/{startup.slug}", "/partners",
                 f"/partners/{partner.slug}", "/demo-days"):  # fmt: skip
        page.goto(path)
        assert_accessible(page)
    page.goto("/startups")
    page.get_by_label("Rechercher par nom").fill("zzz")
    page.get_by_text("Rien ne correspond à votre recherche.").wait_for()
    page.get_by_label("Rechercher par nom").fill("texti")
    page.locator("#directory-results").get_by_role("link", name="TextiLab").wait_for()

    log_in(page, staff.email)
    page.goto("/staff/showcase/slots")
    assert_accessible(page)
    page.get_by_role("button", name="Publier un créneau de démonstration").click()
    assert_accessible(page)
    page.get_by_label("Thème").fill("Santé connectée")
    page.get_by_label("Espace").select_option(label="Saint-Étienne — Espace démo")
    page.get_by_label("Début").fill("2031-05-20T14:00")
    page.get_by_label("Fin").fill("2031-05-20T17:00")
    page.get_by_label("Date limite de candidature").fill("2031-05-01T18:00")
    page.get_by_label("Places de startup").fill("4")
    page.get_by_role("button", name="Publier le créneau").click()
    page.get_by_text("Le créneau de démonstration « Santé connectée » est publié.").wait_for()
    assert_accessible(page)
    page.goto("/staff/showcase/applications?state=submitted")
    assert_accessible(page)
    page.goto("/staff/organisations?show=all")
    assert_accessible(page)
    log_out(page)

    log_in(page, owner.email)
    page.goto(f"/manage/{startup.slug}")
    assert_accessible(page)
    page.get_by_role("button", name="Modifier le profil").click()
    assert_accessible(page)
    page.get_by_label("Accroche").fill("Le textile intelligent, tissé à Saint-Étienne")
    page.get_by_role("button", name="Enregistrer le profil").click()
    page.get_by_text("Le profil est enregistré.").wait_for()
    page.get_by_label("E-mail de la personne à inviter").fill("lea@example.org")
    page.get_by_role("button", name="Envoyer l’invitation").click()
    page.get_by_text("Une invitation est en route vers lea@example.org.").wait_for()
    assert_accessible(page)
