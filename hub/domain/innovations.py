"""Innovations: what the public may see."""

from __future__ import annotations

import sqlalchemy as sa

from hub.models import Innovation, InnovationStatus, Organisation


def public_innovations() -> sa.Select:
    """Published innovations of verified startups, newest first."""
    return (
        sa.select(Innovation)
        .join(Innovation.organisation)
        .where(
            Innovation.status == InnovationStatus.PUBLISHED,
            Organisation.verified_at.is_not(None),
        )
        .order_by(Innovation.published_at.desc(), Innovation.id.desc())
    )
