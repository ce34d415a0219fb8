"""Startups and partners as their members keep them: profile, logo, members, invitations.

Also the staff's verification list. Someone else's organisation answers 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from marshmallow import fields
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Email, Length, Optional

from hub.blueprints import register_panel, staff_required
from hub.blueprints.image_forms import attempt_form_with_image
from hub.domain import uploads
from hub.domain.innovations.queries import innovations_of
from hub.domain.organisations import members, profiles, queries, verification
from hub.domain.pages import paginate
from hub.domain.showcase.queries import applications_of, open_slots
from hub.extensions import limiter
from hub.forms import Form
from hub.images import ImageUpload
from hub.models import Organisation, OrganisationKind, StartupStage
from hub.query_args import Choice, PageArgs, read_args
from hub.rendering import render
from hub.text import parse_tags
from hub.unit_of_work import attempt, flash_outcome, form_status

bp = Blueprint("organisations", __name__)
KINDS = {"startup": OrganisationKind.STARTUP, "partner": OrganisationKind.PARTNER}
PAGE_SIZE = 30


class OrganisationForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    tagline = StringField(_l("Tagline"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=10000)], render_kw={"rows": 8}
    )
    website = StringField(
        _l("Website"),
        validators=[
            Optional(),
            Length(max=300),
            URL(message=_l("Give the full address, starting with https://")),
        ],
    )
    city = StringField(_l("City"), validators=[Optional(), Length(max=80)])
    sectors = StringField(_l("Sectors"), validators=[Optional(), Length(max=500)])
    stage = SelectField(_l("Stage"), validators=[Optional()])
    logo = ImageUpload(_l("Logo"), side=uploads.LOGO_SIDE)
    remove_logo = BooleanField(_l("Remove the current logo"))

    def __init__(self, *args, kind: OrganisationKind, **kwargs):
        super().__init__(*args, **kwargs)
        self.stage.choices = [("", _("Not said"))] + [
            (stage.value, str(stage.label)) for stage in StartupStage
        ]
        if kind != OrganisationKind.STARTUP:
            del self.stage

    def fill(self, organisation: Organisation) -> None:
        self.sectors.data = ", ".join(organisation.sectors or [])
        if "stage" in self:
            self.stage.data = organisation.stage.value if organisation.stage else ""

    def profile(self) -> dict:
        values = {
            "name": self.name.data,
            "tagline": self.tagline.data or "",
            "description": self.description.data or "",
            "website": self.website.data or "",
            "city": self.city.data or "",
            "sectors": parse_tags(
                ", ".join(self.sectors.data)
                if isinstance(self.sectors.data, list)
                else self.sectors.data
            ),
        }
        if "stage" in self:
            values["stage"] = StartupStage(self.stage.data) if self.stage.data else None
        return values


class InviteForm(Form):
    email = EmailField(
        _l("Email of the person to invite"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )


class StaffListArgs(PageArgs):
    show = fields.String(load_default="unverified")
    kind = Choice(OrganisationKind)


def member_organisation(slug: str) -> Organisation:
    """The organisation if the current user belongs to it (NotFound answers 404)."""
    return members.organisation_for_member(current_user, slug)


@bp.route("/manage/new/<kind>", methods=["GET", "POST"])
@login_required
def create(kind: str):
    if kind not in KINDS:
        abort(404)
    form = OrganisationForm(kind=KINDS[kind])
    if form.validate_on_submit():

        def create_with_logo(logo):
            organisation = profiles.create_organisation(current_user, KINDS[kind], **form.profile())
            if logo:
                profiles.set_logo(current_user, organisation, logo)
            return organisation, None

        outcome = attempt_form_with_image(form, form.logo, create_with_logo)
        if outcome.ok:
            organisation = outcome.value
            flash(
                _(
                    "%(name)s is created. The venue team will verify it before it is listed "
                    "publicly.",
                    name=organisation.name,
                ),
                "success",
            )
            return redirect(url_for("organisations.manage", slug=organisation.slug), 303)
    return render("organisations/new.html", form=form, kind=kind, status=form_status(form))


@bp.get("/manage/<slug>")
@login_required
def manage(slug: str):
    organisation = member_organisation(slug)
    context = {
        "organisation": organisation,
        "membership": members.membership_of(current_user, organisation),
        "members": members.memberships_of(organisation),
        "invitations": members.pending_invitations(organisation),
        "invite_form": InviteForm(),
    }
    if organisation.kind == OrganisationKind.STARTUP:
        context["innovations"] = innovations_of(organisation)
        context["applications"] = applications_of([organisation.id])
        context["open_slots"] = open_slots()
    return render("organisations/manage.html", **context)


@bp.route("/manage/<slug>/profile", methods=["GET", "POST"])
@login_required
def edit_profile(slug: str):
    organisation = member_organisation(slug)
    form = OrganisationForm(kind=organisation.kind, obj=organisation)
    if request.method == "GET":
        form.fill(organisation)
    if form.validate_on_submit():

        def save_profile(logo):
            profiles.update_profile(current_user, organisation, **form.profile())
            if logo or (form.remove_logo.data and organisation.logo):
                return None, profiles.set_logo(current_user, organisation, logo)
            return None, None

        outcome = attempt_form_with_image(form, form.logo, save_profile)
        if outcome.ok:
            flash(_("The profile is saved."), "success")
            return redirect(url_for("organisations.manage", slug=organisation.slug), 303)
    return render(
        "organisations/profile_form.html",
        form=form,
        organisation=organisation,
        status=form_status(form),
    )


def _invitation_limit() -> str:
    return current_app.config["RATELIMIT_PUBLIC_FORM"]


def _members_section(slug: str) -> str:
    return url_for("organisations.manage", slug=slug, _anchor="members")


@bp.post("/manage/<slug>/members/invite")
@login_required
@limiter.limit(_invitation_limit)
def invite(slug: str):
    organisation = member_organisation(slug)
    form = InviteForm()
    if form.validate_on_submit():
        email = form.email.data
        outcome = attempt(lambda: members.invite_member(current_user, organisation, email))
        flash_outcome(outcome, _("An invitation is on its way to %(email)s.", email=email))
    else:
        flash(_("Give a valid email address to invite someone."), "error")
    return redirect(_members_section(slug), 303)


@bp.post("/manage/<slug>/members/<int:membership_id>/remove")
@login_required
def remove_member(slug: str, membership_id: int):
    organisation = member_organisation(slug)
    membership = members.membership_in(organisation, membership_id)
    leaving = membership.user_id == current_user.id
    name = membership.user.name
    outcome = attempt(lambda: members.remove_member(current_user, organisation, membership))
    if outcome.ok and leaving:
        flash(_("You have left %(name)s.", name=organisation.name), "success")
        return redirect(url_for("account.dashboard"), 303)
    flash_outcome(outcome, _("%(name)s is no longer a member.", name=name))
    return redirect(_members_section(slug), 303)


@bp.post("/manage/<slug>/members/<int:membership_id>/owner")
@login_required
def transfer_ownership(slug: str, membership_id: int):
    organisation = member_organisation(slug)
    membership = members.membership_in(organisation, membership_id)
    done = _(
        "%(name)s is now the owner of %(organisation)s.",
        name=membership.user.name,
        organisation=organisation.name,
    )
    outcome = attempt(lambda: members.transfer_ownership(current_user, organisation, membership))
    flash_outcome(outcome, done)
    return redirect(_members_section(slug), 303)


@bp.post("/manage/<slug>/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(slug: str, invitation_id: int):
    organisation = member_organisation(slug)
    invitation = members.invitation_in(organisation, invitation_id)
    done = _("The invitation to %(email)s is withdrawn.", email=invitation.email)
    flash_outcome(attempt(lambda: members.revoke_invitation(current_user, invitation)), done)
    return redirect(_members_section(slug), 303)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """The emailed link: shows the invitation; a logged-in invitee accepts it here."""
    found = attempt(lambda: members.invitation_from_token(token))
    if not found.ok:
        return render("organisations/invitation.html", error=found.refusal.message, status=410)
    pending = found.value
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.path), 303)
        if not FlaskForm().validate_on_submit():
            abort(400)
        outcome = attempt(lambda: members.accept_invitation(current_user, pending))
        if not outcome.ok:
            return render(
                "organisations/invitation.html",
                invitation=pending,
                token=token,
                error=outcome.refusal.message,
                status=outcome.refusal.status,
            )
        flash(_("Welcome to %(name)s!", name=pending.organisation.name), "success")
        return redirect(url_for("organisations.manage", slug=pending.organisation.slug), 303)
    return render("organisations/invitation.html", invitation=pending, token=token)


@bp.post("/account/invitations/<int:invitation_id>/accept")
@login_required
def accept_from_account(invitation_id: int):
    """Accept from "My space", where pending invitations to one's address are listed."""
    pending = members.invitation_addressed_to(current_user, invitation_id)
    outcome = attempt(lambda: members.accept_invitation(current_user, pending))
    if not outcome.ok:
        flash_outcome(outcome)
        return redirect(url_for("account.dashboard"), 303)
    flash(_("Welcome to %(name)s!", name=pending.organisation.name), "success")
    return redirect(url_for("organisations.manage", slug=pending.organisation.slug), 303)


