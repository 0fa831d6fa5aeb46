"""What finishing an attempt sets off, in order, inside the transaction that claimed it.

1. mark the answers and store the score (``marking``);
2. add the result to the report summaries (``reports.summary.record_graded_attempt``);
3. issue the certificate when this pass completes the course (``certificates.issuance``).

Callers (``attempts.submit``, ``attempts.close_if_overdue``, ``paper.entry``) have already
claimed the attempt with a conditional UPDATE (``attempts.claim``, which returns a
:class:`Claimed`), so this runs exactly once per attempt. On SQLite all of it runs under the
database's one write lock, so it reads and writes plain rows: loading the paper as ORM objects
cost more than everything else a submit does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..certificates.issuance import issue_if_eligible
from ..models import Attempt, AttemptItem
from ..reports.summary import GradedItem, record_graded_attempt
from .marking import is_right, score_of
from .rules import Score
from .version_facts import version_facts


@dataclass(frozen=True)
class Claimed:
    """An attempt just claimed for grading: what finishing it needs to know."""

    id: int
    user_id: int
    topic_id: int
    number: int
    max_score: int
    pass_percent: int


@dataclass(frozen=True)
class GradedAttempt:
    """A graded attempt, as the report summaries take it (``reports.summary.Graded``)."""

    user_id: int
    topic_id: int
    number: int
    score: int
    max_score: int
    passed: bool
    items: list[GradedItem]


_ITEM, _ATTEMPT = AttemptItem.__table__, Attempt.__table__
#: The statements of a grading, built once (building a statement costs more than running it).
_PAPER = (
    select(_ITEM.c.id, _ITEM.c.question_version_id, _ITEM.c.selected)
    .where(_ITEM.c.attempt_id == bindparam("b_attempt"))
    .order_by(_ITEM.c.position)
)
_MARK_ITEMS = (
    update(_ITEM)
    .where(_ITEM.c.attempt_id == bindparam("b_attempt"))
    .values(is_correct=_ITEM.c.id.in_(bindparam("b_right", expanding=True)))
)
_SCORE = (
    update(_ATTEMPT)
    .where(_ATTEMPT.c.id == bindparam("b_attempt"))
    .values(score=bindparam("b_score", type_=_ATTEMPT.c.score.type), passed=bindparam("b_passed"))
)


def finish_attempt(session: Session, claimed: Claimed, now: datetime) -> Score:
    """Mark a claimed attempt, record it in the report summaries and issue the certificate if due."""
    session.flush()  # answers changed through the ORM (a posted form, a paper entered) are read below
    rows = session.execute(_PAPER, {"b_attempt": claimed.id}).all()
    facts = version_facts(session, {row.question_version_id for row in rows})
    marks = []
    for row in rows:
        version = facts[row.question_version_id]
        marks.append(is_right(version.type, version.key, row.selected))
    score = score_of(marks, claimed.pass_percent)
    right = [row.id for row, mark in zip(rows, marks, strict=True) if mark]
    session.execute(_MARK_ITEMS, {"b_attempt": claimed.id, "b_right": right})
    session.execute(_SCORE, {"b_attempt": claimed.id, "b_score": score.correct, "b_passed": score.passed})
    _show_marks(session, claimed.id, dict(zip((row.id for row in rows), marks, strict=True)), score)
    graded = GradedAttempt(
        user_id=claimed.user_id,
        topic_id=claimed.topic_id,
        number=claimed.number,
        score=score.correct,
        max_score=claimed.max_score,
        passed=score.passed,
        items=[GradedItem(r.question_version_id, r.selected, m) for r, m in zip(rows, marks, strict=True)],
    )
    _record(session, graded, now)
    return score


def _show_marks(session: Session, attempt_id: int, marks: dict[int, bool], score: Score) -> None:
    """Give ORM objects of this attempt already loaded in the session the marks just written.

    As committed values, so they are neither stale after the commit nor written a second time.
    """
    attempt = session.identity_map.get(session.identity_key(Attempt, attempt_id))
    if attempt is not None:
        set_committed_value(attempt, "score", score.correct)
        set_committed_value(attempt, "passed", score.passed)
    for item_id, mark in marks.items():
        item = session.identity_map.get(session.identity_key(AttemptItem, item_id))
        if item is not None:
            set_committed_value(item, "is_correct", mark)


def record_result(session: Session, attempt: Attempt, now: datetime) -> None:
    """What follows a result recorded by hand (quiz/overrides.py): the same summaries and certificate."""
    session.flush()
    _record(session, attempt, now)


def _record(session: Session, graded, now: datetime) -> None:
    record_graded_attempt(session, graded)
    if graded.passed:
        issue_if_eligible(session, graded.user_id, now)
