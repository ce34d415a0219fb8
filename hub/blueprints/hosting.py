"""Backstage for events: partners propose and co-host, staff review and publish, hosts check in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from hub.blueprints import register_panel, staff_required
from hub.blueprints.image_forms import attempt_form_with_image
from hub.domain import uploads
from hub.domain.events import (
    attendance,
    cohosts,
    decisions,
    messages,
    permissions,
    proposals,
    queries,
    questions,
    series,
)
from hub.domain.events.feedback import feedback_summary
from hub.domain.organisations.queries import partners_of
from hub.domain.pages import paginate
from hub.domain.privacy import retention
from hub.domain.rooms import space_choices
from hub.exports import Table, csv_response, xlsx_response
from hub.extensions import db
from hub.forms import Form
from hub.i18n import LANGUAGE_NAMES
from hub.images import ImageUpload
from hub.models import (
    Audience,
    Event,
    EventHost,
    EventKind,
    EventMessage,
    EventState,
    MessageAudience,
    Organisation,
    RegistrationState,
    Space,
)
from hub.query_args import Args, Choice, PageArgs, Text, read_args
from hub.rendering import render
from hub.timezones import local_to_utc, utc_to_local
from hub.unit_of_work import attempt, attempt_form, form_status

bp = Blueprint("hosting", __name__)
PAGE_SIZE = 50
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class EventForm(Form):
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
    max_places = IntegerField(
        _l("People per registration, at most"),
        validators=[Optional(), NumberRange(min=1, max=proposals.MAX_PLACES)],
        default=1,
    )
    waitlist = SelectField(
        _l("When a seat frees up"),
        choices=[
            SelectChoice("give", _l("Give it at once to the first person waiting")),
            SelectChoice("offer", _l("Offer it to the first person waiting, with a deadline")),
        ],
        default="give",
    )
    offer_hours = IntegerField(
        _l("Hours to answer an offer"),
        validators=[Optional(), NumberRange(min=1, max=proposals.MAX_OFFER_HOURS)],
        default=24,
    )
    image = ImageUpload(_l("Picture"), side=uploads.PICTURE_SIDE)
    image_alt = StringField(_l("What the picture shows"), validators=[Optional(), Length(max=300)])
    remove_image = BooleanField(_l("Remove the current picture"))

    TIMES = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.space_id.choices = space_choices(with_capacity=True)

    def details(self) -> proposals.EventDetails:
        """What was typed, times read in the chosen room's venue zone (none for a series:
        each date's times come from its rule)."""
        space = db.session.get(Space, self.space_id.data)
        venue = space.venue if space else None
        values = dict.fromkeys(EventForm.TIMES)
        values.update({name: local_to_utc(self[name].data, venue) for name in self.TIMES})
        return proposals.EventDetails(
            title=self.title.data,
            description=self.description.data,
            kind=self.kind.data,
            audience=self.audience.data,
            language=self.language.data,
            space_id=self.space_id.data,
            capacity=self.capacity.data,
            offer_hours=(self.offer_hours.data or 24) if self.waitlist.data == "offer" else None,
            max_places=self.max_places.data or 1,
            **values,
        )

    def fill(self, event: Event) -> None:
        for name in (
            "title", "description", "language", "space_id", "capacity", "image_alt", "max_places",
        ):  # fmt: skip
            self[name].data = getattr(event, name)
        self.kind.data, self.audience.data = event.kind.value, event.audience.value
        for name in self.TIMES:
            self[name].data = utc_to_local(getattr(event, name), event.space.venue)
        self.waitlist.data = "offer" if event.offers_seats else "give"
        self.offer_hours.data = event.offer_hours or 24


def _parse_dates(text: str) -> tuple[date, ...]:
    days = []
    for line in (text or "").replace(",", "\n").splitlines():
        if line.strip():
            try:
                days.append(date.fromisoformat(line.strip()))
            except ValueError:
                message = _("“%(date)s” is not a date (2026-03-10).", date=line.strip())
                raise ValidationError(message) from None
    return tuple(days)


