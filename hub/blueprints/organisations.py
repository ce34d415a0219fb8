"""Startups and partners as their members keep them: profile, logo, members, invitations.

Also the staff's verification list. Someone else's organisation answers 404.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Email, Length, Optional

from hub.blueprints import dashboard_panels, register_panel, show_domain_error, staff_required
from hub.domain import organisations, showcase, uploads
from hub.domain.errors import DomainError, NotFound
from hub.domain.innovation_editing import innovations_of
from hub.extensions import db, limiter
from hub.models import (
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    ShowcaseSlot,
    SlotStatus,
    StartupStage,
    utcnow,
)
from hub.rendering import render
from hub.text import parse_tags

bp = Blueprint("organisations", __name__)
KINDS = {"startup": OrganisationKind.STARTUP, "partner": OrganisationKind.PARTNER}
PAGE_SIZE = 30


class OrganisationForm(FlaskForm):
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
    logo = FileField(_l("Logo"))
    remove_logo = BooleanField(_l("Remove the current logo"))

    def __init__(self, *args, kind: OrganisationKind, **kwargs):
        super().__init__(*args, **kwargs)
        self.stage.choices = [("", _("Not said"))] + [
            (stage.value, str(stage.label)) for stage in StartupStage
        ]
        if kind != OrganisationKind.STARTUP:
            del self.stage

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


class InviteForm(FlaskForm):
    email = EmailField(
        _l("Email of the person to invite"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )


def member_organisation(slug: str) -> Organisation:
    """The organisation if the current user belongs to it; 404 otherwise."""
    try:
        return organisations.organisation_for_member(current_user, slug)
    except NotFound:
        abort(404)


def _store_upload(form_field, max_side: int) -> str | None:
    storage = form_field.data
    if not storage or not getattr(storage, "filename", ""):
        return None
    return uploads.store_image(storage.stream, max_side, field=form_field.name)


def _apply_logo(form: OrganisationForm, organisation: Organisation) -> str | None:
    """Store a new logo or remove the old one; returns the file to delete after commit."""
    new_logo = _store_upload(form.logo, uploads.LOGO_SIDE)
    if new_logo:
        return organisations.set_logo(current_user, organisation, new_logo)
    if form.remove_logo.data and organisation.logo:
        return organisations.set_logo(current_user, organisation, None)
    return None


@bp.route("/manage/new/<kind>", methods=["GET", "POST"])
@login_required
def create(kind: str):
    if kind not in KINDS:
        abort(404)
    form = OrganisationForm(kind=KINDS[kind])
    if form.validate_on_submit():
        logo = None
        try:
            logo = _store_upload(form.logo, uploads.LOGO_SIDE)
            organisation = organisations.create_organisation(
                current_user, KINDS[kind], **form.profile()
            )
            if logo:
                organisations.set_logo(current_user, organisation, logo)
        except DomainError as error:
            db.session.rollback()
            uploads.discard(logo)
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "%(name)s is created. The venue team will verify it before it is listed "
                    "publicly.",
                    name=organisation.name,
                ),
                "success",
            )
            return redirect(url_for("organisations.manage", slug=organisation.slug), 303)
    return render(
        "organisations/new.html",
        form=form,
        kind=kind,
        status=422 if form.is_submitted() and (form.errors or form.form_errors) else 200,
    )


@bp.get("/manage/<slug>")
@login_required
def manage(slug: str):
    organisation = member_organisation(slug)
    context = {
        "organisation": organisation,
        "membership": organisations.membership_of(current_user, organisation),
        "members": organisations.members_of(organisation),
        "invitations": organisations.pending_invitations(organisation),
        "invite_form": InviteForm(),
        # Other areas (events for partners…) add sections with register_panel(…, "organisation").
        "panels": dashboard_panels("organisation"),
    }
    if organisation.kind == OrganisationKind.STARTUP:
        context["innovations"] = innovations_of(organisation)
        context["applications"] = showcase.applications_of([organisation.id])
        context["open_slots"] = db.session.scalars(
            showcase.upcoming_slots().where(
                ShowcaseSlot.status == SlotStatus.OPEN,
                ShowcaseSlot.application_deadline > utcnow(),
            )
        ).all()
    return render("organisations/manage.html", **context)


@bp.route("/manage/<slug>/profile", methods=["GET", "POST"])
@login_required
def edit_profile(slug: str):
    organisation = member_organisation(slug)
    form = OrganisationForm(kind=organisation.kind, obj=organisation)
    if request.method == "GET":
        form.sectors.data = ", ".join(organisation.sectors or [])
        if "stage" in form:
            form.stage.data = organisation.stage.value if organisation.stage else ""
    if form.validate_on_submit():
        old_logo = new_logo = None
        try:
            organisations.update_profile(current_user, organisation, **form.profile())
            old_logo = _apply_logo(form, organisation)
            new_logo = organisation.logo
        except DomainError as error:
            db.session.rollback()
            uploads.discard(new_logo if new_logo != old_logo else None)
            show_domain_error(form, error)
        else:
            db.session.commit()
            if old_logo and old_logo != organisation.logo:
                uploads.discard(old_logo)
            flash(_("The profile is saved."), "success")
            return redirect(url_for("organisations.manage", slug=organisation.slug), 303)
    status = 422 if form.is_submitted() and (form.errors or form.form_errors) else 200
    return render(
        "organisations/profile_form.html", form=form, organisation=organisation, status=status
    )


def _invitation_limit() -> str:
    return current_app.config["RATELIMIT_PUBLIC_FORM"]


@bp.post("/manage/<slug>/members/invite")
@login_required
@limiter.limit(_invitation_limit)
def invite(slug: str):
    organisation = member_organisation(slug)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            organisations.invite_member(current_user, organisation, form.email.data)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("An invitation is on its way to %(email)s.", email=form.email.data), "success")
    else:
        flash(_("Give a valid email address to invite someone."), "error")
    return redirect(url_for("organisations.manage", slug=slug, _anchor="members"), 303)


def _membership(organisation: Organisation, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != organisation.id:
        abort(404)
    return membership


@bp.post("/manage/<slug>/members/<int:membership_id>/remove")
@login_required
def remove_member(slug: str, membership_id: int):
    organisation = member_organisation(slug)
    membership = _membership(organisation, membership_id)
    leaving = membership.user_id == current_user.id
    name = membership.user.name
    try:
        organisations.remove_member(current_user, organisation, membership)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        if leaving:
            flash(_("You have left %(name)s.", name=organisation.name), "success")
            return redirect(url_for("account.dashboard"), 303)
        flash(_("%(name)s is no longer a member.", name=name), "success")
    return redirect(url_for("organisations.manage", slug=slug, _anchor="members"), 303)


@bp.post("/manage/<slug>/members/<int:membership_id>/owner")
@login_required
def transfer_ownership(slug: str, membership_id: int):
    organisation = member_organisation(slug)
    membership = _membership(organisation, membership_id)
    try:
        organisations.transfer_ownership(current_user, organisation, membership)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(
            _("%(name)s is now the owner of %(organisation)s.",
              name=membership.user.name, organisation=organisation.name),
            "success",
        )  # fmt: skip
    return redirect(url_for("organisations.manage", slug=slug, _anchor="members"), 303)


@bp.post("/manage/<slug>/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(slug: str, invitation_id: int):
    organisation = member_organisation(slug)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != organisation.id:
        abort(404)
    try:
        organisations.revoke_invitation(current_user, invitation)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("The invitation to %(email)s is withdrawn.", email=invitation.email), "success")
    return redirect(url_for("organisations.manage", slug=slug, _anchor="members"), 303)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """The emailed link: shows the invitation; a logged-in invitee accepts it here."""
    try:
        pending = organisations.invitation_from_token(token)
    except DomainError as error:
        return render("organisations/invitation.html", error=error.message, status=410)
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.path), 303)
        form = FlaskForm()
        if not form.validate_on_submit():
            abort(400)
        try:
            organisations.accept_invitation(current_user, pending)
        except DomainError as error:
            db.session.rollback()
            return render(
                "organisations/invitation.html",
                invitation=pending,
                token=token,
                error=error.message,
                status=error.status,
            )
        db.session.commit()
        flash(_("Welcome to %(name)s!", name=pending.organisation.name), "success")
        return redirect(url_for("organisations.manage", slug=pending.organisation.slug), 303)
    return render("organisations/invitation.html", invitation=pending, token=token)


@bp.post("/account/invitations/<int:invitation_id>/accept")
@login_required
def accept_from_account(invitation_id: int):
    """Accept from "My space", where pending invitations to one's address are listed."""
    pending = db.session.get(Invitation, invitation_id)
    if pending is None or pending.email != current_user.email.lower():
        abort(404)
    try:
        organisations.accept_invitation(current_user, pending)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("account.dashboard"), 303)
    db.session.commit()
    flash(_("Welcome to %(name)s!", name=pending.organisation.name), "success")
    return redirect(url_for("organisations.manage", slug=pending.organisation.slug), 303)


