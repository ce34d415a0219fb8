"""Startups and partners, with the members you give them."""

from __future__ import annotations

from hub.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    StartupStage,
    User,
    utcnow,
)
from hub.text import slugify
from tests.factories.base import Builder, keep, sequence

DEFAULT_NAMES = {OrganisationKind.STARTUP: "Startup", OrganisationKind.PARTNER: "Partenaire"}


class OrganisationFactories(Builder):
    def organisation(
        self,
        name: str | None = None,
        kind: OrganisationKind = OrganisationKind.STARTUP,
        *,
        owner: User | None = None,
        members: tuple[User, ...] = (),
        slug: str | None = None,
        city: str = "Saint-Étienne",
        sectors: list[str] | None = None,
        stage: StartupStage | None = StartupStage.LAUNCHED,
        verified: bool = True,
        **fields,
    ) -> Organisation:
        """An organisation (verified by default) owned by `owner`, with `members`.

        Without an owner it has no members at all, so nobody is emailed about it.
        """
        number = next(sequence)
        name = name or f"{DEFAULT_NAMES[kind]} {number}"
        with self.app.app_context():
            organisation = Organisation(
                kind=kind,
                name=name,
                slug=slug or f"{slugify(name)}-{number}",
                city=city,
                sectors=sectors if sectors is not None else [],
                stage=stage if kind == OrganisationKind.STARTUP else None,
                verified_at=utcnow() if verified else None,
                **fields,
            )
            if owner is not None:
                organisation.memberships.append(
                    Membership(user_id=owner.id, role=MembershipRole.OWNER)
                )
            for member in members:
                organisation.memberships.append(
                    Membership(user_id=member.id, role=MembershipRole.MEMBER)
                )
            return keep(organisation)

    def startup(self, name: str | None = None, **kwargs) -> Organisation:
        return self.organisation(name, OrganisationKind.STARTUP, **kwargs)

    def partner(self, name: str | None = None, **kwargs) -> Organisation:
        return self.organisation(name, OrganisationKind.PARTNER, **kwargs)
