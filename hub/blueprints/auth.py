"""Register, confirm, log in, log out, reset a password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from hub.blueprints import safe_next_url
from hub.domain.accounts import passwords, sessions, signup
from hub.domain.accounts.passwords import PASSWORD_MAX, PASSWORD_MIN
from hub.domain.accounts.sessions import UnconfirmedEmail
from hub.extensions import limiter
from hub.forms import Form
from hub.rendering import render
from hub.unit_of_work import (
    attempt,
    attempt_form,
    flash_outcome,
    form_status,
    keep_writes_despite_refusal,
)

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _public_form_limit() -> str:
    return current_app.config["RATELIMIT_PUBLIC_FORM"]


PASSWORD_LENGTH = Length(
    min=PASSWORD_MIN,
    max=PASSWORD_MAX,
    message=_l("Choose a password of %(min)d to %(max)d characters."),
)


class RegisterForm(Form):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), PASSWORD_LENGTH])


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    remember = BooleanField(_l("Keep me logged in on this device"))


class ResetRequestForm(Form):
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )


class NewPasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(), PASSWORD_LENGTH])
    confirm = PasswordField(
        _l("New password, again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


def _start_session(user, remember: bool) -> None:
    # A fresh session at login: nothing from the anonymous session carries over.
    session.clear()
    login_user(user, remember=remember)
    session.permanent = False


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_public_form_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        outcome = attempt_form(
            form,
            lambda: signup.register_account(
                form.name.data, form.email.data, form.password.data, str(get_locale())
            ),
        )
        if outcome.ok:
            return redirect(url_for("auth.check_inbox"), 303)
    return render("auth/register.html", form=form, status=form_status(form))


@bp.get("/check-inbox")
def check_inbox():
    return render("auth/check_inbox.html")


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_signup(token: str):
    """The emailed link shows a button: confirming writes, so it is a POST (a mail scanner
    that opens the link confirms nothing and logs nobody in)."""
    if request.method == "GET":
        return render("auth/confirm.html")
    outcome = attempt(lambda: signup.confirm_signup(token))
    if not outcome.ok:
        flash_outcome(outcome)
        return redirect(url_for("auth.login"), 303)
    user = outcome.value
    _start_session(user, remember=False)
    flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
    return redirect(url_for("main.home"), 303)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _login_limit, methods=["POST"], deduct_when=lambda response: response.status_code == 422
)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next_url(url_for("main.home")))
    form = LoginForm()
    if form.validate_on_submit():
        outcome = attempt_form(
            form, lambda: sessions.authenticate(form.email.data, form.password.data)
        )
        if isinstance(outcome.refusal, UnconfirmedEmail):
            # The one refusal that writes: the confirmation link goes again.
            signup.send_confirmation(outcome.refusal.user)
            keep_writes_despite_refusal()
        if outcome.ok:
            _start_session(outcome.value, remember=form.remember.data)
            flash(_("Hello %(name)s, you are logged in.", name=outcome.value.name), "success")
            return redirect(safe_next_url(url_for("main.home")), 303)
    return render("auth/login.html", form=form, status=form_status(form))


@bp.post("/logout")
@login_required
def logout():
    sessions.log_out_everywhere(current_user)
    logout_user()
    session.clear()
    flash(_("You are logged out."), "success")
    return redirect(url_for("main.home"), 303)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_public_form_limit, methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        passwords.request_password_reset(form.email.data)
        return redirect(url_for("auth.check_inbox", reason="reset"), 303)
    return render("auth/reset_request.html", form=form, status=form_status(form))


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_public_form_limit, methods=["POST"])
def reset_password(token: str):
    link = attempt(lambda: passwords.user_for_reset(token))
    if not link.ok:
        flash_outcome(link)
        return redirect(url_for("auth.request_reset"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        outcome = attempt_form(form, lambda: passwords.reset_password(token, form.password.data))
        if outcome.ok:
            logout_user()
            _start_session(outcome.value, remember=False)
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.home"), 303)
    return render("auth/reset_password.html", form=form, status=form_status(form))
