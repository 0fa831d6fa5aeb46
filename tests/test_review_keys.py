"""Who sees the keys of someone else's attempt (issue 13, finding 1): ward managers sit the quizzes too."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from quizapp.db import db
from quizapp.models import Attempt, Role, Topic
from quizapp.quiz.rules import others_review_allowed

from .factories import take

#: Text that only a page showing the keys contains: a right option of a factory question, or an explanation.
KEYS = re.compile(r"t1-\d+ đúng|Giải thích t1-")


@pytest.fixture
def attempt_id(app, make):
    """A finished attempt of a Đông Vệ trainee at topic 1."""
    make.topic(number=1)
    trainee = make.user()
    take(app, trainee.id, 1, right=True)
    with app.app_context():
        return db.session.scalar(select(Attempt.id).where(Attempt.user_id == trainee.id))


def _policy(app, policy: str) -> None:
    with app.app_context():
        db.session.scalar(select(Topic)).review_policy = policy
        db.session.commit()


def _review(client, login, user, attempt_id) -> str:
    login(user, client)
    response = client.get(f"/attempts/{attempt_id}/review")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("policy", ["immediately", "after_last_attempt", "never"])
def test_ward_manager_who_has_not_sat_the_topic_sees_right_and_wrong_but_no_key(
    app, make, client, login, attempt_id, policy
):
    _policy(app, policy)
    manager = make.user(role=Role.WARD_MANAGER)
    page = _review(client, login, manager, attempt_id)
    assert not KEYS.search(page)
    assert "4/4 câu đúng" in page and page.count("badge-pass") >= 4  # the score and each question right
    assert "Câu hỏi t1-" in page


def test_ward_manager_with_an_attempt_left_sees_no_key_even_under_immediately(app, make, client, login, attempt_id):
    manager = make.user(role=Role.WARD_MANAGER)
    take(app, manager.id, 1, right=False)
    take(app, manager.id, 1, right=False)
    assert not KEYS.search(_review(client, login, manager, attempt_id))


@pytest.mark.parametrize(("policy", "shown"), [("immediately", True), ("after_last_attempt", True), ("never", False)])
def test_ward_manager_with_every_attempt_used_sees_keys_unless_the_topic_hides_them(
    app, make, client, login, attempt_id, policy, shown
):
    _policy(app, policy)
    manager = make.user(role=Role.WARD_MANAGER)
    for _ in range(3):
        take(app, manager.id, 1, right=False)
    assert bool(KEYS.search(_review(client, login, manager, attempt_id))) is shown


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.ADMIN])
def test_instructors_and_admins_do_not_sit_the_quiz_and_see_keys(app, make, client, login, attempt_id, role):
    _policy(app, "never")
    assert KEYS.search(_review(client, login, make.user(role=role, ward=None), attempt_id))


@pytest.mark.parametrize(
    ("left", "open_attempt", "policy", "allowed"),
    [
        (0, False, "immediately", True),
        (0, True, "immediately", False),  # the last attempt is still open: the keys would help in it
        (1, False, "immediately", False),
        (0, False, "after_last_attempt", True),
        (0, False, "never", False),
    ],
)
def test_others_review_rule(left, open_attempt, policy, allowed):
    assert others_review_allowed(policy, left, open_attempt) is allowed
