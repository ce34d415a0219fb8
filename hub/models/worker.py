"""What the worker keeps between runs: each periodic job's schedule and who holds it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hub.extensions import db
from hub.models.base import UTCDateTime


class JobSchedule(db.Model):
    """One row per periodic job (hub/domain/periodic.py).

    A worker runs the job only after taking its lease with a conditional update, so among
    several workers on several machines one runs it per interval; a lease that expires (its
    holder died) may be taken by another.
    """

    __tablename__ = "job_schedules"

    name: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    next_run_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_holder: Mapped[str] = mapped_column(sa.String(120), default="")
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    runs: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<JobSchedule {self.name}>"
