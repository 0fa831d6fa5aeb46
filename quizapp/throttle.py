"""Rate limits kept in the database, so every app server and worker counts the same events."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
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


def hit(session: Session, key: str, now: datetime) -> ThrottleEvent:
    """Count one event (inside the caller's write transaction)."""
    event = ThrottleEvent(key=key, at=now)
    session.add(event)
    return event


@dataclass(frozen=True)
class Recent:
    """A key's events in the window: how many, the first and the last."""

    count: int = 0
    first: datetime | None = None
    last: datetime | None = None


def recent(session: Session, keys: list[str], window_seconds: int, now: datetime) -> dict[str, Recent]:
    """Each of ``keys``' events in the last ``window_seconds`` (one query; absent keys have none)."""
    if not keys:
        return {}
    since = now - timedelta(seconds=window_seconds)
    query = (
        select(ThrottleEvent.key, func.count(), func.min(ThrottleEvent.at), func.max(ThrottleEvent.at))
        .where(ThrottleEvent.key.in_(keys), ThrottleEvent.at > since)
        .group_by(ThrottleEvent.key)
    )
    found = {key: Recent(n, first, last) for key, n, first, last in session.execute(query)}
    return {key: found.get(key, Recent()) for key in keys}


def lock(session: Session, key: str) -> None:
    """Serialise the writers that count ``key`` until the transaction ends.

    SQLite needs nothing: every write transaction takes the database lock up front (db.py). On
    PostgreSQL two transactions could count the same events and both go ahead, so they queue on
    an advisory lock named by the key's hash.
    """
    if session.get_bind().dialect.name == "postgresql":
        digest = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)
        session.execute(select(func.pg_advisory_xact_lock(digest)))


def forget(session: Session, ids: list[int]) -> None:
    """Delete the events ``ids`` (tries reserved before a check that then succeeded)."""
    if ids:
        session.execute(delete(ThrottleEvent).where(ThrottleEvent.id.in_(ids)))


def clear(session: Session, key: str) -> None:
    session.execute(delete(ThrottleEvent).where(ThrottleEvent.key == key))


def prune(session: Session, older_than_seconds: int, now: datetime) -> int:
    """Forget events older than any window (called by the cron command)."""
    cutoff = now - timedelta(seconds=older_than_seconds)
    return session.execute(delete(ThrottleEvent).where(ThrottleEvent.at < cutoff)).rowcount
