"""The public agenda, event pages, registration, and each person's private registration link."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple
from urllib.parse import urlencode

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import ValidationError
from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length

from hub.blueprints import keep_private
from hub.blueprints.questions import answers_given, with_questions
from hub.domain.events import offers, queries, series
from hub.domain.events.queries import AgendaFilters
from hub.domain.events.questions import check_answers, questions_of, save_answers
from hub.domain.events.registrations import (
    cancel_registration,
    register_for_event,
    registration_closed_reason,
)
from hub.extensions import limiter
from hub.forms import Form
from hub.models import Audience, Event, EventKind, utcnow
from hub.public_cache import cached_page, public_cache
from hub.query_args import Choice, PageArgs, Text, read_args
from hub.rendering import render
from hub.templating import month_label
from hub.unit_of_work import attempt, attempt_form, flash_outcome, form_status

bp = Blueprint("events", __name__)
PAGE_SIZE = 20


def _registration_limit() -> str:
    return current_app.config["RATELIMIT_REGISTRATION"]


def _a_month(value: str) -> None:
    try:
        date.fromisoformat(f"{value}-01")
    except ValueError as error:
        raise ValidationError("a month as YYYY-MM is expected") from error


class FilterLink(NamedTuple):
    href: str
    label: str
    current: bool


class AgendaArgs(PageArgs):
    kind = Choice(EventKind)
    audience = Choice(Audience)
    venue = Text(80)
    month = Text(7, validate_also=_a_month)


class RegistrationForm(Form):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        filters=[lambda value: value.strip() if value else value],
    )
    # Optional and unticked: registering does not depend on it.
    wants_news = BooleanField(
        _l("Tell me about future trainings and workshops (optional; you can stop at any time)")
    )
    companions = TextAreaField(
        _l("Names of the people coming with you"), validators=[Length(max=2000)]
    )

    def companion_names(self) -> list[str]:
        return (self.companions.data or "").splitlines()


@bp.get("/events")
@cached_page(ttl=60, seats=True)
def agenda():
    args = read_args(AgendaArgs())
    filters = AgendaFilters(
        kind=args["kind"].value if args["kind"] else "",
        audience=args["audience"].value if args["audience"] else "",
        venue=args["venue"],
        month=args["month"],
    )
    agenda = queries.agenda(filters, args["page"], PAGE_SIZE, memo=public_cache().memo)
    filter_args = filters.as_args()
    base = url_for("events.agenda")  # once: each link adds its query (slugs, values, months)

    def href(name: str, value: str) -> str:
        args = {key: kept for key, kept in {**filter_args, name: value}.items() if kept}
        return f"{base}?{urlencode(args)}" if args else base

    def links(name: str, choices: Iterable[tuple[str, str]]) -> list[FilterLink]:
        """One filter's choices, "All" first, each a link to the agenda with that choice and
        the other filters kept, from page 1."""
        chosen = filter_args.get(name, "")
        return [
            FilterLink(href(name, value), label, value == chosen)
            for value, label in (("", _("All")), *choices)
        ]

    return render(
        "events/agenda.html",
        page=agenda.page,
        filter_args=filter_args,
        filter_groups=[
            ("kind", _("Kind"), links("kind", ((kind.value, kind.label) for kind in EventKind))),
            ("audience", _("Audience"), links("audience", ((a.value, a.label) for a in Audience))),
            ("venue", _("Venue"), links("venue", ((v.slug, v.city) for v in agenda.venues))),
            ("month", _("Month"), links("month", ((m, month_label(m)) for m in agenda.months))),
        ],
    )


def _calendar_response(content: bytes, filename: str):
    response = make_response(content)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# icalendar and segno load on the first calendar asked for, not in every worker at start.


@bp.get("/events.ics")
def agenda_calendar():
    from hub.calendars import event_calendar

    events = [item.event for item in queries.upcoming_with_seats(queries.upcoming_events())]
    return _calendar_response(
        event_calendar(events, name=_("Atelier Hub agenda")), "atelier-hub-agenda.ics"
    )


@bp.get("/events/<slug>.ics")
def event_calendar_file(slug: str):
    from hub.calendars import event_calendar

    event = queries.public_event(slug)
    return _calendar_response(event_calendar([event]), f"{event.slug}.ics")


def _registration_form(event=None) -> RegistrationForm:
    # The event's own questions come after name and email (hub/blueprints/questions.py); a
    # course asks none.
    form = with_questions(RegistrationForm, questions_of(event) if event else [])
    if not form.is_submitted() and current_user.is_authenticated:
        form.name.data = current_user.name
        form.email.data = current_user.email
    return form


def _render_detail(event, form, outcome=None, status=200, lazy_form=False, seats_oob=False):
    return render(
        "events/detail.html",
        status=status,
        event=event,
        form=form,
        lazy_form=lazy_form,
        outcome=outcome,
        hosts=queries.public_hosts(event),
        seats_left=queries.seats_left(event),
        closed_reason=registration_closed_reason(event) or series.booked_as_a_whole(event),
        position=queries.waitlist_position(outcome.registration) if outcome else None,
        seats_oob=seats_oob,
    )


@bp.get("/events/<slug>")
@cached_page(ttl=60, seats=True)
def detail(slug: str):
    """The event page. A visitor without a session gets the form from its own address
    (htmx loads it in place; without JavaScript a link leads to it), so this page carries
    no CSRF token, sets no cookie, and can be served from the public cache."""
    event = queries.public_event(slug)
    if not current_user.is_authenticated and "csrf_token" not in session:
        # Building the form would create its token, and with it a session.
        return _render_detail(event, None, lazy_form=True)
    return _render_detail(event, _registration_form(event))


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@limiter.limit(_registration_limit, methods=["POST"])
def register(slug: str):
    event = queries.public_event(slug)
    form = _registration_form(event)
    if form.validate_on_submit():
        person = current_user if current_user.is_authenticated else None

        def register_with_answers():
            answers = check_answers(form.questions, answers_given(form))
            outcome = register_for_event(
                event, form.name.data, form.email.data, form.wants_news.data,
                str(get_locale()), person, form.companion_names(),
            )  # fmt: skip
            if outcome.created:
                save_answers(outcome.registration, answers)
            return outcome

        outcome = attempt_form(form, register_with_answers)
        if outcome.ok and request.htmx:
            return _render_detail(event, _registration_form(event), outcome.value, seats_oob=True)
        if outcome.ok and outcome.value.created:
            token = outcome.value.registration.token
            return redirect(url_for("events.my_registration", token=token), 303)
        if outcome.ok:
            flash(
                _(
                    "This email address is already registered for this event. "
                    "We have sent the private link to it again."
                ),
                "info",
            )
            return redirect(url_for("events.detail", slug=slug), 303)
    return _render_detail(event, form, status=form_status(form))


# --- Series and courses -------------------------------------------------------------------------


def _render_series(a_series, form=None, outcome=None, status=200):
    dates = queries.upcoming_with_seats(
        queries.upcoming_events().where(Event.id.in_([e.id for e in a_series.events]))
    )
    return render(
        "events/series.html",
        status=status,
        series=a_series,
        dates=dates,
        form=form,
        outcome=outcome,
        course_open=a_series.is_course
        and bool(dates)
        and all(registration_closed_reason(item.event) is None for item in dates),
    )


@bp.get("/series/<slug>")
def series_page(slug: str):
    """A series and its upcoming dates with the seats left; a course's booking form."""
    a_series = series.public_series(slug)
    return _render_series(a_series, _registration_form() if a_series.is_course else None)


