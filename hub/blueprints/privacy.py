"""A person's data, from any registration's private link: see it, download it, correct the
name, and erase it all after confirming by email."""

from __future__ import annotations

import json
from datetime import date

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
from flask_login import current_user, login_required, logout_user
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from hub import dates
from hub.blueprints import keep_private, register_panel, staff_required
from hub.config import retention
from hub.domain.events import queries
from hub.domain.privacy import accounts, requests
from hub.domain.privacy.retention import retention_periods
from hub.extensions import limiter
from hub.forms import Form
from hub.query_args import Args, Text, read_args
from hub.rendering import render
from hub.unit_of_work import attempt, attempt_form, flash_outcome, form_status

bp = Blueprint("privacy", __name__)


class NameForm(Form):
    name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Tell us your name.")), Length(max=requests.NAME_MAX)],
    )


class CloseAccountForm(Form):
    password = PasswordField(
        _l("Your password, to confirm"), validators=[DataRequired(_l("Type your password."))]
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


@bp.post("/r/<token>/data/news")
@limiter.limit(_limit)
def stop_news(token: str):
    registration = queries.registration_by_token(token)
    requests.stop_news(registration.email)
    flash(_("Done: you will not hear about future trainings."), "success")
    return redirect(url_for("privacy.my_data", token=token), 303)


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
    return render(
        "privacy/notice.html",
        periods=retention_periods(),
        controller=current_app.config["DATA_CONTROLLER"],
        dpo=current_app.config["DPO_CONTACT"],
    )


@bp.get("/accessibility")
def accessibility():
    return render(
        "privacy/accessibility.html",
        contact=current_app.config["ACCESSIBILITY_CONTACT"],
        drawn_up=dates.date_text(
            date.fromisoformat(current_app.config["ACCESSIBILITY_STATEMENT_DATE"]), "long"
        ),
    )


@bp.app_template_global("retention_of")
def retention_of(kind: str):
    """Templates state a period from the registry: `retention_of("registrations")|duration`."""
    return retention(current_app.config, kind)


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


# --- Account holders -------------------------------------------------------------------------


def _account():
    # The row itself, not Flask-Login's proxy: the domain keeps and compares it.
    return current_user._get_current_object()


def _render_account_data(name_form=None, close_form=None, status=200):
    data = requests.held_under(current_user.email, _account())
    response = render(
        "privacy/account.html",
        status=status,
        data=data,
        form=name_form or NameForm(name=current_user.name),
        close_form=close_form or CloseAccountForm(),
        refusals=accounts.closing_refusals(current_user),
    )
    return keep_private(response)


@bp.get("/account/data")
@login_required
def account_data():
    return _render_account_data()


@bp.get("/account/data.json")
@login_required
def account_data_json():
    return _json_download(requests.held_under(current_user.email, _account()))


@bp.post("/account/data/name")
@login_required
def account_name():
    form = NameForm()
    if form.validate_on_submit():
        outcome = attempt_form(
            form,
            lambda: requests.correct_name(current_user.email, form.name.data, actor=current_user),
        )
        if outcome.ok:
            flash(_("Your name is corrected."), "success")
            return redirect(url_for("privacy.account_data"), 303)
    return _render_account_data(name_form=form, status=form_status(form))


@bp.post("/account/data/erase")
@login_required
def account_erase():
    outcome = attempt(
        lambda: requests.erase_person(current_user.email, actor=_account(), account=_account())
    )
    if outcome.ok:
        flash(
            ngettext(
                "%(num)d registration erased.", "%(num)d registrations erased.", outcome.value
            ),
            "success",
        )
    return redirect(url_for("privacy.account_data"), 303)


@bp.post("/account/close")
@login_required
def close_account():
    form = CloseAccountForm()
    if form.validate_on_submit():
        outcome = attempt_form(
            form, lambda: accounts.close_account(current_user, form.password.data)
        )
        if outcome.ok:
            logout_user()
            flash(_("Your account is closed and your personal data erased. Goodbye!"), "success")
            return redirect(url_for("main.home"), 303)
    return _render_account_data(close_form=form, status=form_status(form))


bp.record_once(lambda state: register_panel(state, "account", "privacy/_account_panel.html", dict))
