"""Demo days: public slot pages, the startups' applications, the staff's slots and review queue."""

from __future__ import annotations

from enum import StrEnum

from flask import Blueprint, abort, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from marshmallow import fields
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from hub.blueprints import register_panel, staff_required
from hub.blueprints.organisations import member_organisation
from hub.domain import locks
from hub.domain.innovations.queries import innovations_of
from hub.domain.organisations.queries import startups_of
from hub.domain.pages import paginate
from hub.domain.rooms import space_choices
from hub.domain.showcase import (
    applications,
    decisions,
    leads,
    programme,
    queries,
    reviews,
    slots,
)
from hub.extensions import db
from hub.forms import Form
from hub.models import ApplicationState, InnovationStatus, OrganisationKind, ShowcaseSlot, Space
from hub.query_args import Args, Choice, Number, PageArgs, read_args
from hub.rendering import render
from hub.timezones import local_to_utc, utc_to_local
from hub.unit_of_work import attempt, attempt_form, flash_outcome, form_status

bp = Blueprint("showcase", __name__)
PAGE_SIZE = 10
QUEUE_PAGE_SIZE = 50
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


# Forms -----------------------------------------------------------------------------------


class SlotForm(Form):
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

    TIMES = ("starts_at", "ends_at", "application_deadline")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.space_id.choices = space_choices()

    def fill(self, slot: ShowcaseSlot) -> None:
        for name in self.TIMES:
            self[name].data = utc_to_local(getattr(slot, name), slot.space.venue)

    def values(self) -> dict:
        """What was typed, times read in the chosen space's venue zone."""
        space = db.session.get(Space, self.space_id.data)
        venue = space.venue if space else None
        return {
            "theme": self.theme.data,
            "description": self.description.data or "",
            "space_id": self.space_id.data,
            "seats": self.seats.data,
            **{name: local_to_utc(self[name].data, venue) for name in self.TIMES},
        }


