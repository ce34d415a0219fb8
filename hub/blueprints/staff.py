"""The venue team's back office: dashboard, audit trail, accounts."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hub.blueprints import dashboard_panels, staff_required
from hub.domain import accounts
from hub.domain.errors import DomainError
from hub.extensions import db
from hub.models import AuditEntry, User
from hub.rendering import render

bp = Blueprint("staff", __name__)
PAGE_SIZE = 50


@bp.get("/")
@staff_required
def dashboard():
    return render("staff/dashboard.html", panels=dashboard_panels("staff"))


@bp.get("/audit")
@staff_required
def audit_log():
    query = sa.select(AuditEntry).order_by(AuditEntry.id.desc())
    target_type = request.args.get("target_type", "").strip()
    action = request.args.get("action", "").strip()
    if target_type:
        query = query.where(AuditEntry.target_type == target_type)
    if action:
        query = query.where(AuditEntry.action.startswith(action))
    page = db.paginate(query.options(sa.orm.joinedload(AuditEntry.actor)), per_page=PAGE_SIZE)
    return render("staff/audit.html", page=page, target_type=target_type, action=action)


@bp.get("/users")
@staff_required
def users():
    search = request.args.get("q", "").strip().lower()
    query = sa.select(User).order_by(User.created_at.desc())
    if search:
        pattern = f"%{search}%"
        query = query.where(sa.or_(User.email.ilike(pattern), User.name.ilike(pattern)))
    page = db.paginate(query, per_page=PAGE_SIZE)
    return render("staff/users.html", page=page, search=search)


@bp.post("/users/<int:user_id>/active")
@staff_required
def set_active(user_id: int):
    user = db.get_or_404(User, user_id)
    active = request.form.get("active") == "1"
    try:
        accounts.set_user_active(current_user, user, active)
    except DomainError as error:
        flash(str(error.message), "error")
    else:
        db.session.commit()
        if active:
            flash(_("%(email)s can log in again.", email=user.email), "success")
        else:
            flash(
                _("%(email)s is deactivated and logged out everywhere.", email=user.email),
                "success",
            )
    return redirect(url_for("staff.users", q=request.args.get("q") or None), 303)
