"""A startup's innovations, as its members keep them (the public pages are elsewhere)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from hub.blueprints import show_domain_error
from hub.blueprints.organisations import member_organisation
from hub.domain import innovation_editing, uploads
from hub.domain.errors import DomainError, NotFound
from hub.extensions import db
from hub.models import Organisation, OrganisationKind
from hub.rendering import render
from hub.text import parse_tags


def tags_text(value) -> str:
    """The field's text; a field left out of the form still holds the stored list."""
    return ", ".join(value) if isinstance(value, list) else value or ""


bp = Blueprint("manage_innovations", __name__, url_prefix="/manage/<slug>/innovations")


class InnovationForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=160)])
    summary = StringField(_l("Summary"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 10}
    )
    tags = StringField(_l("Tags"), validators=[Optional(), Length(max=500)])
    image = FileField(_l("Image"))
    remove_image = BooleanField(_l("Remove the current image"))

    def values(self) -> dict:
        return {
            "title": self.title.data,
            "summary": self.summary.data or "",
            "description": self.description.data or "",
            "tags": parse_tags(tags_text(self.tags.data)),
        }


def _startup(slug: str) -> Organisation:
    organisation = member_organisation(slug)
    if organisation.kind != OrganisationKind.STARTUP:
        abort(404)
    return organisation


def _new_image(form: InnovationForm) -> str | None:
    storage = form.image.data
    if not storage or not getattr(storage, "filename", ""):
        return None
    return uploads.store_image(storage.stream, uploads.PICTURE_SIDE, field="image")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create(slug: str):
    organisation = _startup(slug)
    form = InnovationForm()
    if form.validate_on_submit():
        image = None
        try:
            image = _new_image(form)
            innovation = innovation_editing.create_innovation(
                current_user, organisation, **form.values()
            )
            if image:
                innovation_editing.set_image(current_user, innovation, image)
        except DomainError as error:
            db.session.rollback()
            uploads.discard(image)
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The innovation is saved as a draft. Publish it when it is ready."), "success")
            return redirect(url_for(".edit", slug=slug, innovation_id=innovation.id), 303)
    status = 422 if form.is_submitted() and (form.errors or form.form_errors) else 200
    return render(
        "organisations/innovation_form.html",
        form=form,
        organisation=organisation,
        innovation=None,
        status=status,
    )


@bp.route("/<int:innovation_id>", methods=["GET", "POST"])
@login_required
def edit(slug: str, innovation_id: int):
    organisation = _startup(slug)
    try:
        innovation = innovation_editing.innovation_of(organisation, innovation_id)
    except NotFound:
        abort(404)
    form = InnovationForm(obj=innovation)
    if request.method == "GET":
        form.tags.data = ", ".join(innovation.tags or [])
    if form.validate_on_submit():
        old_image = image = None
        try:
            innovation_editing.update_innovation(current_user, innovation, **form.values())
            image = _new_image(form)
            if image:
                old_image = innovation_editing.set_image(current_user, innovation, image)
            elif form.remove_image.data and innovation.image:
                old_image = innovation_editing.set_image(current_user, innovation, None)
        except DomainError as error:
            db.session.rollback()
            uploads.discard(image)
            show_domain_error(form, error)
        else:
            db.session.commit()
            uploads.discard(old_image)
            flash(_("The innovation is saved."), "success")
            return redirect(url_for(".edit", slug=slug, innovation_id=innovation.id), 303)
    status = 422 if form.is_submitted() and (form.errors or form.form_errors) else 200
    return render(
        "organisations/innovation_form.html",
        form=form,
        organisation=organisation,
        innovation=innovation,
        status=status,
    )


@bp.post("/<int:innovation_id>/status")
@login_required
def change_status(slug: str, innovation_id: int):
    organisation = _startup(slug)
    try:
        innovation = innovation_editing.innovation_of(organisation, innovation_id)
    except NotFound:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    action = request.form.get("action", "")
    try:
        innovation_editing.change_status(current_user, innovation, action)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        messages = {
            "publish": _("“%(title)s” is published.", title=innovation.title),
            "archive": _("“%(title)s” is archived.", title=innovation.title),
            "unpublish": _("“%(title)s” is back to draft.", title=innovation.title),
        }
        flash(messages[action], "success")
    return redirect(
        (
            request.form.get("back") == "manage"
            and url_for("organisations.manage", slug=slug, _anchor="innovations")
        )
        or url_for(".edit", slug=slug, innovation_id=innovation.id),
        303,
    )
