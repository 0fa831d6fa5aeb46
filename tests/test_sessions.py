"""Revocable sessions (issue 13, finding 2): a cookie copied before a logout, a password change, a reset,
a deactivation or "log out everywhere" no longer opens the account."""

from __future__ import annotations

import time

from sqlalchemy import select

from quizapp.db import db
from quizapp.models import AuditLog, Role

from .factories import PASSWORD, Statements


def _copy(app, client):
    """A second browser holding a copy of ``client``'s session cookie (a shared PC, a stolen cookie)."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def _logged_in(client) -> bool:
    return client.get("/").status_code == 200


def _post(client, url, **data):
    response = client.post(url, data=data)
    assert response.status_code == 302, response.data[:300]
    return response


def test_a_cookie_copied_before_logout_fails_after_it(app, make, client, login):
    login(make.user())
    copy = _copy(app, client)
    assert _logged_in(copy)
    _post(client, "/logout")
    assert not _logged_in(client)
    assert copy.get("/").status_code == 302 and "/login" in copy.get("/").location


def test_logout_ends_only_that_session(app, make, client, login):
    user = make.user()
    login(user)
    phone = login(user, app.test_client())
    _post(client, "/logout")
    assert _logged_in(phone)


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, make, client, login):
    user = make.user()
    login(user)
    copy = _copy(app, client)
    phone = login(user, app.test_client())
    _post(client, "/password", current=PASSWORD, new="a-new-pass-42", confirm="a-new-pass-42")
    assert _logged_in(client)
    assert not _logged_in(copy) and not _logged_in(phone)


def test_log_out_everywhere_by_the_user_ends_every_session(app, make, client, login):
    user = make.user()
    login(user)
    copy = _copy(app, client)
    phone = login(user, app.test_client())
    _post(client, "/logout/everywhere")
    assert not _logged_in(client) and not _logged_in(copy) and not _logged_in(phone)
    login(user)  # a new login works
    assert _logged_in(client)


def test_admin_log_out_everywhere_is_audited_and_ends_the_sessions(app, make, client, login):
    user = make.user()
    phone = login(user, app.test_client())
    admin = make.user(role=Role.ADMIN, ward=None)
    login(admin)
    _post(client, f"/admin/users/{user.id}/sessions", **{"sessions-reason": "mất điện thoại"})
    assert not _logged_in(phone)
    with app.app_context():
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.logout_everywhere"))
        assert (entry.actor_id, entry.target_id, entry.reason) == (admin.id, str(user.id), "mất điện thoại")
    assert "Đăng xuất mọi nơi" in client.get(f"/admin/users/{user.id}").get_data(as_text=True)


def test_an_admin_reset_and_a_deactivation_end_the_sessions(app, make, client, login):
    reset_user, gone_user = make.user(), make.user()
    reset_phone = login(reset_user, app.test_client())
    gone_phone = login(gone_user, app.test_client())
    login(make.user(role=Role.ADMIN, ward=None))
    assert client.post(f"/admin/users/{reset_user.id}/password", data={"reset-confirm": "y"}).status_code == 200
    assert not _logged_in(reset_phone)
    _post(client, f"/admin/users/{gone_user.id}/deactivate", **{"deactivate-reason": "nghỉ", "deactivate-confirm": "y"})
    _post(client, f"/admin/users/{gone_user.id}/reactivate", **{"reactivate-reason": "trở lại"})
    assert not _logged_in(gone_phone)  # reactivation does not bring the old sessions back


def test_a_cookie_from_before_session_versions_is_refused(app, make, client, login):
    """Cookies signed before this change hold a bare user id: they log in again."""
    user = make.user()
    login(user)
    with client.session_transaction() as cookie:
        cookie["_user_id"] = str(user.id)
    assert not _logged_in(client)


def test_the_session_check_adds_no_query(app, make, client, login):
    login(make.user())
    with Statements(app) as sql:
        assert _logged_in(client)
    assert len(sql.loads("user")) == 1
    assert not [s for s in sql.all if s.startswith("SELECT") and "FROM revoked_session" in s.split(" JOIN ")[0]]


def test_close_expired_forgets_revoked_sessions_past_their_lifetime(app, make, client, login, runner):
    from datetime import timedelta

    from quizapp.models import RevokedSession, utcnow

    login(make.user())
    _post(client, "/logout")
    with app.app_context():
        db.session.scalar(select(RevokedSession)).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert runner.invoke(args=["attempts", "close-expired"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(RevokedSession)) is None


def _sets_cookie(response) -> bool:
    return any(h.startswith("session=") for h in response.headers.getlist("Set-Cookie"))


def test_an_unchanged_session_is_signed_again_only_when_its_signature_is_old(app, make, client, login, monkeypatch):
    """SlidingCookieSessions: no Set-Cookie on every request, but a fresh one (new expiry) after the interval."""
    login(make.user())
    clock = [time.time() + 3600]
    monkeypatch.setattr("quizapp.auth.sessions._clock", lambda: clock[0])
    first = client.get("/")
    assert first.status_code == 200 and _sets_cookie(first)  # signed before this clock: signed again now
    clock[0] += app.config["SESSION_REFRESH_SECONDS"] - 1
    quiet = client.get("/")
    assert quiet.status_code == 200 and not _sets_cookie(quiet)
    clock[0] += 1
    again = client.get("/")
    assert _sets_cookie(again)
    # A re-signed cookie still carries the permanent lifetime.
    assert "Expires=" in next(h for h in again.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert client.get("/").status_code == 200


def test_a_changed_session_is_always_sent(app, make, client, login):
    login(make.user())
    client.get("/")
    assert _sets_cookie(client.get("/?lang=en"))  # the language choice changes the session


def test_a_new_secret_key_refuses_old_cookies_unless_kept_as_a_fallback(app, make, client, login):
    """The cookie signer is built once per key set (SlidingCookieSessions): a key change must still count."""
    login(make.user())
    assert _logged_in(client)
    old = app.secret_key
    app.secret_key = "a-new-secret"
    app.config["SECRET_KEY_FALLBACKS"] = [old]
    assert _logged_in(client)  # signed with the old key, still accepted as a fallback
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert not _logged_in(client)  # the old key is gone: log in again
