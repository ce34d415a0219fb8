"""What startups build and show."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db
from hub.models.base import LabelledEnum, UTCDateTime, enum_type, utcnow
from hub.models.organisations import Organisation


class InnovationStatus(LabelledEnum):
    DRAFT = "draft", _l("draft")
    PUBLISHED = "published", _l("published")
    ARCHIVED = "archived", _l("archived")


class Innovation(db.Model):
    __tablename__ = "innovations"
    __table_args__ = (
        sa.Index("ix_innovations_status_published_at", "status", "published_at"),
        sa.Index("ix_innovations_featured_rank", "featured_rank"),
        sa.CheckConstraint("interest_count >= 0", name="interest_count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(sa.String(180), unique=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    summary: Mapped[str] = mapped_column(sa.String(300), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    tags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    image: Mapped[str | None] = mapped_column(sa.String(80))
    # What the picture shows, in the startup's words; pages fall back on the title.
    image_alt: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    status: Mapped[InnovationStatus] = mapped_column(
        enum_type(InnovationStatus), default=InnovationStatus.DRAFT
    )
    # Staff's chosen order on the home page; NULL means not featured.
    featured_rank: Mapped[int | None]
    interest_count: Mapped[int] = mapped_column(default=0)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()

    def __repr__(self) -> str:
        return f"<Innovation {self.slug}>"
