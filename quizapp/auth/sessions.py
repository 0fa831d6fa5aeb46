"""Revocable sessions on top of signed cookies.

A session cookie carries two things the server can take back:

* the login id ``"<user id>.<session version>"`` (``User.get_id``). Raising the user's
  ``session_version`` (:func:`end_all`) makes every cookie issued before it fail: a password
  change or reset, a deactivation and "log out everywhere" do this;
* a random session id (``sid``). Logging out stores it in ``revoked_session`` until the cookie
  would have expired anyway, so a copy of the cookie taken before the logout fails too, while the
  user's other devices stay logged in.

The user loader checks both in the one query that loads the user (extensions.py).

The cookie's 12-hour lifetime slides with use, but :class:`SlidingCookieSessions` re-signs an
unchanged cookie only once every ``SESSION_REFRESH_SECONDS`` rather than on every response (as
Flask does by default): signing and sending it back cost a busy quiz's autosave about 5 % of its
time, for an expiry that moves by minutes.
"""

from __future__ import annotations

import secrets
import time
from datetime import datetime, timedelta

from flask import Flask
from flask import session as cookie_session
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from sqlalchemy import delete
from sqlalchemy.orm import Session

from ..audit import record
from ..models import RevokedSession, User

#: The cookie key holding the session id.
SID_KEY = "_sid"
#: The cookie key holding when it was last signed (Unix seconds).
SIGNED_KEY = "_signed"


def parse_login_id(login_id: str) -> tuple[int, int] | None:
    """``"12.3"`` -> (12, 3); None for anything else (cookies from before versions, tampering)."""
    user_id, dot, version = login_id.partition(".")
    if not dot or not user_id.isascii() or not user_id.isdigit() or not version.isascii() or not version.isdigit():
        return None
    return int(user_id), int(version)


def start() -> None:
    """Give the session being logged in a fresh random id (call next to ``login_user``)."""
    cookie_session[SID_KEY] = secrets.token_urlsafe(24)


def current_sid() -> str:
    """The session id of the request's cookie ("" when it has none)."""
    sid = cookie_session.get(SID_KEY)
    return sid if isinstance(sid, str) else ""


def revoke(session: Session, sid: str, now: datetime, lifetime: timedelta) -> None:
    """Refuse the session ``sid`` from now on (until ``lifetime`` has passed: it expires then anyway)."""
    if sid and session.get(RevokedSession, sid) is None:
        session.add(RevokedSession(sid=sid, expires_at=now + lifetime))


def end_all(user: User) -> None:
    """End every session ``user`` holds (inside the caller's write transaction)."""
    user.session_version = (user.session_version or 0) + 1


def log_out_everywhere(session: Session, user: User, actor_id: int | None, reason: str | None = None) -> None:
    """End all of ``user``'s sessions on request (their own or an admin's), audited."""
    end_all(user)
    record(
        session,
        "user.logout_everywhere",
        actor_id=actor_id,
        target_type="user",
        target_id=user.id,
        reason=reason,
        detail={"username": user.username},
    )


def prune(session: Session, now: datetime) -> int:
    """Forget revoked sessions whose cookies have expired anyway (the cron command)."""
    return session.execute(delete(RevokedSession).where(RevokedSession.expires_at < now)).rowcount


class SlidingCookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, re-signed when changed or when the last signature is old.

    A permanent session's expiry is reset when its cookie is sent again, so it still ends
    ``PERMANENT_SESSION_LIFETIME`` after the last use, give or take ``SESSION_REFRESH_SECONDS``.
    """

    def __init__(self) -> None:
        self._serializers: dict[tuple, object] = {}

    def get_signing_serializer(self, app: Flask):
        """Flask's serializer, built once per set of keys rather than on every request.

        Flask builds it anew for each request, and itsdangerous's constructor serialises an empty
        dict to learn whether its serializer returns text: ~2 % of a quiz page. It holds nothing
        but its settings, so one per key set serves every request (a changed key makes a new one).
        """
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed = session.get(SIGNED_KEY)
        return not isinstance(signed, int) or _clock() - signed >= app.config["SESSION_REFRESH_SECONDS"]

    def save_session(self, app: Flask, session: SessionMixin, response) -> None:
        if session and self.should_set_cookie(app, session):
            session[SIGNED_KEY] = int(_clock())
        super().save_session(app, session, response)


def _clock() -> float:
    """Unix seconds (a function of its own, so tests move this clock and not the signer's)."""
    return time.time()
