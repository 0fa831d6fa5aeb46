"""Issuing certificates: once per trainee who passed every topic, with an unguessable code."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Certificate, CertificateStatus, User
from ..quiz.progress import progress_for

#: Crockford's base32 alphabet: no I, L, O or U, so codes read aloud without confusion.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS = 3
GROUP_LENGTH = 4  # 12 symbols x 5 bits = 60 bits of randomness


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


def snapshot_for(session: Session, user: User, now: datetime) -> dict:
    """What the certificate states, frozen at issue time."""
    progress = progress_for(session, user.id)
    topics = []
    for p in progress:
        best = p.best
        topics.append({
            "number": p.topic.number,
            "title": p.topic.title,
            "score": best.score if best else None,
            "max_score": best.max_score if best else None,
            "passed_on": min((a.finished_at for a in p.finished if a.passed), default=now).isoformat(),
        })
    started = min((a.started_at for p in progress for a in p.attempts), default=now)
    return {
        "full_name": user.full_name,
        "ward": user.ward.full_name if user.ward else "",
        "ward_code": user.ward.code if user.ward else "",
        "cohort": user.cohort.name if user.cohort else "",
        "position": user.position or "",
        "started_on": started.date().isoformat(),
        "completed_on": now.date().isoformat(),
        "topics": topics,
    }


def current_certificate(session: Session, user_id: int) -> Certificate | None:
    return session.scalar(
        select(Certificate).where(Certificate.user_id == user_id, Certificate.status == CertificateStatus.VALID)
    )


def issue_if_eligible(session: Session, user_id: int, now: datetime) -> Certificate | None:
    """Issue the trainee's certificate if they passed every topic and hold none yet (idempotent).

    Runs inside the transaction that recorded the passing result. A revoked certificate is not
    silently replaced: reissuing after a revocation is an admin's decision.
    """
    existing = session.scalar(
        select(Certificate).where(Certificate.user_id == user_id).order_by(Certificate.id.desc())
    )
    if existing is not None:
        return existing if existing.status == CertificateStatus.VALID else None
    from ..quiz.progress import has_completed

    if not has_completed(session, user_id):
        return None
    user = session.get(User, user_id)
    certificate = Certificate(code=new_code(), user_id=user_id, issued_at=now,
                              snapshot=snapshot_for(session, user, now))
    session.add(certificate)
    session.flush()
    return certificate
