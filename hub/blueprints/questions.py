"""Registration questions: the hosts set them per event; people answer when they register
(hub/blueprints/events.py) or later from their private link."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import (
    BooleanField,
    Field,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from hub.blueprints import keep_private
from hub.domain.events import permissions, queries
from hub.domain.events import questions as domain
from hub.forms import Form
from hub.models import QuestionKind, RegistrationQuestion
from hub.rendering import render
from hub.unit_of_work import attempt, attempt_form, flash_outcome, form_status

bp = Blueprint("questions", __name__)


# --- The fields people answer ------------------------------------------------------------------


def question_field(question: RegistrationQuestion) -> Field:
    """The form field that asks `question`; the domain checks the answer (check_answers)."""
    required = [InputRequired(_l("Answer this question, please."))] if question.required else []
    checks = required or [Optional()]
    options = {"description": question.purpose}
    if question.kind == QuestionKind.TEXT:
        return StringField(
            question.label, validators=[*checks, Length(max=domain.ANSWER_MAX)], **options
        )
    choices = (
        [SelectChoice(choice, choice) for choice in question.choices]
        if question.kind == QuestionKind.CHOICE
        else [SelectChoice(domain.YES, _l("Yes")), SelectChoice(domain.NO, _l("No"))]
    )
    return RadioField(
        question.label, choices=choices, validators=checks, validate_choice=False, **options
    )


def with_questions(form_class: type[Form], questions: list[RegistrationQuestion]):
    """`form_class` with one more field per question (`question_<id>`); the form lists
    them in `form.questions`."""
    form_class = type(form_class.__name__, (form_class,), {})
    for question in questions:
        setattr(form_class, question.field_name, question_field(question))
    form = form_class()
    form.questions = questions
    return form


def answers_given(form: Form) -> dict[str, str | None]:
    return {question.field_name: form[question.field_name].data for question in form.questions}


@bp.app_template_global("answer_shown")
def answer_shown(question: RegistrationQuestion, value: str | None) -> str:
    return domain.shown(question, value)


# --- The hosts set the questions ---------------------------------------------------------------


class QuestionForm(Form):
    label = StringField(
        _l("Question"),
        validators=[InputRequired(_l("Write the question.")), Length(max=domain.LABEL_MAX)],
    )
    kind = SelectField(
        _l("Kind of answer"),
        choices=[SelectChoice(kind.value, kind.label) for kind in QuestionKind],
        validators=[InputRequired()],
    )
    choices = TextAreaField(_l("Choices (for a list: one per line)"), validators=[Length(max=3000)])
    purpose = StringField(
        _l("Why you ask it"),
        validators=[
            InputRequired(_l("Say why you ask it: people decide what to answer from it.")),
            Length(max=domain.PURPOSE_MAX),
        ],
    )
    required = BooleanField(_l("An answer is required"))
    tell_registered = BooleanField(
        _l("Email the people already registered so that they can answer")
    )


def _render_questions(event, form=None, status=200):
    return render(
        "hosting/questions.html",
        status=status,
        event=event,
        questions=domain.questions_of(event),
        form=form or QuestionForm(),
        registered=queries.registration_counts(event),
    )


@bp.get("/account/events/<int:event_id>/questions")
@login_required
def manage(event_id: int):
    return _render_questions(permissions.managed_event(current_user, event_id))


@bp.post("/account/events/<int:event_id>/questions")
@login_required
def add(event_id: int):
    event = permissions.managed_event(current_user, event_id)
    form = QuestionForm()
    if form.validate_on_submit():
        outcome = attempt_form(
            form,
            lambda: domain.add_question(
                current_user,
                event,
                form.label.data,
                QuestionKind(form.kind.data),
                form.purpose.data,
                form.required.data,
                form.choices.data or "",
                form.tell_registered.data,
            ),
        )
        if outcome.ok:
            flash(_("The question is added."), "success")
            return redirect(url_for("questions.manage", event_id=event_id), 303)
    return _render_questions(event, form, status=form_status(form))


@bp.post("/account/events/<int:event_id>/questions/<int:question_id>/remove")
@login_required
def remove(event_id: int, question_id: int):
    event = permissions.managed_event(current_user, event_id)
    question = domain.question_of(event, question_id)
    flash_outcome(
        attempt(lambda: domain.remove_question(current_user, event, question)),
        _("The question and its answers are removed."),
    )
    return redirect(url_for("questions.manage", event_id=event_id), 303)


# --- People answer later, from their private link ------------------------------------------------


class AnswersForm(Form):
    pass


def _render_answers(registration, form, saved=False, status=200):
    return keep_private(
        render(
            "events/answers.html",
            status=status,
            registration=registration,
            event=registration.event,
            form=form,
            saved=saved,
        )
    )


@bp.get("/r/<token>/answers")
def answers(token: str):
    registration = queries.registration_by_token(token)
    form = with_questions(AnswersForm, domain.questions_of(registration.event_id))
    given = domain.answers_by_registration([registration.id]).get(registration.id, {})
    for question in form.questions:
        form[question.field_name].data = given.get(question.id)
    return _render_answers(registration, form, saved=request.args.get("saved") == "1")


@bp.post("/r/<token>/answers")
def answer(token: str):
    registration = queries.registration_by_token(token)
    form = with_questions(AnswersForm, domain.questions_of(registration.event_id))
    if form.validate_on_submit():
        outcome = attempt_form(form, lambda: domain.answer_later(registration, answers_given(form)))
        if outcome.ok:
            return redirect(url_for("questions.answers", token=token, saved=1), 303)
    return _render_answers(registration, form, status=form_status(form))
