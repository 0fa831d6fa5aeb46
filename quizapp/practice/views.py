"""Views of practice mode: thin wrappers over ``practice.services``.

One question per page, posted as a plain form, so practice works without JavaScript; practice.js swaps the
pages in place when it can (no reload between questions).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from .. import params
from ..db import db, write_transaction
from ..learn.access import get_topic_or_404
from ..models import PracticeItem, PracticeSet, utcnow
from ..quiz.question_types import QUESTION_TYPES, to_display
from . import services

bp = Blueprint("practice", __name__)


def _set_or_404(set_id: int) -> PracticeSet:
    try:
        return services.get_set(db.session, set_id, current_user.id)
    except services.PracticeNotFound:
        abort(404)


@bp.route("/topics/<int:number>/practice")
@login_required
def overview(number: int):
    """What practice is, the trainee's mastery per section and streak, and the button to start."""
    topic = get_topic_or_404(number)
    info = services.overview(db.session, current_user.id, topic, utcnow())
    return render_template("practice/overview.html", topic=topic, info=info, form=FlaskForm())


@bp.route("/topics/<int:number>/practice", methods=["POST"])
@login_required
def start(number: int):
    """Start a practice set drawn for what this trainee needs, or resume the unfinished one."""
    topic = get_topic_or_404(number)
    try:
        with write_transaction() as session:
            practice = services.start_or_resume(session, current_user.id, topic, utcnow())
            set_id = practice.id
    except services.PracticeError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("practice.overview", number=number))
    return redirect(url_for("practice.question", set_id=set_id))


def _item_view(item: PracticeItem, keys_shown: bool) -> dict:
    """An item as the page shows it: options in display order; right answers only once answered, if allowed."""
    version = item.question_version
    answered = item.answered_at is not None
    return {
        "position": item.position,
        "text": version.text,
        "multiple": QUESTION_TYPES[version.type].multiple_choice,
        "options": [
            {
                "text": version.options[i]["text"],
                "right": answered and keys_shown and bool(version.options[i].get("correct")),
                "chosen": answered and i in (item.selected or []),
            }
            for i in item.option_order
        ],
        "selected": to_display(item.option_order, item.selected),
        "answered": answered,
        "correct": item.is_correct,
        "explanation": version.explanation if keys_shown else "",
        "source": version.source if keys_shown else "",
        "section": version.section,
    }


@bp.route("/practice/<int:set_id>")
@login_required
def question(set_id: int):
    """The next unanswered question of the set, or the set's summary when all are answered."""
    practice = _set_or_404(set_id)
    pending = next((i for i in practice.items if i.answered_at is None), None)
    if pending is None:
        return render_template("practice/summary.html", practice_set=practice, topic=practice.topic)
    return render_template(
        "practice/question.html",
        practice=practice,
        topic=practice.topic,
        item=_item_view(pending, practice.keys_shown),
        form=FlaskForm(),
    )


@bp.route("/practice/<int:set_id>/answer", methods=["POST"])
@login_required
def answer(set_id: int):
    """Mark the posted answer, then show the feedback on it."""
    position = params.to_int(request.form.get("position", ""), 1, 1000)
    try:
        display = [int(v) for v in request.form.getlist("choice")]
    except ValueError:
        display = [-1]  # refused below as "not part of the question"
    if position is None:
        abort(400)
    try:
        with write_transaction() as session:
            services.answer(session, set_id, current_user.id, position, display, utcnow())
    except services.PracticeNotFound:
        abort(404)
    except services.PracticeError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("practice.question", set_id=set_id))
    return redirect(url_for("practice.feedback", set_id=set_id, position=position))


@bp.route("/practice/<int:set_id>/items/<int:position>")
@login_required
def feedback(set_id: int, position: int):
    """An answered question with its feedback: right or wrong, and, where allowed, the answer explained."""
    practice = _set_or_404(set_id)
    item = next((i for i in practice.items if i.position == position), None)
    if item is None:
        abort(404)
    if item.answered_at is None:
        return redirect(url_for("practice.question", set_id=set_id))
    return render_template(
        "practice/feedback.html",
        practice=practice,
        topic=practice.topic,
        item=_item_view(item, practice.keys_shown),
        last=all(i.answered_at is not None for i in practice.items),
    )
