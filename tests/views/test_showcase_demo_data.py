"""seed-demo: demo slots with applications in every state, and confirmed startups next."""

from __future__ import annotations

import sqlalchemy as sa

from hub.extensions import db
from hub.models import Application, ApplicationState, ShowcaseSlot, SlotStatus, utcnow


def seed(runner, app):
    with app.app_context():
        result = runner.invoke(args=["seed-demo"])
        db.session.remove()
    assert result.exit_code == 0, result.output


def test_seed_demo_adds_slots_in_every_state_and_twice_changes_nothing(runner, app, client):
    seed(runner, app)
    with app.app_context():
        counts = dict(
            db.session.execute(
                sa.select(Application.state, sa.func.count()).group_by(Application.state)
            ).all()
        )
        slots = db.session.scalar(sa.select(sa.func.count()).select_from(ShowcaseSlot))
    assert set(counts) == set(ApplicationState)
    seed(runner, app)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ShowcaseSlot)) == slots
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == sum(
            counts.values()
        )
        upcoming = db.session.scalars(
            sa.select(ShowcaseSlot)
            .where(ShowcaseSlot.starts_at > utcnow(), ShowcaseSlot.status != SlotStatus.CANCELLED)
            .order_by(ShowcaseSlot.starts_at)
        ).first()
        theme = upcoming.theme
    page = client.get("/demo-days")
    assert theme in page.text
    assert "ÉcoTrace" in page.text and "Cyclopolis" in page.text


def test_seed_demo_places_the_next_demo_day_on_stands_and_pitches(runner, app):
    from hub.models import Placement, Stand

    seed(runner, app)
    seed(runner, app)
    with app.app_context():
        stands = db.session.scalar(sa.select(sa.func.count()).select_from(Stand))
        placed = db.session.execute(
            sa.select(ShowcaseSlot.theme, Placement.pitch_number)
            .join(ShowcaseSlot, Placement.slot_id == ShowcaseSlot.id)
            .order_by(ShowcaseSlot.starts_at, Placement.pitch_number)
        ).all()
    assert stands == 6
    with app.app_context():
        from hub.models import Lead

        assert db.session.scalar(sa.select(sa.func.count()).select_from(Lead)) == 4
    assert placed == [
        ("Démo day — Commerce de proximité", 1),
        ("Démo day — Commerce de proximité", 2),
        ("Démo day — Climat et mobilité", 1),
        ("Démo day — Climat et mobilité", 2),
        ("Démo day — Climat et mobilité", 3),
    ]


def test_seed_demo_scores_the_open_demo_day_with_two_reviewers(runner, app):
    from hub.models import Review

    seed(runner, app)
    seed(runner, app)
    with app.app_context():
        scores = db.session.scalars(sa.select(Review.score).order_by(Review.id)).all()
    assert scores == [4, 3, 5]
