"""Staff verify an organisation before it is listed publicly."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hub.domain import audit
from hub.domain.errors import Conflict, NotAllowed
from hub.domain.organisations.members import notify_members
from hub.models import Organisation, User, utcnow


def verify_organisation(staff: User, organisation: Organisation) -> None:
    """Staff list the organisation publicly; its members are told."""
    if not staff.is_staff:
        raise NotAllowed(_l("Only the venue team can do this."))
    if organisation.verified_at is not None:
        raise Conflict(_l("%(name)s is already verified.", name=organisation.name))
    organisation.verified_at = utcnow()
    audit.record(staff, "organisation.verified", organisation)
    notify_members(organisation, "organisation_verified")
