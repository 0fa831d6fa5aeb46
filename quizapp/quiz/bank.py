"""What a draw reads from the database: the topic's drawable questions and what a trainee has already seen.

Used by the graded draw (``attempts``), practice (``practice.services``) and the settings' limits.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Attempt, AttemptItem, Question, QuestionStatus, QuestionVersion
from . import draw as drawing


def drawable_bank(session: Session, topic_id: int) -> list[drawing.BankEntry]:
    """Approved questions of a topic with the version a new attempt would show."""
    rows = session.execute(
        select(Question.id, QuestionVersion.section_id, QuestionVersion.id)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Question.topic_id == topic_id, Question.status == QuestionStatus.APPROVED)
    )
    return [drawing.BankEntry(q, s, v) for q, s, v in rows]


def seen_counts(session: Session, user_id: int, topic_id: int) -> dict[int, int]:
    """How many of this trainee's earlier attempts at the topic showed each question."""
    rows = session.execute(
        select(QuestionVersion.question_id, func.count())
        .select_from(AttemptItem)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .where(Attempt.user_id == user_id, Attempt.topic_id == topic_id)
        .group_by(QuestionVersion.question_id)
    )
    return dict(rows.all())
