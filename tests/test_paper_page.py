"""The quiz page's attempt and topic come from a plain row (quiz/paper_page.py): they must be what the ORM loads.

What would break: a column left out or shifted (a wrong deadline, status or attempt number on the
page), the topic taken from the wrong columns, or objects still in the session (a write
transaction's commit would expire them and load them again).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import DetachedInstanceError

from quizapp.db import db
from quizapp.models import Attempt
from quizapp.quiz import paper_page

from .quizpage import start


def _columns(instance) -> dict:
    return {attr.key: getattr(instance, attr.key) for attr in sa.inspect(type(instance)).column_attrs}


def test_the_attempt_and_topic_equal_what_the_orm_loads_and_are_detached(app, client, trainee):
    attempt_id = start(client)
    client.post(f"/attempts/{attempt_id}/answers", json={"position": 2, "selected": [1], "seq": 1})
    with app.app_context():
        expected = db.session.get(Attempt, attempt_id)
        want_attempt, want_topic = _columns(expected), _columns(expected.topic)
        assert want_attempt["last_seq"] == 1 and want_attempt["deadline_at"] is not None
        db.session.close()
        attempt = paper_page.attempt_with_topic(db.session, attempt_id)
        assert _columns(attempt) == want_attempt and _columns(attempt.topic) == want_topic
        assert sa.inspect(attempt).detached and sa.inspect(attempt.topic).detached
        assert attempt not in db.session
        with pytest.raises(DetachedInstanceError):
            attempt.user  # noqa: B018 -- not loaded, as documented: the page does not need it


def test_no_such_attempt_is_none(app):
    with app.app_context():
        assert paper_page.attempt_with_topic(db.session, 999_999) is None
