"""A database restart is not a 500 (issue 13, finding 9): one retry of a write whose connection
dropped, then a 503 with Retry-After. The PostgreSQL restart itself is in bench/db_restart.py."""

from __future__ import annotations

import pytest
from sqlalchemy import exc as sa_exc

from quizapp.quiz import attempts as service

from .quizpage import save, start


def _disconnect():
    return sa_exc.OperationalError(
        "UPDATE attempt_item …", {}, Exception("server closed the connection unexpectedly"), connection_invalidated=True
    )


@pytest.fixture
def attempt_id(make, client, login):
    make.topic(number=1)
    login(make.user())
    return start(client)


def _failing(monkeypatch, function_name, times):
    """Make ``service.<function_name>`` lose its connection the first ``times`` calls."""
    real, calls = getattr(service, function_name), []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) <= times:
            raise _disconnect()
        return real(*args, **kwargs)

    monkeypatch.setattr(service, function_name, flaky)
    return calls


def test_a_save_whose_connection_dropped_once_is_retried_and_succeeds(app, client, attempt_id, monkeypatch):
    app.config["DB_RETRY_DELAY_SECONDS"] = 0
    calls = _failing(monkeypatch, "save_answer", 1)
    response = save(client, attempt_id, 1, [0], 1)
    assert response.status_code == 200 and response.json["accepted"] is True
    assert len(calls) == 2


def test_a_save_that_fails_twice_gets_a_503_with_retry_after(app, client, attempt_id, monkeypatch):
    app.config["DB_RETRY_DELAY_SECONDS"] = 0
    calls = _failing(monkeypatch, "save_answer", 2)
    response = save(client, attempt_id, 1, [0], 1)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.json["ok"] is False and len(calls) == 2
    assert save(client, attempt_id, 1, [0], 2).json["accepted"] is True  # the page's next try goes through


def test_a_submit_that_fails_twice_gets_a_503_page(app, client, attempt_id, monkeypatch):
    app.config["DB_RETRY_DELAY_SECONDS"] = 0
    _failing(monkeypatch, "submit_saved", 2)  # the usual submit (no form answers)
    response = client.post(f"/attempts/{attempt_id}/submit")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "Không có gì bạn đã lưu bị mất" in response.get_data(as_text=True)


def test_a_submit_retried_once_grades_once(app, client, attempt_id, monkeypatch):
    app.config["DB_RETRY_DELAY_SECONDS"] = 0
    calls = _failing(monkeypatch, "submit_saved", 1)
    response = client.post(f"/attempts/{attempt_id}/submit")
    assert response.status_code == 302 and response.location.endswith("/review") and len(calls) == 2


def test_a_page_whose_user_cannot_be_loaded_gets_a_503_not_a_500(app, client, attempt_id, monkeypatch):
    from quizapp.auth import user_loader

    def unreachable():
        raise _disconnect()

    monkeypatch.setattr(user_loader, "statement", unreachable)
    response = client.get("/")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"


def test_postgresql_engines_ping_and_recycle_their_connections():
    from flask import Flask

    from quizapp.config import load_config

    app = Flask(__name__)
    load_config(app, {"SECRET_KEY": "x", "DATABASE_URL": "postgresql+psycopg://u@h/db"})
    assert app.config["SQLALCHEMY_ENGINES"]["default"] == {
        "url": "postgresql+psycopg://u@h/db",
        "pool_pre_ping": True,
        "pool_recycle": 1800,
    }
