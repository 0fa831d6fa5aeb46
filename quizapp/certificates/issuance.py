"""Issuing certificates: once per trainee who passed every topic, with an unguessable code."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..course import has_completed, progress_for
from ..models import Certificate, CertificateStatus, Course, User
from ..timezone import local_date

#: Crockford's base32 alphabet: no I, L, O or U, so codes read aloud without confusion.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS = 3
GROUP_LENGTH = 4  # 12 symbols x 5 bits = 60 bits of randomness
#: Fresh codes tried before giving up; a 60-bit collision is already a once-in-a-lifetime event.
CODE_TRIES = 3


def new_code() -> str:
    """A fresh code like ``7K3M-Q9XD-TH21`` from the operating system's random source."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(CODE_GROUPS * GROUP_LENGTH))
    return "-".join(symbols[i : i + GROUP_LENGTH] for i in range(0, len(symbols), GROUP_LENGTH))


def normalise_code(text: str) -> str:
    """Read a typed code leniently: case, spaces, dashes, and O/I/L typed for 0/1/1."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(cleaned) != CODE_GROUPS * GROUP_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return ""
    return "-".join(cleaned[i : i + GROUP_LENGTH] for i in range(0, len(cleaned), GROUP_LENGTH))


def local_day(moment: datetime) -> str:
    """The calendar day of ``moment`` in Thanh Hóa (dates on a certificate are local), as an ISO date."""
    return local_date(moment).isoformat()


def snapshot_for(session: Session, user: User, now: datetime) -> dict:
    """What the certificate states, frozen at issue time."""
    progress = progress_for(session, user.id)
    topics = []
    for p in progress:
        best = p.best
        topics.append(
            {
                "number": p.topic.number,
                "title": p.topic.title,
                "score": best.score if best else None,
                "max_score": best.max_score if best else None,
                "passed_on": local_day(min((a.finished_at for a in p.finished if a.passed), default=now)),
                "override": bool(best and best.is_override),  # recorded by hand (see quiz/overrides.py)
            }
        )
    started = min((a.started_at for p in progress for a in p.attempts), default=now)
    cohort = user.cohort
    course = session.get(Course, 1)
    return {
        "full_name": user.full_name,
        "ward": user.ward.full_name if user.ward else "",
        "ward_code": user.ward.code if user.ward else "",
        "cohort": user.cohort.name if user.cohort else "",
        "position": user.position or "",
        "course": course.title if course else "",
        "started_on": local_day(started),
        "completed_on": local_day(now),
        # The study period printed on the certificate: the class's dates when an admin set them.
        "studied_from": cohort.starts_on.isoformat() if cohort and cohort.starts_on else local_day(started),
        "studied_to": cohort.ends_on.isoformat() if cohort and cohort.ends_on else local_day(now),
        "topics": topics,
    }


def current_certificate(session: Session, user_id: int) -> Certificate | None:
    """The trainee's valid certificate, if any (at most one, by the partial unique index)."""
    return session.scalar(
        select(Certificate).where(Certificate.user_id == user_id, Certificate.status == CertificateStatus.VALID)
    )


def latest_certificate(session: Session, user_id: int) -> Certificate | None:
    """The trainee's most recent certificate whatever its status."""
    return session.scalar(select(Certificate).where(Certificate.user_id == user_id).order_by(Certificate.id.desc()))


def lock_trainee(session: Session, user_id: int) -> User | None:
    """Lock the trainee's row until the transaction ends (PostgreSQL; SQLite already holds the write lock).

    Two gradings that each pass a different last topic then run one after the other, so the second
    sees the first one's pass and issues the certificate instead of both seeing four topics.
    FOR NO KEY UPDATE, not FOR UPDATE: both gradings already hold the KEY SHARE lock that their
    foreign-key inserts (attempt results) take on the user row, and FOR UPDATE would conflict with
    it in both directions (a deadlock); NO KEY UPDATE only queues the two behind each other.
    """
    return session.scalar(select(User).where(User.id == user_id).with_for_update(key_share=True))  # FOR NO KEY UPDATE


def create_certificate(session: Session, user: User, now: datetime) -> Certificate:
    """Insert a new valid certificate for ``user`` with a fresh code and snapshot.

    Each try runs in a savepoint so a code collision does not spoil the caller's transaction.
    Raises IntegrityError if the trainee already holds a valid certificate (partial unique index).
    """
    snapshot = snapshot_for(session, user, now)
    for remaining in range(CODE_TRIES - 1, -1, -1):
        certificate = Certificate(
            code=new_code(), user_id=user.id, issued_at=now, status=CertificateStatus.VALID, snapshot=snapshot
        )
        try:
            with session.begin_nested():
                session.add(certificate)
        except IntegrityError:
            if remaining == 0 or current_certificate(session, user.id) is not None:
                raise
            continue
        return certificate
    raise AssertionError("unreachable")


def issue_if_eligible(session: Session, user_id: int, now: datetime) -> Certificate | None:
    """Issue the trainee's certificate if they passed every topic and hold none yet (idempotent).

    Runs inside the transaction that recorded the passing result. A revoked certificate is not
    silently replaced: reissuing after a revocation is an admin's decision.
    """
    user = lock_trainee(session, user_id)
    if user is None:
        return None
    existing = latest_certificate(session, user_id)
    if existing is not None:
        return existing if existing.status == CertificateStatus.VALID else None
    if not has_completed(session, user_id):
        return None
    try:
        return create_certificate(session, user, now)
    except IntegrityError:
        # Another transaction issued it first (only possible without the row lock): that one stands.
        return current_certificate(session, user_id)
