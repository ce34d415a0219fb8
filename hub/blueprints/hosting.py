"""Backstage for events: partners propose and co-host, staff review and publish, hosts check in."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from hub.blueprints import register_panel, show_domain_error, staff_required
from hub.domain import events as domain
from hub.domain.errors import DomainError, NotFound
from hub.extensions import db
from hub.i18n import LANGUAGE_NAMES
from hub.models import (
    Audience,
    Event,
    EventHost,
    EventKind,
    EventState,
    Organisation,
    OrganisationKind,
    Registration,
    Space,
    Venue,
)
from hub.rendering import render
from hub.timezones import local_to_utc, utc_to_local

bp = Blueprint("hosting", __name__)
PAGE_SIZE = 50
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class EventForm(FlaskForm):
    organisation = SelectField(_l("Hosting partner"), coerce=int, validate_choice=True)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=160)])
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(kind.value, kind.label) for kind in EventKind]
    )
    audience = SelectField(
        _l("Audience"),
        choices=[SelectChoice(audience.value, audience.label) for audience in Audience],
    )
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
    )
    description = TextAreaField(_l("Description"), validators=[DataRequired(), Length(max=10000)])
    space_id = SelectField(_l("Room"), coerce=int, validate_choice=True)
    starts_at = DateTimeLocalField(
        _l("Starts at"), format=LOCAL_FORMAT, validators=[DataRequired()]
    )
    ends_at = DateTimeLocalField(_l("Ends at"), format=LOCAL_FORMAT, validators=[DataRequired()])
    capacity = IntegerField(_l("Seats"), validators=[DataRequired(), NumberRange(min=1, max=10000)])
    registration_opens_at = DateTimeLocalField(
        _l("Registrations open"), format=LOCAL_FORMAT, validators=[Optional()]
    )
    registration_closes_at = DateTimeLocalField(
        _l("Registrations close"), format=LOCAL_FORMAT, validators=[Optional()]
    )


class InviteForm(FlaskForm):
    organisation = SelectField(_l("Partner to invite"), coerce=int, validate_choice=True)


class DecisionForm(FlaskForm):
    message = TextAreaField(_l("Message"), validators=[Length(max=4000)])


def _space_choices() -> list[SelectChoice]:
    spaces = db.session.scalars(sa.select(Space).join(Venue).order_by(Venue.city, Space.name)).all()
    return [(space.id, f"{space.venue.city} — {space.name} ({space.capacity})") for space in spaces]


def _details(form: EventForm) -> domain.EventDetails:
    space = db.session.get(Space, form.space_id.data)
    venue = space.venue if space else None
    return domain.EventDetails(
        title=form.title.data,
        description=form.description.data,
        kind=form.kind.data,
        audience=form.audience.data,
        language=form.language.data,
        space_id=form.space_id.data,
        starts_at=local_to_utc(form.starts_at.data, venue),
        ends_at=local_to_utc(form.ends_at.data, venue),
        capacity=form.capacity.data,
        registration_opens_at=local_to_utc(form.registration_opens_at.data, venue),
        registration_closes_at=local_to_utc(form.registration_closes_at.data, venue),
    )


def _fill_form(form: EventForm, event: Event) -> None:
    for name in ("title", "description", "kind", "audience", "language", "space_id", "capacity"):
        getattr(form, name).data = getattr(event, name)
    form.kind.data, form.audience.data = event.kind.value, event.audience.value
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        getattr(form, name).data = utc_to_local(getattr(event, name), event.space.venue)


def _verified_partners(exclude: set[int] | None = None) -> list[Organisation]:
    query = (
        sa.select(Organisation)
        .where(Organisation.kind == OrganisationKind.PARTNER, Organisation.verified_at.is_not(None))
        .order_by(Organisation.name)
    )
    return [org for org in db.session.scalars(query) if org.id not in (exclude or set())]


def _managed_or_404(event_id: int) -> Event:
    try:
        return domain.managed_event(current_user, event_id)
    except NotFound:
        abort(404)


def _backstage_or_404(event_id: int) -> Event:
    try:
        return domain.backstage_event(current_user, event_id)
    except NotFound:
        abort(404)


# --- Proposals -----------------------------------------------------------------------------


@bp.route("/account/events/new", methods=["GET", "POST"])
@login_required
def propose():
    partners = domain.partner_organisations(current_user)
    if not partners:
        abort(404)
    form = EventForm()
    form.organisation.choices = [SelectChoice(org.id, org.name) for org in partners]
    form.space_id.choices = _space_choices()
    if form.validate_on_submit():
        organisation = next(org for org in partners if org.id == form.organisation.data)
        try:
            event = domain.propose_event(current_user, organisation, _details(form))
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your proposal is sent. The venue team will review it."), "success")
            return redirect(url_for("hosting.manage", event_id=event.id), 303)
    return render("hosting/form.html", form=form, event=None, status=422 if form.errors else 200)


@bp.route("/staff/events/new", methods=["GET", "POST"])
@staff_required
def create():
    form = EventForm()
    partners = _verified_partners()
    form.organisation.label.text = _("Hosting partner (optional)")
    form.organisation.choices = [SelectChoice(0, _("The venue team"))] + [
        SelectChoice(o.id, o.name) for o in partners
    ]
    form.space_id.choices = _space_choices()
    if form.validate_on_submit():
        organisation = next((o for o in partners if o.id == form.organisation.data), None)
        try:
            event = domain.create_event_as_staff(current_user, _details(form), organisation)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The event is published."), "success")
            return redirect(url_for("hosting.manage", event_id=event.id), 303)
    return render(
        "hosting/form.html", form=form, event=None, staff_create=True,
        status=422 if form.errors else 200,
    )  # fmt: skip


@bp.route("/account/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    event = _backstage_or_404(event_id)
    if not domain.can_edit_event(current_user, event):
        abort(404)
    form = EventForm()
    del form.organisation
    form.space_id.choices = _space_choices()
    if not form.is_submitted():
        _fill_form(form, event)
    if form.validate_on_submit():
        try:
            domain.update_event(current_user, event, _details(form))
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The event is saved."), "success")
            return redirect(url_for("hosting.manage", event_id=event_id), 303)
    return render("hosting/form.html", form=form, event=event, status=422 if form.errors else 200)


@bp.get("/account/events/<int:event_id>")
@login_required
def manage(event_id: int):
    event = _backstage_or_404(event_id)
    return _render_manage(event)


def _render_manage(event: Event, invite_form=None, decision_form=None, status=200):
    invite_form = invite_form or InviteForm()
    invited = {host.organisation_id for host in event.hosts if host.state.value != "declined"}
    invited.add(event.organisation_id or 0)
    invite_form.organisation.choices = [
        SelectChoice(org.id, org.name) for org in _verified_partners(exclude=invited)
    ]
    can_manage = domain.can_manage_event(current_user, event)
    return render(
        "hosting/manage.html",
        status=status,
        event=event,
        invite_form=invite_form,
        decision_form=decision_form or DecisionForm(),
        can_manage=can_manage,
        can_edit=domain.can_edit_event(current_user, event),
        can_invite=domain.can_invite_cohosts(current_user, event),
        my_invitations=[
            host
            for host in event.hosts
            if host.organisation_id in {o.id for o in domain.partner_organisations(current_user)}
            and host.state.value == "invited"
        ],
        counts=domain.registration_counts(event) if can_manage else None,
        seats_left=domain.seats_left(event),
    )


@bp.post("/account/events/<int:event_id>/cohosts")
@login_required
def invite(event_id: int):
    event = _backstage_or_404(event_id)
    if not domain.can_invite_cohosts(current_user, event):
        abort(404)
    form = InviteForm()
    invited = {host.organisation_id for host in event.hosts if host.state.value != "declined"}
    invited.add(event.organisation_id or 0)
    form.organisation.choices = [
        SelectChoice(o.id, o.name) for o in _verified_partners(exclude=invited)
    ]
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation.data)
        try:
            domain.invite_cohost(current_user, event, organisation)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s is invited to co-host.", name=organisation.name), "success")
            return redirect(url_for("hosting.manage", event_id=event_id), 303)
    return _render_manage(event, invite_form=form, status=422)


@bp.post("/account/invitations/<int:host_id>")
@login_required
def respond(host_id: int):
    host = db.session.get(EventHost, host_id)
    if host is None:
        abort(404)
    accept = request.form.get("answer") == "accept"
    try:
        domain.respond_to_invitation(current_user, host, accept)
    except NotFound:
        abort(404)
    except DomainError as error:
        db.session.rollback()
        if request.htmx:
            host = db.session.get(EventHost, host_id)
            return render("hosting/_invitation_answered.html", host=host, message=error.message)
        flash(str(error.message), "error")
    else:
        db.session.commit()
        message = (
            _("You now co-host “%(title)s”.", title=host.event.title)
            if accept
            else _("You declined to co-host “%(title)s”.", title=host.event.title)
        )
        if request.htmx:
            return render("hosting/_invitation_answered.html", host=host, message=message)
        flash(message, "success")
    if request.form.get("back") == "event":
        return redirect(url_for("hosting.manage", event_id=host.event_id), 303)
    return redirect(url_for("account.dashboard"), 303)


# --- Staff decisions ------------------------------------------------------------------------


@bp.get("/staff/events")
@staff_required
def staff_events():
    state = request.args.get("state", "")
    query = sa.select(Event).order_by(Event.starts_at.desc())
    if state in {s.value for s in EventState}:
        query = query.where(Event.state == state)
    page = db.paginate(query, per_page=PAGE_SIZE)
    return render("hosting/staff_events.html", page=page, state=state)


def _decide(event_id: int, decide, success: str):
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            decide(event, form.message.data or "")
        except DomainError as error:
            db.session.rollback()
            event = db.session.get(Event, event_id)
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(success, "success")
            return redirect(url_for("hosting.manage", event_id=event_id), 303)
    return _render_manage(event, decision_form=form, status=422)


@bp.post("/staff/events/<int:event_id>/publish")
@staff_required
def publish(event_id: int):
    return _decide(
        event_id,
        lambda event, _message: domain.publish_event(current_user, event),
        _("The event is published."),
    )


@bp.post("/staff/events/<int:event_id>/reject")
@staff_required
def reject(event_id: int):
    return _decide(
        event_id,
        lambda event, message: domain.reject_event(current_user, event, message),
        _("The proposal is rejected; the partner is told why."),
    )


@bp.post("/staff/events/<int:event_id>/cancel")
@staff_required
def cancel(event_id: int):
    return _decide(
        event_id,
        lambda event, message: domain.cancel_event(current_user, event, message),
        _("The event is cancelled; every registrant is told."),
    )


# --- Attendees and check-in -------------------------------------------------------------------


@bp.get("/account/events/<int:event_id>/attendees")
@login_required
def attendees(event_id: int):
    event = _managed_or_404(event_id)
    search = request.args.get("q", "").strip()[:100]
    state = request.args.get("state", "")
    page = db.paginate(domain.attendees(event, search, state), per_page=PAGE_SIZE)
    return render(
        "hosting/attendees.html",
        event=event,
        page=page,
        search=search,
        state=state,
        counts=domain.registration_counts(event),
    )


@bp.get("/account/events/<int:event_id>/attendees.csv")
@login_required
def attendees_csv(event_id: int):
    event = _managed_or_404(event_id)
    header = [_("Name"), _("Email"), _("State"), _("Registered at"), _("Attended at"), _("Consent")]
    response = make_response(domain.attendees_csv(event, header))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-attendees.csv"'
    return response


@bp.post("/account/events/<int:event_id>/attendees/<int:registration_id>/check-in")
@login_required
def check_in(event_id: int, registration_id: int):
    event = _managed_or_404(event_id)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    _check_in(registration)
    if request.htmx:
        return render("hosting/_attendee_row.html", registration=registration, event=event)
    return redirect(
        url_for("hosting.attendees", event_id=event_id, q=request.form.get("q") or None), 303
    )


def _check_in(registration: Registration) -> None:
    try:
        changed = domain.check_in(current_user, registration)
    except NotFound:
        abort(404)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return
    db.session.commit()
    if changed:
        flash(_("%(name)s is checked in.", name=registration.name), "success")
    else:
        flash(_("%(name)s was already checked in.", name=registration.name), "info")


def _registration_for_code(code: str) -> Registration | None:
    # A scanned code is the whole check-in address; a typed one may be the token alone.
    token = code.strip().rsplit("code=", 1)[-1].split("&")[0].strip()
    if not token:
        return None
    registration = db.session.scalar(sa.select(Registration).where(Registration.token == token))
    if registration is None or not domain.can_manage_event(current_user, registration.event):
        return None
    return registration


@bp.get("/account/check-in")
@login_required
def check_in_code():
    code = request.args.get("code", "")
    registration = _registration_for_code(code) if code else None
    return render(
        "hosting/check_in.html",
        code=code,
        registration=registration,
        not_found=bool(code) and registration is None,
    )


@bp.post("/account/check-in")
@login_required
def check_in_by_code():
    registration = _registration_for_code(request.form.get("code", ""))
    if registration is None:
        abort(404)
    _check_in(registration)
    return redirect(url_for("hosting.check_in_code", code=registration.token), 303)


# --- Dashboard panels -----------------------------------------------------------------------------


def _account_panel() -> dict:
    partners = domain.partner_organisations(current_user, verified_only=False)
    if not partners:
        return {"show": False}
    return {
        "show": True,
        "can_propose": any(org.is_verified for org in partners),
        "events": domain.events_for_member(current_user),
        "invitations": domain.pending_invitations(current_user),
    }


def _staff_panel() -> dict:
    return {"proposals": domain.proposals_to_review()}


bp.record_once(
    lambda state: register_panel(state, "account", "hosting/_account_panel.html", _account_panel)
)
bp.record_once(
    lambda state: register_panel(state, "staff", "hosting/_staff_panel.html", _staff_panel)
)
