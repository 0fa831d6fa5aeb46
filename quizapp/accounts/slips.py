"""Login slips: the one-time passwords of new or reset accounts, kept for a short time for printing.

A password is never stored readable. A batch of slips is encrypted (Fernet: AES with an HMAC)
under a fresh key that is handed to the caller and kept only in the maker's session cookie; the
database holds the ciphertext, refuses anyone but the maker, and deletes the batch once
:data:`LIFETIME` has passed. The audit log names who made and who printed slips for whom.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..audit import record
from ..models import SlipBatch, User

LIFETIME = timedelta(minutes=15)


@dataclass
class Slip:
    """What one slip says."""

    full_name: str
    ward: str
    cohort: str
    username: str
    password: str


def slip_for(user: User, password: str) -> Slip:
    return Slip(
        full_name=user.full_name,
        ward=user.ward.full_name if user.ward else "",
        cohort=user.cohort.name if user.cohort else "",
        username=user.username,
        password=password,
    )


def prune(session: Session, now: datetime) -> int:
    """Delete every batch past its lifetime."""
    return session.execute(delete(SlipBatch).where(SlipBatch.expires_at <= now)).rowcount


def keep(session: Session, slips: list[Slip], actor_id: int, label: str, now: datetime) -> tuple[str, str]:
    """Store ``slips`` encrypted for their maker; return (token, key). The key is not stored."""
    prune(session, now)
    key = Fernet.generate_key()
    token = secrets.token_urlsafe(24)
    payload = json.dumps([asdict(s) for s in slips], ensure_ascii=False).encode()
    session.add(
        SlipBatch(
            token=token,
            actor_id=actor_id,
            label=label[:200],
            count=len(slips),
            created_at=now,
            expires_at=now + LIFETIME,
            ciphertext=Fernet(key).encrypt(payload),
        )
    )
    record(
        session,
        "slips.create",
        actor_id=actor_id,
        target_type="users",
        detail={"label": label, "usernames": [s.username for s in slips]},
    )
    return token, key.decode()


def find(session: Session, token: str, actor_id: int, now: datetime) -> SlipBatch | None:
    """The maker's unexpired batch ``token``, or None (someone else's, expired, or never made)."""
    batch = session.scalar(select(SlipBatch).where(SlipBatch.token == token))
    if batch is None or batch.actor_id != actor_id or batch.expires_at <= now:
        return None
    return batch


def read(batch: SlipBatch, key: str | None) -> list[Slip] | None:
    """The slips of ``batch`` decrypted with ``key``, or None when the key does not open it."""
    if not key:
        return None
    try:
        payload = Fernet(key.encode()).decrypt(batch.ciphertext)
    except (InvalidToken, ValueError):
        return None
    return [Slip(**item) for item in json.loads(payload)]


def record_print(session: Session, batch: SlipBatch, slips: list[Slip], actor_id: int, fmt: str) -> None:
    """Audit a download of the slips: who, for whom, in which format (never the passwords)."""
    record(
        session,
        "slips.print",
        actor_id=actor_id,
        target_type="users",
        detail={"label": batch.label, "format": fmt, "usernames": [s.username for s in slips]},
    )
