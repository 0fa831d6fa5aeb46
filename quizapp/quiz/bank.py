"""What a draw reads from the database: the topic's drawable questions and what a trainee has already seen.

Used by the graded draw (``attempts``, through ``draw_paper``), practice (``practice.services``)
and the settings' limits. Reads only: a start draws its paper before it takes the write lock.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from ..i18n import lazy_gettext as _l
from ..models import Attempt, AttemptItem, Question, QuestionStatus, QuestionVersion, Topic
from . import draw as drawing
from .errors import TopicUnavailable
from .question_types import QUESTION_TYPES
from .version_facts import version_facts


@dataclass(frozen=True)
class DrawnPaper:
    """A drawn paper: per position, the question version shown and its options' display order."""

    lines: tuple[tuple[int, list[int]], ...]


def draw_paper(session: Session, user_id: int, topic: Topic, rng: random.Random | None = None) -> DrawnPaper:
    """Draw ``topic``'s questions for this trainee (fewest seen first) and shuffle their options.

    Raises TopicUnavailable when the bank is empty. Reads only, so a start runs it before its
    write transaction: a question approved or retired in between changes nothing that matters.
    """
    bank = drawable_bank(session, topic.id)
    if not bank:
        raise TopicUnavailable(_l("This topic has no approved questions yet."))
    rng = rng or random.Random(secrets.randbits(64))
    chosen = drawing.draw(bank, topic.questions_per_attempt, seen_counts(session, user_id, topic.id), rng)
    facts = version_facts(session, [c.version_id for c in chosen])
    lines = []
    for entry in chosen:
        shape = facts[entry.version_id]
        order = drawing.option_order(shape.n_options, QUESTION_TYPES[shape.type].fixed_order, rng)
        lines.append((entry.version_id, order))
    return DrawnPaper(tuple(lines))


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
