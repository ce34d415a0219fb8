"""What startups show."""

from __future__ import annotations

from datetime import datetime

from hub.models import Innovation, InnovationStatus, Organisation, utcnow
from hub.text import slugify
from tests.factories.base import Builder, keep, sequence


class InnovationFactories(Builder):
    def innovation(
        self,
        organisation: Organisation | None = None,
        title: str | None = None,
        *,
        status: InnovationStatus = InnovationStatus.PUBLISHED,
        slug: str | None = None,
        summary: str = "A useful thing.",
        description: str = "",
        tags: list[str] | None = None,
        featured_rank: int | None = None,
        published_at: datetime | None = None,
        **fields,
    ) -> Innovation:
        """An innovation (published by default) of `organisation`, or of a new startup."""
        organisation = organisation or self.startup()
        number = next(sequence)
        title = title or f"Innovation {number}"
        with self.app.app_context():
            innovation = Innovation(
                organisation_id=organisation.id,
                title=title,
                slug=slug or f"{slugify(title)}-{number}",
                summary=summary,
                description=description,
                tags=tags if tags is not None else [],
                status=status,
                featured_rank=featured_rank,
                published_at=published_at
                or (utcnow() if status == InnovationStatus.PUBLISHED else None),
                **fields,
            )
            return keep(innovation)
