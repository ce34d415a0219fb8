"""The member's own space: each area adds its panel (my startups, my events…)."""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

from hub.blueprints import dashboard_panels
from hub.rendering import render

bp = Blueprint("account", __name__)


@bp.get("/")
@login_required
def dashboard():
    return render("account/dashboard.html", panels=dashboard_panels("account"))