# Staff: verification ---------------------------------------------------------------------


@bp.get("/staff/organisations")
@staff_required
def staff_list():
    show = request.args.get("show", "unverified")
    kind = KINDS.get(request.args.get("kind", ""))
    query = sa.select(Organisation).order_by(Organisation.created_at.desc(), Organisation.id)
    if show == "unverified":
        query = organisations.unverified_organisations()
    if kind:
        query = query.where(Organisation.kind == kind)
    page = db.paginate(query, per_page=PAGE_SIZE)
    return render(
        "organisations/staff_list.html",
        page=page,
        show=show,
        kind=request.args.get("kind", ""),
    )


@bp.post("/staff/organisations/<int:organisation_id>/verify")
@staff_required
def verify(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    try:
        organisations.verify_organisation(current_user, organisation)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("%(name)s is verified and listed publicly.", name=organisation.name), "success")
    return redirect(url_for("organisations.staff_list", show=request.args.get("show")), 303)


# Dashboard panels ------------------------------------------------------------------------


def _account_panel() -> dict:
    return {
        "memberships": organisations.organisations_of(current_user),
        "invitations": organisations.invitations_for(current_user),
    }


def _staff_panel() -> dict:
    count = db.session.scalar(
        sa.select(sa.func.count()).select_from(organisations.unverified_organisations().subquery())
    )
    return {"unverified": count}


bp.record_once(
    lambda state: register_panel(
        state, "account", "organisations/_account_panel.html", _account_panel
    )
)
bp.record_once(
    lambda state: register_panel(state, "staff", "organisations/_staff_panel.html", _staff_panel)
)
