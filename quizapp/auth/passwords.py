"""Password hashing, generated first passwords and the strength rule."""

from __future__ import annotations

import secrets

from werkzeug.security import check_password_hash, generate_password_hash

from ..i18n import gettext as _

MIN_LENGTH = 8
#: No 0/O, 1/l/I: first passwords are printed on slips and typed on phones.
_SLIP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


def generate_password(length: int = 10) -> str:
    """A first password easy to type from a printed slip (≈ 49 bits for 10 characters)."""
    return "".join(secrets.choice(_SLIP_ALPHABET) for _ in range(length))


def weak_reason(password: str, username: str = "") -> str | None:
    """Why ``password`` is not acceptable as a chosen password, or None."""
    if len(password) < MIN_LENGTH:
        return _("The password must have at least %(n)d characters.", n=MIN_LENGTH)
    if username and password.casefold() == username.casefold():
        return _("The password must differ from the username.")
    if len(set(password)) < 4:
        return _("The password is too easy to guess.")
    return None
