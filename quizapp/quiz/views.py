"""Views of the quiz blueprint: thin wrappers over ``attempts.py``."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from .. import params
from ..accounts.access import can_see_trainee, is_staff
from ..course import topic_progress
from ..db import db, retry_on_disconnect, write_transaction
from ..i18n import gettext as _
from ..learn.access import get_topic_or_404
from ..models import Attempt, AttemptItem, User, utcnow
from . import attempts as service
from . import fragments, paper_page, review_fragments
from .bank import draw_paper
from .errors import paper_pending_message
from .rules import accepts_writes, others_review_allowed, review_allowed, seconds_left, write_deadline
from .settle import settle_overdue

bp = Blueprint("quiz", __name__)

#: Bounds of an autosave body: no paper has more questions, no question more options.
MAX_POSITION, MAX_OPTIONS = 1000, 100


def _grace() -> int:
    return int(current_app.config["QUIZ_GRACE_SECONDS"])


#: What most views need of an attempt: its items and the question versions they show.
WITH_ITEMS = (selectinload(Attempt.items).selectinload(AttemptItem.question_version),)
#: What the review needs: the topic (the quiz page reads its attempt as plain rows: paper_page.py).
WITH_TOPIC = (joinedload(Attempt.topic),)


#: The attempt's query for each of the loads above, built once (building a statement costs more than running it).
_ATTEMPT_BY_ID = {
    load: select(Attempt).where(Attempt.id == bindparam("attempt_id")).options(*load)
    for load in (WITH_ITEMS, WITH_TOPIC)
}


def get_attempt_or_404(attempt_id: int, owner_id: int, reviewer: User | None = None, load=WITH_ITEMS) -> Attempt:
    """The attempt, loaded with the ``load`` options, if it is ``owner_id``'s.

    404 when it does not exist or belongs to someone else (so ids cannot be probed). A
    ``reviewer`` also sees the attempts of the trainees whose results they may see
    (``accounts.access``). Takes the owner's id, not the user: inside a write transaction the
    logged-in user loaded before it would be loaded again (db.py).
    """
    return _visible_or_404(db.session.scalar(_ATTEMPT_BY_ID[load], {"attempt_id": attempt_id}), owner_id, reviewer)


def _visible_or_404(attempt: Attempt | None, owner_id: int, reviewer: User | None = None) -> Attempt:
    """The attempt if it exists and is ``owner_id``'s or, for a ``reviewer``, one they may see; else 404."""
    if attempt is None:
        abort(404)
    if attempt.user_id != owner_id and not (reviewer is not None and can_see_trainee(reviewer, attempt.user)):
        abort(404)
    return attempt


@bp.route("/topics/<int:number>/attempts", methods=["POST"])
@retry_on_disconnect
@login_required
def start(number: int):
    """Start an attempt at the topic, or resume the open one."""
    user_id = current_user.id  # read before the write transaction, which expires the loaded user (db.py)
    topic = get_topic_or_404(number)
    try:
        # The draw only reads: done before the write transaction, so the write lock (one writer at a
        # time on SQLite) is held for the checks and the inserts alone. The topic is detached so that
        # transaction does not expire it and load it again under the lock (db.py).
        drawn = draw_paper(db.session, user_id, topic)
        db.session.expunge(topic)
        with write_transaction() as session:
            attempt, created = service.start_or_resume(session, user_id, topic, utcnow(), _grace(), drawn=drawn)
    except service.QuizError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("learn.topic", number=number))
    except IntegrityError:
        # A concurrent start (another tab) won the race: resume the attempt it created.
        db.session.rollback()
        attempt = service.open_attempt(db.session, user_id, topic.id)
        if attempt is None:
            abort(409)
        created = False
    if not created:
        flash(_("You are continuing your unfinished attempt."), "info")
        return redirect(url_for("quiz.take", attempt_id=attempt.id))
    db.session.add(topic)  # back in the session as loaded, so the page's attempt.topic needs no query
    # A new paper is the answer itself, not a redirect to it: when a whole class presses Start at
    # once, a second request per trainee (on a phone network, a second round trip) is what costs.
    # The page gives itself its own address (the canonical link, app.js), so a reload is a GET;
    # without JavaScript a reload posts again, which resumes this attempt (above).
    return _paper_page(attempt, lines=fragments.new_paper_lines(drawn.lines))


@bp.route("/attempts/<int:attempt_id>")
@login_required
def take(attempt_id: int):
    """The paper: questions in the drawn order, options shuffled, saved answers checked."""
    attempt = _visible_or_404(paper_page.attempt_with_topic(db.session, attempt_id), current_user.id)
    now = utcnow()
    if attempt.is_paper and attempt.is_open:
        return _paper_pending(attempt)
    if attempt.is_open and not accepts_writes(attempt.deadline_at, now, _grace()):
        settle_overdue(current_user.id)  # closed now, graded with its saved answers
        return redirect(url_for("quiz.review", attempt_id=attempt.id))
    if not attempt.is_open:
        return redirect(url_for("quiz.review", attempt_id=attempt.id))
    return _paper_page(attempt, now)


def _paper_page(attempt: Attempt, now=None, lines=None):
    """The quiz page of an open online attempt that still accepts answers (``lines``: see fragments.paper)."""
    now = now or utcnow()
    return render_template(
        "quiz/take.html",
        attempt=attempt,
        paper=fragments.paper(db.session, attempt.id, str(get_locale()), lines),
        now=now,
        seconds_left=seconds_left(attempt.deadline_at, now),
        write_deadline=write_deadline(attempt.deadline_at, _grace()),
    )


