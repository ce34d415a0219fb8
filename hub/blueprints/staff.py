"""The venue team's back office: dashboard, audit trail, accounts."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields, validate

from hub import audit_sentences
from hub.blueprints import dashboard_panels, staff_required
from hub.domain.accounts import queries
from hub.domain.accounts.staff import set_user_active
from hub.domain.pages import paginate
from hub.extensions import db
from hub.models import User
from hub.query_args import PageArgs, Text, read_args
from hub.rendering import render
from hub.unit_of_work import attempt, flash_outcome

bp = Blueprint("staff", __name__)
PAGE_SIZE = 50


class AuditArgs(PageArgs):
    actor = Text(100)
    kind = fields.String(load_default="", validate=validate.OneOf(list(audit_sentences.KINDS)))
    first = fields.Date(load_default=None)
    last = fields.Date(load_default=None)
    target_type = Text(40)
    action = Text(64)


class UserArgs(PageArgs):
    q = Text(100)


@bp.get("/")
@staff_required
def dashboard():
    return render("staff/dashboard.html", panels=dashboard_panels("staff"))


@bp.get("/audit")
@staff_required
def audit_log():
    args = read_args(AuditArgs())
    filters = {name: args[name] for name in ("actor", "kind", "first", "last")}
    filters |= {name: args[name] for name in ("target_type", "action") if args[name]}
    page = paginate(queries.audit_trail(**filters), args["page"], PAGE_SIZE)
    targets = queries.audit_targets(page.items)
    return render(
        "staff/audit.html",
        page=page,
        entries=[(entry, audit_sentences.sentence(entry, targets)) for entry in page.items],
        kinds=audit_sentences.KINDS,
        filters=filters,
        page_args={
            name: value.isoformat() if hasattr(value, "isoformat") else value
            for name, value in filters.items()
            if value
        },
    )


@bp.get("/users")
@staff_required
def users():
    args = read_args(UserArgs())
    page = paginate(queries.users_for_staff(args["q"]), args["page"], PAGE_SIZE)
    return render("staff/users.html", page=page, search=args["q"])


@bp.post("/users/<int:user_id>/active")
@staff_required
def set_active(user_id: int):
    user = db.get_or_404(User, user_id)
    active = request.form.get("active") == "1"
    email = user.email
    if active:
        done = _("%(email)s can log in again.", email=email)
    else:
        done = _("%(email)s is deactivated and logged out everywhere.", email=email)
    flash_outcome(attempt(lambda: set_user_active(current_user, user, active)), done)
    return redirect(url_for("staff.users", q=read_args(UserArgs())["q"] or None), 303)
