"""What a draw reads from the database: the topic's drawable questions and what a trainee has already seen.

Used by the graded draw (``attempts``, through ``draw_paper``), practice (``practice.services``)
and the settings' limits. Reads only: a start draws its paper before it takes the write lock.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from ..i18n import lazy_gettext as _l
from ..models import Attempt, AttemptItem, Question, QuestionStatus, QuestionVersion, Topic
from . import draw as drawing
from .errors import TopicUnavailable
from .question_types import QUESTION_TYPES


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
    shapes = option_shapes(session, [c.version_id for c in chosen])
    lines = []
    for entry in chosen:
        qtype, n_options = shapes[entry.version_id]
        lines.append((entry.version_id, drawing.option_order(n_options, QUESTION_TYPES[qtype].fixed_order, rng)))
    return DrawnPaper(tuple(lines))


#: Per database (tests open many in one process): version id -> (type, number of options).
_SHAPES: WeakKeyDictionary = WeakKeyDictionary()
#: Versions remembered per database before the memo starts afresh (a course has a few hundred).
MAX_SHAPES = 5000


def option_shapes(session: Session, version_ids: list[int]) -> dict[int, tuple[str, int]]:
    """What the option order needs of each approved version: its type and how many options it has.

    An approved version never changes (an edit makes a new one, models/content.py), so each is
    asked of the database once per worker; a class pressing Start together asks for the same
    twenty or so, and one query less is a few percent of a start.
    """
    known = _SHAPES.setdefault(session.get_bind(), {})
    missing = [v for v in version_ids if v not in known]
    if missing:
        if len(known) + len(missing) > MAX_SHAPES:
            known.clear()
        # The options are counted by the database: the texts need not travel.
        for row in session.execute(_OPTION_SHAPES, {"b_versions": missing}):
            known[row.id] = (row.type, row.n_options)
    return {v: known[v] for v in version_ids}


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
_VERSION_T = QuestionVersion.__table__
_OPTION_SHAPES = select(
    _VERSION_T.c.id, _VERSION_T.c.type, func.json_array_length(_VERSION_T.c.options).label("n_options")
).where(_VERSION_T.c.id.in_(bindparam("b_versions", expanding=True)))
