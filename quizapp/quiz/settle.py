"""Lazy closing: any page that shows a trainee's attempts first finishes the overdue ones."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from ..db import db, write_transaction
from ..models import Attempt, utcnow
from . import attempts as service


def settle_overdue(user_id: int) -> int:
    """Close this user's attempts past deadline + grace with their saved answers; return how many."""
    now = utcnow()
    grace = int(current_app.config["QUIZ_GRACE_SECONDS"])
    ids = service.overdue_ids(db.session, now, grace, user_id)  # a cheap read on most visits
    if not ids:
        return 0
    with write_transaction() as session:
        attempts = session.scalars(select(Attempt).where(Attempt.id.in_(ids))).all()
        return sum(service.close_if_overdue(session, attempt, now, grace) for attempt in attempts)