def _paper_pending(attempt: Attempt):
    """A printed paper has no online page: back to its topic, which says it awaits entry."""
    flash(str(paper_pending_message(attempt)), "info")
    return redirect(url_for("learn.topic", number=attempt.topic.number))


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
@retry_on_disconnect
@login_required
def save(attempt_id: int):
    """Save answers: JSON from the autosave script, or the whole form when there is no JavaScript."""
    if request.is_json:
        # One answer is tiny: refuse a large body (413) before reading it, not after parsing it.
        request.max_content_length = current_app.config["AUTOSAVE_MAX_BYTES"]
        return save_json(attempt_id)
    return save_form(attempt_id)


def save_json(attempt_id: int):
    """Autosave: one answer, ``{"position": 3, "selected": [1], "seq": 17}``, acknowledged in JSON."""
    user_id = current_user.id  # read before the write transaction, which expires the loaded user (db.py)
    now = utcnow()
    try:
        position, selected, seq = _json_answer(request.get_json(silent=True))
        with write_transaction() as session:
            result = service.save_answer(session, attempt_id, user_id, position, selected, seq, now, _grace())
    except service.AttemptNotFound:
        abort(404)
    except service.QuizError as exc:
        closed = isinstance(exc, service.AttemptClosed)
        if closed:
            settle_overdue(user_id)  # the refused save's transaction was rolled back
        return jsonify(ok=False, error=str(exc.message), closed=closed), exc.status
    return jsonify(
        ok=True,
        accepted=result.accepted,
        seq=result.seq,
        saved_at=result.saved_at.isoformat() if result.saved_at else None,
    )


def save_form(attempt_id: int):
    """Without JavaScript: every answer on the page, posted by its save button; back to the paper."""
    user_id = current_user.id  # read before the write transaction, which expires the loaded user (db.py)
    now = utcnow()
    try:
        with write_transaction() as session:
            attempt = get_attempt_or_404(attempt_id, user_id)
            seq = attempt.last_seq + 1
            for position, selected in _posted_answers(attempt).items():
                service.save_answer(session, attempt_id, user_id, position, selected, seq, now, _grace())
    except service.AttemptNotFound:
        abort(404)
    except service.QuizError as exc:
        if isinstance(exc, service.AttemptClosed):
            settle_overdue(user_id)  # the refused save's transaction was rolled back
        flash(str(exc.message), "error")
        return redirect(url_for("quiz.take", attempt_id=attempt_id))
    flash(_("Your answers have been saved."), "success")
    return redirect(url_for("quiz.take", attempt_id=attempt_id))


def _json_answer(data) -> tuple[int, list[int], int]:
    """Validate the autosave body ``{"position": 3, "selected": [1], "seq": 17}``, every number bounded."""
    try:
        position = params.json_int(data["position"], 1, MAX_POSITION)
        seq = params.json_int(data["seq"], 1, params.MAX_ID)
        selected = data["selected"]
        if not isinstance(selected, list) or len(selected) > MAX_OPTIONS:
            raise TypeError
        selected = [params.json_int(s, 0, MAX_OPTIONS) for s in selected]
    except (TypeError, KeyError, ValueError):
        raise service.InvalidAnswer(_("The answer could not be read.")) from None
    return position, selected, seq


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@retry_on_disconnect
@login_required
def submit(attempt_id: int):
    """Submit (grade once); answers in the form are the page's final state."""
    user_id = current_user.id  # read before the write transaction, which expires the loaded user
    with_answers, now = bool(request.form.get("with_answers")), utcnow()
    try:
        with write_transaction() as session:
            if not with_answers and service.submit_saved(session, attempt_id, user_id, now, _grace()):
                return redirect(url_for("quiz.review", attempt_id=attempt_id))
            # The form's answers, or a submit the claim refused: load the attempt, once (db.py).
            attempt = get_attempt_or_404(attempt_id, user_id)
            answers = _posted_answers(attempt) if with_answers else None
            result = service.submit(session, attempt, now, _grace(), answers)
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


def _shows_keys(attempt: Attempt, progress) -> bool:
    """Whether the viewer of this review sees the right answers (quiz.rules decides, see others_review_allowed)."""
    policy = attempt.topic.review_policy
    if attempt.user_id == current_user.id:
        return review_allowed(policy, progress.left)
    if is_staff(current_user):
        return True
    # A ward manager: they sit this topic too, so their own standing in it decides.
    own = topic_progress(db.session, current_user.id, attempt.topic)
    return others_review_allowed(policy, own.left, own.open_attempt is not None)


@bp.route("/attempts/<int:attempt_id>/review")
@login_required
def review(attempt_id: int):
    """The result of a finished attempt and, if the policy allows, every answer explained."""
    attempt = get_attempt_or_404(attempt_id, current_user.id, reviewer=current_user, load=WITH_TOPIC)
    if attempt.is_paper and attempt.is_open:
        return _paper_pending(attempt)
    if attempt.is_open:
        if accepts_writes(attempt.deadline_at, utcnow(), _grace()):
            return redirect(url_for("quiz.take", attempt_id=attempt.id))
        settle_overdue(attempt.user_id)  # overdue: close it, then show its result
        attempt = get_attempt_or_404(attempt_id, current_user.id, reviewer=current_user, load=WITH_TOPIC)
    progress = topic_progress(db.session, attempt.user_id, attempt.topic)
    viewing_other = attempt.user_id != current_user.id
    show_answers = _shows_keys(attempt, progress)
    questions = None
    if show_answers or viewing_other:  # a manager who may not see the keys sees each question marked
        questions = review_fragments.questions(
            db.session,
            attempt.id,
            str(get_locale()),
            lesson_url=url_for("learn.topic", number=attempt.topic.number),
            explained=show_answers,
        )
    return render_template(
        "quiz/review.html",
        attempt=attempt,
        progress=progress,
        show_answers=show_answers,
        questions=questions,
        is_staff=viewing_other,
    )
