"""The venue team's back office: dashboard, audit trail, accounts."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

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
    query = queries.audit_trail(args["target_type"], args["action"])
    return render(
        "staff/audit.html",
        page=paginate(query, args["page"], PAGE_SIZE),
        target_type=args["target_type"],
        action=args["action"],
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
