"""Registration questions: hosts set them, people answer when registering or later, hosts
read the answers and export them, and the answers go with the registration."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hub.domain.privacy.retention import apply_retention
from hub.extensions import db
from hub.models import (
    QuestionKind,
    Registration,
    RegistrationAnswer,
    RegistrationQuestion,
)
from tests.support import emails


@pytest.fixture
def hosted(make):
    owner = make.user(email="alice@cci.example")
    chamber = make.partner("Chambre de commerce", owner=owner)
    event = make.event(organisation=chamber, capacity=5)
    return owner, event


def add_question(client, event, **fields):
    data = {"label": "", "kind": "text", "purpose": "", "choices": "", **fields}
    return client.submit(f"/account/events/{event.id}/questions", data)


def questions(app):
    with app.app_context():
        rows = db.session.scalars(
            sa.select(RegistrationQuestion).order_by(RegistrationQuestion.id)
        ).all()
        db.session.expunge_all()
        return rows


def answers(app):
    with app.app_context():
        return [
            (row.question_id, row.value)
            for row in db.session.scalars(
                sa.select(RegistrationAnswer).order_by(RegistrationAnswer.id)
            )
        ]


def test_hosts_add_questions_each_with_its_reason(client, app, hosted):
    owner, event = hosted
    client.login(owner.email)
    missing = add_question(client, event, label="Accès sans marche ?", kind="yes_no")
    assert missing.status_code == 422
    assert "Dites pourquoi vous la posez" in missing.get_data(as_text=True)
    assert 'value="Accès sans marche ?"' in missing.get_data(as_text=True)
    one_choice = add_question(
        client, event, label="Niveau", kind="choice", purpose="Groupes", choices="Débutant"
    )
    assert one_choice.status_code == 422
    assert "Donnez de 2 à 20 choix, un par ligne." in one_choice.get_data(as_text=True)
    assert questions(app) == []

    assert (
        add_question(
            client,
            event,
            label="Accès sans marche ?",
            kind="yes_no",
            purpose="Pour préparer la salle",
            required="y",
        ).status_code
        == 303
    )
    assert (
        add_question(
            client,
            event,
            label="Niveau",
            kind="choice",
            purpose="Faire des groupes",
            choices="Débutant\nConfirmé\n",
        ).status_code
        == 303
    )
    assert [(q.label, q.kind, q.choices, q.required) for q in questions(app)] == [
        ("Accès sans marche ?", QuestionKind.YES_NO, [], True),
        ("Niveau", QuestionKind.CHOICE, ["Débutant", "Confirmé"], False),
    ]
    page = client.get(f"/account/events/{event.id}/questions").get_data(as_text=True)
    assert "Pourquoi\u00a0: Pour préparer la salle" in page


def test_another_partner_cannot_see_or_change_the_questions(client, make, hosted):
    _, event = hosted
    stranger = make.user()
    make.partner("Autre", owner=stranger)
    client.login(stranger.email)
    assert client.get(f"/account/events/{event.id}/questions").status_code == 404
    assert add_question(client, event, label="X", purpose="Y").status_code == 404


def make_questions(make, event) -> tuple[int, int, int]:
    """A required yes/no, a choice and a text question; their ids."""
    questions = (
        make.question(
            event, "Accès sans marche ?", QuestionKind.YES_NO, "Pour préparer la salle",
            required=True,
        ),
        make.question(
            event, "Niveau", QuestionKind.CHOICE, "Faire des groupes", position=2,
            choices=["Débutant", "Confirmé"],
        ),
        make.question(event, "Un mot", QuestionKind.TEXT, "Adapter le contenu", position=3),
    )  # fmt: skip
    return tuple(question.id for question in questions)


def test_people_answer_when_registering_and_a_required_answer_is_asked_beside_its_field(
    client, app, make, hosted
):
    _, event = hosted
    step_free, level, note = make_questions(make, event)
    form = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert "<legend>Accès sans marche ?</legend>" in form
    assert "Pourquoi nous demandons\u00a0: Faire des groupes (facultatif)" in form

    refused = client.submit(
        f"/events/{event.slug}/register",
        {"name": "Ana", "email": "ana@example.org", f"question_{note}": "Vélo"},
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert f'id="question_{step_free}-error"' in page and "Répondez à cette question" in page
    assert 'value="Vélo"' in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0

    bad_choice = client.submit(
        f"/events/{event.slug}/register",
        {
            "name": "Ana",
            "email": "ana@example.org",
            f"question_{step_free}": "yes",
            f"question_{level}": "Expert",
        },
    )
    assert bad_choice.status_code == 422
    assert "Choisissez l’une des réponses." in bad_choice.get_data(as_text=True)

    done = client.submit(
        f"/events/{event.slug}/register",
        {
            "name": "Ana",
            "email": "ana@example.org",
            f"question_{step_free}": "yes",
            f"question_{level}": "Débutant",
        },
    )
    assert done.status_code == 303
    assert answers(app) == [(step_free, "yes"), (level, "Débutant")]


def test_hosts_read_the_answers_in_the_list_and_the_export(client, app, make, hosted):
    owner, event = hosted
    step_free, _level, _note = make_questions(make, event)
    client.hx(
        "POST",
        f"/events/{event.slug}/register",
        target="registration",
        data={
            "name": "Ana",
            "email": "ana@example.org",
            f"question_{step_free}": "yes",
            "csrf_token": client.csrf_token(),
        },
    )
    assert answers(app) == [(step_free, "yes")]
    client.login(owner.email)
    page = client.get(f"/account/events/{event.id}/attendees").get_data(as_text=True)
    assert "Accès sans marche ? <strong>Oui</strong>" in page
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/account/events/{event.id}/attendees.csv").get_data(as_text=True)
            )
        )
    )
    assert rows[0][-3:] == ["Accès sans marche ?", "Niveau", "Un mot"]
    assert rows[1][0] == "Ana" and rows[1][-3:] == ["Oui", "", ""]


def test_a_question_added_after_people_registered_must_be_told_to_them(client, app, make, hosted):
    owner, event = hosted
    ana = make.registration(event, name="Ana", email="ana@example.org")
    client.login(owner.email)
    fields = {"label": "Accès sans marche ?", "kind": "yes_no", "purpose": "Pour préparer la salle"}
    silent = add_question(client, event, **fields)
    assert silent.status_code == 422
    assert "Des personnes sont déjà inscrites" in silent.get_data(as_text=True)
    assert questions(app) == []

    assert add_question(client, event, tell_registered="y", **fields).status_code == 303
    [mail] = emails(app, kind="event_new_question")
    assert mail.recipient == "ana@example.org"
    assert "« Accès sans marche ? »" in mail.body_text
    link = re.search(r"http://localhost(/r/\S+/answers)", mail.body_text).group(1)
    assert link == f"/r/{ana.token}/answers"
    client.logout()
    [question] = questions(app)
    assert client.submit(link, {f"question_{question.id}": "no"}).status_code == 303
    assert answers(app) == [(question.id, "no")]
    assert "Vos réponses sont enregistrées." in client.get(link + "?saved=1").get_data(as_text=True)


def test_answers_go_with_the_registration(app, ctx, make, hosted):
    _, event = hosted
    step_free, _, _ = make_questions(make, event)
    registration = make.registration(event, email="ana@example.org")
    db.session.add(
        RegistrationAnswer(registration_id=registration.id, question_id=step_free, value="yes")
    )
    db.session.commit()
    apply_retention(event.ends_at + timedelta(days=90))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RegistrationAnswer)) == 0
