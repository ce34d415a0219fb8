"""Register, confirm, log in, log out, reset a password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from hub.blueprints import safe_next_url, show_domain_error
from hub.domain import accounts
from hub.domain.errors import DomainError
from hub.extensions import db, limiter
from hub.rendering import render

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _public_form_limit() -> str:
    return current_app.config["RATELIMIT_PUBLIC_FORM"]


PASSWORD_LENGTH = Length(
    min=accounts.PASSWORD_MIN,
    max=accounts.PASSWORD_MAX,
    message=_l("Choose a password of %(min)d to %(max)d characters."),
)


class RegisterForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), PASSWORD_LENGTH])


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    remember = BooleanField(_l("Keep me logged in on this device"))


class ResetRequestForm(FlaskForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )


class NewPasswordForm(FlaskForm):
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
        try:
            accounts.register_account(
                form.name.data, form.email.data, form.password.data, str(get_locale())
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            db.session.commit()
            return redirect(url_for("auth.check_inbox"), 303)
    return render("auth/register.html", form=form, status=422 if form.errors else 200)


@bp.get("/check-inbox")
def check_inbox():
    return render("auth/check_inbox.html")


@bp.get("/confirm/<token>")
def confirm_signup(token: str):
    try:
        user = accounts.confirm_signup(token)
    except DomainError as error:
        flash(str(error.message), "error")
        return redirect(url_for("auth.login"))
    db.session.commit()
    _start_session(user, remember=False)
    flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
    return redirect(url_for("main.home"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _login_limit, methods=["POST"], deduct_when=lambda response: response.status_code == 422
)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next_url(url_for("main.home")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            db.session.commit()  # a resent confirmation email is kept
            show_domain_error(form, error)
        else:
            db.session.commit()
            _start_session(user, remember=form.remember.data)
            flash(_("Hello %(name)s, you are logged in.", name=user.name), "success")
            return redirect(safe_next_url(url_for("main.home")), 303)
    return render("auth/login.html", form=form, status=422 if form.is_submitted() else 200)


@bp.post("/logout")
@login_required
def logout():
    accounts.log_out_everywhere(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "success")
    return redirect(url_for("main.home"), 303)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_public_form_limit, methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        db.session.commit()
        return redirect(url_for("auth.check_inbox", reason="reset"), 303)
    return render("auth/reset_request.html", form=form, status=422 if form.errors else 200)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_public_form_limit, methods=["POST"])
def reset_password(token: str):
    try:
        accounts.user_for_reset(token)
    except DomainError as error:
        flash(str(error.message), "error")
        return redirect(url_for("auth.request_reset"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.reset_password(token, form.password.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            db.session.commit()
            logout_user()
            _start_session(user, remember=False)
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.home"), 303)
    return render("auth/reset_password.html", form=form, status=422 if form.errors else 200)
