"""Reviewing applications like a committee: each staff member scores an application once
(1 to 5, with a comment for the team), sees the others' scores only after scoring, and the
team decides on several applications at once, through the same decision as one by one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from hub.domain import audit
from hub.domain.errors import DomainError, NotAllowed
from hub.domain.showcase.decisions import DECISIONS, decide_application
from hub.domain.showcase.queries import reviewable_application
from hub.extensions import db
from hub.models import Application, Review, User

SCORES = (1, 2, 3, 4, 5)
COMMENT_MAX = 2000
BULK_MAX = 100


def _check_staff(user: User) -> None:
    if not user.is_staff:
        raise NotAllowed(_l("Only the venue team can do this."))


def score_application(
    reviewer: User, application: Application, score: int, comment: str = ""
) -> Review:
    """Record (or change) the reviewer's score of the application; one per reviewer."""
    _check_staff(reviewer)
    if score not in SCORES:
        raise DomainError(_l("Choose a score from 1 to 5."), field="score")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise DomainError(
            _l("Keep the comment under %(count)d characters.", count=COMMENT_MAX),
            field="comment",
        )
    review = _review_of(reviewer, application)
    if review is None:
        review = Review(application_id=application.id, reviewer_id=reviewer.id)
        db.session.add(review)
        try:
            review.score, review.comment = score, comment
            with db.session.begin_nested():
                db.session.flush()
        except IntegrityError:
            # The same reviewer scored in another tab at the same moment: change that one.
            review = _review_of(reviewer, application)
    review.score, review.comment = score, comment
    db.session.flush()
    audit.record(reviewer, "application.reviewed", application, score=score)
    return review


def _review_of(reviewer: User, application: Application) -> Review | None:
    return db.session.scalar(
        sa.select(Review).where(
            Review.application_id == application.id, Review.reviewer_id == reviewer.id
        )
    )


@dataclass
class ReviewSummary:
    """What a reviewer sees of an application's reviews: how many, always; the average and
    the others' scores and comments only once they have scored it themselves."""

    count: int = 0
    average: float | None = None
    mine: Review | None = None
    others: list[Review] = field(default_factory=list)

    @property
    def visible(self) -> bool:
        return self.mine is not None


def review_summaries(viewer: User, application_ids: Iterable[int]) -> dict[int, ReviewSummary]:
    """Per application, what `viewer` may see of its reviews, in one query."""
    ids = list(application_ids)
    summaries = {application_id: ReviewSummary() for application_id in ids}
    if not ids:
        return summaries
    reviews = db.session.scalars(
        sa.select(Review)
        .where(Review.application_id.in_(ids))
        .options(sa.orm.joinedload(Review.reviewer))
        .order_by(Review.created_at, Review.id)
    )
    by_application: dict[int, list[Review]] = {application_id: [] for application_id in ids}
    for review in reviews:
        by_application[review.application_id].append(review)
    for application_id, found in by_application.items():
        summary = summaries[application_id]
        summary.count = len(found)
        summary.mine = next((r for r in found if r.reviewer_id == viewer.id), None)
        if summary.mine is not None:
            summary.average = sum(r.score for r in found) / len(found)
            summary.others = [r for r in found if r.reviewer_id != viewer.id]
    return summaries


def review_order(viewer: User, sort: str | None):
    """ORDER BY terms for the review queue: by average (only of what the viewer has scored,
    so the order reveals nothing), or by number of reviews; None for the queue's own order."""
    if sort not in ("average", "reviews"):
        return None
    stats = (
        sa.select(
            Review.application_id.label("application_id"),
            sa.func.avg(Review.score).label("average"),
            sa.func.count().label("reviews"),
        )
        .group_by(Review.application_id)
        .subquery()
    )
    if sort == "reviews":
        count = sa.select(stats.c.reviews).where(stats.c.application_id == Application.id)
        return [sa.func.coalesce(count.scalar_subquery(), 0).desc()]
    mine = sa.exists().where(
        Review.application_id == Application.id, Review.reviewer_id == viewer.id
    )
    average = sa.select(stats.c.average).where(stats.c.application_id == Application.id)
    known = sa.case((mine, average.scalar_subquery()), else_=None)
    # NULLs (not yet scored by the viewer) last, on both databases.
    return [sa.case((known.is_(None), 1), else_=0), known.desc()]


@dataclass
class BulkOutcome:
    done: list[Application] = field(default_factory=list)
    refused: list[tuple[Application, str]] = field(default_factory=list)


def decide_many(
    staff: User, application_ids: Iterable[int], decision: str, message: str = ""
) -> BulkOutcome:
    """Take one decision, with one message, on several applications, in the queue's order.

    Each goes through decide_application: under the slot's lock, within the seats; those
    it refuses (no seat left, already decided, startup not verified) are listed with the
    reason and left as they were, the others are decided and told.
    """
    _check_staff(staff)
    if decision not in DECISIONS:
        raise DomainError(_l("Unknown decision."))
    ids = sorted({int(i) for i in application_ids})
    if not ids:
        raise DomainError(_l("Select at least one application."))
    if len(ids) > BULK_MAX:
        raise DomainError(_l("Select %(count)d applications at most.", count=BULK_MAX))
    applications = [reviewable_application(application_id) for application_id in ids]
    applications.sort(key=lambda a: (a.submitted_at is None, a.submitted_at, a.id))
    outcome = BulkOutcome()
    for application in applications:
        try:
            decide_application(staff, application, decision, message)
        except DomainError as refusal:
            outcome.refused.append((application, str(refusal.message)))
        else:
            outcome.done.append(application)
    return outcome