@bp.route("/series/<slug>/register", methods=["GET", "POST"])
@limiter.limit(_registration_limit, methods=["POST"])
def register_for_course(slug: str):
    a_series = series.public_series(slug)
    if not a_series.is_course:
        abort(404)
    form = _registration_form()
    if form.validate_on_submit():
        person = current_user if current_user.is_authenticated else None
        outcome = attempt_form(
            form,
            lambda: series.register_for_course(
                a_series,
                form.name.data,
                form.email.data,
                form.wants_news.data,
                str(get_locale()),
                person,
            ),
        )
        if outcome.ok:
            return _render_series(a_series, _registration_form(), outcome.value)
    return _render_series(a_series, form, status=form_status(form))


@bp.get("/r/<token>")
def my_registration(token: str):
    return _render_my_registration(token)


@bp.get("/r/<token>/offer")
def answer_offer(token: str):
    """Where the offer email's links lead: the registration, with the answer to confirm
    (a link never answers by itself: mail scanners follow links)."""
    answer = request.args.get("answer")
    return _render_my_registration(token, answer=answer if answer in ("accept", "decline") else "")


def _render_my_registration(token: str, answer: str = ""):
    registration = queries.registration_by_token(token)
    response = render(
        "events/registration.html",
        registration=registration,
        event=registration.event,
        position=queries.waitlist_position(registration),
        now=utcnow(),
        answer=answer,
    )
    # The address is the key to the registration.
    return keep_private(response)


@bp.post("/r/<token>/offer/accept")
@limiter.limit(_registration_limit)
def accept_offer(token: str):
    registration = queries.registration_by_token(token)
    outcome = attempt(lambda: offers.accept_offer(registration))
    flash_outcome(outcome, _("The seat is yours: your registration is confirmed."))
    return redirect(url_for("events.my_registration", token=token), 303)


@bp.post("/r/<token>/offer/decline")
@limiter.limit(_registration_limit)
def decline_offer(token: str):
    registration = queries.registration_by_token(token)
    outcome = attempt(lambda: offers.decline_offer(registration))
    if outcome.ok and not outcome.value:
        flash(_("No seat is on offer to you for this event any more."), "info")
    else:
        flash_outcome(
            outcome, _("Thank you: the seat goes to the next person on the waiting list.")
        )
    return redirect(url_for("events.my_registration", token=token), 303)


@bp.post("/r/<token>/cancel")
@limiter.limit(_registration_limit)
def cancel_my_registration(token: str):
    registration = queries.registration_by_token(token)
    outcome = attempt(lambda: cancel_registration(registration))
    if outcome.ok and not outcome.value:
        flash(_("This registration was already cancelled."), "info")
    else:
        flash_outcome(outcome, _("Your registration is cancelled. Thank you for letting us know."))
    return redirect(url_for("events.my_registration", token=token), 303)


@bp.get("/r/<token>.ics")
def my_registration_calendar(token: str):
    """The event for the person's calendar; once they cancel, its cancellation."""
    from hub.calendars import registration_calendar

    registration = queries.registration_by_token(token)
    response = _calendar_response(
        registration_calendar(registration), f"{registration.event.slug}.ics"
    )
    return keep_private(response)


@bp.get("/r/<token>/qr.svg")
def my_registration_qr(token: str):
    registration = queries.registration_by_token(token)
    from hub.calendars import registration_qr_svg

    response = make_response(registration_qr_svg(registration))
    response.headers["Content-Type"] = "image/svg+xml"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
