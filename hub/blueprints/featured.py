"""The back office's curation of featured innovations: feature, unfeature, reorder."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hub.blueprints import register_panel, staff_required
from hub.domain import innovations as domain
from hub.domain.errors import DomainError
from hub.domain.search import InnovationFilters, find_innovations
from hub.extensions import db
from hub.models import Innovation
from hub.rendering import render

bp = Blueprint("featured", __name__)
CANDIDATES = 20


def _panel() -> dict:
    return {"featured": domain.featured_innovations()}


bp.record_once(lambda state: register_panel(state, "staff", "staff/_featured_panel.html", _panel))


def _page(search: str):
    candidates = []
    if search:
        query = find_innovations(InnovationFilters(q=search, sort="az")).where(
            Innovation.featured_rank.is_(None)
        )
        candidates = list(db.session.scalars(query.limit(CANDIDATES)))
    return render(
        "staff/featured.html",
        featured=domain.featured_innovations(),
        candidates=candidates,
        search=search,
    )


@bp.get("/")
@staff_required
def index():
    return _page(request.args.get("q", "").strip())


def _innovation_or_404(innovation_id: int) -> Innovation:
    innovation = db.session.scalar(
        sa.select(Innovation)
        .where(Innovation.id == innovation_id)
        .options(sa.orm.joinedload(Innovation.organisation))
    )
    if innovation is None:
        abort(404)
    return innovation


def _apply(action, innovation: Innovation, done_message: str, *args):
    try:
        action(current_user, innovation, *args)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(done_message, "success")
    if request.htmx:
        return _page(request.form.get("q", "").strip())
    return redirect(url_for("featured.index", q=request.form.get("q") or None), 303)


@bp.post("/<int:innovation_id>/feature")
@staff_required
def feature(innovation_id: int):
    innovation = _innovation_or_404(innovation_id)
    message = _("“%(title)s” is now featured on the home page.", title=innovation.title)
    return _apply(domain.feature_innovation, innovation, message)


@bp.post("/<int:innovation_id>/unfeature")
@staff_required
def unfeature(innovation_id: int):
    innovation = _innovation_or_404(innovation_id)
    message = _("“%(title)s” is no longer featured.", title=innovation.title)
    return _apply(domain.unfeature_innovation, innovation, message)


@bp.post("/<int:innovation_id>/move")
@staff_required
def move(innovation_id: int):
    innovation = _innovation_or_404(innovation_id)
    offset = -1 if request.form.get("direction") == "up" else 1
    message = _("The order of featured innovations is saved.")
    return _apply(domain.move_featured, innovation, message, offset)