class ApplicationForm(Form):
    # Choices are checked by the domain, which explains a foreign or archived innovation.
    innovation_id = SelectField(
        _l("Innovation to demo"), coerce=int, validate_choice=False, validators=[Optional()]
    )
    pitch = TextAreaField(
        _l("Your pitch"), validators=[Optional(), Length(max=3000)], render_kw={"rows": 6}
    )
    wants_power = BooleanField(_l("We need a power socket"))
    wants_table = BooleanField(_l("We need a table"))
    needs = TextAreaField(
        _l("Other practical needs"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 3},
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.innovation_id.choices = [
            (innovation.id, innovation.title)
            for innovation in innovations_of(organisation)
            if innovation.status != InnovationStatus.ARCHIVED
        ]


class DecisionForm(Form):
    message = TextAreaField(_l("Message to the startup"), validators=[Optional(), Length(max=2000)])


class StaffSlotArgs(PageArgs):
    show = fields.String(load_default="upcoming")


class QueueSort(StrEnum):
    AVERAGE = "average"
    REVIEWS = "reviews"


class QueueArgs(PageArgs):
    slot = Number(default=None, maximum=2**31 - 1)
    state = Choice(ApplicationState)
    sort = Choice(QueueSort)


class ReviewForm(Form):
    score = IntegerField(_l("Your score"), validators=[DataRequired(), NumberRange(min=1, max=5)])
    comment = TextAreaField(
        _l("Comment for the team"), validators=[Optional(), Length(max=reviews.COMMENT_MAX)]
    )


class ApplyArgs(Args):
    slot = Number(default=None, maximum=2**31 - 1)


# Public ----------------------------------------------------------------------------------


@bp.get("/demo-days")
def demo_days():
    page = paginate(queries.upcoming_slots(), read_args(PageArgs())["page"], PAGE_SIZE)
    return render(
        "showcase/demo_days.html",
        page=page,
        confirmed=queries.confirmed_startups(slot.id for slot in page.items),
    )


@bp.get("/demo-days/<int:slot_id>")
def slot(slot_id: int):
    slot = queries.public_slot(current_user, slot_id)
    startups = startups_of(current_user)
    mine = {
        organisation.id: queries.live_application(organisation.id, slot.id)
        for organisation in startups
    }
    return render(
        "showcase/slot.html",
        slot=slot,
        programme=programme.public_programme(slot),
        seats_left=queries.seats_left(slot),
        confirmed=queries.confirmed_startups([slot.id])[slot.id],
        startups=startups,
        mine=mine,
        open_for_applications=queries.is_open_for_applications(slot),
    )


@bp.get("/demo-days/<int:slot_id>.ics")
def slot_calendar(slot_id: int):
    """The demo day and each of its pitches, for a calendar."""
    from hub.calendars import demo_day_calendar

    slot = queries.public_slot(current_user, slot_id)
    response = make_response(demo_day_calendar(slot, programme.public_programme(slot).pitches))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="demo-day-{slot.id}.ics"'
    return response


# Startups --------------------------------------------------------------------------------


def _startup(slug: str):
    organisation = member_organisation(slug)
    if organisation.kind != OrganisationKind.STARTUP:
        abort(404)
    return organisation


def _intent_submit() -> bool:
    return request.form.get("intent") == "submit"


def _save(form: ApplicationForm, organisation, slot, application=None):
    return attempt_form(
        form,
        lambda: applications.save_application(
            current_user,
            organisation,
            slot,
            innovation_id=form.innovation_id.data,
            pitch=form.pitch.data,
            needs=form.needs.data,
            wants_power=form.wants_power.data,
            wants_table=form.wants_table.data,
            submit=_intent_submit(),
            application=application,
        ),
    )


@bp.route("/manage/<slug>/applications/new", methods=["GET", "POST"])
@login_required
def apply(slug: str):
    organisation = _startup(slug)
    slot = queries.slot_taking_applications(read_args(ApplyArgs())["slot"])
    existing = queries.live_application(organisation.id, slot.id)
    if existing is not None:
        return redirect(url_for(".application", slug=slug, application_id=existing.id), 303)
    form = ApplicationForm(organisation=organisation)
    if form.validate_on_submit():
        outcome = _save(form, organisation, slot)
        if outcome.ok:
            application = outcome.value
            flash(
                _("Your application is sent to the venue team.")
                if application.state == ApplicationState.SUBMITTED
                else _("Your draft is saved. Submit it before the deadline."),
                "success",
            )
            return redirect(url_for(".application", slug=slug, application_id=application.id), 303)
    return render(
        "showcase/application_form.html",
        form=form,
        organisation=organisation,
        slot=slot,
        application=None,
        open_for_applications=queries.is_open_for_applications(slot),
        status=form_status(form),
    )


@bp.route("/manage/<slug>/applications/<int:application_id>", methods=["GET", "POST"])
@login_required
def application(slug: str, application_id: int):
    organisation = _startup(slug)
    application = queries.application_for_member(current_user, organisation, application_id)
    form = ApplicationForm(organisation=organisation, obj=application)
    if form.validate_on_submit():
        outcome = _save(form, organisation, application.slot, application)
        if outcome.ok:
            flash(_("Your application is saved."), "success")
            return redirect(url_for(".application", slug=slug, application_id=application.id), 303)
    editable = application.state in (
        ApplicationState.DRAFT,
        ApplicationState.SUBMITTED,
    ) and queries.is_open_for_applications(application.slot)
    return render(
        "showcase/application_form.html",
        form=form,
        organisation=organisation,
        slot=application.slot,
        application=application,
        holds_seat=application.state in locks.SLOT_SEAT_STATES,
        leads_open=leads.leads_open(application.slot),
        lead_count=leads.lead_count(application),
        leads_erased_on=leads.erase_after(application.slot),
        editable=editable,
        actions=applications.allowed_actions(application, applications.STARTUP),
        open_for_applications=queries.is_open_for_applications(application.slot),
        status=form_status(form),
    )


@bp.get("/manage/<slug>/applications/<int:application_id>/demo-day.ics")
@login_required
def application_calendar(slug: str, application_id: int):
    """The demo day as the startup lives it: set-up, stand and pitch, for its calendar."""
    from hub.calendars import startup_demo_calendar

    organisation = _startup(slug)
    application = queries.application_for_member(current_user, organisation, application_id)
    if application.state not in locks.SLOT_SEAT_STATES:
        abort(404)
    response = make_response(startup_demo_calendar(application))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="demo-day-{application.slot_id}.ics"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/manage/<slug>/applications/<int:application_id>/leads.<any(csv, xlsx):kind>")
@login_required
def application_leads(slug: str, application_id: int, kind: str):
    """The emails visitors left for the startup at its stand, with what they agreed to."""
    from hub.exports import Table, csv_response, xlsx_response

    organisation = _startup(slug)
    application = queries.application_for_member(current_user, organisation, application_id)
    rows = leads.leads_for_member(current_user, organisation, application)
    table = Table(
        _("Leads"),
        [_("Email"), _("Left at"), _("Agreed to")],
        [(lead.email, utc_to_local(lead.created_at, application.slot.space.venue), lead.consent)
         for lead in rows],
    )  # fmt: skip
    filename = f"leads-{organisation.slug}-{application.slot_id}.{kind}"
    return csv_response(table, filename) if kind == "csv" else xlsx_response([table], filename)


STARTUP_ACTIONS = {
    "submit": (applications.submit_application, _l("Your application is sent to the venue team.")),
    "confirm": (applications.confirm_application, _l("Thank you: your demo is confirmed.")),
    "withdraw": (applications.withdraw_application, _l("Your application is withdrawn.")),
}


@bp.post("/manage/<slug>/applications/<int:application_id>/<action>")
@login_required
def application_action(slug: str, application_id: int, action: str):
    organisation = _startup(slug)
    if action not in STARTUP_ACTIONS:
        abort(404)
    application = queries.application_for_member(current_user, organisation, application_id)
    transition, done = STARTUP_ACTIONS[action]
    flash_outcome(attempt(lambda: transition(current_user, application)), str(done))
    return redirect(url_for(".application", slug=slug, application_id=application_id), 303)


# Staff: slots ----------------------------------------------------------------------------


@bp.get("/staff/showcase/slots")
@staff_required
def staff_slots():
    args = read_args(StaffSlotArgs())
    show = args["show"]
    query = queries.slots_for_staff(past=show == "past")
    page = paginate(query, args["page"], QUEUE_PAGE_SIZE)
    slot_ids = [slot.id for slot in page.items]
    return render(
        "showcase/staff_slots.html",
        page=page,
        show=show,
        taken=locks.seats_taken_by_slot(slot_ids),
        pending=queries.submitted_counts(slot_ids),
    )


@bp.route("/staff/showcase/slots/new", methods=["GET", "POST"])
@staff_required
def new_slot():
    form = SlotForm()
    if form.validate_on_submit():
        outcome = attempt_form(form, lambda: slots.create_slot(current_user, **form.values()))
        if outcome.ok:
            flash(
                _("The demo slot “%(theme)s” is published.", theme=outcome.value.theme), "success"
            )
            return redirect(url_for(".staff_slots"), 303)
    return render("showcase/slot_form.html", form=form, slot=None, status=form_status(form))


@bp.route("/staff/showcase/slots/<int:slot_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_slot(slot_id: int):
    slot = db.get_or_404(ShowcaseSlot, slot_id)
    form = SlotForm(obj=slot)
    if request.method == "GET":
        form.fill(slot)
    if form.validate_on_submit():
        outcome = attempt_form(form, lambda: slots.update_slot(current_user, slot, **form.values()))
        if outcome.ok:
            flash(_("The demo slot is saved."), "success")
            return redirect(url_for(".staff_slots"), 303)
    return render("showcase/slot_form.html", form=form, slot=slot, status=form_status(form))


@bp.post("/staff/showcase/slots/<int:slot_id>/<action>")
@staff_required
def slot_action(slot_id: int, action: str):
    slot = db.get_or_404(ShowcaseSlot, slot_id)
    theme = slot.theme
    if action == "close":
        outcome = attempt(lambda: slots.close_slot(current_user, slot))
        done = _("Applications for “%(theme)s” are closed.", theme=theme)
    elif action == "reopen":
        outcome = attempt(lambda: slots.reopen_slot(current_user, slot))
        done = _("Applications for “%(theme)s” are open again.", theme=theme)
    elif action == "cancel":
        message = request.form.get("message", "")[:2000]
        outcome = attempt(lambda: slots.cancel_slot(current_user, slot, message))
        done = ngettext(
            "“%(theme)s” is cancelled; %(num)d startup was told.",
            "“%(theme)s” is cancelled; %(num)d startups were told.",
            outcome.value or 0,
            theme=theme,
        )
    else:
        abort(404)
    flash_outcome(outcome, done)
    return redirect(url_for(".staff_slots"), 303)


# Staff: review queue ---------------------------------------------------------------------


def _queue_filters() -> tuple[int | None, ApplicationState | None]:
    # The filters travel in the query string, or in the form of an htmx decision.
    args = read_args(QueueArgs(), values=request.values)
    return args["slot"], args["state"]


def _queue_address() -> str:
    args = read_args(QueueArgs(), values=request.values)
    return url_for(
        ".review_queue",
        slot=args["slot"],
        state=args["state"].value if args["state"] else None,
        sort=args["sort"].value if args["sort"] else None,
    )


@bp.get("/staff/showcase/applications")
@staff_required
def review_queue():
    args = read_args(QueueArgs())
    slot_id, state, sort = args["slot"], args["state"], args["sort"]
    order = reviews.review_order(current_user, sort.value if sort else None)
    page = paginate(queries.review_queue(slot_id, state, order), args["page"], QUEUE_PAGE_SIZE)
    return render(
        "showcase/review_queue.html",
        page=page,
        slots=queries.recent_slots(),
        slot_id=slot_id,
        state=state,
        sort=sort,
        counts=queries.queue_counts(slot_id),
        taken=locks.seats_taken_by_slot({a.slot_id for a in page.items}),
        summaries=reviews.review_summaries(current_user, [a.id for a in page.items]),
    )


@bp.post("/staff/showcase/applications/<int:application_id>/review")
@staff_required
def review(application_id: int):
    """A reviewer scores the application; the row comes back with everyone's scores."""
    application = queries.reviewable_application(application_id)
    form = ReviewForm()
    if form.validate_on_submit():
        outcome = attempt(
            lambda: reviews.score_application(
                current_user, application, form.score.data, form.comment.data
            )
        )
    else:
        outcome = None
    if outcome is not None and outcome.ok:
        message, category, status = _("Your score is saved."), "success", 200
    else:
        refusal = outcome.refusal.message if outcome is not None else None
        message = str(refusal or _("Choose a score from 1 to 5."))
        category, status = "error", 422
    return _after_decision(application, message, category, status)


@bp.post("/staff/showcase/applications/bulk")
@staff_required
def bulk_decide():
    """One decision and one message for the applications ticked in the queue."""
    form = DecisionForm()
    ids = [value for value in request.form.getlist("application") if value.isdigit()][:200]
    decision = request.form.get("decision", "")
    if not form.validate_on_submit():
        flash(_("The message is too long."), "error")
        return redirect(_queue_address(), 303)
    outcome = attempt(lambda: reviews.decide_many(current_user, ids, decision, form.message.data))
    if not outcome.ok:
        flash_outcome(outcome)
        return redirect(_queue_address(), 303)
    result = outcome.value
    if result.done:
        flash(
            ngettext(
                "%(num)d application decided; the startups have been told.",
                "%(num)d applications decided; the startups have been told.",
                len(result.done),
            ),
            "success",
        )
    for application, reason in result.refused:
        flash(_("%(name)s: %(reason)s", name=application.organisation.name, reason=reason), "error")
    return redirect(_queue_address(), 303)


def _after_decision(application, message: str, category: str, status: int = 200):
    """The row and the counts for htmx; otherwise back to the queue with its filters."""
    slot_id, state = _queue_filters()
    if request.htmx:
        db.session.refresh(application)
        return render(
            "showcase/_decision.html",
            application=application,
            summary=reviews.review_summaries(current_user, [application.id])[application.id],
            counts=queries.queue_counts(slot_id),
            taken=locks.seats_taken_by_slot([application.slot_id]),
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
    application = queries.reviewable_application(application_id)
    decision = request.form.get("decision", "")
    form = DecisionForm()
    if not form.validate_on_submit():
        return _after_decision(application, _("The message is too long."), "error", 422)
    if decision == "cancel":
        outcome = attempt(
            lambda: decisions.cancel_application(current_user, application, form.message.data)
        )
    else:
        outcome = attempt(
            lambda: decisions.decide_application(
                current_user, application, decision, form.message.data
            )
        )
    if not outcome.ok:
        refusal = outcome.refusal
        return _after_decision(application, str(refusal.message), "error", refusal.status)
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
    startups = startups_of(current_user)
    return {
        "startups": startups,
        "applications": queries.applications_of([s.id for s in startups]),
    }


def _staff_panel() -> dict:
    return {"counts": queries.queue_counts()}


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
        "application_staff_actions": lambda application: applications.allowed_actions(
            application, applications.STAFF
        ),
        "slot_takes_applications": queries.is_open_for_applications,
    }