# Staff: verification ---------------------------------------------------------------------


@bp.get("/staff/organisations")
@staff_required
def staff_list():
    args = read_args(StaffListArgs())
    query = queries.organisations_for_staff(args["show"] == "unverified", args["kind"])
    return render(
        "organisations/staff_list.html",
        page=paginate(query, args["page"], PAGE_SIZE),
        show=args["show"],
        kind=args["kind"].value if args["kind"] else "",
    )


@bp.post("/staff/organisations/<int:organisation_id>/verify")
@staff_required
def verify(organisation_id: int):
    organisation = queries.organisation_for_staff(organisation_id)
    done = _("%(name)s is verified and listed publicly.", name=organisation.name)
    outcome = attempt(lambda: verification.verify_organisation(current_user, organisation))
    flash_outcome(outcome, done)
    show = read_args(StaffListArgs())["show"]
    return redirect(url_for("organisations.staff_list", show=show), 303)


# Dashboard panels ------------------------------------------------------------------------


def _account_panel() -> dict:
    return {
        "memberships": queries.organisations_of(current_user),
        "invitations": members.invitations_for(current_user),
    }


def _staff_panel() -> dict:
    return {"unverified": queries.unverified_count()}


bp.record_once(
    lambda state: register_panel(
        state, "account", "organisations/_account_panel.html", _account_panel
    )
)
bp.record_once(
    lambda state: register_panel(state, "staff", "organisations/_staff_panel.html", _staff_panel)
)
