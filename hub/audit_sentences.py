"""The audit trail read as sentences: one per action code, in the reader's language.

`SENTENCES` is the registry: each code the domain records (hub/domain/audit.py) has a
sentence with `%(actor)s` (who, linked to their account) and `%(target)s` (what it names,
linked to its page), and sometimes a detail the entry keeps. A code without a sentence still
reads as one (`FALLBACK`), with its code; tests/views/test_audit_trail.py checks that every
code recorded in hub/ has its sentence. `KINDS` are the kinds of action staff filter by.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from hub.models import (
    Application,
    AuditEntry,
    Event,
    Innovation,
    InnovationStatus,
    Organisation,
    OrganisationKind,
    Registration,
    ShowcaseSlot,
    User,
)

KINDS = {
    "event": _l("Events"),
    "registration": _l("Registrations"),
    "feedback": _l("Feedback"),
    "innovation": _l("Innovations"),
    "organisation": _l("Organisations"),
    "slot": _l("Demo slots"),
    "application": _l("Applications"),
    "user": _l("Accounts"),
    "series": _l("Series"),
    "stand": _l("Stands"),
    "lead": _l("Visitors' emails left at stands"),
    "privacy": _l("Personal data requests"),
    "demo": _l("Demo content"),
}

SENTENCES = {
    "event.proposed": _l("%(actor)s proposed %(target)s."),
    "event.created": _l("%(actor)s created and published %(target)s."),
    "event.updated": _l("%(actor)s changed %(target)s."),
    "event.picture_changed": _l("%(actor)s changed the picture of %(target)s."),
    "event.published": _l("%(actor)s published %(target)s."),
    "event.rejected": _l("%(actor)s declined the proposal %(target)s."),
    "event.cancelled": _l("%(actor)s cancelled %(target)s."),
    "event.cohost_invited": _l("%(actor)s invited %(organisation)s to co-host %(target)s."),
    "event.cohost_accepted": _l("%(actor)s accepted to co-host %(target)s."),
    "event.cohost_declined": _l("%(actor)s declined to co-host %(target)s."),
    "event.message_sent": _l("%(actor)s wrote to the registrants of %(target)s."),
    "registration.confirmed": _l("%(actor)s registered %(target)s, with a seat."),
    "registration.waitlisted": _l("%(actor)s registered %(target)s, on the waiting list."),
    "registration.cancelled": _l("%(actor)s cancelled the registration of %(target)s."),
    "registration.promoted": _l("%(actor)s gave a freed seat to %(target)s."),
    "registration.attended": _l("%(actor)s checked in %(target)s."),
    "registration.link_resent": _l("%(actor)s had the private link of %(target)s sent again."),
    "feedback.given": _l("%(actor)s gave their opinion as %(target)s."),
    "feedback.changed": _l("%(actor)s changed their opinion as %(target)s."),
    "innovation.created": _l("%(actor)s created %(target)s."),
    "innovation.updated": _l("%(actor)s changed %(target)s."),
    "innovation.image_changed": _l("%(actor)s changed the picture of %(target)s."),
    "innovation.published": _l("%(actor)s published %(target)s."),
    "innovation.archived": _l("%(actor)s archived %(target)s."),
    "innovation.draft": _l("%(actor)s took %(target)s back to draft."),
    "innovation.featured": _l("%(actor)s featured %(target)s on the home page."),
    "innovation.unfeatured": _l("%(actor)s took %(target)s off the home page."),
    "innovation.featured_moved": _l(
        "%(actor)s moved %(target)s to place %(rank)s on the home page."
    ),
    "innovation.interest": _l("%(actor)s said they are interested in %(target)s."),
    "organisation.created": _l("%(actor)s created %(target)s."),
    "organisation.updated": _l("%(actor)s changed the profile of %(target)s."),
    "organisation.logo_changed": _l("%(actor)s changed the logo of %(target)s."),
    "organisation.verified": _l("%(actor)s verified %(target)s."),
    "organisation.member_invited": _l("%(actor)s invited %(email)s to join %(target)s."),
    "organisation.member_joined": _l("%(actor)s joined %(target)s."),
    "organisation.invitation_revoked": _l(
        "%(actor)s withdrew the invitation of %(email)s to %(target)s."
    ),
    "organisation.member_removed": _l("%(actor)s removed %(email)s from %(target)s."),
    "organisation.ownership_transferred": _l("%(actor)s handed the ownership of %(target)s over."),
    "slot.created": _l("%(actor)s created the demo slot %(target)s."),
    "slot.updated": _l("%(actor)s changed the demo slot %(target)s."),
    "slot.closed": _l("%(actor)s closed the applications to %(target)s."),
    "slot.reopened": _l("%(actor)s opened the applications to %(target)s again."),
    "slot.cancelled": _l("%(actor)s cancelled the demo slot %(target)s."),
    "application.saved": _l("%(actor)s saved %(target)s."),
    "application.submitted": _l("%(actor)s submitted %(target)s."),
    "application.accepted": _l("%(actor)s accepted %(target)s."),
    "application.waitlisted": _l("%(actor)s put %(target)s on the waiting list."),
    "application.rejected": _l("%(actor)s declined %(target)s."),
    "application.confirmed": _l("%(actor)s confirmed %(target)s."),
    "application.withdrawn": _l("%(actor)s withdrew %(target)s."),
    "application.cancelled": _l("%(actor)s cancelled %(target)s."),
    "user.registered": _l("%(actor)s created their account."),
    "user.confirmed": _l("%(actor)s confirmed their email address."),
    "user.password_reset": _l("%(actor)s chose a new password."),
    "user.created": _l("%(actor)s created the account of %(target)s."),
    "user.activated": _l("%(actor)s let %(target)s log in again."),
    "user.deactivated": _l("%(actor)s deactivated the account of %(target)s."),
    "demo.seeded": _l("%(actor)s loaded the demo content."),
    "demo.events_seeded": _l("%(actor)s loaded the demo events."),
    "demo.showcase_seeded": _l("%(actor)s loaded the demo showcase."),
    "demo.figures_seeded": _l("%(actor)s loaded a year of demo figures."),
    "event.question_added": _l("%(actor)s added a registration question to %(target)s."),
    "event.question_removed": _l("%(actor)s removed a registration question from %(target)s."),
    "registration.answered": _l("%(actor)s answered the registration questions of %(target)s."),
    "registration.name_corrected": _l("%(actor)s corrected the name of %(target)s."),
    "registration.news_stopped": _l("%(actor)s stopped the news for %(target)s."),
    "registration.erased": _l("%(actor)s erased the personal data of a registration."),
    "registration.offered": _l("%(actor)s offered a freed seat to %(target)s."),
    "registration.offer_accepted": _l("%(actor)s took the seat offered to %(target)s."),
    "registration.offer_expired": _l(
        "The seat offered to %(target)s was passed on: no answer in time."
    ),
    "registration.walk_in": _l("%(actor)s added %(target)s at the door."),
    "privacy.erasure_requested": _l("%(actor)s asked for the erasure of a person's data."),
    "user.name_corrected": _l("%(actor)s corrected the name of %(target)s."),
    "user.closed": _l("%(actor)s closed their account."),
    "series.created": _l("%(actor)s created a series of events."),
    "series.updated": _l("%(actor)s changed a series of events."),
    "slot.schedule": _l("%(actor)s set the pitch schedule of %(target)s."),
    "slot.placed_all": _l("%(actor)s placed every startup of %(target)s on the stands."),
    "stand.added": _l("%(actor)s added a stand."),
    "stand.removed": _l("%(actor)s removed a stand."),
    "application.placed": _l("%(actor)s gave %(target)s a stand and a pitch time."),
    "application.reviewed": _l("%(actor)s scored %(target)s."),
    "lead.left": _l("%(actor)s left their email address for a startup at its stand."),
}
FALLBACK = _l("%(actor)s: %(action)s on %(target)s.")
# Details a sentence may name; missing ones read as a dash.
DETAILS = ("organisation", "email", "rank")


def _link(text: str, href: str | None) -> Markup:
    return Markup('<a href="{}">{}</a>').format(href, text) if href else escape(text)


def _quoted(text: str) -> str:
    return _("“%(title)s”", title=text)  # French: « … »


def describe_target(row) -> Markup:
    """What an entry names, as a link to its page (staff see every page)."""
    if isinstance(row, Event):
        return _link(_quoted(row.title), url_for("hosting.manage", event_id=row.id))
    if isinstance(row, Innovation):
        public = row.status == InnovationStatus.PUBLISHED
        href = url_for("innovations.detail", slug=row.slug) if public else None
        return _link(_quoted(row.title), href)
    if isinstance(row, Organisation):
        kind = "startups" if row.kind == OrganisationKind.STARTUP else "partners"
        return _link(row.name, url_for(f"{kind}.profile", slug=row.slug))
    if isinstance(row, ShowcaseSlot):
        return _link(_quoted(row.theme), url_for("showcase.slot", slot_id=row.id))
    if isinstance(row, Application):
        return _filled(
            _l("the application of %(startup)s for %(slot)s"),
            startup=describe_target(row.organisation),
            slot=describe_target(row.slot),
        )
    if isinstance(row, Registration):
        href = url_for("hosting.attendees", event_id=row.event_id, q=row.email)
        return _filled(
            _l("%(person)s for %(event)s"),
            person=_link(row.name, href),
            event=describe_target(row.event),
        )
    if isinstance(row, User):
        return _link(row.name or row.email, url_for("staff.users", q=row.email))
    return escape(_("something that no longer exists"))


def describe_actor(entry: AuditEntry) -> Markup:
    if entry.actor is not None:
        return describe_target(entry.actor)
    if entry.action.startswith(("registration.", "feedback.", "innovation.interest")):
        return escape(_("A visitor"))
    return escape(_("Atelier Hub"))


def sentence(entry: AuditEntry, targets: dict) -> Markup:
    """The entry as a sentence with links: "Marie a accepté de co-organiser « … »"."""
    target = targets.get((entry.target_type, entry.target_id))
    details = entry.details or {}
    values = {
        "actor": describe_actor(entry),
        "target": describe_target(target),
        "action": escape(entry.action),
        **{name: escape(str(details.get(name, "—"))) for name in DETAILS},
    }
    return _filled(SENTENCES.get(entry.action, FALLBACK), **values)


def _filled(text, **values) -> Markup:
    """Translated text, escaped, with values put in (escaped unless they are links)."""
    return escape(str(text)) % values
