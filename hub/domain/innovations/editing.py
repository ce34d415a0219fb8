"""Innovations as their startup keeps them: create, edit, picture, publish, archive."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hub.domain import audit
from hub.domain.errors import DomainError, NotFound
from hub.domain.organisations.members import NOT_A_MEMBER, can_manage
from hub.domain.slugs import unique_slug
from hub.extensions import db
from hub.models import Innovation, InnovationStatus, Organisation, OrganisationKind, User, utcnow

FIELDS = ("title", "summary", "description", "tags", "image_alt")
# Which status each action leads to, and from where it may be taken.
STATUS_ACTIONS = {
    "publish": ({InnovationStatus.DRAFT, InnovationStatus.ARCHIVED}, InnovationStatus.PUBLISHED),
    "archive": ({InnovationStatus.DRAFT, InnovationStatus.PUBLISHED}, InnovationStatus.ARCHIVED),
    "unpublish": ({InnovationStatus.PUBLISHED}, InnovationStatus.DRAFT),
}


def _check(user: User, organisation: Organisation) -> None:
    if not can_manage(user, organisation):
        raise NotFound(NOT_A_MEMBER)
    if organisation.kind != OrganisationKind.STARTUP:
        raise DomainError(_l("Only startups present innovations."))


def _clean(values: dict) -> dict:
    clean = {key: values[key] for key in FIELDS if key in values}
    for key in ("title", "summary", "image_alt"):
        if key in clean:
            clean[key] = (clean[key] or "").strip()
    if "title" in clean and not clean["title"]:
        raise DomainError(_l("Give the innovation a title."), field="title")
    return clean


def create_innovation(user: User, organisation: Organisation, **values) -> Innovation:
    """A draft innovation of the startup."""
    _check(user, organisation)
    clean = _clean(values)
    innovation = Innovation(
        organisation_id=organisation.id,
        slug=unique_slug(Innovation.slug, clean["title"], max_length=160),
        **clean,
    )
    db.session.add(innovation)
    db.session.flush()
    audit.record(user, "innovation.created", innovation, organisation_id=organisation.id)
    return innovation


def update_innovation(user: User, innovation: Innovation, **values) -> list[str]:
    """Change the innovation's text; returns the names of the fields that changed."""
    _check(user, innovation.organisation)
    return audit.apply_changes(user, "innovation.updated", innovation, _clean(values))


def set_image(user: User, innovation: Innovation, name: str | None) -> str | None:
    """Use a stored image as the innovation's picture; returns the previous file name."""
    _check(user, innovation.organisation)
    previous = innovation.image
    innovation.image = name
    audit.record(user, "innovation.image_changed", innovation, removed=name is None)
    return previous


def change_status(user: User, innovation: Innovation, action: str) -> None:
    """Publish, archive or unpublish an innovation."""
    _check(user, innovation.organisation)
    if action not in STATUS_ACTIONS:
        raise DomainError(_l("Unknown action."))
    sources, target = STATUS_ACTIONS[action]
    if innovation.status not in sources:
        raise DomainError(
            _l(
                "This innovation is %(status)s: it cannot be changed this way.",
                status=innovation.status.label,
            )
        )
    previous = innovation.status
    innovation.status = target
    if target == InnovationStatus.PUBLISHED and innovation.published_at is None:
        innovation.published_at = utcnow()
    audit.record(user, f"innovation.{target.value}", innovation, old=previous.value)
