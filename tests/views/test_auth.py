"""Accounts through their pages: sign-up, log in, log out, reset, deactivation."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from hub.extensions import db
from hub.models import AuditEntry, User
from tests.support import DEFAULT_PASSWORD, Email, emails


def outbox(app, recipient: str) -> list[Email]:
    return emails(app, recipient)


def link_in(message: Email, path: str) -> str:
    match = re.search(rf"https?://[^/\s]+({re.escape(path)}\S+)", message.body_text)
    assert match, message.body_text
    return match.group(1)


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def is_logged_in(client) -> bool:
    return client.get("/account/").status_code == 200


def register(client, email="zoe@example.org", password="a long enough passphrase", name="Zoé"):
    return client.submit("/auth/register", {"name": name, "email": email, "password": password})


def test_sign_up_emails_a_link_that_opens_the_account_and_logs_in(client, app):
    response = register(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/check-inbox"
    assert not is_logged_in(client)

    [message] = outbox(app, "zoe@example.org")
    assert message.subject == "Confirmez votre compte Atelier Hub"
    link = link_in(message, "/auth/confirm/")
    assert "Confirmer mon compte" in client.get(link).text  # opening the link changes nothing
    assert not is_logged_in(client)
    response = client.submit(link)
    assert response.status_code == 303
    assert is_logged_in(client)


def test_a_sign_up_link_works_once(client, app):
    register(client)
    link = link_in(outbox(app, "zoe@example.org")[0], "/auth/confirm/")
    client.submit(link)
    client.logout()
    response = client.submit(link, follow_redirects=True)
    assert "Ce lien a déjà servi. Vous pouvez vous connecter." in response.text
    assert not is_logged_in(client)


def test_sign_up_with_a_known_email_answers_the_same_and_creates_nothing(client, app, make):
    make.user(email="taken@example.org")
    response = register(client, email="TAKEN@example.org")
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/check-inbox"
    assert user_count(app) == 1
    [message] = outbox(app, "taken@example.org")
    assert message.kind == "account_exists"


def test_sign_up_again_before_confirming_resends_the_link_without_changing_the_password(
    client, app
):
    register(client, password="the first password")
    register(client, password="an attacker's password")
    first, second = outbox(app, "zoe@example.org")
    assert first.kind == second.kind == "confirm_signup"
    client.submit(link_in(second, "/auth/confirm/"))
    client.logout()
    assert (
        client.submit(
            "/auth/login", {"email": "zoe@example.org", "password": "an attacker's password"}
        ).status_code
        == 422
    )
    assert (
        client.submit(
            "/auth/login", {"email": "zoe@example.org", "password": "the first password"}
        ).status_code
        == 303
    )


@pytest.mark.parametrize(
    ("password", "accepted"),
    [("x" * 7, False), ("x" * 8, True), ("x" * 128, True), ("x" * 129, False)],
)
def test_passwords_are_8_to_128_characters_without_composition_rules(
    client, app, password, accepted
):
    response = register(client, password=password)
    assert (response.status_code == 303) is accepted
    assert user_count(app) == (1 if accepted else 0)
    if not accepted:
        assert "Choisissez un mot de passe de 8 à 128 caractères." in response.text
        # What was typed stays in the form (but never the password).
        assert 'value="zoe@example.org"' in response.text
        assert password not in response.text


def test_passwords_are_stored_hashed(client, app):
    register(client, password="a long enough passphrase")
    with app.app_context():
        user = db.session.scalar(sa.select(User))
        assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
        assert "a long enough passphrase" not in user.password_hash


def test_a_wrong_password_says_so_without_saying_which_part_is_wrong(client, make):
    make.user(email="alex@example.org")
    wrong_password = client.submit(
        "/auth/login", {"email": "alex@example.org", "password": "nope nope"}
    )
    unknown_email = client.submit(
        "/auth/login", {"email": "who@example.org", "password": "nope nope"}
    )
    for response in (wrong_password, unknown_email):
        assert response.status_code == 422
        assert "E-mail ou mot de passe incorrect." in response.text
    assert not is_logged_in(client)


def test_an_unconfirmed_account_cannot_log_in_and_gets_its_link_again(client, app, make):
    make.user(email="new@example.org", confirmed=False)
    response = client.submit(
        "/auth/login", {"email": "new@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 422
    assert "Confirmez d&#39;abord votre adresse e-mail" in response.text
    assert [m.kind for m in outbox(app, "new@example.org")] == ["confirm_signup"]


def test_login_starts_a_new_session(client, make):
    make.user(email="alex@example.org")
    client.get("/auth/login")
    client.csrf_token()
    before = client.get_cookie("hub_session").value
    client.login("alex@example.org")
    after = client.get_cookie("hub_session").value
    assert before != after
    with client.session_transaction() as session:
        assert "csrf_token" not in session  # nothing carried over from before login


def test_login_only_follows_a_next_address_on_this_site(client, make):
    make.user(email="alex@example.org")
    response = client.submit(
        "/auth/login?next=//evil.example/steal",
        {"email": "alex@example.org", "password": DEFAULT_PASSWORD},
    )
    assert response.headers["Location"] == "/"
    client.logout()
    response = client.submit(
        "/auth/login?next=/account/", {"email": "alex@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.headers["Location"] == "/account/"


def test_a_logged_out_session_cookie_replayed_is_no_longer_logged_in(client, make):
    make.user(email="alex@example.org")
    client.login("alex@example.org")
    stolen = client.get_cookie("hub_session").value
    client.logout()
    client.set_cookie("hub_session", stolen)
    assert not is_logged_in(client)


def test_logging_out_ends_the_other_sessions_and_remember_cookies(app, make):
    make.user(email="alex@example.org")
    laptop, phone = app.test_client(), app.test_client()
    laptop.login("alex@example.org")
    phone.login("alex@example.org", remember=True)
    assert phone.get_cookie("hub_remember") is not None
    laptop.logout()
    assert not is_logged_in(phone)
    # Even with the session gone, the remember cookie no longer logs in.
    phone.delete_cookie("hub_session")
    assert not is_logged_in(phone)


def test_remember_me_logs_in_again_after_the_browser_session_ends(app, make):
    make.user(email="alex@example.org")
    client = app.test_client()
    client.login("alex@example.org", remember=True)
    client.delete_cookie("hub_session")
    assert is_logged_in(client)


def test_deactivation_ends_the_sessions_and_refuses_login(app, make):
    staff = make.staff(email="staff@example.org")
    member = make.user(email="alex@example.org")
    member_client, staff_client = app.test_client(), app.test_client()
    member_client.login("alex@example.org")
    staff_client.login(staff.email)
    response = staff_client.submit(f"/staff/users/{member.id}/active", {"active": "0"})
    assert response.status_code == 303
    assert not is_logged_in(member_client)
    response = member_client.submit(
        "/auth/login", {"email": "alex@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 422
    with app.app_context():
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "user.deactivated")
        )
        assert (entry.actor_id, entry.target_type, entry.target_id) == (
            staff.id,
            "users",
            member.id,
        )


def test_a_password_reset_link_sets_a_new_password_once(client, app, make):
    make.user(email="alex@example.org")
    response = client.submit("/auth/reset", {"email": "alex@example.org"})
    assert response.headers["Location"] == "/auth/check-inbox?reason=reset"
    [message] = outbox(app, "alex@example.org")
    assert message.subject == "Choisissez un nouveau mot de passe Atelier Hub"
    link = link_in(message, "/auth/reset/")
    response = client.submit(
        link, {"password": "a brand new secret", "confirm": "a brand new secret"}
    )
    assert response.status_code == 303
    assert is_logged_in(client)
    client.logout()
    reused = client.get(link, follow_redirects=True)
    assert "Ce lien de réinitialisation a déjà servi ou a expiré." in reused.text
    client.login("alex@example.org", password="a brand new secret")


def test_a_reset_link_expires(client, app, make, settings):
    make.user(email="alex@example.org")
    client.submit("/auth/reset", {"email": "alex@example.org"})
    link = link_in(outbox(app, "alex@example.org")[0], "/auth/reset/")
    settings(PASSWORD_RESET_MAX_AGE=-1)
    response = client.get(link, follow_redirects=True)
    assert "Ce lien de réinitialisation est invalide ou a expiré." in response.text


def test_a_reset_request_for_an_unknown_email_answers_the_same_and_sends_nothing(client, app):
    response = client.submit("/auth/reset", {"email": "nobody@example.org"})
    assert response.headers["Location"] == "/auth/check-inbox?reason=reset"
    assert outbox(app, "nobody@example.org") == []


def test_emails_are_written_in_the_recipients_language(client, app, make):
    make.user(email="sam@example.org", locale="en")
    client.submit("/auth/reset", {"email": "sam@example.org"})
    [message] = outbox(app, "sam@example.org")
    assert message.subject == "Choose a new Atelier Hub password"
    assert message.locale == "en"
