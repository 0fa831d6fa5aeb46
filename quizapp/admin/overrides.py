"""Score overrides (/admin/trainees/<id>/override): record a topic result by hand, with a reason."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from ..auth.access import roles_required
from ..course import active_topics
from ..db import db, write_transaction
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..models import Role, User, utcnow
from ..quiz import overrides as service
from .fields import IntField

bp = Blueprint("overrides", __name__, url_prefix="/trainees")


class OverrideForm(FlaskForm):
    topic = SelectField(_l("Topic"), coerce=int, validate_choice=False)
    score = IntField(_l("Score (correct answers or points)"), validators=[Optional()])
    max_score = IntField(_l("Out of"), validators=[Optional()])
    reason = TextAreaField(_l("Reason (e.g. paper test on 12/11, marked by …)"))
    submit = SubmitField(_l("Record the result"))


def get_taker_or_404(user_id: int) -> User:
    """The trainee (or ward manager, who also sits the quizzes); 404 for anyone else."""
    user = db.session.scalar(
        select(User).where(User.id == user_id).options(joinedload(User.ward), joinedload(User.cohort))
    )
    if user is None or user.role not in service.TAKERS:
        abort(404)
    return user


@bp.route("/<int:user_id>/override", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def override(user_id: int):
    """The form; a saved result counts like a quiz result and is marked as recorded by hand."""
    user = get_taker_or_404(user_id)
    topics = active_topics(db.session)
    form = OverrideForm()
    form.topic.choices = [SelectChoice(t.id, _("Topic %(n)d", n=t.number) + ": " + t.title) for t in topics]
    if request.method == "GET":
        form.max_score.data = topics[0].questions_per_attempt if topics else None
    # One of the listed topics: a missing or out-of-range id (even past 64 bits) is never a query.
    topic = next((t for t in topics if t.id == form.topic.data), None)
    valid = form.validate_on_submit()
    if valid and topic is None:
        if form.topic.data is not None:
            abort(404)  # no such active topic
        form.topic.errors = [*form.topic.errors, _("Choose a topic.")]
    elif valid:
        try:
            with write_transaction() as session:
                attempt = service.record_override(
                    session,
                    user,
                    topic,
                    form.score.data,
                    form.max_score.data,
                    form.reason.data,
                    current_user.id,
                    utcnow(),
                )
                passed = attempt.passed
        except service.OverrideError as exc:
            for name, message in exc.errors.items():
                field = getattr(form, name)
                field.errors = [*field.errors, message]
        else:
            flash(
                _("Result recorded: %(result)s.", result=_("Passed") if passed else _("Not passed")),
                "success",
            )
            return redirect(url_for("reports.trainee", user_id=user.id))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/override.html", user=user, form=form, topics=topics), status
