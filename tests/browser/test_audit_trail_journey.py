"""Staff read the audit trail on a phone: every sentence whole, nothing cut off."""

from __future__ import annotations

from hub.domain import audit
from hub.extensions import db
from hub.models import Event, User
from tests.browser.conftest import assert_accessible
from tests.browser.test_events_journey import log_in


def test_the_audit_trail_reads_whole_on_a_phone(page, app, make):
    staff = make.staff(email="staff@atelier.example", name="Camille Staff")
    marie = make.user(email="marie.longuenom-de-la-fontaine@ecole-superieure.example")
    event = make.event(title="Conférence : l'intelligence artificielle au service des PME " * 2)
    with app.app_context():
        marie, event = db.session.get(User, marie.id), db.session.get(Event, event.id)
        audit.record(marie, "event.cohost_accepted", event, organisation="ecole")
        audit.record(db.session.get(User, staff.id), "event.published", event)
        db.session.commit()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, staff.email)
    page.goto("/staff/audit")
    entries = page.locator(".audit-trail li")
    assert entries.count() == 2
    assert "a accepté de co-organiser" in entries.nth(1).inner_text()
    cut = page.evaluate(
        """() => [...document.querySelectorAll('.audit-trail li')].filter(li =>
            li.scrollWidth > li.clientWidth || li.getBoundingClientRect().right > innerWidth
        ).length"""
    )
    assert cut == 0
    page.get_by_label("Type").select_option(label="Événements")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**/staff/audit?**kind=event**")
    assert entries.count() == 2
    assert_accessible(page)
