"""The application state machine: every allowed transition, every forbidden one refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hub.domain.errors import DomainError, NotAllowed, NotFound
from hub.domain.showcase import applications, decisions
from hub.extensions import db
from hub.models import Application, ApplicationState, AuditEntry, User
from tests.support import emails

ACTIONS = {
    "submit": lambda user, application: applications.submit_application(user, application),
    "accept": lambda user, application: decisions.decide_application(user, application, "accept"),
    "waitlist": lambda user, application: decisions.decide_application(
        user, application, "waitlist"
    ),
    "reject": lambda user, application: decisions.decide_application(user, application, "reject"),
    "confirm": lambda user, application: applications.confirm_application(user, application),
    "withdraw": lambda user, application: applications.withdraw_application(user, application),
    "cancel": lambda user, application: decisions.cancel_application(user, application),
}
EXPECTED = {
    ("submit", ApplicationState.DRAFT): ApplicationState.SUBMITTED,
    ("accept", ApplicationState.SUBMITTED): ApplicationState.ACCEPTED,
    ("accept", ApplicationState.WAITLISTED): ApplicationState.ACCEPTED,
    ("waitlist", ApplicationState.SUBMITTED): ApplicationState.WAITLISTED,
    ("reject", ApplicationState.SUBMITTED): ApplicationState.REJECTED,
    ("reject", ApplicationState.WAITLISTED): ApplicationState.REJECTED,
    ("confirm", ApplicationState.ACCEPTED): ApplicationState.CONFIRMED,
    ("withdraw", ApplicationState.SUBMITTED): ApplicationState.WITHDRAWN,
    ("withdraw", ApplicationState.ACCEPTED): ApplicationState.WITHDRAWN,
    ("withdraw", ApplicationState.WAITLISTED): ApplicationState.WITHDRAWN,
    ("withdraw", ApplicationState.CONFIRMED): ApplicationState.WITHDRAWN,
    ("cancel", ApplicationState.ACCEPTED): ApplicationState.CANCELLED,
    ("cancel", ApplicationState.CONFIRMED): ApplicationState.CANCELLED,
}
ALL_CASES = [(action, state) for action in ACTIONS for state in ApplicationState]
STAFF_ACTIONS = {"accept", "waitlist", "reject", "cancel"}


def test_the_table_of_transitions_is_the_one_the_domain_applies():
    table = {
        (action, state): target
        for action, (sources, target, _who) in applications.TRANSITIONS.items()
        for state in sources
    }
    assert table == EXPECTED


@pytest.mark.parametrize(("action", "state"), ALL_CASES, ids=lambda v: str(v))
def test_transition(make, app, action, state):
    owner = make.user()
    staff = make.staff()
    startup = make.startup(owner=owner)
    slot = make.slot(seats=3)
    application = make.application(slot, startup, state=state)
    actor_id = staff.id if action in STAFF_ACTIONS else owner.id

    with app.app_context():
        actor = db.session.get(User, actor_id)
        loaded = db.session.get(Application, application.id)
        expected = EXPECTED.get((action, state))
        if expected is None:
            with pytest.raises(DomainError) as refused:
                ACTIONS[action](actor, loaded)
            db.session.rollback()
            assert "ne peut pas être" in str(refused.value.message) or "cannot be" in str(
                refused.value.message
            )
            assert db.session.get(Application, application.id).state == state
            assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0
        else:
            ACTIONS[action](actor, loaded)
            db.session.commit()
            assert db.session.get(Application, application.id).state == expected
            entry = db.session.scalar(
                sa.select(AuditEntry).where(AuditEntry.target_id == application.id)
            )
            assert entry.action == f"application.{expected.value}"
            assert entry.actor_id == actor_id
            assert entry.details["old"] == state.value


@pytest.mark.parametrize("action", sorted(STAFF_ACTIONS))
def test_a_startup_member_cannot_take_a_staff_decision(make, app, action):
    owner = make.user()
    startup = make.startup(owner=owner)
    slot = make.slot()
    source = sorted(applications.TRANSITIONS[action][0])[0]
    application = make.application(slot, startup, state=source)
    with app.app_context():
        with pytest.raises(NotAllowed):
            ACTIONS[action](
                db.session.get(User, owner.id), db.session.get(Application, application.id)
            )
        db.session.rollback()
        assert db.session.get(Application, application.id).state == source


@pytest.mark.parametrize("action", ["submit", "confirm", "withdraw"])
def test_staff_and_other_startups_cannot_act_for_a_startup(make, app, action):
    staff = make.staff()
    stranger = make.user()
    make.startup(owner=stranger)
    slot = make.slot()
    source = sorted(applications.TRANSITIONS[action][0])[0]
    application = make.application(slot, state=source)
    with app.app_context():
        for user_id in (staff.id, stranger.id):
            with pytest.raises(NotFound):
                ACTIONS[action](
                    db.session.get(User, user_id), db.session.get(Application, application.id)
                )
            db.session.rollback()
        assert db.session.get(Application, application.id).state == source


def test_each_decision_emails_every_member_in_their_language(make, app):
    owner = make.user(locale="fr")
    colleague = make.user(locale="en")
    staff = make.staff()
    startup = make.startup(owner=owner, members=(colleague,), name="AgriVue")
    slot = make.slot(theme="Agriculture")
    application = make.application(slot, startup)
    with app.app_context():
        decisions.decide_application(
            db.session.get(User, staff.id),
            db.session.get(Application, application.id),
            "reject",
            "Revenez au prochain créneau.",
        )
        db.session.commit()
        messages = {m.recipient: m for m in emails(app)}
    assert set(messages) == {owner.email, colleague.email}
    assert messages[owner.email].subject == "Votre candidature pour « Agriculture »"
    assert messages[owner.email].locale == "fr"
    assert messages[colleague.email].subject == "Your application for “Agriculture”"
    assert "Revenez au prochain créneau." in messages[colleague.email].body_text
