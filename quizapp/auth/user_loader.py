"""The logged-in user, loaded once per request from one plain row: Flask-Login's user loader.

One statement reads the user, their ward and whether this session was logged out. A session
whose version is older than the user's was ended by a password change, a deactivation or "log
out everywhere" (auth/sessions.py); then there is no user.

The row is read through the connection and made into objects here, not by an ORM query: the
ORM builds its row-loading machinery anew for every query it runs, which cost twice the
statement itself (~0.16 against ~0.08 ms; bench/README.md, seventh round), and this runs on
every request of every page. The objects are what the ORM would hand back after loading and
detaching them: every column loaded, the user's ``ward`` loaded (or None), nothing else
(``cohort``: load it by id), and outside any session, so a write transaction's commit does not
expire them and load them again (db.py). ``make_transient_to_detached`` is SQLAlchemy's own way
to that state.
"""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_dict

from ..models import RevokedSession, User, Ward
from .sessions import parse_login_id


def _columns(entity) -> tuple[tuple[str, sa.Column], ...]:
    """Each column attribute of a mapped class: its key and its column."""
    return tuple((attr.key, attr.columns[0]) for attr in sa.inspect(entity).column_attrs)


_USER, _WARD = _columns(User), _columns(Ward)
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


def _detached(entity, columns, values, **related):
    """An instance of ``entity`` as loaded with these column values (and ``related`` objects), detached.

    The values go into the instance's dict, as the ORM's own loading puts them there (no events,
    no history); ``make_transient_to_detached`` then marks them all as loaded from the database.
    """
    instance = entity()
    loaded = instance_dict(instance)
    loaded.update(zip((key for key, _ in columns), values, strict=True))
    loaded.update(related)
    make_transient_to_detached(instance)
    return instance


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
    ward = _detached(Ward, _WARD, row[n:-1]) if row[_WARD_ID] is not None else None
    return _detached(User, _USER, row[:n], ward=ward)
