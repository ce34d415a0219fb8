"""The review queue as a committee uses it: scores inline, hidden until one scores, sorts,
and decisions in bulk."""

from __future__ import annotations

import sqlalchemy as sa

from hub.extensions import db
from hub.models import Application, ApplicationState, Review


def states(app, *applications):
    with app.app_context():
        return [db.session.get(Application, a.id).state for a in applications]


def test_a_reviewer_scores_inline_and_then_sees_the_others(client, make, app):
    ana, bob = make.staff(name="Ana"), make.staff(email="bob@example.org", name="Bob")
    application = make.application(make.slot(), make.startup(name="Kiosque"))
    with app.app_context():
        db.session.add(
            Review(application_id=application.id, reviewer_id=ana.id, score=5, comment="Top")
        )
        db.session.commit()
    client.login(bob.email)
    queue = client.get("/staff/showcase/applications")
    assert "1 avis" in queue.text
    assert "Top" not in queue.text and "moyenne 5" not in queue.text
    answer = client.hx(
        "POST",
        f"/staff/showcase/applications/{application.id}/review",
        data={"score": "3", "comment": "Prometteur"},
    )
    assert answer.status_code == 200
    assert answer.text.strip().startswith(f'<tr id="application-{application.id}">')
    assert "2 avis" in answer.text and "moyenne 4,0" in answer.text
    assert "<li>Ana — <strong>5</strong> · Top</li>" in answer.text


def test_a_hostile_score_is_refused_without_an_error(client, make, app):
    staff = make.staff()
    application = make.application(make.slot())
    client.login(staff.email)
    for value in ("9", "abc", ""):
        answer = client.hx(
            "POST", f"/staff/showcase/applications/{application.id}/review", data={"score": value}
        )
        assert answer.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Review)) == 0


def test_a_member_cannot_score(client, make):
    member = make.user()
    application = make.application(make.slot())
    client.login(member.email)
    answer = client.submit(f"/staff/showcase/applications/{application.id}/review", {"score": "5"})
    assert answer.status_code == 404


def test_the_queue_sorts_by_number_of_reviews(client, make, app):
    staff = make.staff()
    slot = make.slot()
    make.application(slot, make.startup(name="Peu"))
    many = make.application(slot, make.startup(name="Beaucoup"))
    with app.app_context():
        for reviewer in (make.staff(), make.staff()):
            db.session.add(Review(application_id=many.id, reviewer_id=reviewer.id, score=3))
        db.session.commit()
    client.login(staff.email)
    page = client.get(f"/staff/showcase/applications?slot={slot.id}&sort=reviews")
    assert page.text.index("Beaucoup") < page.text.index("Peu")
    default = client.get(f"/staff/showcase/applications?slot={slot.id}")
    assert default.text.index("Peu") < default.text.index("Beaucoup")
    assert client.get("/staff/showcase/applications?sort=nonsense").status_code == 200


def test_bulk_decisions_accept_within_the_seats_and_say_who_was_left(client, make, app):
    staff = make.staff()
    slot = make.slot(seats=1)
    first = make.application(slot, make.startup(name="Premier"))
    second = make.application(slot, make.startup(name="Second"))
    client.login(staff.email)
    response = client.submit(
        f"/staff/showcase/applications/bulk?slot={slot.id}",
        {"application": [str(first.id), str(second.id)], "decision": "accept", "message": "Oui"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/staff/showcase/applications?slot={slot.id}"
    assert states(app, first, second) == [ApplicationState.ACCEPTED, ApplicationState.SUBMITTED]
    page = client.get(response.headers["Location"])
    assert "1 candidature décidée\u202f; les startups ont été prévenues." in page.text
    assert "Second\u00a0: L’unique place de ce créneau est prise" in page.text


def test_bulk_without_a_selection_says_so(client, make):
    staff = make.staff()
    client.login(staff.email)
    response = client.submit(
        "/staff/showcase/applications/bulk", {"decision": "reject", "application": ["x"]}
    )
    assert response.status_code == 303
    assert (
        "Sélectionnez au moins une candidature." in client.get("/staff/showcase/applications").text
    )
