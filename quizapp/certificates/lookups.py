"""How often each certificate is verified: a count per certificate and day, kept out of the audit log.

Anyone may look a certificate up, as often as they like (within the per-address throttle), so
lookups are not administrative changes: logging each one buried the admins' real history. The
certificate's admin page shows the counts; `attempts close-expired` forgets days older than
VERIFY_KEEP_DAYS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import AuditLog, CertificateLookup


@dataclass(frozen=True)
class LookupStats:
    """A certificate's verifications still on record (the last VERIFY_KEEP_DAYS days)."""

    count: int
    last_at: datetime | None


def count_lookup(session: Session, certificate_id: int, now: datetime) -> None:
    """Add one verification to today's count (in the caller's write transaction)."""
    bump = (
        update(CertificateLookup)
        .where(CertificateLookup.certificate_id == certificate_id, CertificateLookup.day == now.date())
        .values(count=CertificateLookup.count + 1, last_at=now)
    )
    if session.execute(bump).rowcount:
        return
    try:
        with session.begin_nested():  # PostgreSQL: another lookup may insert today's row first
            session.add(CertificateLookup(certificate_id=certificate_id, day=now.date(), count=1, last_at=now))
    except IntegrityError:
        session.execute(bump)


def lookup_stats(session: Session, certificate_id: int) -> LookupStats:
    """How many verifications are on record for the certificate, and the last one."""
    count, last_at = session.execute(
        select(func.coalesce(func.sum(CertificateLookup.count), 0), func.max(CertificateLookup.last_at)).where(
            CertificateLookup.certificate_id == certificate_id
        )
    ).one()
    return LookupStats(int(count), last_at)


def prune(session: Session, now: datetime, keep_days: int) -> int:
    """Forget the counts of days older than ``keep_days`` (and audit rows of lookups from before this table)."""
    cutoff = now - timedelta(days=keep_days)
    gone = session.execute(delete(CertificateLookup).where(CertificateLookup.day < cutoff.date())).rowcount
    session.execute(delete(AuditLog).where(AuditLog.action == "certificate.verify", AuditLog.at < cutoff))
    return gone
