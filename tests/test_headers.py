"""Security headers (issue 13, finding 8): no-store for logged-in pages, HTTPS derived from PUBLIC_URL."""

from __future__ import annotations

import pytest

from quizapp.models import Role


@pytest.fixture
def admin(make, login):
    user = make.user(role=Role.ADMIN, ward=None)
    make.topic(number=1)
    login(user)
    return user


@pytest.mark.parametrize("path", ["/", "/topics/1", "/reports", "/admin/", "/admin/users", "/password"])
def test_logged_in_pages_are_never_stored(client, admin, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


def test_exports_are_never_stored(client, admin):
    response = client.get("/reports?format=csv")
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]


def test_anonymous_pages_and_static_files_keep_their_caching(client, admin):
    static = client.get("/static/css/app.css")
    static.close()
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")
    anonymous = client.application.test_client()
    assert "Cache-Control" not in anonymous.get("/login").headers


def test_every_response_has_the_policies(client):
    headers = client.get("/login").headers
    assert "object-src 'none'" in headers["Content-Security-Policy"]
    assert "camera=()" in headers["Permissions-Policy"]


def test_https_public_url_means_secure_cookies_and_hsts(make_app, make):
    app = make_app(PUBLIC_URL="https://hoctap.example")
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["REMEMBER_COOKIE_SECURE"] is True
    user = make.user()
    client = app.test_client()
    response = client.post("/login", data={"username": user.username, "password": "secret-pass"})
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_http_public_url_means_plain_cookies_and_no_hsts(make_app, make):
    app = make_app(PUBLIC_URL="http://localhost:5000")
    assert app.config["SESSION_COOKIE_SECURE"] is False
    user = make.user()
    response = app.test_client().post("/login", data={"username": user.username, "password": "secret-pass"})
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in response.headers


def test_an_explicit_setting_still_wins(make_app):
    app = make_app(PUBLIC_URL="https://x.example", SESSION_COOKIE_SECURE=False)
    assert app.config["SESSION_COOKIE_SECURE"] is False
