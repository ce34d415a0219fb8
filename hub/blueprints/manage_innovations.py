"""A startup's innovations, as its members keep them (the public pages are elsewhere)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from hub.blueprints.image_forms import attempt_form_with_image
from hub.blueprints.organisations import member_organisation
from hub.domain import uploads
from hub.domain.innovations import editing
from hub.domain.innovations.queries import innovation_of
from hub.forms import Form
from hub.images import ImageUpload
from hub.models import Organisation, OrganisationKind
from hub.rendering import render
from hub.text import parse_tags
from hub.unit_of_work import attempt, flash_outcome, form_status


def tags_text(value) -> str:
    """The field's text; a field left out of the form still holds the stored list."""
    return ", ".join(value) if isinstance(value, list) else value or ""


bp = Blueprint("manage_innovations", __name__, url_prefix="/manage/<slug>/innovations")


class InnovationForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=160)])
    summary = StringField(_l("Summary"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 10}
    )
    tags = StringField(_l("Tags"), validators=[Optional(), Length(max=500)])
    image = ImageUpload(_l("Image"), side=uploads.PICTURE_SIDE)
    image_alt = StringField(_l("What the picture shows"), validators=[Optional(), Length(max=300)])
    remove_image = BooleanField(_l("Remove the current image"))

    def values(self) -> dict:
        return {
            "title": self.title.data,
            "summary": self.summary.data or "",
            "description": self.description.data or "",
            "tags": parse_tags(tags_text(self.tags.data)),
            "image_alt": self.image_alt.data or "",
        }


def _startup(slug: str) -> Organisation:
    organisation = member_organisation(slug)
    if organisation.kind != OrganisationKind.STARTUP:
        abort(404)
    return organisation


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create(slug: str):
    organisation = _startup(slug)
    form = InnovationForm()
    if form.validate_on_submit():

        def create_with_image(image):
            innovation = editing.create_innovation(current_user, organisation, **form.values())
            if image:
                editing.set_image(current_user, innovation, image)
            return innovation, None

        outcome = attempt_form_with_image(form, form.image, create_with_image)
        if outcome.ok:
            flash(_("The innovation is saved as a draft. Publish it when it is ready."), "success")
            return redirect(url_for(".edit", slug=slug, innovation_id=outcome.value.id), 303)
    return render(
        "organisations/innovation_form.html",
        form=form,
        organisation=organisation,
        innovation=None,
        status=form_status(form),
    )


@bp.route("/<int:innovation_id>", methods=["GET", "POST"])
@login_required
def edit(slug: str, innovation_id: int):
    organisation = _startup(slug)
    innovation = innovation_of(organisation, innovation_id)
    form = InnovationForm(obj=innovation)
    if request.method == "GET":
        form.tags.data = ", ".join(innovation.tags or [])
    if form.validate_on_submit():

        def save_innovation(image):
            editing.update_innovation(current_user, innovation, **form.values())
            if image or (form.remove_image.data and innovation.image):
                return None, editing.set_image(current_user, innovation, image)
            return None, None

        outcome = attempt_form_with_image(form, form.image, save_innovation)
        if outcome.ok:
            flash(_("The innovation is saved."), "success")
            return redirect(url_for(".edit", slug=slug, innovation_id=innovation.id), 303)
    return render(
        "organisations/innovation_form.html",
        form=form,
        organisation=organisation,
        innovation=innovation,
        status=form_status(form),
    )


@bp.post("/<int:innovation_id>/status")
@login_required
def change_status(slug: str, innovation_id: int):
    organisation = _startup(slug)
    innovation = innovation_of(organisation, innovation_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    action = request.form.get("action", "")
    title = innovation.title
    messages = {
        "publish": _("“%(title)s” is published.", title=title),
        "archive": _("“%(title)s” is archived.", title=title),
        "unpublish": _("“%(title)s” is back to draft.", title=title),
    }
    outcome = attempt(lambda: editing.change_status(current_user, innovation, action))
    flash_outcome(outcome, messages.get(action))
    if request.form.get("back") == "manage":
        return redirect(url_for("organisations.manage", slug=slug, _anchor="innovations"), 303)
    return redirect(url_for(".edit", slug=slug, innovation_id=innovation_id), 303)
