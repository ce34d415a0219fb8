"""The back office's curation of featured innovations: feature, unfeature, reorder."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hub.blueprints import register_panel, staff_required
from hub.domain.innovations import featuring
from hub.domain.innovations.queries import featured_innovations, innovation_for_staff
from hub.domain.innovations.search import feature_candidates
from hub.query_args import Args, Text, read_args
from hub.rendering import render
from hub.unit_of_work import attempt, flash_outcome

bp = Blueprint("featured", __name__)


class CandidateArgs(Args):
    q = Text(200)


def _panel() -> dict:
    return {"featured": featured_innovations()}


bp.record_once(lambda state: register_panel(state, "staff", "staff/_featured_panel.html", _panel))


def _page(search: str):
    return render(
        "staff/featured.html",
        featured=featured_innovations(),
        candidates=feature_candidates(search) if search else [],
        search=search,
    )


@bp.get("/")
@staff_required
def index():
    return _page(read_args(CandidateArgs())["q"])


def _apply(action, innovation_id: int, done, *args):
    innovation = innovation_for_staff(innovation_id)
    done_message = done(innovation.title)
    flash_outcome(attempt(lambda: action(current_user, innovation, *args)), done_message)
    search = read_args(CandidateArgs(), values=request.form)["q"]
    if request.htmx:
        return _page(search)
    return redirect(url_for("featured.index", q=search or None), 303)


@bp.post("/<int:innovation_id>/feature")
@staff_required
def feature(innovation_id: int):
    return _apply(
        featuring.feature_innovation,
        innovation_id,
        lambda title: _("“%(title)s” is now featured on the home page.", title=title),
    )


@bp.post("/<int:innovation_id>/unfeature")
@staff_required
def unfeature(innovation_id: int):
    return _apply(
        featuring.unfeature_innovation,
        innovation_id,
        lambda title: _("“%(title)s” is no longer featured.", title=title),
    )


@bp.post("/<int:innovation_id>/move")
@staff_required
def move(innovation_id: int):
    offset = -1 if request.form.get("direction") == "up" else 1
    return _apply(
        featuring.move_featured,
        innovation_id,
        lambda _title: _("The order of featured innovations is saved."),
        offset,
    )
