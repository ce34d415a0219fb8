"""A demo day's programme: staff set the stands and the pitch schedule and place startups."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from wtforms import BooleanField, DateTimeLocalField, EmailField, IntegerField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from hub import links
from hub.blueprints import staff_required
from hub.blueprints.innovations import interested_ids, remember_interest
from hub.domain.errors import DomainError
from hub.domain.showcase import leads, programme
from hub.extensions import db, limiter
from hub.forms import Form
from hub.models import Application, ShowcaseSlot, Stand
from hub.rendering import render
from hub.timezones import local_to_utc, utc_to_local
from hub.unit_of_work import attempt, attempt_form, flash_outcome, form_status

bp = Blueprint("programme", __name__)
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class ScheduleForm(Form):
    first_pitch_at = DateTimeLocalField(
        _l("First pitch"), format=DATETIME_FORMAT, validators=[Optional()]
    )
    pitch_minutes = IntegerField(
        _l("Minutes per pitch"), default=5, validators=[DataRequired(), NumberRange(1, 60)]
    )
    setup_minutes = IntegerField(
        _l("Set-up before opening (minutes)"),
        default=30,
        validators=[Optional(), NumberRange(0, 240)],
    )


class StandForm(Form):
    name = StringField(_l("Name or number"), validators=[Optional(), Length(max=40)])
    grid_row = IntegerField(_l("Row on the plan"), validators=[Optional(), NumberRange(1, 50)])
    grid_column = IntegerField(
        _l("Column on the plan"), validators=[Optional(), NumberRange(1, 50)]
    )


def _slot(slot_id: int) -> ShowcaseSlot:
    return db.get_or_404(ShowcaseSlot, slot_id)


def _page(slot: ShowcaseSlot, schedule_form=None, stand_form=None, status: int = 200):
    venue = slot.space.venue
    if schedule_form is None:
        schedule_form = ScheduleForm(obj=slot)
        schedule_form.first_pitch_at.data = (
            utc_to_local(slot.first_pitch_at, venue) if slot.first_pitch_at else None
        )
    return render(
        "showcase/programme_staff.html",
        slot=slot,
        schedule_form=schedule_form,
        stand_form=stand_form or StandForm(formdata=None),
        stands=programme.stands_of(slot.space_id),
        rows=programme.placement_rows(slot),
        pitches=_pitch_choices(slot),
        status=status,
    )


def _pitch_choices(slot: ShowcaseSlot) -> list[tuple[int, object]]:
    return [(n, slot.pitch_time(n)) for n in range(1, programme.pitch_count(slot) + 1)]


@bp.get("/staff/showcase/slots/<int:slot_id>/programme")
@staff_required
def manage(slot_id: int):
    return _page(_slot(slot_id))


@bp.post("/staff/showcase/slots/<int:slot_id>/programme/schedule")
@staff_required
def schedule(slot_id: int):
    slot = _slot(slot_id)
    form = ScheduleForm()
    if form.validate_on_submit():
        first = form.first_pitch_at.data
        outcome = attempt_form(
            form,
            lambda: programme.set_schedule(
                current_user,
                slot,
                first_pitch_at=local_to_utc(first, slot.space.venue) if first else None,
                pitch_minutes=form.pitch_minutes.data,
                setup_minutes=form.setup_minutes.data or 0,
            ),
        )
        if outcome.ok:
            flash(_("The pitch schedule is saved."), "success")
            return redirect(url_for(".manage", slot_id=slot.id), 303)
    return _page(slot, schedule_form=form, status=form_status(form))


@bp.post("/staff/showcase/slots/<int:slot_id>/programme/stands")
@staff_required
def add_stand(slot_id: int):
    slot = _slot(slot_id)
    form = StandForm()
    if form.validate_on_submit():
        outcome = attempt_form(
            form,
            lambda: programme.add_stand(
                current_user,
                slot.space,
                form.name.data or "",
                grid_row=form.grid_row.data,
                grid_column=form.grid_column.data,
            ),
        )
        if outcome.ok:
            flash(_("Stand “%(name)s” is added.", name=outcome.value.name), "success")
            return redirect(url_for(".manage", slot_id=slot.id, _anchor="stands"), 303)
    return _page(slot, stand_form=form, status=form_status(form))


@bp.post("/staff/showcase/slots/<int:slot_id>/programme/stands/<int:stand_id>/remove")
@staff_required
def remove_stand(slot_id: int, stand_id: int):
    slot = _slot(slot_id)
    stand = db.session.get(Stand, stand_id)
    if stand is None or stand.space_id != slot.space_id:
        abort(404)
    name = stand.name
    flash_outcome(
        attempt(lambda: programme.remove_stand(current_user, stand)),
        _("Stand “%(name)s” is removed.", name=name),
    )
    return redirect(url_for(".manage", slot_id=slot.id, _anchor="stands"), 303)


def _optional_number(name: str) -> int | None:
    value = request.form.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 6:
        raise DomainError(_l("Choose from the list."), field=name)
    return int(value)


@bp.post("/staff/showcase/slots/<int:slot_id>/programme/place/<int:application_id>")
@staff_required
def place(slot_id: int, application_id: int):
    slot = _slot(slot_id)
    application = db.session.get(Application, application_id)
    if application is None or application.slot_id != slot.id:
        abort(404)
    outcome = attempt(
        lambda: programme.place(
            current_user,
            application,
            stand_id=_optional_number("stand_id"),
            pitch_number=_optional_number("pitch_number"),
        )
    )
    name = application.organisation.name
    if outcome.ok:
        message, category, status = _("%(name)s is placed.", name=name), "success", 200
    else:
        message, category = str(outcome.refusal.message), "error"
        status = outcome.refusal.status
    if request.htmx:
        db.session.expire_all()
        row = next(
            (r for r in programme.placement_rows(slot) if r.application.id == application_id),
            None,
        )
        if row is None:
            abort(404)
        return render(
            "showcase/_placement_answer.html",
            slot=slot,
            row=row,
            stands=programme.stands_of(slot.space_id),
            pitches=_pitch_choices(slot),
            message=message,
            category=category,
            status=status,
        )
    flash(message, category)
    return redirect(url_for(".manage", slot_id=slot.id, _anchor="placements"), 303)


@bp.post("/staff/showcase/slots/<int:slot_id>/programme/place-all")
@staff_required
def place_all(slot_id: int):
    slot = _slot(slot_id)
    outcome = attempt(lambda: programme.place_all(current_user, slot))
    count = outcome.value or 0
    flash_outcome(
        outcome,
        ngettext(
            "%(num)d startup was given a stand or a pitch.",
            "%(num)d startups were given a stand or a pitch.",
            count,
        )
        if count
        else _("Every startup already has a stand and a pitch, or none is left."),
    )
    return redirect(url_for(".manage", slot_id=slot.id, _anchor="placements"), 303)


# Cards for the stands, and what a visitor who scans one sees ------------------------------


def stand_url(application) -> str:
    """The address a stand's card carries in its QR code (from PUBLIC_URL)."""
    return links.url("programme.stand", slot_id=application.slot_id, application_id=application.id)


