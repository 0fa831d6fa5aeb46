"""The logged-in user is built from one plain row (auth/user_loader.py): it must be what the ORM loads.

What would break: a column left out or shifted (a wrong role, a wrong session version), a ward
taken from the wrong columns, an object still in the session (a commit would expire it and load
it again), or one that cannot be added back to a session and changed.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm.exc import DetachedInstanceError

from quizapp.auth import user_loader
from quizapp.db import db, write_transaction
from quizapp.models import Role, User, Ward


def _columns(instance) -> dict:
    return {attr.key: getattr(instance, attr.key) for attr in sa.inspect(type(instance)).column_attrs}


def test_the_loaded_user_and_ward_equal_what_the_orm_loads_and_are_detached(app, make):
    cohort = make.cohort()
    ref = make.user(role=Role.WARD_MANAGER, ward="quang-phu", cohort_id=cohort.id, position="Bí thư")
    with app.app_context():
        expected = db.session.get(User, ref.id)
        login_id, want_user, want_ward = expected.get_id(), _columns(expected), _columns(expected.ward)
        db.session.close()
        user = user_loader.load(db.session, login_id, "some-session-id")
        assert _columns(user) == want_user and _columns(user.ward) == want_ward
        assert user.ward.full_name == "Phường Quảng Phú"
        assert sa.inspect(user).detached and sa.inspect(user.ward).detached
        assert user not in db.session
        with pytest.raises(DetachedInstanceError):
            user.cohort  # noqa: B018 -- not loaded, as documented: load it by its id


def test_a_user_without_a_ward_has_none(app, make):
    ref = make.user(role=Role.ADMIN, ward=None)
    with app.app_context():
        login_id = db.session.get(User, ref.id).get_id()
        db.session.close()
        user = user_loader.load(db.session, login_id, "some-session-id")
        assert user.id == ref.id and user.ward is None and user.role == Role.ADMIN


def test_the_loaded_user_can_be_added_to_a_session_and_changed(app, make):
    ref = make.user()
    with app.app_context():
        login_id = db.session.get(User, ref.id).get_id()
        db.session.close()
        user = user_loader.load(db.session, login_id, "some-session-id")
        with write_transaction() as session:
            session.add(user)
            user.full_name = "Lê Thị Đổi"
        db.session.close()
        stored = db.session.scalars(select(User).where(User.id == ref.id)).one()
        assert stored.full_name == "Lê Thị Đổi" and stored.search_name == "le thi doi"
        assert stored.ward_id == db.session.scalar(select(Ward.id).where(Ward.code == "dong-ve"))


def test_a_session_that_no_longer_stands_has_no_user(app, make):
    ref = make.user()
    with app.app_context():
        login_id = db.session.get(User, ref.id).get_id()
        user_id, version = login_id.split(".")
        assert user_loader.load(db.session, f"{user_id}.{int(version) + 1}", "sid") is None  # an older cookie
        assert user_loader.load(db.session, login_id, "") is None  # no session id
        assert user_loader.load(db.session, "x.1", "sid") is None  # tampered
        with write_transaction() as session:
            session.get(User, ref.id).active = False
        assert user_loader.load(db.session, login_id, "sid") is None  # deactivated
