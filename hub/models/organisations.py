"""Startups and partners, and the people who belong to them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db
from hub.models.accounts import User
from hub.models.base import LabelledEnum, UTCDateTime, enum_type, utcnow


class OrganisationKind(LabelledEnum):
    STARTUP = "startup", _l("startup")
    PARTNER = "partner", _l("partner")


class StartupStage(LabelledEnum):
    IDEA = "idea", _l("Idea")
    PROTOTYPE = "prototype", _l("Prototype")
    LAUNCHED = "launched", _l("Launched")
    SCALING = "scaling", _l("Scaling up")


class MembershipRole(LabelledEnum):
    OWNER = "owner", _l("owner")
    MEMBER = "member", _l("member")


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (sa.Index("ix_organisations_kind_verified", "kind", "verified_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrganisationKind] = mapped_column(enum_type(OrganisationKind))
    name: Mapped[str] = mapped_column(sa.String(120))
    slug: Mapped[str] = mapped_column(sa.String(140), unique=True)
    tagline: Mapped[str] = mapped_column(sa.String(200), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    logo: Mapped[str | None] = mapped_column(sa.String(80))
    city: Mapped[str] = mapped_column(sa.String(80), default="")
    sectors: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    stage: Mapped[StartupStage | None] = mapped_column(enum_type(StartupStage))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    def __repr__(self) -> str:
        return f"<Organisation {self.kind} {self.slug}>"


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[MembershipRole] = mapped_column(
        enum_type(MembershipRole), default=MembershipRole.MEMBER
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()