@bp.get("/staff/showcase/slots/<int:slot_id>/programme/cards")
@staff_required
def cards(slot_id: int):
    slot = _slot(slot_id)
    return render(
        "showcase/stand_cards.html",
        slot=slot,
        programme=programme.public_programme(slot),
        stand_url=stand_url,
    )


@bp.get("/demo-days/<int:slot_id>/stands/<int:application_id>/qr.svg")
def stand_qr(slot_id: int, application_id: int):
    from hub.calendars import qr_svg

    application = leads.stand_application(slot_id, application_id)
    response = make_response(qr_svg(stand_url(application), application.innovation.title))
    response.headers["Content-Type"] = "image/svg+xml"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


class LeadForm(Form):
    email = EmailField(_l("Your email"), validators=[DataRequired(), Email(), Length(max=254)])
    consent = BooleanField(validators=[DataRequired(_l("Tick the box to agree."))])


def _stand_page(application, form=None, status: int = 200, interested=False, **extra):
    interested = interested or application.innovation_id in interested_ids()
    return render(
        "showcase/stand.html",
        application=application,
        innovation=application.innovation,
        organisation=application.organisation,
        slot=application.slot,
        venue=application.slot.space.venue,
        placement=application.placement,
        interested=interested,
        form=form or LeadForm(formdata=None),
        consent=leads.consent_sentence(application),
        status=status,
        **extra,
    )


@bp.get("/demo-days/<int:slot_id>/stands/<int:application_id>")
def stand(slot_id: int, application_id: int):
    return _stand_page(leads.stand_application(slot_id, application_id))


def _interest_limit() -> str:
    return current_app.config["RATELIMIT_INTEREST"]


@bp.post("/demo-days/<int:slot_id>/stands/<int:application_id>/interest")
@limiter.limit(_interest_limit)
def stand_interest(slot_id: int, application_id: int):
    """One more visitor interested, once per browser, as on the innovation's page."""
    application = leads.stand_application(slot_id, application_id)
    seen = interested_ids()
    newly = application.innovation_id not in seen
    if newly:
        leads.show_interest(application)
    if request.htmx:
        response = _stand_page(application, interested=True, just_added=newly)
    else:
        if newly:
            flash(_("Thank you! The startup will know you are interested."), "success")
        response = redirect(url_for(".stand", slot_id=slot_id, application_id=application_id), 303)
    if newly:
        remember_interest(response, application.innovation_id, seen)
    return response


@bp.post("/demo-days/<int:slot_id>/stands/<int:application_id>/email")
@limiter.limit(_interest_limit)
def stand_email(slot_id: int, application_id: int):
    """The visitor chose to leave their email for this startup, and agreed to why."""
    application = leads.stand_application(slot_id, application_id)
    form = LeadForm()
    if form.validate_on_submit():
        outcome = attempt_form(
            form, lambda: leads.leave_email(application, form.email.data, form.consent.data)
        )
        if outcome.ok:
            if request.htmx:
                return _stand_page(application, interested=True, email_left=True)
            flash(
                _(
                    "Thank you: %(startup)s will write to you.",
                    startup=application.organisation.name,
                ),
                "success",
            )
            return redirect(url_for(".stand", slot_id=slot_id, application_id=application_id), 303)
    return _stand_page(application, form=form, status=form_status(form), interested=True)
