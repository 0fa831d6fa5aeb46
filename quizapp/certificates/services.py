"""Admin operations on certificates: revoke, reissue, re-check, and the register query.

Plain functions over a session; the caller owns the transaction (``write_transaction``). Every
change writes its audit entry in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload

from .. import audit
from ..accounts.access import can_see_trainee
from ..course import active_topic_ids, completed_clause, has_completed
from ..i18n import lazy_gettext as _l
from ..models import Attempt, Certificate, CertificateStatus, User, Ward
from .issuance import create_certificate, issue_if_eligible, latest_certificate, lock_trainee, normalise_code


class CertificateError(Exception):
    """An admin action the rules refuse; ``message`` is shown to the admin."""

    def __init__(self, message):
        # Kept lazy: it is rendered in the request's language, and CLI callers may have none.
        super().__init__(message)
        self.message = message


def find_by_code(session: Session, text: str) -> Certificate | None:
    """The certificate whose code ``text`` spells (leniently), or None."""
    code = normalise_code(text)
    return session.scalar(select(Certificate).where(Certificate.code == code)) if code else None


def current_of(certificate: Certificate) -> Certificate:
    """Follow the chain of reissues to the certificate that replaced this one last."""
    seen = {certificate.id}
    while certificate.superseded_by is not None and certificate.superseded_by.id not in seen:
        certificate = certificate.superseded_by
        seen.add(certificate.id)
    return certificate


def revoke(session: Session, certificate: Certificate, *, actor_id: int, reason: str, now: datetime) -> Certificate:
    """Revoke a valid certificate for ``reason``; its code then reads "revoked" with the date."""
    reason = reason.strip()
    if not reason:
        raise CertificateError(_l("Give the reason for revoking."))
    if certificate.status != CertificateStatus.VALID:
        raise CertificateError(_l("Only a valid certificate can be revoked."))
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = now
    certificate.revoke_reason = reason
    audit.record(
        session,
        "certificate.revoke",
        actor_id=actor_id,
        target_type="certificate",
        target_id=certificate.code,
        reason=reason,
        detail={"user_id": certificate.user_id},
    )
    session.flush()
    return certificate


def reissue(session: Session, certificate: Certificate, *, actor_id: int, reason: str, now: datetime) -> Certificate:
    """Issue a new certificate in place of the trainee's latest one (valid or revoked).

    The new one states the trainee's current name, ward and scores. A valid old one becomes
    "superseded" and points at the new; a revoked one stays revoked. The trainee must still have
    passed every topic: reissue is no way around the completion rule.
    """
    reason = reason.strip()
    if not reason:
        raise CertificateError(_l("Give the reason for reissuing."))
    user = lock_trainee(session, certificate.user_id)
    if latest_certificate(session, certificate.user_id).id != certificate.id:
        raise CertificateError(_l("This certificate has already been replaced; reissue the current one."))
    if not has_completed(session, certificate.user_id):
        raise CertificateError(_l("The trainee has not passed every topic, so no certificate can be issued."))
    if certificate.status == CertificateStatus.VALID:
        certificate.status = CertificateStatus.SUPERSEDED
        session.flush()  # free the "one valid certificate" slot before the new one takes it
    new = create_certificate(session, user, now)
    certificate.superseded_by_id = new.id
    audit.record(
        session,
        "certificate.reissue",
        actor_id=actor_id,
        target_type="certificate",
        target_id=certificate.code,
        reason=reason,
        detail={"user_id": certificate.user_id, "new_code": new.code, "old_status": certificate.status},
    )
    session.flush()
    return new


def recheck(session: Session, *, actor_id: int | None, now: datetime) -> list[Certificate]:
    """Issue the certificates that are due but missing (e.g. after a topic was deactivated).

    Only trainees with a passed attempt in every active topic and no certificate at all are
    considered; each goes through :func:`issue_if_eligible`, the same rule as grading.
    """
    n_active = session.scalar(select(func.count()).select_from(active_topic_ids().subquery()))
    if not n_active:
        return []
    candidates = session.scalars(
        select(Attempt.user_id)
        .where(Attempt.passed.is_(True), Attempt.topic_id.in_(active_topic_ids()))
        .where(~Attempt.user_id.in_(select(Certificate.user_id)))
        .group_by(Attempt.user_id)
        .having(completed_clause(func.count(func.distinct(Attempt.topic_id)), n_active))
    ).all()
    issued = [c for c in (issue_if_eligible(session, uid, now) for uid in candidates) if c is not None]
    if issued:
        audit.record(
            session,
            "certificate.recheck",
            actor_id=actor_id,
            target_type="certificate",
            detail={"issued": [c.code for c in issued]},
        )
    return issued


@dataclass(frozen=True)
class RegisterFilter:
    """What the register (sổ cấp chứng nhận) shows: by ward code, class id and status."""

    ward: str = ""
    cohort_id: int | None = None
    status: str = ""


def register_query(f: RegisterFilter) -> Select:
    """Certificates matching ``f`` in ward order, then by name, with their trainees loaded."""
    query = (
        select(Certificate)
        .join(User, User.id == Certificate.user_id)
        .outerjoin(Ward, Ward.id == User.ward_id)
        .options(
            joinedload(Certificate.user).joinedload(User.ward), joinedload(Certificate.user).joinedload(User.cohort)
        )
        .order_by(Ward.position, User.full_name, Certificate.id)
    )
    if f.ward:
        query = query.where(Ward.code == f.ward)
    if f.cohort_id:
        query = query.where(User.cohort_id == f.cohort_id)
    if f.status in set(CertificateStatus):
        query = query.where(Certificate.status == f.status)
    return query


def ward_certificates(session: Session, ward_code: str) -> list[Certificate]:
    """The valid certificates of a ward's trainees, in name order: what the ward prints."""
    return list(session.scalars(register_query(RegisterFilter(ward=ward_code, status=CertificateStatus.VALID))))


def may_download(user: User, certificate: Certificate) -> bool:
    """Whoever may see the trainee's results may have the PDF (``accounts.access``)."""
    return can_see_trainee(user, certificate.user)
