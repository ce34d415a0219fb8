"""How it went: an attendee rates the event and may leave a comment, from their private link."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length

from hub.blueprints import keep_private
from hub.domain.events import queries
from hub.domain.events.feedback import (
    COMMENT_MAX,
    answer_feedback,
    feedback_closed_reason,
    feedback_closes_at,
    feedback_of,
)
from hub.extensions import limiter
from hub.forms import Form
from hub.rendering import render
from hub.unit_of_work import attempt_form, form_status

bp = Blueprint("feedback", __name__)

RATING_LABELS = {
    1: _l("1 — Not good"),
    2: _l("2 — Could be better"),
    3: _l("3 — Fine"),
    4: _l("4 — Good"),
    5: _l("5 — Excellent"),
}


class FeedbackForm(Form):
    rating = RadioField(
        _l("Your rating, from 1 to 5"),
        choices=[SelectChoice(value, label) for value, label in RATING_LABELS.items()],
        coerce=int,
        validators=[InputRequired(_l("Choose a rating from 1 to 5."))],
    )
    comment = TextAreaField(_l("A comment (optional)"), validators=[Length(max=COMMENT_MAX)])


def _limit() -> str:
    return current_app.config["RATELIMIT_PUBLIC_FORM"]


def _render(registration, form, saved=False, status=200):
    response = render(
        "events/feedback.html",
        status=status,
        registration=registration,
        event=registration.event,
        form=form,
        saved=saved,
        closed=feedback_closed_reason(registration),
        closes_at=feedback_closes_at(registration.event),
    )
    return keep_private(response)


@bp.get("/r/<token>/feedback")
def give(token: str):
    registration = queries.registration_by_token(token)
    form = FeedbackForm()
    answer = feedback_of(registration)
    if answer is not None:
        form.rating.data, form.comment.data = answer.rating, answer.comment
    return _render(registration, form, saved=request.args.get("saved") == "1")


@bp.post("/r/<token>/feedback")
@limiter.limit(_limit)
def answer(token: str):
    registration = queries.registration_by_token(token)
    form = FeedbackForm()
    if form.validate_on_submit():
        outcome = attempt_form(
            form, lambda: answer_feedback(registration, form.rating.data, form.comment.data or "")
        )
        if outcome.ok and not request.htmx:
            return redirect(url_for("feedback.give", token=token, saved=1), 303)
        if outcome.ok:
            return _render(registration, form, saved=True)
    return _render(registration, form, status=form_status(form))
