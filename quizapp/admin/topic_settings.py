"""Quiz settings per topic (/admin/topics/<n>/settings): the list of topics and one topic's form."""

from __future__ import annotations

from dataclasses import fields

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from ..auth.access import roles_required
from ..db import db, write_transaction
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..models import ReviewPolicy, Role, Topic, utcnow
from ..quiz import settings as service
from .fields import IntField, LocalMomentField

bp = Blueprint("topic_settings", __name__, url_prefix="/topics")

REVIEW_LABELS = {
    ReviewPolicy.IMMEDIATELY: _l("Right after submitting"),
    ReviewPolicy.AFTER_LAST_ATTEMPT: _l("After the last attempt"),
    ReviewPolicy.NEVER: _l("Never"),
}


class SettingsForm(FlaskForm):
    questions_per_attempt = IntField(_l("Questions per attempt"), validators=[Optional()])
    time_limit_minutes = IntField(_l("Time limit (minutes, 1–180)"), validators=[Optional()])
    pass_percent = IntField(_l("Pass mark in percent (1–100)"), validators=[Optional()])
    max_attempts = IntField(_l("Attempts allowed (1–10)"), validators=[Optional()])
    review_policy = SelectField(
        _l("Trainees see the right answers"),
        choices=[SelectChoice(value, label) for value, label in REVIEW_LABELS.items()],
        validate_choice=False,
    )
    opens_at = LocalMomentField(_l("Opens at (Vietnam time, optional)"))
    closes_at = LocalMomentField(_l("Closes at (Vietnam time, optional)"))
    practice_questions = IntField(
        _l("Questions per practice set (1–50; practice never counts)"), validators=[Optional()]
    )
    reason = TextAreaField(_l("Reason for the change"))
    submit = SubmitField(_l("Save the settings"))


class RestoreForm(FlaskForm):
    reason = TextAreaField(_l("Reason for the change"))
    submit = SubmitField(_l("Restore the topic.yaml values"))


def get_topic_or_404(number: int) -> Topic:
    """The topic with this number (active or not: an admin may prepare a hidden one), or 404."""
    topic = db.session.scalar(select(Topic).where(Topic.number == number))
    if topic is None:
        abort(404)
    return topic


@bp.route("")
@roles_required(Role.ADMIN)
def index():
    """Every topic with its settings in force, each marked as the file's default or changed."""
    topics = list(db.session.scalars(select(Topic).order_by(Topic.number)))
    return render_template("admin/topics.html", topics=topics, service=service, review_labels=REVIEW_LABELS)


def _page(topic: Topic, form: SettingsForm, restore: RestoreForm, status: int = 200):
    return render_template(
        "admin/topic_settings.html",
        topic=topic,
        form=form,
        restore=restore,
        service=service,
        bank=service.approved_questions(db.session, topic),
        window=service.window_state(topic.opens_at, topic.closes_at, utcnow()),
        review_labels=REVIEW_LABELS,
    ), status


def _flash_saved(changed: dict) -> None:
    if changed:
        flash(_("Settings saved; they apply to attempts started from now on."), "success")
    else:
        flash(_("Nothing was changed."), "info")


def _show_errors(form: FlaskForm, errors: dict) -> None:
    for name, message in errors.items():
        field = getattr(form, name)
        field.errors = [*field.errors, message]


@bp.route("/<int:number>/settings", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(number: int):
    """A topic's quiz settings; a change needs a reason and applies to attempts started afterwards."""
    topic = get_topic_or_404(number)
    form = SettingsForm(obj=topic)
    if request.method == "POST":
        if form.validate_on_submit():  # CSRF and numbers that parse; ranges are the service's
            new = service.QuizSettings(**{f.name: getattr(form, f.name).data for f in fields(service.QuizSettings)})
            try:
                with write_transaction() as session:
                    changed = service.change(session, topic, new, form.reason.data or "", current_user.id)
            except service.SettingsError as exc:
                _show_errors(form, exc.errors)
            else:
                _flash_saved(changed)
                return redirect(url_for(".edit", number=number))
        return _page(topic, form, RestoreForm(prefix="restore", formdata=None), 400)
    return _page(topic, form, RestoreForm(prefix="restore", formdata=None))


@bp.route("/<int:number>/settings/restore", methods=["POST"])
@roles_required(Role.ADMIN)
def restore(number: int):
    """Put the settings changed in the browser back to the values of topic.yaml."""
    topic = get_topic_or_404(number)
    form = RestoreForm(prefix="restore")
    if form.validate_on_submit():
        try:
            with write_transaction() as session:
                changed = service.restore_defaults(session, topic, form.reason.data or "", current_user.id)
        except service.SettingsError as exc:
            form.reason.errors = [exc.errors.get("reason") or str(exc)]
        else:
            _flash_saved(changed)
            return redirect(url_for(".edit", number=number))
    return _page(topic, SettingsForm(obj=topic, formdata=None), form, 400)
