"""Logging in and out: throttling, safe redirects, forced password change, cookies, CSRF."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from quizapp.db import db
from quizapp.models import AuditLog, User

from .factories import PASSWORD, Factories


def post_login(client, username, password, next_url=None):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"username": username, "password": password})


def test_login_and_logout(client, make):
    user = make.user()
    assert client.get("/").status_code == 302  # the dashboard needs a login
    response = post_login(client, user.username.upper(), PASSWORD)  # usernames are case-insensitive
    assert response.status_code == 302 and response.location == "/"
    assert client.get("/").status_code == 200
    assert client.get("/logout").status_code == 405  # only POST logs out
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_wrong_password_says_so_without_telling_which_part(client, make):
    user = make.user()
    for name in (user.username, "nobody"):
        page = post_login(client, name, "wrong-password").get_data(as_text=True)
        assert "Sai tên đăng nhập hoặc mật khẩu." in page


def test_staff_land_on_reports(client, make):
    user = make.user(role="instructor", ward=None)
    assert post_login(client, user.username, PASSWORD).location == "/reports"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/results", "/results"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_redirect_is_local_only(client, make, target, expected):
    user = make.user()
    assert post_login(client, user.username, PASSWORD, next_url=target).location == expected


def test_throttle_per_account(client, make, app):
    user = make.user()
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit):
        assert post_login(client, user.username, "wrong").status_code == 200
    blocked = post_login(client, user.username, PASSWORD)  # even the right password waits
    assert blocked.status_code == 429
    assert re.search(r"Vui lòng đợi 1\d giây", blocked.get_data(as_text=True))  # a delay, not a lockout
    assert 10 <= int(blocked.headers["Retry-After"]) <= 15
    other = make.user()
    assert post_login(client, other.username, PASSWORD).status_code == 302  # others are not locked out


def test_throttle_per_address(make_app, make):
    app = make_app(LOGIN_MAX_FAILURES_PER_ADDRESS=3)
    client = app.test_client()

    user = Factories(app).user()
    for n in range(3):
        post_login(client, f"guess{n}", "wrong")
    assert post_login(client, user.username, PASSWORD).status_code == 429


def test_successful_login_clears_account_failures(client, make, app):
    user = make.user()
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] - 1):
        post_login(client, user.username, "wrong")
    assert post_login(client, user.username, PASSWORD).status_code == 302
    client.post("/logout")
    assert post_login(client, user.username, "wrong").status_code == 200
    assert post_login(client, user.username, PASSWORD).status_code == 302


def test_inactive_account_cannot_log_in(client, make):
    user = make.user(active=False)
    assert post_login(client, user.username, PASSWORD).status_code == 200


def test_forced_password_change(client, make, app):
    user = make.user(must_change_password=True)
    response = post_login(client, user.username, PASSWORD)
    assert response.location == "/password"
    assert client.get("/").location == "/password"  # held there until changed
    assert client.get("/topics/1").location == "/password"
    weak = client.post("/password", data={"current": PASSWORD, "new": "short", "confirm": "short"})
    assert "ít nhất 8 ký tự" in weak.get_data(as_text=True)
    mismatch = client.post("/password", data={"current": PASSWORD, "new": "dai-hon-8-ky-tu", "confirm": "khac"})
    assert "không khớp" in mismatch.get_data(as_text=True)
    wrong = client.post("/password", data={"current": "nope", "new": "mat-khau-moi-1", "confirm": "mat-khau-moi-1"})
    assert "không đúng" in wrong.get_data(as_text=True)
    ok = client.post("/password", data={"current": PASSWORD, "new": "mat-khau-moi-1", "confirm": "mat-khau-moi-1"})
    assert ok.status_code == 302
    assert client.get("/").status_code == 200
    with app.app_context():
        row = db.session.get(User, user.id)
        assert row.must_change_password is False
        assert db.session.scalar(select(AuditLog.action).where(AuditLog.target_id == str(user.id))) == (
            "user.password_change"
        )
    client.post("/logout")
    assert post_login(client, user.username, "mat-khau-moi-1").status_code == 302


def test_session_cookie_flags(client, make):
    user = make.user()
    response = post_login(client, user.username, PASSWORD)
    cookie = response.headers["Set-Cookie"]
    # Secure because the test configuration's PUBLIC_URL is https (test_headers.py has the other case).
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert "Expires=" in cookie  # survives closing the browser (12 h), unlike a browser-session cookie


def test_session_and_csrf_outlive_a_quiz(app):
    limit = app.config["QUIZ_TIME_LIMIT_MINUTES"] * 60 + app.config["QUIZ_GRACE_SECONDS"]
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() > limit
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None or app.config["WTF_CSRF_TIME_LIMIT"] > limit


@pytest.fixture
def csrf_client(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    return app, app.test_client()


def test_post_without_or_with_a_wrong_csrf_token_is_400(csrf_client):
    app, client = csrf_client

    user = Factories(app).user()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    bad = client.post("/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token + "x"})
    assert bad.status_code == 400
    good = client.post("/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token})
    assert good.status_code == 302
    # JSON autosave carries the token in a header; without it the save is refused.
    assert client.post("/attempts/1/answers", json={"position": 1, "selected": [0], "seq": 1}).status_code == 400


def test_security_headers(client):
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_english_is_available(client):
    assert "Log in" in client.get("/login?lang=en").get_data(as_text=True)
    assert "Log in" in client.get("/login").get_data(as_text=True)  # remembered in the session
    assert "Đăng nhập" in client.get("/login?lang=vi").get_data(as_text=True)