class SeriesForm(EventForm):
    """An event's fields, and when: weekly from a first date, or a list of dates."""

    starts_at = ends_at = registration_opens_at = registration_closes_at = None
    image = image_alt = remove_image = None  # each date's picture is set on the date
    first_date = DateField(_l("First date"), validators=[Optional()])
    weeks = IntegerField(
        _l("Number of weeks"), validators=[Optional(), NumberRange(min=1, max=series.MAX_DATES)]
    )
    dates = TextAreaField(_l("Or the dates, one per line"), validators=[Length(max=2000)])
    starts = TimeField(_l("From"), validators=[DataRequired()])
    ends = TimeField(_l("To"), validators=[DataRequired()])
    is_course = BooleanField(_l("A course: its sessions are registered for together"))

    TIMES = ()

    def validate_dates(self, field) -> None:
        _parse_dates(field.data)

    def rule(self) -> series.SeriesRule:
        return series.SeriesRule(
            starts=self.starts.data,
            ends=self.ends.data,
            first_date=self.first_date.data,
            weeks=self.weeks.data or 0,
            dates=_parse_dates(self.dates.data),
        )


class SeriesEditForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=160)])
    description = TextAreaField(_l("Description"), validators=[DataRequired(), Length(max=10000)])
    capacity = IntegerField(_l("Seats"), validators=[DataRequired(), NumberRange(min=1, max=10000)])
    starts = TimeField(_l("From"), validators=[DataRequired()])
    ends = TimeField(_l("To"), validators=[DataRequired()])

    def fill(self, a_series, first: Event | None) -> None:
        self.title.data, self.description.data = a_series.title, a_series.description
        if first is not None:
            venue = first.space.venue
            self.capacity.data = first.capacity
            self.starts.data = utc_to_local(first.starts_at, venue).time()
            self.ends.data = utc_to_local(first.ends_at, venue).time()

    def changes(self) -> series.SeriesChanges:
        return series.SeriesChanges(
            title=self.title.data,
            description=self.description.data,
            capacity=self.capacity.data,
            starts=self.starts.data,
            ends=self.ends.data,
        )


class InviteForm(Form):
    organisation = SelectField(_l("Partner to invite"), coerce=int, validate_choice=True)

    def offer(self, event: Event) -> InviteForm:
        self.organisation.choices = [
            SelectChoice(organisation.id, organisation.name)
            for organisation in queries.partners_to_invite(event)
        ]
        return self


class DecisionForm(Form):
    message = TextAreaField(_l("Message"), validators=[Length(max=4000)])


class MessageForm(Form):
    audience = SelectField(_l("Write to"), validate_choice=True)
    subject_fr = StringField(_l("Subject in French"), validators=[Length(max=messages.SUBJECT_MAX)])
    body_fr = TextAreaField(_l("Message in French"), validators=[Length(max=messages.BODY_MAX)])
    subject_en = StringField(
        _l("Subject in English"), validators=[Length(max=messages.SUBJECT_MAX)]
    )
    body_en = TextAreaField(_l("Message in English"), validators=[Length(max=messages.BODY_MAX)])

    def offer(self, counts: dict[MessageAudience, int]) -> MessageForm:
        """The choice of recipients, each with the number of people it reaches."""
        self.audience.choices = [
            SelectChoice(audience.value, f"{audience.label} ({counts[audience]})")
            for audience in MessageAudience
        ]
        return self

    def draft(self) -> messages.MessageDraft:
        return messages.MessageDraft(
            audience=MessageAudience(self.audience.data),
            **{name: self[name].data or "" for name in messages.DRAFT_TEXTS},
        )


class WalkInForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("Email (optional)"),
        validators=[Optional(), Email(check_deliverability=False), Length(max=254)],
        filters=[lambda value: value.strip() if value else value],
    )
    exceed_capacity = BooleanField(_l("Let them in even if every seat is taken"))


class StaffEventArgs(PageArgs):
    state = Choice(EventState)


class CheckInArgs(Args):
    code = Text(300)


class AttendeeArgs(PageArgs):
    q = Text(100)
    state = Choice(RegistrationState)


# --- Proposals -----------------------------------------------------------------------------


@bp.route("/account/events/new", methods=["GET", "POST"])
@login_required
def propose():
    partners = partners_of(current_user)
    if not partners:
        abort(404)
    form = EventForm()
    form.organisation.choices = [SelectChoice(org.id, org.name) for org in partners]
    if form.validate_on_submit():
        organisation = next(org for org in partners if org.id == form.organisation.data)

        def propose_with_picture(image):
            event = proposals.propose_event(current_user, organisation, form.details())
            return event, _set_picture(form, event, image)

        outcome = attempt_form_with_image(form, form.image, propose_with_picture)
        if outcome.ok:
            flash(_("Your proposal is sent. The venue team will review it."), "success")
            return redirect(url_for("hosting.manage", event_id=outcome.value.id), 303)
    return render("hosting/form.html", form=form, event=None, status=form_status(form))


