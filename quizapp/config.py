"""Configuration defaults and the loading order: code, then instance/config.py, then QUIZAPP_*.

Every setting the app reads is listed in ``Defaults`` with a comment; README documents the
important ones. Environment variables use the same names with the ``QUIZAPP_`` prefix and are
parsed as JSON when they look like JSON (numbers, booleans), otherwise taken as strings.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask

from .quiz.rules import DEFAULTS, GRACE_SECONDS
from .timezone import LOCAL_ZONE_NAME


class Defaults:
    """Settings every deployment starts from."""

    #: SQLAlchemy URL; a relative SQLite path is resolved inside the instance folder.
    DATABASE_URL = "sqlite:///quizapp.sqlite"
    #: Where the course package lives; `content import` reads it.
    CONTENT_PATH = str(Path(__file__).resolve().parent.parent / "questions")
    #: Public base URL used in certificate QR codes when no request is at hand (CLI, bulk PDF).
    PUBLIC_URL = "http://localhost:5000"

    # Quiz defaults; each topic may override them in topic.yaml.
    QUIZ_QUESTIONS = DEFAULTS.questions
    QUIZ_TIME_LIMIT_MINUTES = DEFAULTS.time_limit_minutes
    QUIZ_PASS_PERCENT = DEFAULTS.pass_percent
    QUIZ_MAX_ATTEMPTS = DEFAULTS.max_attempts
    QUIZ_REVIEW = str(DEFAULTS.review)
    #: Seconds after the deadline during which saves and submits are still accepted (network lag).
    QUIZ_GRACE_SECONDS = GRACE_SECONDS

    # Login throttle (auth/login_throttle.py): failures in the window before tries must wait, per
    # account and per address+account; the wait starts at the first delay and doubles per failure.
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_FIRST_DELAY_SECONDS = 15
    LOGIN_MAX_DELAY_SECONDS = 15 * 60
    #: A hard ceiling per address over all accounts: a ward office shares one NAT address.
    LOGIN_MAX_FAILURES_PER_ADDRESS = 100
    LOGIN_THROTTLE_WINDOW_SECONDS = 15 * 60
    #: Certificate verification lookups allowed per address per window.
    VERIFY_MAX_PER_ADDRESS = 30
    VERIFY_WINDOW_SECONDS = 60
    #: Days of verification counts kept per certificate (shown on its admin page), then pruned.
    VERIFY_KEEP_DAYS = 365

    # Sessions: signed cookies, so app servers stay stateless. The lifetime and the CSRF token's
    # lifetime are far longer than any quiz (time limit + grace) so a slow trainee never loses a
    # submit to an expired token.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    #: An unchanged session cookie is signed and sent again at most this often (auth/sessions.py).
    SESSION_REFRESH_SECONDS = 600
    WTF_CSRF_TIME_LIMIT = 12 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    #: None: derived from PUBLIC_URL (https -> Secure cookies and HSTS), so HTTPS needs no second switch.
    SESSION_COOKIE_SECURE = None
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = None
    #: Strict-Transport-Security max-age, sent when PUBLIC_URL is https.
    HSTS_SECONDS = 365 * 24 * 3600
    #: Number of reverse proxies in front of the app (nginx = 1) whose X-Forwarded-* to trust.
    PROXY_COUNT = 0

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = LOCAL_ZONE_NAME
    LANGUAGES = ("vi", "en")
    #: Each area keeps its own catalogue (msgids in English, Vietnamese translations); Flask-Babel
    #: merges them. Paths are relative to the package folder.
    BABEL_TRANSLATION_DIRECTORIES = ";".join(
        (
            "translations",
            "reports/translations",
            "certificates/translations",
            "admin/translations",
            "admin/translations_rest",
            "content/translations",
            "offline/translations",
            "practice/translations",
            "authoring/translations",
            "authoring/translations_regrade",
            "authoring/translations_transfer",
            "paper/translations",
        )
    )

    #: Seconds to wait before the one retry of a write whose database connection dropped (db.py).
    DB_RETRY_DELAY_SECONDS = 0.5
    #: Retry-After of the 503 answered when the database is still unreachable.
    DB_RETRY_AFTER_SECONDS = 5
    #: Largest request body accepted (413 beyond): uploads (rosters, question files) are at most
    #: 2 MB, so 4 MB leaves room for the multipart wrapping and the form's other fields.
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024
    #: Largest autosave body: one answer is a few dozen bytes of JSON.
    AUTOSAVE_MAX_BYTES = 4 * 1024

    #: Rows per page in long lists.
    PAGE_SIZE = 50


def _parse_env(value: str):
    """Turn an environment string into a Python value: JSON scalars where they parse."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def load_config(app: Flask, test_config: dict | None) -> None:
    """Fill ``app.config``: defaults, then instance/config.py, then QUIZAPP_* variables.

    ``test_config`` replaces the last two so tests never read the developer's instance.
    """
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for key, value in os.environ.items():
            if key.startswith("QUIZAPP_"):
                app.config[key.removeprefix("QUIZAPP_")] = _parse_env(value)
    else:
        app.config.update(test_config)

    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    https = str(app.config["PUBLIC_URL"]).lower().startswith("https://")
    app.config["HTTPS"] = https
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if app.config.get(key) is None:
            app.config[key] = https
    url = app.config["DATABASE_URL"]
    engine: dict = {"url": url}
    if not str(url).startswith("sqlite"):
        # A server restart leaves dead connections in the pool: test each one as it is taken out,
        # and renew them before a firewall or the server drops them silently.
        engine |= {"pool_pre_ping": True, "pool_recycle": 1800}
    app.config["SQLALCHEMY_ENGINES"] = {"default": engine}


def _instance_secret(instance: Path) -> str:
    """Read the instance's secret key, generating it once (0600) when missing."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker won the race; use its key
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key
