"""Startups and partners: creation, profile, members, invitations and staff verification.

Members keep the profile up to date; owners also invite and remove members and may hand
over ownership. Staff verify an organisation before it is listed publicly.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from hub.domain import audit
from hub.domain.accounts import normalise_email
from hub.domain.errors import Conflict, DomainError, NotAllowed, NotFound
from hub.domain.mail import queue_email
from hub.domain.slugs import unique_slug
from hub.extensions import db
from hub.models import (
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    User,
    utcnow,
)

PROFILE_FIELDS = ("name", "tagline", "description", "website", "city", "sectors", "stage")


def membership_of(user: User | None, organisation: Organisation) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        sa.select(Membership).where(
            Membership.organisation_id == organisation.id, Membership.user_id == user.id
        )
    )


def can_manage(user: User | None, organisation: Organisation) -> bool:
    """Members (owners included) keep the profile, innovations and applications."""
    return membership_of(user, organisation) is not None


def organisation_for_member(user: User, slug: str) -> Organisation:
    """The organisation with this slug if `user` belongs to it; NotFound otherwise.

    Someone else's organisation answers exactly as a missing one, so its existence and
    management pages do not leak.
    """
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
    if organisation is None or not can_manage(user, organisation):
        raise NotFound(_l("This organisation does not exist, or you are not one of its members."))
    return organisation


def organisations_of(user: User) -> list[tuple[Organisation, Membership]]:
    rows = db.session.execute(
        sa.select(Organisation, Membership)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user.id)
        .order_by(Organisation.kind, Organisation.name)
    )
    return [(organisation, membership) for organisation, membership in rows]


def members_of(organisation: Organisation) -> list[Membership]:
    return list(
        db.session.scalars(
            sa.select(Membership)
            .where(Membership.organisation_id == organisation.id)
            .options(sa.orm.joinedload(Membership.user))
            .order_by(Membership.role.desc(), Membership.created_at, Membership.id)
        )
    )


def public_organisations(kind: OrganisationKind) -> sa.Select:
    """Verified organisations of one kind, by name."""
    return (
        sa.select(Organisation)
        .where(Organisation.kind == kind, Organisation.verified_at.is_not(None))
        .order_by(Organisation.name, Organisation.id)
    )


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
        raise NotFound(_l("This organisation does not exist, or you are not one of its members."))
    values = _clean_profile(organisation.kind, profile)
    changed = [key for key, value in values.items() if getattr(organisation, key) != value]
    for key in changed:
        setattr(organisation, key, values[key])
    if changed:
        audit.record(user, "organisation.updated", organisation, fields=changed)
    return changed


def set_logo(user: User, organisation: Organisation, name: str | None) -> str | None:
    """Use a stored image as the logo (None removes it); returns the previous file name."""
    if not can_manage(user, organisation):
        raise NotFound(_l("This organisation does not exist, or you are not one of its members."))
    previous = organisation.logo
    organisation.logo = name
    audit.record(user, "organisation.logo_changed", organisation, removed=name is None)
    return previous


def _require_owner(user: User, organisation: Organisation) -> None:
    membership = membership_of(user, organisation)
    if membership is None:
        raise NotFound(_l("This organisation does not exist, or you are not one of its members."))
    if membership.role != MembershipRole.OWNER:
        raise NotAllowed(_l("Only the owner can manage the members."))


def notify_members(organisation: Organisation, template: str, **context) -> int:
    """Email every member of the organisation, each in their own language."""
    count = 0
    for membership in members_of(organisation):
        member = membership.user
        if member.is_active:
            queue_email(
                member.email, template, member.locale, user=member, organisation=organisation,
                **context,
            )  # fmt: skip
            count += 1
    return count


# Invitations ---------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="hub.invitation")


def invitation_token(invitation: Invitation) -> str:
    return _serializer().dumps({"i": invitation.id, "e": invitation.email})


def pending_invitations(organisation: Organisation) -> list[Invitation]:
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(
                Invitation.organisation_id == organisation.id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
            )
            .order_by(Invitation.created_at.desc())
        )
    )


def invitations_for(user: User) -> list[Invitation]:
    """Pending invitations sent to this person's address, still within their lifetime."""
    since = utcnow().timestamp() - current_app.config["INVITATION_MAX_AGE"]
    return [
        invitation
        for invitation in db.session.scalars(
            sa.select(Invitation)
            .where(
                Invitation.email == normalise_email(user.email),
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
            )
            .options(sa.orm.joinedload(Invitation.organisation))
            .order_by(Invitation.created_at.desc())
        )
        if invitation.created_at.timestamp() >= since
    ]