@bp.route("/staff/events/new", methods=["GET", "POST"])
@staff_required
def create():
    form = EventForm()
    partners = queries.verified_partners()
    form.organisation.label.text = _("Hosting partner (optional)")
    form.organisation.choices = [SelectChoice(0, _("The venue team"))] + [
        SelectChoice(o.id, o.name) for o in partners
    ]
    if form.validate_on_submit():
        organisation = next((o for o in partners if o.id == form.organisation.data), None)

        def create_with_picture(image):
            event = proposals.create_event_as_staff(current_user, form.details(), organisation)
            return event, _set_picture(form, event, image)

        outcome = attempt_form_with_image(form, form.image, create_with_picture)
        if outcome.ok:
            flash(_("The event is published."), "success")
            return redirect(url_for("hosting.manage", event_id=outcome.value.id), 303)
    return render(
        "hosting/form.html", form=form, event=None, staff_create=True, status=form_status(form)
    )


@bp.route("/account/series/new", methods=["GET", "POST"])
@login_required
def new_series():
    """Staff (published at once) and partners (proposed) make a series of dates."""
    partners = queries.verified_partners() if current_user.is_staff else partners_of(current_user)
    if not partners and not current_user.is_staff:
        abort(404)
    form = SeriesForm()
    choices = [SelectChoice(o.id, o.name) for o in partners]
    if current_user.is_staff:
        form.organisation.label.text = _("Hosting partner (optional)")
        choices = [SelectChoice(0, _("The venue team")), *choices]
    form.organisation.choices = choices
    if form.validate_on_submit():
        organisation = next((o for o in partners if o.id == form.organisation.data), None)
        outcome = attempt_form(
            form,
            lambda: series.create_series(
                current_user,
                form.details(),
                form.rule(),
                organisation=organisation,
                is_course=form.is_course.data,
            ),
        )
        if outcome.ok:
            flash(
                ngettext(
                    "The series is made: %(num)d date.",
                    "The series is made: %(num)d dates.",
                    len(outcome.value.events),
                ),
                "success",
            )
            return redirect(url_for("hosting.edit_series", series_id=outcome.value.id), 303)
    return render("hosting/series_form.html", form=form, status=form_status(form))


@bp.route("/account/series/<int:series_id>", methods=["GET", "POST"])
@login_required
def edit_series(series_id: int):
    """The series' dates, each editable on its own, and a form to change all future ones."""
    a_series = series.editable_series(current_user, series_id)
    future = series.future_dates(a_series)
    form = SeriesEditForm()
    if not form.is_submitted():
        form.fill(a_series, future[0] if future else None)
    if form.validate_on_submit():
        outcome = attempt_form(
            form, lambda: series.update_future_dates(current_user, a_series, form.changes())
        )
        if outcome.ok:
            flash(
                ngettext(
                    "%(num)d future date is changed.",
                    "%(num)d future dates are changed.",
                    outcome.value,
                ),
                "success",
            )
            return redirect(url_for("hosting.edit_series", series_id=series_id), 303)
    return render(
        "hosting/series.html",
        series=a_series,
        future=future,
        form=form,
        status=form_status(form),
    )


@bp.route("/account/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    event = permissions.editable_event(current_user, event_id)
    form = EventForm()
    del form.organisation
    if not form.is_submitted():
        form.fill(event)
    if form.validate_on_submit():

        def save_with_picture(image):
            proposals.update_event(current_user, event, form.details())
            return event, _set_picture(form, event, image)

        outcome = attempt_form_with_image(form, form.image, save_with_picture)
        if outcome.ok:
            flash(_("The event is saved."), "success")
            return redirect(url_for("hosting.manage", event_id=event_id), 303)
    return render("hosting/form.html", form=form, event=event, status=form_status(form))


def _set_picture(form: EventForm, event: Event, image: str | None) -> str | None:
    """The picture chosen (or removed) and its description; the file it replaced."""
    replace = bool(image) or bool(form.remove_image.data and event.image)
    return proposals.set_picture(current_user, event, image, form.image_alt.data, replace=replace)


@bp.get("/account/events/<int:event_id>")
@login_required
def manage(event_id: int):
    return _render_manage(permissions.backstage_event(current_user, event_id))


def _render_manage(event: Event, invite_form=None, decision_form=None, status=200):
    can_manage = permissions.can_manage_event(current_user, event)
    return render(
        "hosting/manage.html",
        status=status,
        event=event,
        invite_form=(invite_form or InviteForm()).offer(event),
        decision_form=decision_form or DecisionForm(),
        can_manage=can_manage,
        can_edit=permissions.can_edit_event(current_user, event),
        can_invite=permissions.can_invite_cohosts(current_user, event),
        my_invitations=queries.invitations_awaiting(current_user, event),
        counts=queries.registration_counts(event) if can_manage else None,
        feedback=feedback_summary(event) if can_manage else None,
        seats_left=queries.seats_left(event),
        erased_at=retention.personal_data_erased_at(event),
        attendees_erased=retention.attendees_erased(event),
    )


@bp.post("/account/events/<int:event_id>/cohosts")
@login_required
def invite(event_id: int):
    event = permissions.event_open_to_cohosts(current_user, event_id)
    form = InviteForm().offer(event)
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation.data)
        outcome = attempt_form(
            form, lambda: cohosts.invite_cohost(current_user, event, organisation)
        )
        if outcome.ok:
            flash(_("%(name)s is invited to co-host.", name=organisation.name), "success")
            return redirect(url_for("hosting.manage", event_id=event_id), 303)
    return _render_manage(event, invite_form=form, status=form_status(form))


