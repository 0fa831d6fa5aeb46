"""The logged-in user, loaded once per request from one plain row: Flask-Login's user loader.

One statement reads the user, their ward and whether this session was logged out. A session
whose version is older than the user's was ended by a password change, a deactivation or "log
out everywhere" (auth/sessions.py); then there is no user.

The row is read through the connection and made into objects by ``detached.py`` (the ORM's
query would cost twice the statement, and this runs on every request of every page): the user
with every column loaded and their ``ward`` loaded (or None), nothing else (``cohort``: load it
by id), outside any session.
"""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..detached import columns, detached
from ..models import RevokedSession, User, Ward
from .sessions import parse_login_id

_USER, _WARD = columns(User), columns(Ward)
#: Where the row holds what decides whether the session stands, and whether there is a ward.
_VERSION, _ACTIVE = ([key for key, _ in _USER].index(key) for key in ("session_version", "active"))
_WARD_ID = len(_USER) + [key for key, _ in _WARD].index("id")


@cache
def statement() -> sa.Select:
    """The user's columns, their ward's, and the session id if it was revoked; built once."""
    return (
        select(*(column for _, column in _USER), *(column for _, column in _WARD), RevokedSession.sid)
        .select_from(User)
        .outerjoin(Ward, Ward.id == User.ward_id)
        .outerjoin(RevokedSession, RevokedSession.sid == bindparam("sid"))
        .where(User.id == bindparam("user_id"))
    )


def load(session: Session, login_id: str, sid: str) -> User | None:
    """The user of the session cookie's login id and session id, if the session still stands."""
    parsed = parse_login_id(login_id)
    if parsed is None or not sid:
        return None
    row = session.connection().execute(statement(), {"user_id": parsed[0], "sid": sid}).first()
    if row is None:
        return None
    if row[-1] is not None or row[_VERSION] != parsed[1] or not row[_ACTIVE]:
        return None  # logged out (the session id is revoked), ended everywhere, or deactivated
    n = len(_USER)
    ward = detached(Ward, _WARD, row[n:-1]) if row[_WARD_ID] is not None else None
    return detached(User, _USER, row[:n], ward=ward)
