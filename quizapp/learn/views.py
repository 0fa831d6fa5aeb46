"""Views of the learn blueprint: the dashboard, a topic's lesson and "my results"."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from ..certificates.issuance import current_certificate
from ..course import progress_for, topic_progress
from ..db import db, write_transaction
from ..models import LessonView, utcnow
from ..practice import services as practice
from ..quiz.settings import window_state
from ..quiz.settle import settle_overdue
from .access import get_topic_or_404

bp = Blueprint("learn", __name__)

#: Re-opening a lesson within this time is not counted again (no write on every page view).
VIEW_DEBOUNCE = timedelta(minutes=5)


def record_lesson_view(user_id: int, topic_id: int) -> None:
    """Note that the user opened the lesson (first time, and again after a pause)."""
    now = utcnow()
    view = db.session.scalar(select(LessonView).where(LessonView.user_id == user_id, LessonView.topic_id == topic_id))
    if view is not None and now - view.last_viewed_at < VIEW_DEBOUNCE:
        return
    with write_transaction() as session:
        view = session.scalar(select(LessonView).where(LessonView.user_id == user_id, LessonView.topic_id == topic_id))
        if view is None:
            session.add(LessonView(user_id=user_id, topic_id=topic_id, first_viewed_at=now, last_viewed_at=now))
        else:
            view.last_viewed_at, view.view_count = now, view.view_count + 1


@bp.route("/")
@login_required
def dashboard():
    """The five topics with the trainee's state in each, and the certificate when earned."""
    settle_overdue(current_user.id)
    progress = progress_for(db.session, current_user.id)
    certificate = current_certificate(db.session, current_user.id)
    passed = sum(p.passed for p in progress)
    now = utcnow()
    windows = {p.topic.id: window_state(p.topic.opens_at, p.topic.closes_at, now) for p in progress}
    return render_template(
        "learn/dashboard.html", progress=progress, certificate=certificate, passed=passed, now=now, windows=windows
    )


@bp.route("/topics/<int:number>")
@login_required
def topic(number: int):
    """A topic's lesson, section by section, with the quiz entry at the top and bottom."""
    topic = get_topic_or_404(number)
    record_lesson_view(current_user.id, topic.id)
    settle_overdue(current_user.id)
    progress = topic_progress(db.session, current_user.id, topic)
    sections = [s for s in topic.sections if s.active]
    now = utcnow()
    window = window_state(topic.opens_at, topic.closes_at, now)
    return render_template(
        "learn/topic.html",
        topic=topic,
        sections=sections,
        progress=progress,
        practice=practice.overview(db.session, current_user.id, topic, now),
        now=now,
        window=window,
    )


@bp.route("/results")
@login_required
def results():
    """Every attempt of the trainee, topic by topic, with links to the reviews."""
    settle_overdue(current_user.id)
    progress = progress_for(db.session, current_user.id)
    return render_template("learn/results.html", progress=progress)
