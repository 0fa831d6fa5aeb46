"""Score overrides: a topic result an admin records by hand (e.g. a paper test), with a reason.

The result is an ``Attempt`` like any other (mode "override", submitted, no items), finished
through the same path as a graded quiz (``finish.record_result``), so the reports, the 34 × 5
matrix and certificate issuance count it without a special case. Pass or fail follows the
topic's pass mark by the one scoring rule (``rules.Score``). It counts as one of the trainee's
attempts at the topic. Item analysis never sees it: it has no items.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..audit import record
from ..i18n import lazy_gettext as _l
from ..models import Attempt, AttemptMode, AttemptStatus, AuditLog, Role, Topic, User
from .finish import record_result
from .rules import Score

#: Who sits the quizzes, so who may have a result recorded.
TAKERS = (Role.TRAINEE, Role.WARD_MANAGER)
#: The largest paper an override may be out of (a quiz draws at most 200 questions).
MAX_POINTS = 200
ACTION = "attempt.override"


class OverrideError(ValueError):
    """An override refused as a whole; ``errors`` maps a field name to what is wrong."""

    def __init__(self, errors: dict[str, Any]):
        super().__init__("; ".join(str(m) for m in errors.values()))
        self.errors = errors


def validate(score: int | None, max_score: int | None, reason: str | None) -> dict[str, Any]:
    """Every problem with the values, by field name (empty when they may be saved)."""
    errors: dict[str, Any] = {}
    if max_score is None or not 1 <= max_score <= MAX_POINTS:
        errors["max_score"] = _l("The score must be out of 1 to %(n)d.", n=MAX_POINTS)
    elif score is None or not 0 <= score <= max_score:
        errors["score"] = _l("The score must be between 0 and %(n)d.", n=max_score)
    if not (reason or "").strip():
        errors["reason"] = _l("Give the reason for recording this result by hand.")
    return errors


def record_override(
    session: Session,
    user: User,
    topic: Topic,
    score: int | None,
    max_score: int | None,
    reason: str | None,
    actor_id: int | None,
    now: datetime,
) -> Attempt:
    """Record ``score``/``max_score`` as the trainee's next attempt at ``topic``; OverrideError if invalid."""
    errors = validate(score, max_score, reason)
    if errors:
        raise OverrideError(errors)
    last = session.scalar(
        select(func.coalesce(func.max(Attempt.number), 0)).where(
            Attempt.user_id == user.id, Attempt.topic_id == topic.id
        )
    )
    attempt = Attempt(
        user_id=user.id,
        topic_id=topic.id,
        number=last + 1,
        mode=AttemptMode.OVERRIDE,
        status=AttemptStatus.SUBMITTED,
        started_at=now,
        deadline_at=now,
        finished_at=now,
        score=score,
        max_score=max_score,
        pass_percent=topic.pass_percent,
        passed=Score(correct=score, total=max_score, pass_percent=topic.pass_percent).passed,
    )
    session.add(attempt)
    session.flush()
    record(
        session,
        ACTION,
        actor_id=actor_id,
        target_type="user",
        target_id=user.id,
        reason=reason.strip(),
        detail={
            "attempt_id": attempt.id,
            "topic": topic.number,
            "score": score,
            "max_score": max_score,
            "passed": attempt.passed,
        },
    )
    record_result(session, attempt, now)
    return attempt


def overridden_pairs(session: Session, user_ids: list[int]) -> set[tuple[int, int]]:
    """(user_id, topic_id) pairs holding a result recorded by hand, among ``user_ids`` (one query)."""
    if not user_ids:
        return set()
    rows = session.execute(
        select(Attempt.user_id, Attempt.topic_id)
        .where(Attempt.user_id.in_(user_ids), Attempt.mode == AttemptMode.OVERRIDE)
        .distinct()
    )
    return {(u, t) for u, t in rows}


def override_notes(session: Session, user_id: int) -> dict[int, AuditLog]:
    """The audit entry (who, when, why) of each override of a trainee, by attempt id."""
    entries = session.scalars(
        select(AuditLog)
        .where(AuditLog.action == ACTION, AuditLog.target_type == "user", AuditLog.target_id == str(user_id))
        .order_by(AuditLog.id)
    )
    return {e.detail["attempt_id"]: e for e in entries if e.detail and "attempt_id" in e.detail}
