"""Views of the quiz blueprint: thin wrappers over ``attempts.py``."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..db import db, write_transaction
from ..i18n import gettext as _
from ..learn import get_topic_or_404
from ..models import Attempt, AttemptItem, Role, utcnow
from ..quiz.progress import progress_for
from . import attempts as service
from .question_types import QUESTION_TYPES, to_display
from .rules import accepts_writes, review_allowed, seconds_left, write_deadline
from .settle import settle_overdue

bp = Blueprint("quiz", __name__)


def _grace() -> int:
    return int(current_app.config["QUIZ_GRACE_SECONDS"])


def get_attempt_or_404(attempt_id: int, owner=None, for_review: bool = False) -> Attempt:
    """The attempt, if ``owner`` may see it.

    404 when it does not exist or belongs to someone else (so ids cannot be probed). With
    ``for_review``, instructors and admins see any attempt and ward managers their ward's.
    """
    attempt = db.session.scalar(
        select(Attempt)
        .where(Attempt.id == attempt_id)
        .options(selectinload(Attempt.items).selectinload(AttemptItem.question_version))
    )
    if attempt is None:
        abort(404)
    if owner is not None and attempt.user_id != owner.id:
        staff = for_review and (
            owner.has_role(Role.INSTRUCTOR, Role.ADMIN)
            or (owner.has_role(Role.WARD_MANAGER) and owner.ward_id and owner.ward_id == attempt.user.ward_id)
        )
        if not staff:
            abort(404)
    return attempt


@bp.route("/topics/<int:number>/attempts", methods=["POST"])
@login_required
def start(number: int):
    """Start an attempt at the topic, or resume the open one."""
    topic = get_topic_or_404(number)
    try:
        with write_transaction() as session:
            attempt, created = service.start_or_resume(session, current_user.id, topic, utcnow(), _grace())
    except service.QuizError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("learn.topic", number=number))
    except IntegrityError:
        # A concurrent start (another tab) won the race: resume the attempt it created.
        db.session.rollback()
        attempt = service.open_attempt(db.session, current_user.id, topic.id)
        if attempt is None:
            abort(409)
        created = False
    if not created:
        flash(_("You are continuing your unfinished attempt."), "info")
    return redirect(url_for("quiz.take", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>")
@login_required
def take(attempt_id: int):
    """The paper: questions in the drawn order, options shuffled, saved answers checked."""
    attempt = get_attempt_or_404(attempt_id, owner=current_user)
    now = utcnow()
    if attempt.is_open and not accepts_writes(attempt.deadline_at, now, _grace()):
        settle_overdue(current_user.id)  # closed now, graded with its saved answers
        return redirect(url_for("quiz.review", attempt_id=attempt.id))
    if not attempt.is_open:
        return redirect(url_for("quiz.review", attempt_id=attempt.id))
    items = [_item_view(item) for item in attempt.items]
    return render_template(
        "quiz/take.html",
        attempt=attempt,
        items=items,
        now=now,
        seconds_left=seconds_left(attempt.deadline_at, now),
        write_deadline=write_deadline(attempt.deadline_at, _grace()),
        form=FlaskForm(),
    )


def _item_view(item: AttemptItem) -> dict:
    """What the page may know of an item: text and options in display order, no correctness."""
    version = item.question_version
    return {
        "position": item.position,
        "text": version.text,
        "type": version.type,
        "multiple": QUESTION_TYPES[version.type].multiple_choice,
        "options": [version.options[i]["text"] for i in item.option_order],
        "selected": to_display(item.option_order, item.selected),
        "seq": item.seq,
    }


def _posted_answers(attempt: Attempt) -> dict[int, list[int]]:
    """Answers posted by the plain form: fields ``q<position>`` holding display positions."""
    answers = {}
    for item in attempt.items:
        values = request.form.getlist(f"q{item.position}")
        try:
            answers[item.position] = [int(v) for v in values]
        except ValueError:
            raise service.InvalidAnswer(_("That answer does not belong to question %(n)d.", n=item.position)) from None
    return answers


@bp.route("/attempts/<int:attempt_id>/answers", methods=["POST"])
@login_required
def save(attempt_id: int):
    """Save answers: one at a time as JSON (autosave), or the whole form (no JavaScript)."""
    is_json = request.is_json
    now = utcnow()
    try:
        with write_transaction() as session:
            if is_json:
                position, selected, seq = _json_answer(request.get_json(silent=True))
                result = service.save_answer(
                    session, attempt_id, current_user.id, position, selected, seq, now, _grace()
                )
            else:
                attempt = get_attempt_or_404(attempt_id, owner=current_user)
                seq = attempt.last_seq + 1
                for position, selected in _posted_answers(attempt).items():
                    service.save_answer(session, attempt_id, current_user.id, position, selected, seq, now, _grace())
    except service.AttemptNotFound:
        abort(404)
    except service.QuizError as exc:
        if isinstance(exc, service.AttemptClosed):
            settle_overdue(current_user.id)  # the refused save's transaction was rolled back
        if is_json:
            return jsonify(ok=False, error=str(exc.message), closed=isinstance(exc, service.AttemptClosed)), exc.status
        flash(str(exc.message), "error")
        return redirect(url_for("quiz.take", attempt_id=attempt_id))
    if is_json:
        return jsonify(
            ok=True,
            accepted=result.accepted,
            seq=result.seq,
            saved_at=result.saved_at.isoformat() if result.saved_at else None,
        )
    flash(_("Your answers have been saved."), "success")
    return redirect(url_for("quiz.take", attempt_id=attempt_id))


def _json_answer(data) -> tuple[int, list[int], int]:
    """Validate the autosave body ``{"position": 3, "selected": [1], "seq": 17}``."""
    try:
        position, selected, seq = data["position"], data["selected"], data["seq"]
        if not (
            isinstance(position, int)
            and isinstance(seq, int)
            and isinstance(selected, list)
            and all(isinstance(s, int) and not isinstance(s, bool) for s in selected)
        ):
            raise TypeError
    except (TypeError, KeyError):
        raise service.InvalidAnswer(_("The answer could not be read.")) from None
    if seq < 1 or seq > 2**31:
        raise service.InvalidAnswer(_("The answer could not be read."))
    return position, selected, seq


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@login_required
def submit(attempt_id: int):
    """Submit (grade once); answers in the form are the page's final state."""
    attempt = get_attempt_or_404(attempt_id, owner=current_user)
    try:
        with write_transaction() as session:
            answers = _posted_answers(attempt) if request.form.get("with_answers") else None
            result = service.submit(session, attempt, utcnow(), _grace(), answers)
    except service.QuizError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("quiz.take", attempt_id=attempt_id))
    if result.outcome == "late":
        flash(
            _(
                "Time was up, so the answers just sent were not accepted. "
                "Your attempt was graded with the answers saved before the deadline."
            ),
            "error",
        )
    elif result.outcome == "already":
        flash(_("This attempt had already been submitted."), "info")
    return redirect(url_for("quiz.review", attempt_id=attempt_id))


@bp.route("/attempts/<int:attempt_id>/review")
@login_required
def review(attempt_id: int):
    """The result of a finished attempt and, if the policy allows, every answer explained."""
    attempt = get_attempt_or_404(attempt_id, owner=current_user, for_review=True)
    if attempt.is_open:
        if accepts_writes(attempt.deadline_at, utcnow(), _grace()):
            return redirect(url_for("quiz.take", attempt_id=attempt.id))
        settle_overdue(attempt.user_id)  # overdue: close it, then show its result
        attempt = get_attempt_or_404(attempt_id, owner=current_user, for_review=True)
    progress = next(p for p in progress_for(db.session, attempt.user_id) if p.topic.id == attempt.topic_id)
    is_staff = attempt.user_id != current_user.id
    show_answers = is_staff or review_allowed(attempt.topic.review_policy, progress.left)
    return render_template(
        "quiz/review.html",
        attempt=attempt,
        progress=progress,
        show_answers=show_answers,
        is_staff=is_staff,
        form=FlaskForm(),
    )
