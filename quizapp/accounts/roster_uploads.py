"""Binding an upload's preview to its commit: the file stays on the server, the form carries a signed ticket.

Used by the roster import and the question-file import (each signs with its own ``purpose``, so
a ticket of one is never accepted by the other).

The ticket names the upload, the SHA-256 of its bytes and the digest of the plan the admin saw,
signed with the app's secret key. A commit is refused when the ticket is forged, belongs to
another admin, is older than :data:`LIFETIME`, was already used (marked in the import's own
transaction, so two clicks cannot both win), or when the file or the plan no longer match.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..i18n import gettext as _
from ..models import RosterUpload

LIFETIME = timedelta(hours=2)
_SALT = "roster-commit"


class UploadRefused(ValueError):
    """A commit that must not go ahead; the message says why."""


def prune(session: Session, now: datetime) -> int:
    """Forget uploads past their lifetime (their personal data with them)."""
    return session.execute(delete(RosterUpload).where(RosterUpload.created_at < now - LIFETIME)).rowcount


def stash(session: Session, data: bytes, filename: str, actor_id: int, now: datetime) -> RosterUpload:
    """Keep ``data`` for a later commit (and forget old unused uploads)."""
    prune(session, now)
    upload = RosterUpload(
        token=secrets.token_urlsafe(24),
        actor_id=actor_id,
        filename=filename[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        created_at=now,
    )
    session.add(upload)
    session.flush()
    return upload


def ticket(upload: RosterUpload, plan_digest: str, secret: str, purpose: str = _SALT) -> str:
    """The signed value the commit form carries."""
    return URLSafeSerializer(secret, salt=purpose).dumps([upload.token, upload.sha256, plan_digest])


def claim(
    session: Session, signed: str, actor_id: int, secret: str, now: datetime, purpose: str = _SALT
) -> tuple[bytes, str, str]:
    """Check the ticket and mark its upload used in the caller's transaction.

    Returns the file's bytes, its name and the digest of the plan the admin previewed.
    """
    try:
        token, sha256, plan_digest = URLSafeSerializer(secret, salt=purpose).loads(signed)
    except (BadSignature, ValueError, TypeError) as exc:
        raise UploadRefused(_("The import form was altered; upload the file again.")) from exc
    upload = session.scalar(select(RosterUpload).where(RosterUpload.token == token))
    if upload is None or upload.actor_id != actor_id or upload.created_at < now - LIFETIME:
        raise UploadRefused(_("This preview has expired; upload the file again."))
    if upload.used_at is not None:
        raise UploadRefused(_("This file has already been imported; nothing was imported again."))
    if upload.data is None or hashlib.sha256(upload.data).hexdigest() != sha256 or upload.sha256 != sha256:
        raise UploadRefused(_("The file differs from the one previewed; upload it again."))
    data, filename = upload.data, upload.filename
    used = session.execute(
        update(RosterUpload)
        .where(RosterUpload.id == upload.id, RosterUpload.used_at.is_(None))
        .values(used_at=now, data=None)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:  # another request committed it between our read and this write
        raise UploadRefused(_("This file has already been imported; nothing was imported again."))
    return data, filename, plan_digest
