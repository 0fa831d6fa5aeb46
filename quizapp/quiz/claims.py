"""Claiming an attempt for grading: the conditional UPDATE that makes grading happen once.

Only the request whose UPDATE moved the 'open' row goes on to grade, so double clicks,
concurrent submits and a submit racing the overdue sweep give one result. The UPDATE returns
what grading needs (:class:`finish.Claimed`), so a submit reads the attempt's row only once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..models import Attempt, AttemptMode, AttemptStatus
from .finish import Claimed

_ATTEMPT = Attempt.__table__
_RETURNED = (
    _ATTEMPT.c.id,
    _ATTEMPT.c.user_id,
    _ATTEMPT.c.topic_id,
    _ATTEMPT.c.number,
    _ATTEMPT.c.max_score,
    _ATTEMPT.c.pass_percent,
)
_NOW = bindparam("b_now", type_=_ATTEMPT.c.finished_at.type)


def online_and_in_time(attempt=_ATTEMPT) -> tuple:
    """WHERE clauses: the attempt is ``b_user``'s, open, online (not a paper) and in time (``b_cutoff``).

    The SQL form of ``rules.accepts_writes`` and the trainee's own checks, shared by a save's claim
    (``attempts.save_answer``) and a submit's (``claim_online``); ``b_cutoff`` is now - grace.
    """
    return (
        attempt.c.user_id == bindparam("b_user"),
        attempt.c.status == AttemptStatus.OPEN,
        attempt.c.mode != AttemptMode.PAPER,
        attempt.c.deadline_at >= bindparam("b_cutoff", type_=attempt.c.deadline_at.type),
    )


#: Built once: building a statement costs more than running it.
_CLAIM = (
    update(_ATTEMPT)
    .where(_ATTEMPT.c.id == bindparam("b_attempt"), _ATTEMPT.c.status == AttemptStatus.OPEN)
    .values(status=bindparam("b_status"), finished_at=_NOW)
    .returning(*_RETURNED)
)
#: The same, also guarded by what a trainee's own submit must meet (``attempts.submit``'s checks).
_CLAIM_ONLINE = _CLAIM.where(*online_and_in_time())


def claim(session: Session, attempt: Attempt, status: str, now: datetime) -> Claimed | None:
    """Move an open attempt to ``status``; None if another request got there first."""
    row = session.execute(_CLAIM, {"b_attempt": attempt.id, "b_status": status, "b_now": now}).one_or_none()
    if row is None:
        return None
    set_committed_value(attempt, "status", status)
    set_committed_value(attempt, "finished_at", now)
    return Claimed(*row)


def claim_online(session: Session, attempt_id: int, user_id: int, now: datetime, grace_seconds: int) -> Claimed | None:
    """Claim ``user_id``'s own open online attempt for a submit, if it is still in time.

    None when it is not theirs, not open, a printed paper or past deadline + grace: nothing
    changed, and the caller loads the attempt to say which (``attempts.submit``).
    """
    row = session.execute(
        _CLAIM_ONLINE,
        {
            "b_attempt": attempt_id,
            "b_status": AttemptStatus.SUBMITTED,
            "b_now": now,
            "b_user": user_id,
            "b_cutoff": now - timedelta(seconds=grace_seconds),
        },
    ).one_or_none()
    return None if row is None else Claimed(*row)
