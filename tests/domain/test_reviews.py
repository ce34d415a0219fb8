"""Reviewing like a committee: scores 1–5 kept once per reviewer, hidden until one scores,
the queue's orders, and decisions in bulk within the seats."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from hub.domain.errors import DomainError, NotAllowed
from hub.domain.showcase import queries, reviews
from hub.extensions import db
from hub.models import Application, ApplicationState, Review, User
from tests.support import emails, get


def test_a_reviewer_scores_once_and_may_change_the_score(make, ctx):
    staff = make.staff()
    application = make.application(make.slot())
    reviews.score_application(get(User, staff), get(Application, application), 4, "Solide.")
    reviews.score_application(get(User, staff), get(Application, application), 2, " Bof. ")
    db.session.commit()
    rows = db.session.execute(sa.select(Review.score, Review.comment)).all()
    assert rows == [(2, "Bof.")]


@pytest.mark.parametrize("score", [0, 6, -1])
def test_a_score_outside_1_to_5_is_refused(make, ctx, score):
    staff = make.staff()
    application = make.application(make.slot())
    with pytest.raises(DomainError) as refused:
        reviews.score_application(get(User, staff), get(Application, application), score)
    assert refused.value.field == "score"


def test_the_database_keeps_one_review_per_reviewer(make, ctx):
    staff = make.staff()
    application = make.application(make.slot())
    for _ in range(2):
        db.session.add(Review(application_id=application.id, reviewer_id=staff.id, score=3))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_only_staff_score(make, ctx):
    member = make.user()
    application = make.application(make.slot())
    with pytest.raises(NotAllowed):
        reviews.score_application(get(User, member), get(Application, application), 3)


def test_others_scores_are_hidden_until_the_reviewer_has_scored(make, ctx):
    ana, bob, chloe = make.staff(name="Ana"), make.staff(name="Bob"), make.staff(name="Chloé")
    application = make.application(make.slot())
    reviews.score_application(get(User, ana), get(Application, application), 5, "Excellent")
    reviews.score_application(get(User, bob), get(Application, application), 2)
    db.session.commit()
    hidden = reviews.review_summaries(get(User, chloe), [application.id])[application.id]
    assert (hidden.count, hidden.average, hidden.visible, hidden.others) == (2, None, False, [])
    seen = reviews.review_summaries(get(User, ana), [application.id])[application.id]
    assert (seen.count, seen.average, seen.visible) == (2, 3.5, True)
    assert [(r.reviewer.name, r.score) for r in seen.others] == [("Bob", 2)]


def test_the_queue_sorts_by_the_averages_the_viewer_may_see_and_by_count(make, ctx):
    ana, bob = make.staff(), make.staff()
    slot = make.slot()
    low, high, unseen = (make.application(slot) for _ in range(3))
    for reviewer, application, score in [
        (ana, low, 2), (bob, low, 2), (ana, high, 5), (bob, unseen, 5), (ana, unseen, None),
    ]:  # fmt: skip
        if score:
            reviews.score_application(get(User, reviewer), get(Application, application), score)
    db.session.commit()

    def queue(sort):
        order = reviews.review_order(get(User, ana), sort)
        return [a.id for a in db.session.scalars(queries.review_queue(slot.id, None, order))]

    # Ana has not scored `unseen`: it comes last whatever its average, which she cannot see.
    assert queue("average") == [high.id, low.id, unseen.id]
    assert queue("reviews") == [low.id, high.id, unseen.id]


def test_bulk_accept_fills_the_seats_in_queue_order_and_lists_the_refusals(make, ctx, app):
    staff = make.staff()
    slot = make.slot(seats=2)
    make.application(slot, state=ApplicationState.CONFIRMED)
    first, second, third = (make.application(slot) for _ in range(3))
    decided = make.application(slot, state=ApplicationState.REJECTED)
    outcome = reviews.decide_many(
        get(User, staff), [third.id, first.id, second.id, decided.id], "accept", "Bienvenue !"
    )
    db.session.commit()
    assert [a.id for a in outcome.done] == [first.id]
    refused = {a.id: reason for a, reason in outcome.refused}
    assert list(refused) == [second.id, third.id, decided.id]
    assert refused[second.id].startswith("Toutes les places de ce créneau (2) sont prises")
    assert refused[third.id] == refused[second.id]
    assert refused[decided.id].startswith("Cette candidature est")
    accepted = emails(app, kind="application_accepted")
    assert len(accepted) == 1
    assert "Bienvenue !" in accepted[0].body_text


def test_bulk_needs_a_selection_and_a_known_decision(make, ctx):
    staff = make.staff()
    application = make.application(make.slot())
    with pytest.raises(DomainError):
        reviews.decide_many(get(User, staff), [], "accept")
    with pytest.raises(DomainError):
        reviews.decide_many(get(User, staff), [application.id], "cancel")
