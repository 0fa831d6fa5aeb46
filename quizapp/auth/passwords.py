"""Password hashing, generated first passwords and the strength rule."""

from __future__ import annotations

import functools
import secrets

from werkzeug.security import check_password_hash, generate_password_hash

from ..i18n import gettext as _

MIN_LENGTH = 8
#: No 0/O, 1/l/I: first passwords are printed on slips and typed on phones.
_SLIP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


#: Work factor for generated one-time passwords. They are random (≈ 49 bits, see
#: generate_password) and die at the first login, so a lighter scrypt still leaves them far out of
#: brute-force reach, while a roster of 500 hashes in ~4 s instead of ~40 s (one request).
ONE_TIME_METHOD = "scrypt:4096:8:1"


def hash_password(password: str, one_time: bool = False) -> str:
    """A salted scrypt hash; ``one_time`` for generated passwords that must be changed at first login."""
    return generate_password_hash(password, method=ONE_TIME_METHOD) if one_time else generate_password_hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    ok = check_password_hash(password_hash, password)
    if password_hash.startswith(ONE_TIME_METHOD + "$"):
        # Take as long as a full-cost check, so a login's timing does not tell which accounts
        # exist or still hold an unused one-time password.
        check_password_hash(_full_cost_hash(), password)
    return ok


@functools.cache
def _full_cost_hash() -> str:
    return generate_password_hash(secrets.token_hex(8))


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
