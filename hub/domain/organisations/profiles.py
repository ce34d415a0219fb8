"""An organisation's public profile, as its members keep it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hub.domain import audit
from hub.domain.errors import DomainError, NotAllowed, NotFound
from hub.domain.organisations.members import NOT_A_MEMBER, can_manage
from hub.domain.slugs import unique_slug
from hub.extensions import db
from hub.models import Membership, MembershipRole, Organisation, OrganisationKind, User

PROFILE_FIELDS = ("name", "tagline", "description", "website", "city", "sectors", "stage")


def _clean_profile(kind: OrganisationKind, values: dict) -> dict:
    clean = {key: values[key] for key in PROFILE_FIELDS if key in values}
    for key in ("name", "tagline", "website", "city"):
        if key in clean:
            clean[key] = (clean[key] or "").strip()
    if "name" in clean and not clean["name"]:
        raise DomainError(_l("Give the organisation a name."), field="name")
    website = clean.get("website")
    if website and not website.startswith(("https://", "http://")):
        raise DomainError(
            _l("Give the full address of the website, starting with https://"), field="website"
        )
    if kind != OrganisationKind.STARTUP:
        clean["stage"] = None
    return clean


def create_organisation(user: User, kind: OrganisationKind, **profile) -> Organisation:
    """A new, unverified organisation with `user` as its owner."""
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed(_l("Log in to create an organisation."))
    values = _clean_profile(kind, profile)
    organisation = Organisation(
        kind=kind, slug=unique_slug(Organisation.slug, values["name"]), **values
    )
    organisation.memberships.append(Membership(user_id=user.id, role=MembershipRole.OWNER))
    db.session.add(organisation)
    db.session.flush()
    audit.record(user, "organisation.created", organisation, kind=kind.value)
    return organisation


def update_profile(user: User, organisation: Organisation, **profile) -> list[str]:
    """Change the public profile; returns the names of the fields that changed."""
    if not can_manage(user, organisation):
        raise NotFound(NOT_A_MEMBER)
    values = _clean_profile(organisation.kind, profile)
    return audit.apply_changes(user, "organisation.updated", organisation, values)


def set_logo(user: User, organisation: Organisation, name: str | None) -> str | None:
    """Use a stored image as the logo (None removes it); returns the previous file name."""
    if not can_manage(user, organisation):
        raise NotFound(NOT_A_MEMBER)
    previous = organisation.logo
    organisation.logo = name
    audit.record(user, "organisation.logo_changed", organisation, removed=name is None)
    return previous
