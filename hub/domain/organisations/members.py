"""Who belongs to an organisation: memberships, invitations by email, ownership.

Members keep the profile up to date; owners also invite and remove members and may hand
over ownership.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from hub.domain import audit, outbox, signed
from hub.domain.accounts.queries import normalise_email
from hub.domain.errors import Conflict, DomainError, NotAllowed, NotFound
from hub.extensions import db
from hub.models import Invitation, Membership, MembershipRole, Organisation, User, utcnow

NOT_A_MEMBER = _l("This organisation does not exist, or you are not one of its members.")


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
        raise NotFound(NOT_A_MEMBER)
    return organisation


def memberships_of(organisation: Organisation) -> list[Membership]:
    """The organisation's memberships, owner first, each with its person loaded."""
    return list(
        db.session.scalars(
            sa.select(Membership)
            .where(Membership.organisation_id == organisation.id)
            .options(sa.orm.joinedload(Membership.user))
            .order_by(Membership.role.desc(), Membership.created_at, Membership.id)
        )
    )


def membership_in(organisation: Organisation, membership_id: int) -> Membership:
    """One membership of this organisation; NotFound for any other."""
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != organisation.id:
        raise NotFound(_l("This person is not a member."))
    return membership


def _require_owner(user: User, organisation: Organisation) -> None:
    membership = membership_of(user, organisation)
    if membership is None:
        raise NotFound(NOT_A_MEMBER)
    if membership.role != MembershipRole.OWNER:
        raise NotAllowed(_l("Only the owner can manage the members."))


def notify_members(organisation: Organisation, template: str, **context) -> int:
    """Email every active member of the organisation, each in their own language."""
    count = 0
    for membership in memberships_of(organisation):
        member = membership.user
        if member.is_active:
            outbox.queue(
                member.email, template, member.locale, user=member, organisation=organisation,
                **context,
            )  # fmt: skip
            count += 1
    return count


# Invitations ---------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    return signed.signer("invitation").dumps({"i": invitation.id, "e": invitation.email})


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


def invitation_in(organisation: Organisation, invitation_id: int) -> Invitation:
    """One invitation of this organisation; NotFound for any other."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != organisation.id:
        raise NotFound(_l("This invitation does not exist."))
    return invitation


def invitation_addressed_to(user: User, invitation_id: int) -> Invitation:
    """An invitation sent to this person's address; NotFound for any other."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.email != normalise_email(user.email):
        raise NotFound(_l("This invitation does not exist."))
    return invitation


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
    outbox.queue(
        email,
        "organisation_invitation",
        invitee.locale if invitee else user.locale,
        organisation=organisation,
        inviter=user,
        token=invitation_token(invitation),
        days=current_app.config["INVITATION_MAX_AGE"] // 86400,
    )
    audit.record(user, "organisation.member_invited", organisation, email=email)
    return invitation


def invitation_from_token(token: str) -> Invitation:
    """The pending invitation an emailed link names."""
    data = signed.read(
        "invitation",
        token,
        "INVITATION_MAX_AGE",
        _l("This invitation link is invalid or has expired. Ask for a new one."),
    )
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
    outbox.queue(
        new_owner.email,
        "organisation_ownership",
        new_owner.locale,
        user=new_owner,
        organisation=organisation,
        previous=user,
    )