@bp.post("/account/invitations/<int:host_id>")
@login_required
def respond(host_id: int):
    accept = request.form.get("answer") == "accept"
    host = db.session.get(EventHost, host_id)
    outcome = attempt(lambda: cohosts.respond_to_invitation(current_user, host, accept))
    if outcome.ok:
        title = host.event.title
        message = (
            _("You now co-host “%(title)s”.", title=title)
            if accept
            else _("You declined to co-host “%(title)s”.", title=title)
        )
    else:
        message = str(outcome.refusal.message)
    on_event_page = request.form.get("back") == "event"
    if request.htmx and not on_event_page:
        # The dashboard's table of events gains the co-hosted one, out of band.
        return render(
            "hosting/_invitation_answered.html",
            host=host,
            message=message,
            events=queries.events_for_member(current_user),
        )
    flash(message, "success" if outcome.ok else "error")
    if on_event_page:
        # Co-hosts, counts and attendee links all change on the event's page: load it again.
        target = url_for("hosting.manage", event_id=host.event_id)
        if request.htmx:
            response = make_response("", 200)
            response.headers["HX-Location"] = target
            return response
        return redirect(target, 303)
    return redirect(url_for("account.dashboard"), 303)


# --- Messages to registrants -----------------------------------------------------------------


@dataclass
class MessagePreview:
    """What the host checks before sending: how many people, and the email in each language."""

    recipients: int
    by_language: dict[str, int]
    emails: list[tuple[str, str, str]]  # language, subject, text


@dataclass
class SampleRecipient:
    name: str
    token: str


def _preview(event: Event, message: EventMessage, recipients: int) -> MessagePreview:
    from hub.mail.compose import render_email

    sample = SampleRecipient(_("[their name]"), _("their-private-link"))
    by_language: dict[str, int] = {}
    for locale, count in queries.recipient_locales(event, message.audience).items():
        language = message.language_for(locale)
        by_language[language] = by_language.get(language, 0) + count
    emails = []
    for language in message.languages:
        context = {"message": message, "language": language, "registration": sample}
        subject, text = render_email("event_message", language, {**context, "event": event})
        emails.append((language, subject, text))
    return MessagePreview(recipients, by_language, emails)


@bp.route("/account/events/<int:event_id>/message", methods=["GET", "POST"])
@login_required
def write_message(event_id: int):
    """Write to the registrants: choose whom, see how many and a preview, then confirm."""
    event = permissions.managed_event(current_user, event_id)
    counts = queries.recipient_counts(event)
    form = MessageForm().offer(counts)
    preview = None
    if form.validate_on_submit():
        draft = form.draft()
        if request.form.get("step") == "send":
            confirmed = request.form.get("recipients", type=int, default=-1)
            outcome = attempt_form(
                form, lambda: messages.send_message(current_user, event, draft, confirmed)
            )
            if outcome.ok:
                sent = outcome.value.recipients
                flash(
                    ngettext(
                        "Your message is on its way to %(num)d person.",
                        "Your message is on its way to %(num)d people.",
                        sent,
                    ),
                    "success",
                )
                return redirect(url_for("hosting.manage", event_id=event_id), 303)
            counts = queries.recipient_counts(event)  # they may have changed meanwhile
            form.offer(counts)
        prepared = attempt_form(form, lambda: messages.prepare_message(draft))
        if prepared.ok:
            preview = _preview(event, prepared.value, counts[draft.audience])
    chosen = form.audience.data
    audience = MessageAudience(chosen) if chosen in set(MessageAudience) else MessageAudience.ALL
    # A preview fetched while typing is not a refusal, even before the message is complete.
    live_preview = request.htmx and request.form.get("step") != "send"
    return render(
        "hosting/message.html",
        status=200 if live_preview else form_status(form),
        event=event,
        form=form,
        preview=preview,
        recipients=counts[audience],
        sent=queries.messages_to_registrants(event),
    )


