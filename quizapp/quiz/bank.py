"""What a draw reads from the database: the topic's drawable questions and what a trainee has already seen.

Used by the graded draw (``attempts``), practice (``practice.services``) and the settings' limits.
"""

from __future__ import annotations

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from ..models import Attempt, AttemptItem, Question, QuestionStatus, QuestionVersion
from . import draw as drawing


def drawable_bank(session: Session, topic_id: int) -> list[drawing.BankEntry]:
    """Approved questions of a topic with the version a new attempt would show."""
    return [drawing.BankEntry(q, s, v) for q, s, v in session.execute(_BANK, {"b_topic": topic_id})]


def seen_counts(session: Session, user_id: int, topic_id: int) -> dict[int, int]:
    """How many of this trainee's earlier attempts at the topic showed each question."""
    return dict(session.execute(_SEEN, {"b_user": user_id, "b_topic": topic_id}).all())


# Built once: every start runs both, and building a statement costs more than running it.
_BANK = (
    select(Question.id, QuestionVersion.section_id, QuestionVersion.id)
    .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
    .where(Question.topic_id == bindparam("b_topic"), Question.status == QuestionStatus.APPROVED)
)
_SEEN = (
    select(QuestionVersion.question_id, func.count())
    .select_from(AttemptItem)
    .join(Attempt, Attempt.id == AttemptItem.attempt_id)
    .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
    .where(Attempt.user_id == bindparam("b_user"), Attempt.topic_id == bindparam("b_topic"))
    .group_by(QuestionVersion.question_id)
)