def invite_member(user: User, organisation: Organisation, email: str) -> Invitation:
    """Email a signed link to join; inviting the same address again sends a fresh link."""
    _require_owner(user, organisation)
    email = normalise_email(email)
    already = db.session.scalar(
        sa.select(Membership)
        .join(Membership.user)
        .where(Membership.organisation_id == organisation.id, User.email == email)
    )
    if already is not None:
        raise Conflict(_l("%(email)s is already a member.", email=email), field="email")
    invitation = db.session.scalar(
        sa.select(Invitation).where(
            Invitation.organisation_id == organisation.id,
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
    )
    if invitation is None:
        invitation = Invitation(organisation_id=organisation.id, email=email)
        db.session.add(invitation)
    invitation.invited_by_id = user.id
    invitation.created_at = utcnow()
    db.session.flush()
    invitee = db.session.scalar(sa.select(User).where(User.email == email))
    queue_email(
        email,
        "organisation_invitation",
        invitee.locale if invitee else user.locale,
        organisation=organisation,
        inviter=user,
        accept_url=url_for(
            "organisations.invitation", token=invitation_token(invitation), _external=True
        ),
        days=current_app.config["INVITATION_MAX_AGE"] // 86400,
    )
    audit.record(user, "organisation.member_invited", organisation, email=email)
    return invitation


def invitation_from_token(token: str) -> Invitation:
    try:
        data = _serializer().loads(token, max_age=current_app.config["INVITATION_MAX_AGE"])
    except BadSignature as error:
        raise DomainError(
            _l("This invitation link is invalid or has expired. Ask for a new one.")
        ) from error
    invitation = db.session.get(Invitation, data.get("i"))
    if invitation is None or invitation.email != data.get("e") or not invitation.is_pending:
        raise DomainError(_l("This invitation has already been used or withdrawn."))
    return invitation


def accept_invitation(user: User, invitation: Invitation) -> Membership:
    """Join the organisation; only the person the invitation was sent to may."""
    if not invitation.is_pending:
        raise DomainError(_l("This invitation has already been used or withdrawn."))
    if normalise_email(user.email) != invitation.email:
        raise NotAllowed(
            _l(
                "This invitation was sent to %(email)s. Log in with that address to accept it.",
                email=invitation.email,
            )
        )
    organisation = invitation.organisation
    invitation.accepted_at = utcnow()
    membership = membership_of(user, organisation)
    if membership is None:
        membership = Membership(
            organisation_id=organisation.id, user_id=user.id, role=MembershipRole.MEMBER
        )
        db.session.add(membership)
        db.session.flush()
    audit.record(user, "organisation.member_joined", organisation, user_id=user.id)
    return membership


def revoke_invitation(user: User, invitation: Invitation) -> None:
    _require_owner(user, invitation.organisation)
    if not invitation.is_pending:
        raise DomainError(_l("This invitation has already been used or withdrawn."))
    invitation.revoked_at = utcnow()
    audit.record(
        user, "organisation.invitation_revoked", invitation.organisation, email=invitation.email
    )


def remove_member(user: User, organisation: Organisation, membership: Membership) -> None:
    """An owner removes a member, or a member leaves. The owner must hand over first."""
    if membership.organisation_id != organisation.id:
        raise NotFound(_l("This person is not a member."))
    if membership.user_id != user.id:
        _require_owner(user, organisation)
    elif membership_of(user, organisation) is None:
        raise NotFound(_l("This person is not a member."))
    if membership.role == MembershipRole.OWNER:
        raise DomainError(_l("The owner cannot be removed: hand over ownership first."))
    removed = membership.user
    db.session.delete(membership)
    audit.record(
        user, "organisation.member_removed", organisation, user_id=removed.id, email=removed.email
    )


def transfer_ownership(user: User, organisation: Organisation, membership: Membership) -> None:
    """The owner hands the organisation over to another member and becomes a member."""
    _require_owner(user, organisation)
    if membership.organisation_id != organisation.id:
        raise NotFound(_l("This person is not a member."))
    if membership.user_id == user.id:
        raise DomainError(_l("You are already the owner."))
    current = membership_of(user, organisation)
    current.role = MembershipRole.MEMBER
    membership.role = MembershipRole.OWNER
    audit.record(
        user, "organisation.ownership_transferred", organisation, new_owner_id=membership.user_id
    )
    new_owner = membership.user
    queue_email(
        new_owner.email,
        "organisation_ownership",
        new_owner.locale,
        user=new_owner,
        organisation=organisation,
        previous=user,
        manage_url=url_for("organisations.manage", slug=organisation.slug, _external=True),
    )


# Staff -----------------------------------------------------------------------------------


def unverified_organisations() -> sa.Select:
    return (
        sa.select(Organisation)
        .where(Organisation.verified_at.is_(None))
        .order_by(Organisation.created_at, Organisation.id)
    )


def verify_organisation(staff: User, organisation: Organisation) -> None:
    """Staff list the organisation publicly; its members are told."""
    if not staff.is_staff:
        raise NotAllowed(_l("Only the venue team can do this."))
    if organisation.verified_at is not None:
        raise Conflict(_l("%(name)s is already verified.", name=organisation.name))
    organisation.verified_at = utcnow()
    audit.record(staff, "organisation.verified", organisation)
    endpoint = (
        "startups.profile" if organisation.kind == OrganisationKind.STARTUP else "partners.profile"
    )
    notify_members(
        organisation,
        "organisation_verified",
        profile_url=url_for(endpoint, slug=organisation.slug, _external=True),
    )
