"""Completion certificates: issued once per trainee, verifiable by code."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import User
from .base import Base, utcnow


class CertificateStatus(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    #: Replaced by a reissued certificate (``superseded_by``).
    SUPERSEDED = "superseded"


class Certificate(Base):
    """A completion certificate with its public verification code."""

    __tablename__ = "certificate"
    __table_args__ = (
        # Exactly one valid certificate per trainee, whatever the race.
        sa.Index(
            "uq_certificate_one_valid",
            "user_id",
            unique=True,
            sqlite_where=sa.text("status = 'valid'"),
            postgresql_where=sa.text("status = 'valid'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Grouped Crockford base32, e.g. "TH21-7K3M-Q9XD"; printed and encoded in the QR code.
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(sa.String(20), default=CertificateStatus.VALID)
    revoked_at: Mapped[datetime | None]
    revoke_reason: Mapped[str | None] = mapped_column(sa.Text)
    superseded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificate.id"))
    #: What the certificate states, frozen at issue: name, ward, cohort, topic scores, dates.
    snapshot: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    user: Mapped[User] = relationship()
    superseded_by: Mapped[Certificate | None] = relationship(remote_side=[id])


class CertificateLookup(Base):
    """How often a certificate was verified on one day (counted here, never in the audit log)."""

    __tablename__ = "certificate_lookup"

    certificate_id: Mapped[int] = mapped_column(sa.ForeignKey("certificate.id", ondelete="CASCADE"), primary_key=True)
    #: The UTC day; rows older than VERIFY_KEEP_DAYS are pruned by `attempts close-expired`.
    day: Mapped[date] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    last_at: Mapped[datetime] = mapped_column(default=utcnow)
