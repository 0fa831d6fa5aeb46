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
from sqlalchemy import text

from quizapp import create_app
from quizapp.db import db
from quizapp.migrate import upgrade_db
from quizapp.models import Base

from .factories import Factories

PG_URL = os.environ.get("QUIZAPP_TEST_DATABASE_URL")


def _worker_database(base_url: str) -> str:
    """One PostgreSQL database per xdist worker (created on demand), so workers never collide."""
    from sqlalchemy import create_engine, make_url

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


@pytest.fixture
def app_config(tmp_path, schema_template) -> dict:
    """The test configuration; tests may change it before the ``app`` fixture is created."""
    if PG_URL:
        return _config(tmp_path, schema_template)
    path = tmp_path / "test.sqlite"
    shutil.copy(schema_template, path)
    return _config(tmp_path, f"sqlite:///{path}")


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    if PG_URL:
        with app.app_context():
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield app
    with app.app_context():
        db.engine.dispose()


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
