"""Unit tests of the shared rules every area calls: grade, review, course state, access, local time."""

from __future__ import annotations

from datetime import date

import pytest

from quizapp.accounts.access import can_see_trainee
from quizapp.course import TopicState, completes_course, topic_state
from quizapp.models import Role, User
from quizapp.quiz.rules import ReviewPolicy, grade10, passes, review_allowed
from quizapp.timezone import day_start_utc, local_date
from quizapp.web import local_datetime, local_time

from .factories import utc


@pytest.mark.parametrize(
    ("correct", "total", "expected"),
    [(16, 20, 8.0), (20, 20, 10.0), (0, 20, 0.0), (0.75, 1, 7.5), (3, 0, None)],
)
def test_grade10(correct, total, expected):
    assert grade10(correct, total) == expected


def test_pass_mark_is_exact_at_the_boundary():
    assert passes(7, 10, 70) and not passes(69, 100, 70) and passes(14, 20, 70) and not passes(0, 0, 0)


@pytest.mark.parametrize(
    ("policy", "left", "allowed"),
    [
        (ReviewPolicy.IMMEDIATELY, 2, True),
        (ReviewPolicy.AFTER_LAST_ATTEMPT, 1, False),
        (ReviewPolicy.AFTER_LAST_ATTEMPT, 0, True),
        (ReviewPolicy.NEVER, 0, False),
    ],
)
def test_review_allowed(policy, left, allowed):
    assert review_allowed(policy, left) is allowed


@pytest.mark.parametrize(
    ("used", "open_n", "passed", "state"),
    [
        (0, 0, False, TopicState.NOT_STARTED),
        (1, 1, False, TopicState.IN_PROGRESS),
        (2, 1, True, TopicState.IN_PROGRESS),  # an open attempt shows first
        (1, 0, True, TopicState.PASSED),
        (3, 0, True, TopicState.PASSED),
        (2, 0, False, TopicState.NOT_PASSED),
        (3, 0, False, TopicState.NO_ATTEMPTS_LEFT),
    ],
)
def test_topic_state(used, open_n, passed, state):
    assert topic_state(used, open_n, passed, max_attempts=3) == state


def test_completion_needs_every_active_topic_and_at_least_one():
    assert completes_course(5, 5) and not completes_course(4, 5) and not completes_course(0, 0)


def person(id: int, role: str, ward_id: int | None) -> User:
    return User(id=id, username=f"u{id}", role=role, ward_id=ward_id)


@pytest.mark.parametrize(
    ("viewer", "allowed"),
    [
        (person(1, Role.TRAINEE, 7), True),  # the trainee themself
        (person(2, Role.TRAINEE, 7), False),  # a classmate of the same ward
        (person(3, Role.WARD_MANAGER, 7), True),
        (person(4, Role.WARD_MANAGER, 8), False),
        (person(5, Role.WARD_MANAGER, None), False),
        (person(6, Role.INSTRUCTOR, None), True),
        (person(7, Role.ADMIN, None), True),
    ],
)
def test_who_sees_a_trainee(viewer, allowed):
    assert can_see_trainee(viewer, person(1, Role.TRAINEE, 7)) is allowed


def test_trainee_without_ward_is_seen_by_no_ward_manager():
    assert not can_see_trainee(person(3, Role.WARD_MANAGER, None), person(1, Role.TRAINEE, None))


def test_local_days():
    assert local_date(utc(2026, 11, 15, 23, 30)) == date(2026, 11, 16)  # 06:30 the next morning in Thanh Hóa
    assert day_start_utc(date(2026, 11, 16)) == utc(2026, 11, 15, 17, 0)


@pytest.mark.parametrize("moment", [utc(2026, 11, 15, 23, 5), utc(2026, 11, 16, 0, 0), utc(2026, 11, 16, 16, 59)])
def test_local_time_reads_as_babels_hours_and_minutes(app, moment):
    """The quiz page's "until 07:05": the same as the Babel-formatted local time, in either language."""
    for language in ("vi", "en"):
        with app.test_request_context(f"/?lang={language}"):
            assert local_time(moment) == local_datetime(moment, "HH:mm")
    assert local_time(utc(2026, 11, 15, 23, 5)) == "06:05" and local_time(None) == ""