# --- Staff decisions ------------------------------------------------------------------------


@bp.get("/staff/events")
@staff_required
def staff_events():
    args = read_args(StaffEventArgs())
    page = paginate(queries.events_for_staff(args["state"]), args["page"], PAGE_SIZE)
    state = args["state"].value if args["state"] else ""
    return render(
        "hosting/staff_events.html",
        page=page,
        state=state,
        erased_at=retention.personal_data_erased_at,
    )


def _decide(event_id: int, decide, success: str):
    event = db.get_or_404(Event, event_id)
    form = DecisionForm()
    if form.validate_on_submit():
        outcome = attempt_form(form, lambda: decide(event, form.message.data or ""))
        if outcome.ok:
            flash(success, "success")
            return redirect(url_for("hosting.manage", event_id=event_id), 303)
    return _render_manage(event, decision_form=form, status=form_status(form))


@bp.post("/staff/events/<int:event_id>/publish")
@staff_required
def publish(event_id: int):
    return _decide(
        event_id,
        lambda event, _message: decisions.publish_event(current_user, event),
        _("The event is published."),
    )


@bp.post("/staff/events/<int:event_id>/reject")
@staff_required
def reject(event_id: int):
    return _decide(
        event_id,
        lambda event, message: decisions.reject_event(current_user, event, message),
        _("The proposal is rejected; the partner is told why."),
    )


@bp.post("/staff/events/<int:event_id>/cancel")
@staff_required
def cancel(event_id: int):
    return _decide(
        event_id,
        lambda event, message: decisions.cancel_event(current_user, event, message),
        _("The event is cancelled; every registrant is told."),
    )


# --- Attendees and check-in -------------------------------------------------------------------


@bp.get("/account/events/<int:event_id>/attendees")
@login_required
def attendees(event_id: int):
    return _render_attendees(permissions.managed_event(current_user, event_id))


def _render_attendees(event: Event, walk_in_form=None, status=200):
    args = read_args(AttendeeArgs())
    page = paginate(attendance.attendees(event, args["q"], args["state"]), args["page"], PAGE_SIZE)
    return render(
        "hosting/attendees.html",
        status=status,
        event=event,
        page=page,
        search=args["q"],
        state=args["state"].value if args["state"] else "",
        counts=queries.registration_counts(event),
        attendees_erased=retention.attendees_erased(event),
        walk_in_form=walk_in_form or WalkInForm(),
        seats_left=queries.seats_left(event),
        **_answers_for(event, page.items),
    )


def _answers_for(event: Event, registrations) -> dict:
    """What the attendee rows show of the answers to the event's questions."""
    return {
        "questions": questions.questions_of(event),
        "answers": questions.answers_by_registration(r.id for r in registrations),
    }


@bp.post("/account/events/<int:event_id>/walk-ins")
@login_required
def add_walk_in(event_id: int):
    """Someone at the door who had not registered: added and counted as attended."""
    event = permissions.managed_event(current_user, event_id)
    form = WalkInForm()
    if form.validate_on_submit():
        outcome = attempt_form(
            form,
            lambda: attendance.add_walk_in(
                current_user,
                event,
                form.name.data,
                form.email.data or "",
                form.exceed_capacity.data,
            ),
        )
        if outcome.ok:
            flash(
                _("%(name)s is added and counted as attended.", name=outcome.value.name), "success"
            )
            return redirect(url_for("hosting.attendees", event_id=event_id), 303)
    return _render_attendees(event, walk_in_form=form, status=form_status(form))


@bp.get("/account/events/<int:event_id>/attendees.csv")
@login_required
def attendees_csv(event_id: int):
    event = permissions.managed_event(current_user, event_id)
    if retention.attendees_erased(event):
        return _nothing_to_export(event)
    return csv_response(_attendee_table(event), f"{event.slug}-attendees.csv")


