"""Rate limits kept in the database, so every app server and worker counts the same events."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .models import ThrottleEvent


def count_recent(session: Session, key: str, window_seconds: int, now: datetime) -> int:
    """How many ``key`` events happened in the last ``window_seconds``."""
    since = now - timedelta(seconds=window_seconds)
    return session.scalar(
        select(func.count()).select_from(ThrottleEvent).where(ThrottleEvent.key == key, ThrottleEvent.at > since)
    )


def is_limited(session: Session, key: str, limit: int, window_seconds: int, now: datetime) -> bool:
    return count_recent(session, key, window_seconds, now) >= limit


def keys_over(session: Session, keys: list[str], limit: int, window_seconds: int, now: datetime) -> set[str]:
    """Which of ``keys`` have reached ``limit`` events in the window (one query for a whole page)."""
    if not keys:
        return set()
    since = now - timedelta(seconds=window_seconds)
    query = (
        select(ThrottleEvent.key)
        .where(ThrottleEvent.key.in_(keys), ThrottleEvent.at > since)
        .group_by(ThrottleEvent.key)
        .having(func.count() >= limit)
    )
    return set(session.scalars(query))


def hit(session: Session, key: str, now: datetime) -> None:
    """Count one event (inside the caller's write transaction)."""
    session.add(ThrottleEvent(key=key, at=now))


def clear(session: Session, key: str) -> None:
    session.execute(delete(ThrottleEvent).where(ThrottleEvent.key == key))


def prune(session: Session, older_than_seconds: int, now: datetime) -> int:
    """Forget events older than any window (called by the cron command)."""
    cutoff = now - timedelta(seconds=older_than_seconds)
    return session.execute(delete(ThrottleEvent).where(ThrottleEvent.at < cutoff)).rowcount


def account_key(username: str) -> str:
    """The login throttle's key for failures against one account."""
    return f"login:user:{username.strip().lower()}"
