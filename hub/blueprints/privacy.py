"""A person's data, from any registration's private link: see it, download it, correct the
name, and erase it all after confirming by email."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from hub.blueprints import keep_private, staff_required
from hub.domain.events import queries
from hub.domain.privacy import requests
from hub.domain.privacy.retention import retention_periods
from hub.extensions import limiter
from hub.query_args import Args, Text, read_args
from hub.rendering import render
from hub.unit_of_work import attempt, attempt_form, flash_outcome, form_status

bp = Blueprint("privacy", __name__)


class NameForm(FlaskForm):
    name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Tell us your name.")), Length(max=requests.NAME_MAX)],
    )


class AddressArgs(Args):
    email = Text(254)


def _limit() -> str:
    return current_app.config["RATELIMIT_PUBLIC_FORM"]


def _render_my_data(registration, form=None, status=200):
    data = requests.held_under(registration.email)
    form = form or NameForm(name=registration.name)
    response = render(
        "privacy/my_data.html", status=status, registration=registration, data=data, form=form
    )
    return keep_private(response)


@bp.get("/r/<token>/data")
def my_data(token: str):
    return _render_my_data(queries.registration_by_token(token))


@bp.get("/r/<token>/data.json")
def my_data_json(token: str):
    return _json_download(requests.held_under(queries.registration_by_token(token).email))


def _json_download(data: requests.PersonalData, filename: str = "my-data.json"):
    response = make_response(json.dumps(data.as_plain(), ensure_ascii=False, indent=2))
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return keep_private(response)


@bp.get("/r/<token>/data.html")
def my_data_page(token: str):
    data = requests.held_under(queries.registration_by_token(token).email)
    response = make_response(render_template("privacy/my_data_download.html", data=data))
    response.headers["Content-Disposition"] = 'attachment; filename="my-data.html"'
    return keep_private(response)


@bp.post("/r/<token>/data/name")
@limiter.limit(_limit)
def correct_name(token: str):
    registration = queries.registration_by_token(token)
    form = NameForm()
    if form.validate_on_submit():
        outcome = attempt_form(
            form, lambda: requests.correct_name(registration.email, form.name.data)
        )
        if outcome.ok:
            flash(_("Your name is corrected."), "success")
            return redirect(url_for("privacy.my_data", token=token), 303)
    return _render_my_data(registration, form, status=form_status(form))


@bp.post("/r/<token>/data/erase")
@limiter.limit(_limit)
def ask_erasure(token: str):
    registration = queries.registration_by_token(token)
    flash_outcome(
        attempt(lambda: requests.request_erasure(registration)),
        _(
            "We have sent a link to %(email)s. Open it to confirm: nothing is erased until then.",
            email=registration.email,
        ),
    )
    return redirect(url_for("privacy.my_data", token=token), 303)


@bp.get("/privacy/erase/<token>")
def confirm_erasure(token: str):
    outcome = attempt(lambda: requests.address_to_erase(token))
    email = outcome.value if outcome.ok else None
    data = requests.held_under(email) if email else None
    response = render(
        "privacy/erase.html",
        token=token,
        data=data,
        refusal=outcome.refusal and outcome.refusal.message,
        erased=None,
    )
    return keep_private(response)


@bp.post("/privacy/erase/<token>")
@limiter.limit(_limit)
def erase(token: str):
    outcome = attempt(lambda: requests.erase_person(requests.address_to_erase(token)))
    response = render(
        "privacy/erase.html",
        status=200 if outcome.ok else 422,
        token=token,
        data=None,
        refusal=outcome.refusal and outcome.refusal.message,
        erased=outcome.value if outcome.ok else None,
    )
    return keep_private(response)


@bp.get("/privacy")
def notice():
    return render("privacy/notice.html", periods=retention_periods())


# --- Staff answer a request received by post or phone ----------------------------------------


@bp.get("/staff/privacy")
@staff_required
def staff_requests():
    email = read_args(AddressArgs())["email"]
    data = requests.held_under(email) if email else None
    return keep_private(render("privacy/staff.html", email=email, data=data))


@bp.get("/staff/privacy/data.json")
@staff_required
def staff_export():
    email = read_args(AddressArgs())["email"]
    if not email:
        return redirect(url_for("privacy.staff_requests"), 303)
    return _json_download(requests.held_under(email), "personal-data.json")


@bp.post("/staff/privacy/erase")
@staff_required
def staff_erase():
    email = request.form.get("email", "")[:254]
    outcome = attempt(lambda: requests.erase_person(email, actor=current_user))
    if outcome.ok:
        flash(
            ngettext(
                "%(num)d registration erased. The audit trail says who erased it, not what.",
                "%(num)d registrations erased. The audit trail says who erased them, not what.",
                outcome.value,
            ),
            "success",
        )
    else:
        flash_outcome(outcome)
    return redirect(url_for("privacy.staff_requests", email=email), 303)
