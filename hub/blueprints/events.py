"""The public agenda, event pages, registration, and each person's private registration link."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
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
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import DataRequired, Email, Length

from hub.blueprints import show_domain_error
from hub.domain import events as domain
from hub.domain.errors import DomainError, NotFound
from hub.extensions import db, limiter
from hub.models import (
    Audience,
    EventKind,
    Venue,
)
from hub.public_cache import cached_page
from hub.rendering import render

bp = Blueprint("events", __name__)
PAGE_SIZE = 20


def _registration_limit() -> str:
    return current_app.config["RATELIMIT_REGISTRATION"]


class RegistrationForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        filters=[lambda value: value.strip() if value else value],
    )
    consent = BooleanField(
        _l("I agree to be contacted by email about this event (changes, cancellation)."),
        validators=[DataRequired(_l("Please agree to be contacted about this event."))],
    )


def _filters() -> domain.AgendaFilters:
    args = request.args
    kinds = {kind.value for kind in EventKind}
    audiences = {audience.value for audience in Audience}
    month = args.get("month", "")
    try:
        date.fromisoformat(f"{month}-01")
    except ValueError:
        month = ""
    return domain.AgendaFilters(
        kind=args.get("kind", "") if args.get("kind") in kinds else "",
        audience=args.get("audience", "") if args.get("audience") in audiences else "",
        venue=args.get("venue", "")[:80],
        month=month,
    )


def _months_ahead(count: int = 6) -> list[str]:
    today = date.today()
    months = []
    year, month = today.year, today.month
    for _index in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


@bp.get("/events")
@cached_page(ttl=60, seats=True)
def agenda():
    filters = _filters()
    page = db.paginate(domain.upcoming_events(filters), per_page=PAGE_SIZE)
    venues = db.session.scalars(sa.select(Venue).order_by(Venue.city)).all()
    args = {key: value for key, value in vars(filters).items() if value}

    def filter_url(name: str, value: str) -> str:
        """The agenda with one filter changed (or removed), the others kept, from page 1."""
        return url_for("events.agenda", **{**args, name: value or None})

    return render(
        "events/agenda.html",
        page=page,
        filters=filters,
        filter_args=args,
        filter_url=filter_url,
        venues=venues,
        months=_months_ahead(),
        seats=domain.seats_left_by_event(page.items),
    )


def _event_calendar(events, **options) -> bytes:
    # icalendar and segno load on the first calendar asked for, not in every worker at start.
    from hub.domain.event_calendar import event_calendar

    return event_calendar(events, **options)


def _calendar_response(body: bytes, filename: str):
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/events.ics")
def agenda_calendar():
    events = db.session.scalars(domain.upcoming_events()).unique().all()
    return _calendar_response(
        _event_calendar(events, name=_("Atelier Hub agenda")), "atelier-hub-agenda.ics"
    )


@bp.get("/events/<slug>.ics")
def event_calendar_file(slug: str):
    event = _public_event_or_404(slug)
    return _calendar_response(_event_calendar([event]), f"{event.slug}.ics")


def _public_event_or_404(slug: str):
    try:
        return domain.public_event(slug)
    except NotFound:
        abort(404)


def _registration_form() -> RegistrationForm:
    form = RegistrationForm()
    if not form.is_submitted() and current_user.is_authenticated:
        form.name.data = current_user.name
        form.email.data = current_user.email
    return form


def _render_detail(event, form, outcome=None, status=200, lazy_form=False):
    return render(
        "events/detail.html",
        status=status,
        event=event,
        form=form,
        lazy_form=lazy_form,
        outcome=outcome,
        hosts=domain.public_hosts(event),
        seats_left=domain.seats_left(event),
        closed_reason=domain.registration_closed_reason(event),
        position=domain.waitlist_position(outcome.registration) if outcome else None,
    )


@bp.get("/events/<slug>")
@cached_page(ttl=60, seats=True)
def detail(slug: str):
    """The event page. A visitor without a session gets the form from its own address
    (htmx loads it in place; without JavaScript a link leads to it), so this page carries
    no CSRF token, sets no cookie, and can be served from the public cache."""
    event = _public_event_or_404(slug)
    if not current_user.is_authenticated and "csrf_token" not in session:
        # Building the form would create its token, and with it a session.
        return _render_detail(event, None, lazy_form=True)
    return _render_detail(event, _registration_form())


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@limiter.limit(_registration_limit, methods=["POST"])
def register(slug: str):
    event = _public_event_or_404(slug)
    form = _registration_form()
    if request.method == "GET":
        return _render_detail(event, form)
    if form.validate_on_submit():
        try:
            outcome = domain.register_for_event(
                event,
                form.name.data,
                form.email.data,
                form.consent.data,
                str(get_locale()),
                current_user if current_user.is_authenticated else None,
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            if request.htmx:
                event = domain.public_event(slug)
                return _render_detail(event, _registration_form(), outcome, status=200)
            if outcome.created:
                token = outcome.registration.token
                return redirect(url_for("events.my_registration", token=token), 303)
            flash(
                _(
                    "This email address is already registered for this event. "
                    "We have sent the private link to it again."
                ),
                "info",
            )
            return redirect(url_for("events.detail", slug=slug), 303)
    return _render_detail(event, form, status=422)


def _registration_or_404(token: str):
    try:
        return domain.registration_by_token(token)
    except NotFound:
        abort(404)


@bp.get("/r/<token>")
def my_registration(token: str):
    registration = _registration_or_404(token)
    response = render(
        "events/registration.html",
        registration=registration,
        event=registration.event,
        position=domain.waitlist_position(registration),
    )
    # The address is the key to the registration: keep it out of shared caches.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.post("/r/<token>/cancel")
@limiter.limit(_registration_limit)
def cancel_my_registration(token: str):
    registration = _registration_or_404(token)
    try:
        changed = domain.cancel_registration(registration)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        if changed:
            flash(_("Your registration is cancelled. Thank you for letting us know."), "success")
        else:
            flash(_("This registration was already cancelled."), "info")
    return redirect(url_for("events.my_registration", token=token), 303)


@bp.get("/r/<token>.ics")
def my_registration_calendar(token: str):
    registration = _registration_or_404(token)
    event = registration.event
    return _calendar_response(_event_calendar([event]), f"{event.slug}.ics")


@bp.get("/r/<token>/qr.svg")
def my_registration_qr(token: str):
    registration = _registration_or_404(token)
    from hub.domain.event_calendar import registration_qr_svg

    response = make_response(registration_qr_svg(registration))
    response.headers["Content-Type"] = "image/svg+xml"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
