"""At the stand: interest, an email left only by choice, and its erasure after the day."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from hub.domain.errors import DomainError, NotFound
from hub.domain.showcase import leads
from hub.extensions import db
from hub.models import Application, ApplicationState, Innovation, Lead, Organisation, User, utcnow


def confirmed(make, *, starts_in=timedelta(days=1), duration=timedelta(hours=3), name="Kiosque"):
    slot = make.slot(
        starts_in=starts_in,
        duration=duration,
        deadline_in=min(starts_in, timedelta(0)) - timedelta(days=1),
    )
    return make.application(slot, make.startup(name=name), state=ApplicationState.CONFIRMED)


def lead_emails(application) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(Lead.email).where(Lead.application_id == application.id).order_by(Lead.id)
        )
    )


def test_an_email_is_kept_only_with_consent_and_the_sentence_agreed_to(make, ctx):
    application = get_application(confirmed(make))
    with pytest.raises(DomainError) as refused:
        leads.leave_email(application, "ana@example.org", consent=False)
    assert refused.value.field == "consent"
    lead = leads.leave_email(application, "ana@example.org", consent=True)
    assert lead.consent.startswith("J’accepte que Kiosque reçoive mon adresse e-mail")
    assert "90 jours après le démo day" in lead.consent
    assert lead_emails(application) == ["ana@example.org"]


def get_application(application) -> Application:
    return db.session.get(Application, application.id)


@pytest.mark.parametrize("email", ["", "not-an-email", "a@b", "x" * 300 + "@example.org"])
def test_an_invalid_email_is_refused_beside_the_field(make, ctx, email):
    application = get_application(confirmed(make))
    with pytest.raises(DomainError) as refused:
        leads.leave_email(application, email, consent=True)
    assert refused.value.field == "email"


def test_the_same_email_twice_is_one_lead_and_each_startup_has_its_own(make, ctx):
    first, second = confirmed(make), confirmed(make, name="Agrivue")
    first, second = get_application(first), get_application(second)
    leads.leave_email(first, "ana@example.org", consent=True)
    leads.leave_email(first, "ana@example.org", consent=True)
    db.session.commit()
    assert lead_emails(first) == ["ana@example.org"]
    assert lead_emails(second) == []


def test_interest_at_the_stand_counts_for_the_innovation(make, ctx):
    application = get_application(confirmed(make))
    assert leads.show_interest(application) == 1
    db.session.commit()
    assert db.session.get(Innovation, application.innovation_id).interest_count == 1


def test_only_a_confirmed_startup_with_a_public_innovation_has_a_stand_page(make, ctx):
    slot = make.slot()
    accepted = make.application(slot, state=ApplicationState.ACCEPTED)
    unverified = make.application(
        slot, make.startup(verified=False), state=ApplicationState.CONFIRMED
    )
    shown = confirmed(make)
    for application in (accepted, unverified):
        with pytest.raises(NotFound):
            leads.stand_application(slot.id, application.id)
    with pytest.raises(NotFound):
        leads.stand_application(slot.id, shown.id)  # the slot in the address is not its own


def test_the_startup_reads_its_leads_once_the_day_has_started(make, ctx):
    owner = make.user()
    startup = make.startup(owner=owner)
    started = make.slot(starts_in=timedelta(hours=-1), deadline_in=timedelta(days=-3))
    upcoming = make.slot()
    today = make.application(started, startup, state=ApplicationState.CONFIRMED)
    later = make.application(upcoming, startup, state=ApplicationState.CONFIRMED)
    user, organisation = db.session.get(User, owner.id), db.session.get(Organisation, startup.id)
    leads.leave_email(get_application(today), "ana@example.org", consent=True)
    assert [
        lead.email for lead in leads.leads_for_member(user, organisation, get_application(today))
    ] == ["ana@example.org"]
    with pytest.raises(DomainError):
        leads.leads_for_member(user, organisation, get_application(later))


def test_another_startup_never_reads_the_leads(make, ctx):
    stranger = make.user()
    other = make.startup(owner=stranger)
    application = confirmed(make, starts_in=timedelta(hours=-1))
    with pytest.raises(NotFound):
        leads.leads_for_member(
            db.session.get(User, stranger.id),
            db.session.get(Organisation, other.id),
            get_application(application),
        )


def test_leads_are_erased_the_retention_period_after_the_demo_day(make, ctx, settings):
    settings(LEAD_RETENTION_DAYS=30)
    old = confirmed(make, starts_in=timedelta(days=-40), duration=timedelta(hours=3))
    recent = confirmed(make, starts_in=timedelta(days=-10), name="Agrivue")
    leads.leave_email(get_application(old), "ana@example.org", consent=True)
    leads.leave_email(get_application(old), "bob@example.org", consent=True)
    leads.leave_email(get_application(recent), "ana@example.org", consent=True)
    db.session.commit()
    assert leads.erase_expired_leads(now=utcnow()) == 2
    db.session.commit()
    assert lead_emails(old) == []
    assert lead_emails(recent) == ["ana@example.org"]
    assert leads.erase_expired_leads(now=utcnow()) == 0
    # The same job run 21 days later erases the recent ones too.
    assert leads.erase_expired_leads(now=utcnow() + timedelta(days=21)) == 1
