"""Short-lived administration data: roster files between preview and commit, login slips."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class RosterUpload(Base):
    """An uploaded roster or question file kept server-side so the commit imports exactly the previewed bytes."""

    __tablename__ = "roster_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random, unguessable; names the upload in the signed commit form.
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: The admin who uploaded it; nobody else may commit it.
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    filename: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    #: The file itself; emptied once committed (the row stays to refuse a replay).
    data: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: Set, in the import's own transaction, by the one commit that used it.
    used_at: Mapped[datetime | None]


class SlipBatch(Base):
    """Login slips with one-time passwords, encrypted with a key kept only in the maker's session."""

    __tablename__ = "slip_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    #: What the slips are for ("roster import", "password reset", "class Lớp 1"), for the page title.
    label: Mapped[str] = mapped_column(sa.String(200))
    count: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: After this the batch is unreadable and deleted at the next look.
    expires_at: Mapped[datetime] = mapped_column(index=True)
    #: Fernet token of the slips as JSON (names, usernames, passwords).
    ciphertext: Mapped[bytes] = mapped_column(sa.LargeBinary)
