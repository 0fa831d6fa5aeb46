"""What finishing an attempt sets off, in order, inside the transaction that claimed it.

1. mark the answers and store the score (``marking.mark``);
2. add the result to the report summaries (``reports.summary.record_graded_attempt``);
3. issue the certificate when this pass completes the course (``certificates.issuance``).

Callers (``attempts.submit``, ``attempts.close_if_overdue``) have already claimed the attempt
with a conditional UPDATE, so this runs exactly once per attempt.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..certificates.issuance import issue_if_eligible
from ..models import Attempt
from ..reports.summary import record_graded_attempt
from .marking import mark
from .rules import Score


def finish_attempt(session: Session, attempt: Attempt, now: datetime) -> Score:
    """Mark a claimed attempt, record it in the report summaries and issue the certificate if due."""
    score = mark(attempt)
    record_result(session, attempt, now)
    return score


def record_result(session: Session, attempt: Attempt, now: datetime) -> None:
    """What follows every result, marked or recorded by hand (quiz/overrides.py): summaries, then certificate."""
    session.flush()
    record_graded_attempt(session, attempt)
    if attempt.passed:
        issue_if_eligible(session, attempt.user_id, now)
