"""Shared fixtures: a fresh app and database per test, clients, factories.

The database is SQLite in a temporary folder unless QUIZAPP_TEST_DATABASE_URL names a PostgreSQL
server (CI runs the suite against both). The schema is built once per session by the real
migrations; each test gets a copy (SQLite) or emptied tables (PostgreSQL).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from quizapp import create_app
from quizapp.db import db
from quizapp.migrate import upgrade_db
from quizapp.models import Base

from .factories import Factories

PG_URL = os.environ.get("QUIZAPP_TEST_DATABASE_URL")


def _worker_database(base_url: str) -> str:
    """One PostgreSQL database per xdist worker (created on demand), so workers never collide."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    url = make_url(base_url)
    name = f"{url.database}_{worker}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _config(tmp: Path, url: str, **extra) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": url,
        "WTF_CSRF_ENABLED": False,
        "CONTENT_PATH": str(Path(__file__).parent.parent / "questions"),
        "PUBLIC_URL": "https://quizapp.test",
        **extra,
    }


@pytest.fixture(scope="session")
def schema_template(tmp_path_factory) -> str:
    """Run the migrations once; return the SQLite file to copy (or the PostgreSQL URL)."""
    if PG_URL:
        url = _worker_database(PG_URL)
        app = create_app(_config(tmp_path_factory.mktemp("pg"), url))
        with app.app_context():
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            upgrade_db()
            db.engine.dispose()
        return url
    folder = tmp_path_factory.mktemp("schema")
    path = folder / "template.sqlite"
    app = create_app(_config(folder, f"sqlite:///{path}"))
    with app.app_context():
        upgrade_db()
        db.engine.dispose()
    return str(path)


def _empty_tables(url: str) -> None:
    """Start a PostgreSQL test from empty tables (the schema stays)."""
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def app_config(tmp_path, schema_template) -> dict:
    """The test configuration, on an empty database; use it with ``make_app`` for variants."""
    if PG_URL:
        _empty_tables(schema_template)
        return _config(tmp_path, schema_template)
    path = tmp_path / "test.sqlite"
    shutil.copy(schema_template, path)
    return _config(tmp_path, f"sqlite:///{path}")


@pytest.fixture
def make_app(app_config):
    """Build apps on the test database (``make_app(WTF_CSRF_ENABLED=True)``); closed at teardown."""
    made = []

    def build(**overrides):
        made.append(create_app({**app_config, **overrides}))
        return made[-1]

    yield build
    for app in made:
        with app.app_context():
            db.engine.dispose()  # close pooled connections now, not whenever the GC runs


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app) -> Factories:
    """Factories that write through their own short transactions (see factories.py)."""
    return Factories(app)


@pytest.fixture
def login(client):
    """Log ``client`` in as a user made by the factories; the password is always 'secret-pass'."""

    def do(user, c=None):
        c = c or client
        response = c.post("/login", data={"username": user.username, "password": "secret-pass"})
        assert response.status_code == 302, response.data[:500]
        return c

    return do


@pytest.fixture
def trainee(make, login):
    """A trainee logged in on ``client``, and topic 1 with single, multiple and true/false questions."""
    user = make.user()
    make.topic(number=1, sections=2, per_section=5, types=("single", "multiple", "true_false"))
    login(user)
    return user