@bp.get("/account/events/<int:event_id>/attendees.xlsx")
@login_required
def attendees_xlsx(event_id: int):
    event = permissions.managed_event(current_user, event_id)
    if retention.attendees_erased(event):
        return _nothing_to_export(event)
    return xlsx_response([_attendee_table(event)], f"{event.slug}-attendees.xlsx")


def _nothing_to_export(event: Event):
    flash(_("The attendees' names and addresses have been erased: there is nothing to export."))
    return redirect(url_for("hosting.manage", event_id=event.id), 303)


def _attendee_table(event: Event) -> Table:
    """The attendee list in the reader's language, times on the venue's clock; the answers
    to the event's questions follow, one column per question."""
    venue = event.space.venue
    registrations = attendance.attendee_list(event)
    asked = questions.questions_of(event)
    answers = questions.answers_by_registration(r.id for r in registrations)
    return Table(
        title=_("Attendees"),
        headers=[
            _("Name"),
            _("Email"),
            _("State"),
            _("Registered at"),
            _("Attended at"),
            _("Wants news"),
            *(question.label for question in asked),
        ],
        rows=[
            (
                registration.name,
                registration.email,
                str(registration.state.label),
                utc_to_local(registration.created_at, venue),
                utc_to_local(registration.attended_at, venue),
                registration.wants_news,
                *(
                    questions.shown(question, answers.get(registration.id, {}).get(question.id))
                    for question in asked
                ),
            )
            for registration in registrations
        ],
        booleans=(_("yes"), _("no")),
    )


@dataclass
class CheckInResult:
    """What the door shows beside the person after a check-in: done, already, or refused."""

    kind: str
    message: str

    @property
    def flash_category(self) -> str:
        return {"done": "success", "already": "info"}.get(self.kind, "error")


@bp.post("/account/events/<int:event_id>/attendees/<int:registration_id>/check-in")
@login_required
def check_in(event_id: int, registration_id: int):
    event = permissions.managed_event(current_user, event_id)
    registration = attendance.registration_of(event, registration_id)
    result = _check_in(registration)
    if request.htmx:
        return render(
            "hosting/_check_in_answer.html",
            registration=registration,
            event=event,
            check_in_result=result,
            counts=queries.registration_counts(event),
        )
    flash(result.message, result.flash_category)
    return redirect(
        url_for("hosting.attendees", event_id=event_id, q=request.form.get("q") or None), 303
    )


def _check_in(registration) -> CheckInResult:
    outcome = attempt(lambda: attendance.check_in(current_user, registration))
    if not outcome.ok:
        return CheckInResult("refused", str(outcome.refusal.message))
    name = registration.name
    if not outcome.value:
        return CheckInResult("already", _("%(name)s was already checked in.", name=name))
    return CheckInResult("done", _("%(name)s is checked in.", name=name))


@bp.get("/account/check-in")
@login_required
def check_in_code():
    code = read_args(CheckInArgs())["code"]
    registration = attendance.registration_for_code(current_user, code) if code else None
    return render(
        "hosting/check_in.html",
        code=code,
        registration=registration,
        not_found=bool(code) and registration is None,
        counts=queries.registration_counts(registration.event) if registration else None,
    )


@bp.post("/account/check-in")
@login_required
def check_in_by_code():
    registration = attendance.registration_for_code(current_user, request.form.get("code", ""))
    if registration is None:
        abort(404)
    result = _check_in(registration)
    if request.htmx:
        return render(
            "hosting/check_in.html",
            code=registration.check_in_code,
            registration=registration,
            check_in_result=result,
            counts=queries.registration_counts(registration.event),
        )
    flash(result.message, result.flash_category)
    return redirect(url_for("hosting.check_in_code", code=registration.check_in_code), 303)


# --- Dashboard panels -----------------------------------------------------------------------------


def _account_panel() -> dict:
    partners = partners_of(current_user, verified_only=False)
    if not partners:
        return {"show": False}
    return {
        "show": True,
        "can_propose": any(org.is_verified for org in partners),
        "events": queries.events_for_member(current_user),
        "invitations": queries.cohost_invitations_for(current_user),
    }


def _staff_panel() -> dict:
    return {"proposals": queries.proposals_to_review()}


bp.record_once(
    lambda state: register_panel(state, "account", "hosting/_account_panel.html", _account_panel)
)
bp.record_once(
    lambda state: register_panel(state, "staff", "hosting/_staff_panel.html", _staff_panel)
)
