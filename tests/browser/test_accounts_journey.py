"""Register, log out, log in, switch language: the foundation's journey in Chromium."""

from __future__ import annotations

import re

from tests.browser.conftest import assert_accessible
from tests.support import emails


def latest_link(app, recipient: str, path: str) -> str:
    body = emails(app, recipient)[-1].body_text
    match = re.search(rf"https?://\S+{re.escape(path)}\S+", body)
    assert match, body
    return match.group(0)


def test_a_visitor_registers_logs_out_and_logs_in_again(page, app, live_server):
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Créer un compte").first.click()
    assert_accessible(page)
    page.get_by_label("Votre nom").fill("Zoé Martin")
    page.get_by_label("E-mail").fill("zoe.martin@example.org")
    page.get_by_label("Mot de passe").fill("un mot de passe solide")
    page.get_by_role("button", name="Créer mon compte").click()
    page.get_by_role("heading", name="Consultez votre messagerie").wait_for()

    confirm = latest_link(app, "zoe.martin@example.org", "/auth/confirm/")
    page.goto(confirm.replace("http://localhost", live_server))
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer mon compte").click()
    page.get_by_text("Bienvenue, Zoé Martin").wait_for()

    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_text("Vous êtes déconnecté·e.").wait_for()

    page.get_by_role("link", name="Se connecter").click()
    assert_accessible(page)
    page.get_by_label("E-mail").fill("zoe.martin@example.org")
    page.get_by_label("Mot de passe").fill("un mot de passe solide")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_text("Bonjour Zoé Martin, vous êtes connecté·e.").wait_for()


def test_a_visitor_switches_to_english_and_back(page):
    page.goto("/auth/login")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_role("link", name="English").click()
    page.get_by_role("heading", name="Log in").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.endswith("/auth/login")
    for path in ("/", "/auth/login", "/auth/register"):
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "en"
        assert_accessible(page)
    page.get_by_role("link", name="Français").click()
    page.get_by_role("heading", name="Créez votre compte").wait_for()
    assert page.locator("html").get_attribute("lang") == "fr"
