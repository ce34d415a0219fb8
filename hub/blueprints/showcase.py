"""Demo days: public slot pages, the startups' applications, the staff's slots and review queue."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from hub.blueprints import register_panel, show_domain_error, staff_required
from hub.blueprints.organisations import member_organisation
from hub.domain import organisations, showcase
from hub.domain.errors import DomainError, NotFound
from hub.domain.innovation_editing import innovations_of
from hub.extensions import db
from hub.models import (
    Application,
    ApplicationState,
    InnovationStatus,
    OrganisationKind,
    ShowcaseSlot,
    SlotStatus,
    Space,
    Venue,
    utcnow,
)
from hub.rendering import render
from hub.timezones import local_to_utc, utc_to_local

bp = Blueprint("showcase", __name__)
PAGE_SIZE = 10
QUEUE_PAGE_SIZE = 50
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


# Forms -----------------------------------------------------------------------------------


class SlotForm(FlaskForm):
    theme = StringField(_l("Theme"), validators=[DataRequired(), Length(max=160)])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=10000)], render_kw={"rows": 5}
    )
    space_id = SelectField(_l("Space"), coerce=int, validators=[DataRequired()])
    starts_at = DateTimeLocalField(
        _l("Starts"), format=DATETIME_FORMAT, validators=[DataRequired()]
    )
    ends_at = DateTimeLocalField(_l("Ends"), format=DATETIME_FORMAT, validators=[DataRequired()])
    application_deadline = DateTimeLocalField(
        _l("Application deadline"), format=DATETIME_FORMAT, validators=[DataRequired()]
    )
    seats = IntegerField(
        _l("Startup seats"), validators=[DataRequired(), NumberRange(min=1, max=200)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        spaces = db.session.execute(
            sa.select(Space, Venue).join(Space.venue).order_by(Venue.city, Space.name)
        ).all()
        self.space_id.choices = [
            (space.id, f"{venue.city} — {space.name}") for space, venue in spaces
        ]

    def values(self) -> dict:
        space = db.session.get(Space, self.space_id.data)
        venue = space.venue if space else None
        return {
            "theme": self.theme.data,
            "description": self.description.data or "",
            "space_id": self.space_id.data,
            "starts_at": local_to_utc(self.starts_at.data, venue),
            "ends_at": local_to_utc(self.ends_at.data, venue),
            "application_deadline": local_to_utc(self.application_deadline.data, venue),
            "seats": self.seats.data,
        }


class ApplicationForm(FlaskForm):
    # Choices are checked by the domain, which explains a foreign or archived innovation.
    innovation_id = SelectField(
        _l("Innovation to demo"), coerce=int, validate_choice=False, validators=[Optional()]
    )
    pitch = TextAreaField(
        _l("Your pitch"), validators=[Optional(), Length(max=3000)], render_kw={"rows": 6}
    )
    needs = TextAreaField(
        _l("Practical needs"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3}
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.innovation_id.choices = [
            (innovation.id, innovation.title)
            for innovation in innovations_of(organisation)
            if innovation.status != InnovationStatus.ARCHIVED
        ]


class DecisionForm(FlaskForm):
    message = TextAreaField(_l("Message to the startup"), validators=[Optional(), Length(max=2000)])


# Public ----------------------------------------------------------------------------------


@bp.get("/demo-days")
def demo_days():
    page = db.paginate(showcase.upcoming_slots(), per_page=PAGE_SIZE)
    slot_ids = [slot.id for slot in page.items]
    return render(
        "showcase/demo_days.html",
        page=page,
        confirmed=showcase.confirmed_by_slot(slot_ids),
        taken=showcase.seats_taken_by_slot(slot_ids),
    )


def _my_startups() -> list:
    if not current_user.is_authenticated:
        return []
    return [
        organisation
        for organisation, _membership in organisations.organisations_of(current_user)
        if organisation.kind == OrganisationKind.STARTUP
    ]


@bp.get("/demo-days/<int:slot_id>")
def slot(slot_id: int):
    slot = db.get_or_404(ShowcaseSlot, slot_id)
    if slot.status == SlotStatus.CANCELLED and not (
        current_user.is_authenticated and current_user.is_staff
    ):
        abort(404)
    startups = _my_startups()
    mine = {
        organisation.id: showcase.live_application(organisation.id, slot.id)
        for organisation in startups
    }
    return render(
        "showcase/slot.html",
        slot=slot,
        seats_left=showcase.seats_left(slot),
        confirmed=showcase.confirmed_by_slot([slot.id])[slot.id],
        startups=startups,
        mine=mine,
        open_for_applications=showcase.is_open_for_applications(slot),
    )


# Startups --------------------------------------------------------------------------------


def _startup(slug: str):
    organisation = member_organisation(slug)
    if organisation.kind != OrganisationKind.STARTUP:
        abort(404)
    return organisation


def _intent_submit() -> bool:
    return request.form.get("intent") == "submit"


@bp.route("/manage/<slug>/applications/new", methods=["GET", "POST"])
@login_required
def apply(slug: str):
    organisation = _startup(slug)
    slot = db.session.get(ShowcaseSlot, request.args.get("slot", type=int) or 0)
    if slot is None or slot.status == SlotStatus.CANCELLED:
        abort(404)
    existing = showcase.live_application(organisation.id, slot.id)
    if existing is not None:
        return redirect(url_for(".application", slug=slug, application_id=existing.id), 303)
    form = ApplicationForm(organisation=organisation)
    if form.validate_on_submit():
        try:
            application = showcase.save_application(
                current_user,
                organisation,
                slot,
                innovation_id=form.innovation_id.data,
                pitch=form.pitch.data,
                needs=form.needs.data,
                submit=_intent_submit(),
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(
                _("Your application is sent to the venue team.")
                if application.state == ApplicationState.SUBMITTED
                else _("Your draft is saved. Submit it before the deadline."),
                "success",
            )
            return redirect(url_for(".application", slug=slug, application_id=application.id), 303)
    status = 422 if form.is_submitted() and (form.errors or form.form_errors) else 200
    return render(
        "showcase/application_form.html",
        form=form,
        organisation=organisation,
        slot=slot,
        application=None,
        open_for_applications=showcase.is_open_for_applications(slot),
        status=status,
    )


@bp.route("/manage/<slug>/applications/<int:application_id>", methods=["GET", "POST"])
@login_required
def application(slug: str, application_id: int):
    organisation = _startup(slug)
    try:
        application = showcase.application_for_member(current_user, organisation, application_id)
    except NotFound:
        abort(404)
    form = ApplicationForm(organisation=organisation, obj=application)
    if form.validate_on_submit():
        try:
            showcase.save_application(
                current_user,
                organisation,
                application.slot,
                innovation_id=form.innovation_id.data,
                pitch=form.pitch.data,
                needs=form.needs.data,
                submit=_intent_submit(),
                application=application,
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your application is saved."), "success")
            return redirect(url_for(".application", slug=slug, application_id=application.id), 303)
    status = 422 if form.is_submitted() and (form.errors or form.form_errors) else 200
    editable = application.state in (
        ApplicationState.DRAFT,
        ApplicationState.SUBMITTED,
    ) and showcase.is_open_for_applications(application.slot)
    return render(
        "showcase/application_form.html",
        form=form,
        organisation=organisation,
        slot=application.slot,
        application=application,
        editable=editable,
        actions=showcase.allowed_actions(application, showcase.STARTUP),
        open_for_applications=showcase.is_open_for_applications(application.slot),
        status=status,
    )


STARTUP_ACTIONS = {
    "submit": (showcase.submit_application, _l("Your application is sent to the venue team.")),
    "confirm": (showcase.confirm_application, _l("Thank you: your demo is confirmed.")),
    "withdraw": (showcase.withdraw_application, _l("Your application is withdrawn.")),
}


@bp.post("/manage/<slug>/applications/<int:application_id>/<action>")
@login_required
def application_action(slug: str, application_id: int, action: str):
    organisation = _startup(slug)
    if action not in STARTUP_ACTIONS:
        abort(404)
    try:
        application = showcase.application_for_member(current_user, organisation, application_id)
    except NotFound:
        abort(404)
    transition, done = STARTUP_ACTIONS[action]
    try:
        transition(current_user, application)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(str(done), "success")
    return redirect(url_for(".application", slug=slug, application_id=application_id), 303)


# Staff: slots ----------------------------------------------------------------------------


@bp.get("/staff/showcase/slots")
@staff_required
def staff_slots():
    show = request.args.get("show", "upcoming")
    query = sa.select(ShowcaseSlot).options(
        sa.orm.joinedload(ShowcaseSlot.space).joinedload(Space.venue)
    )
    if show == "past":
        query = query.where(ShowcaseSlot.ends_at <= utcnow()).order_by(
            ShowcaseSlot.starts_at.desc()
        )
    else:
        query = query.where(ShowcaseSlot.ends_at > utcnow()).order_by(ShowcaseSlot.starts_at)
    page = db.paginate(query, per_page=QUEUE_PAGE_SIZE)
    slot_ids = [slot.id for slot in page.items]
    return render(
        "showcase/staff_slots.html",
        page=page,
        show=show,
        taken=showcase.seats_taken_by_slot(slot_ids),
        pending=_pending_counts(slot_ids),
    )


def _pending_counts(slot_ids: list[int]) -> dict[int, int]:
    counts = dict.fromkeys(slot_ids, 0)
    if slot_ids:
        counts.update(
            db.session.execute(
                sa.select(Application.slot_id, sa.func.count())
                .where(
                    Application.slot_id.in_(slot_ids),
                    Application.state == ApplicationState.SUBMITTED,
                )
                .group_by(Application.slot_id)
            ).all()
        )
    return counts


@bp.route("/staff/showcase/slots/new", methods=["GET", "POST"])
@staff_required
def new_slot():
    form = SlotForm()
    if form.validate_on_submit():
        try:
            slot = showcase.create_slot(current_user, **form.values())
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The demo slot “%(theme)s” is published.", theme=slot.theme), "success")
            return redirect(url_for(".staff_slots"), 303)
    status = 422 if form.is_submitted() and (form.errors or form.form_errors) else 200
    return render("showcase/slot_form.html", form=form, slot=None, status=status)


@bp.route("/staff/showcase/slots/<int:slot_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_slot(slot_id: int):
    slot = db.get_or_404(ShowcaseSlot, slot_id)
    form = SlotForm(obj=slot)
    if request.method == "GET":
        form.starts_at.data = utc_to_local(slot.starts_at, slot.space.venue)
        form.ends_at.data = utc_to_local(slot.ends_at, slot.space.venue)
        form.application_deadline.data = utc_to_local(slot.application_deadline, slot.space.venue)
    if form.validate_on_submit():
        try:
            showcase.update_slot(current_user, slot, **form.values())
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The demo slot is saved."), "success")
            return redirect(url_for(".staff_slots"), 303)
    status = 422 if form.is_submitted() and (form.errors or form.form_errors) else 200
    return render("showcase/slot_form.html", form=form, slot=slot, status=status)


@bp.post("/staff/showcase/slots/<int:slot_id>/<action>")
@staff_required
def slot_action(slot_id: int, action: str):
    slot = db.get_or_404(ShowcaseSlot, slot_id)
    try:
        if action == "close":
            showcase.close_slot(current_user, slot)
            done = _("Applications for “%(theme)s” are closed.", theme=slot.theme)
        elif action == "reopen":
            showcase.reopen_slot(current_user, slot)
            done = _("Applications for “%(theme)s” are open again.", theme=slot.theme)
        elif action == "cancel":
            told = showcase.cancel_slot(current_user, slot, request.form.get("message", "")[:2000])
            done = _(
                "“%(theme)s” is cancelled; %(count)d startups were told.",
                theme=slot.theme,
                count=told,
            )
        else:
            abort(404)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for(".staff_slots"), 303)


# Staff: review queue ---------------------------------------------------------------------


def _queue_filters() -> tuple[int | None, ApplicationState | None]:
    slot_id = request.values.get("slot", type=int)
    state = request.values.get("state", "")
    try:
        return slot_id, ApplicationState(state) if state else None
    except ValueError:
        return slot_id, None


@bp.get("/staff/showcase/applications")
@staff_required
def review_queue():
    slot_id, state = _queue_filters()
    page = db.paginate(showcase.review_queue(slot_id, state), per_page=QUEUE_PAGE_SIZE)
    slots = db.session.scalars(
        sa.select(ShowcaseSlot).order_by(ShowcaseSlot.starts_at.desc()).limit(100)
    ).all()
    return render(
        "showcase/review_queue.html",
        page=page,
        slots=slots,
        slot_id=slot_id,
        state=state,
        counts=showcase.queue_counts(slot_id),
        taken=showcase.seats_taken_by_slot({a.slot_id for a in page.items}),
    )


def _after_decision(application: Application, message: str, category: str, status: int = 200):
    """The row and the counts for htmx; otherwise back to the queue with its filters."""
    slot_id, state = _queue_filters()
    if request.htmx:
        db.session.refresh(application)
        return render(
            "showcase/_decision.html",
            application=application,
            counts=showcase.queue_counts(slot_id),
            taken=showcase.seats_taken_by_slot([application.slot_id]),
            message=message,
            category=category,
            slot_id=slot_id,
            state=state,
            status=status,
        )
    flash(message, category)
    return redirect(
        url_for(".review_queue", slot=slot_id, state=state.value if state else None), 303
    )


@bp.post("/staff/showcase/applications/<int:application_id>/decide")
@staff_required
def decide(application_id: int):
    application = db.get_or_404(Application, application_id)
    if application.state == ApplicationState.DRAFT:
        abort(404)
    decision = request.form.get("decision", "")
    form = DecisionForm()
    if not form.validate_on_submit():
        return _after_decision(application, _("The message is too long."), "error", 422)
    try:
        if decision == "cancel":
            showcase.cancel_application(current_user, application, form.message.data)
        else:
            showcase.decide_application(current_user, application, decision, form.message.data)
    except DomainError as error:
        db.session.rollback()
        return _after_decision(application, str(error.message), "error", error.status)
    db.session.commit()
    name = application.organisation.name
    done = {
        "accept": _("%(name)s is accepted and has been told.", name=name),
        "waitlist": _("%(name)s is on the waiting list and has been told.", name=name),
        "reject": _("%(name)s is declined and has been told.", name=name),
        "cancel": _("The seat of %(name)s is cancelled and the startup has been told.", name=name),
    }
    return _after_decision(application, done[decision], "success")


# Dashboard panels ------------------------------------------------------------------------


def _account_panel() -> dict:
    startups = _my_startups()
    return {
        "startups": startups,
        "applications": showcase.applications_of([s.id for s in startups]),
    }


def _staff_panel() -> dict:
    return {"counts": showcase.queue_counts()}


bp.record_once(
    lambda state: register_panel(state, "account", "showcase/_account_panel.html", _account_panel)
)
bp.record_once(
    lambda state: register_panel(state, "staff", "showcase/_staff_panel.html", _staff_panel)
)


DECISION_LABELS = {
    "accept": _l("Accept"),
    "waitlist": _l("Waitlist"),
    "reject": _l("Decline"),
    "cancel": _l("Cancel the seat"),
}


@bp.app_context_processor
def showcase_helpers() -> dict:
    return {
        "application_decision_labels": DECISION_LABELS,
        "application_staff_actions": lambda application: showcase.allowed_actions(
            application, showcase.STAFF
        ),
        "now_utc": utcnow,
    }
