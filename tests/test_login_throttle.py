"""The login throttle (issue 13, finding 6): growing delays instead of lockouts, the owner's address
still let in, a ceiling a ward office's NAT address does not reach, no race, failures audited."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from quizapp.db import db
from quizapp.models import AuditLog, Role, ThrottleEvent

from .factories import PASSWORD


def _login(client, username, password, address="127.0.0.1"):
    return client.post(
        "/login", data={"username": username, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def _rewind(app, seconds):
    """Move every counted failure ``seconds`` into the past, as if time had passed."""
    with app.app_context():
        for event in db.session.scalars(select(ThrottleEvent)):
            event.at -= timedelta(seconds=seconds)
        db.session.commit()


def _actions(app, action):
    with app.app_context():
        return db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)).all()


def test_failures_bring_growing_delays_not_a_lockout(app, make, client):
    user = make.user()
    for _ in range(5):
        assert _login(client, user.username, "wrong").status_code == 200
    first = _login(client, user.username, PASSWORD)
    assert first.status_code == 429 and int(first.headers["Retry-After"]) <= 15
    _rewind(app, 16)
    assert _login(client, user.username, "wrong").status_code == 200  # the wait is over: one more try
    second = _login(client, user.username, PASSWORD)
    assert second.status_code == 429 and 15 < int(second.headers["Retry-After"]) <= 30  # and the wait doubles
    _rewind(app, 31)
    assert _login(client, user.username, PASSWORD).status_code == 302


def test_the_owner_from_a_known_address_is_let_in_while_a_stranger_guesses(app, make):
    admin = make.user(role=Role.ADMIN, ward=None)
    office, attacker, new_phone = app.test_client(), app.test_client(), app.test_client()
    assert _login(office, admin.username, PASSWORD, "10.0.0.1").status_code == 302
    office.post("/logout")
    statuses = [_login(attacker, admin.username, "guess", "10.0.0.66").status_code for _ in range(8)]
    assert statuses == [200] * 5 + [429] * 3
    assert _login(new_phone, admin.username, PASSWORD, "10.0.0.2").status_code == 429  # a new address waits
    assert _login(office, admin.username, PASSWORD, "10.0.0.1").status_code == 302  # the owner's does not


def test_a_ward_office_behind_one_address_is_not_locked_out(app, make, client):
    users = [make.user() for _ in range(8)]
    for user in users:  # forty typos from the office's one address, none of them five in a row
        for _ in range(4):
            assert _login(client, user.username, "typo", "10.0.0.5").status_code == 200
    for n in range(8):
        assert _login(client, f"khong-co-{n}", "typo", "10.0.0.5").status_code == 200
    assert _login(client, users[0].username, PASSWORD, "10.0.0.5").status_code == 302


def test_parallel_tries_cannot_pass_the_limit(app, make):
    user = make.user()
    statuses, barrier = [], threading.Barrier(10)

    def attempt():
        client = app.test_client()
        barrier.wait()
        statuses.append(_login(client, user.username, "wrong").status_code)

    threads = [threading.Thread(target=attempt) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] * 5 + [429] * 5
    assert len(_actions(app, "login.failed")) == 5


def test_failures_and_holds_are_audited_but_kept_off_the_dashboard(app, make, client, login):
    user = make.user()
    for _ in range(6):
        _login(client, user.username, "wrong", "10.0.0.9")
    failed = _actions(app, "login.failed")
    assert len(failed) == 5 and failed[0].target_id == str(user.id)
    assert failed[0].detail == {"username": user.username, "address": "10.0.0.9"}
    held = _actions(app, "login.held")
    assert {h.detail["kind"] for h in held} == {"account", "address_and_account"}
    _login(client, "nobody-here", "wrong", "10.0.0.9")
    assert _actions(app, "login.failed")[-1].target_id is None
    admin = login(make.user(role=Role.ADMIN, ward=None), app.test_client())
    assert "Đăng nhập sai" not in admin.get("/admin/").get_data(as_text=True)
    filtered = admin.get("/admin/audit?action=login.failed").get_data(as_text=True)
    assert filtered.count("10.0.0.9") >= 6


def test_an_admin_unlock_forgets_every_address(app, make, client, login):
    user = make.user(username="nguyen_van_a")
    other = make.user(username="nguyenxvanxa")  # "_" must not match any letter when unlocking
    for name in (user.username, other.username):
        for _ in range(5):
            _login(client, name, "wrong", "10.0.0.7")
    admin = login(make.user(role=Role.ADMIN, ward=None), app.test_client())
    assert admin.post(f"/admin/users/{user.id}/unlock").status_code == 302
    assert _login(client, user.username, PASSWORD, "10.0.0.7").status_code == 302
    with app.app_context():
        left = db.session.scalar(select(func.count()).select_from(ThrottleEvent).where(ThrottleEvent.key.contains("x")))
        assert left == 10  # the other account's failures stay
