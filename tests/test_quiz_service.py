"""The quiz service used directly, and what the hot requests read from the database (statement counts)."""

from __future__ import annotations

from sqlalchemy import select

from quizapp.db import db, write_transaction
from quizapp.models import Attempt, AttemptStatus, QuestionVersion, Topic, VersionState, utcnow
from quizapp.quiz import attempts as service
from quizapp.quiz.version_facts import version_facts

from .factories import Statements
from .quizpage import save, start


def test_service_save_then_submit_in_one_transaction_grades_the_saved_answer(app, make):
    """The service API used directly (CLI, demo, tests): a save is visible to grading at once."""
    user = make.user()
    make.topic(number=1)
    with app.app_context(), write_transaction() as s:
        topic = s.scalar(select(Topic))
        attempt, _ = service.start_or_resume(s, user.id, topic, utcnow(), 60)
        item = attempt.items[0]
        right = [item.option_order.index(i) for i in item.question_version.correct_indexes]
        assert service.save_answer(s, attempt.id, user.id, item.position, right, 1, utcnow(), 60).accepted
        service.submit(s, attempt, utcnow(), 60)
        assert attempt.score == 1


def test_autosave_loads_the_user_once(client, trainee, app):
    """The write transaction would expire the logged-in user; the save reads its id before (db.py)."""
    attempt_id = start(client)
    with Statements(app) as sql:
        assert save(client, attempt_id, 1, [0], 1).json["accepted"] is True
    assert len(sql.loads("user")) == 1
    # No SELECT of the attempt at all: one UPDATE … RETURNING guarded by owner, state and deadline locks it.
    assert len(sql.loads("attempt")) == 0


def test_submit_claims_the_attempt_and_reads_its_paper_once(client, trainee, app):
    """The usual submit: the claim's UPDATE … RETURNING gives the attempt, one SELECT the paper and its keys."""
    attempt_id = start(client)
    save(client, attempt_id, 1, [0], 1)
    with Statements(app) as sql:
        assert client.post(f"/attempts/{attempt_id}/submit").status_code == 302
    assert len(sql.loads("attempt")) == 0 and len(sql.loads("attempt_item")) == 1
    # The keys of approved versions are remembered since the start drew them (quiz/version_facts.py).
    assert len(sql.loads("question_version")) == 0
    assert len(sql.loads("user")) == 1
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).status == AttemptStatus.SUBMITTED


def test_version_facts_are_read_once_for_approved_versions_and_every_time_for_others(app, make):
    """An approved version never changes, so its type, size and key are asked once per worker; a draft may change."""
    make.topic(number=1)
    with app.app_context():
        approved, draft = db.session.scalars(select(QuestionVersion).order_by(QuestionVersion.id).limit(2)).all()
        draft.state = VersionState.DRAFT
        expected = {v.id: (v.type, len(v.options), v.correct_indexes) for v in (approved, draft)}
        db.session.commit()
        reads = []
        for version_id in (approved.id, approved.id, draft.id, draft.id):
            with Statements(app) as sql:
                facts = version_facts(db.session, [version_id])[version_id]
            reads.append(len(sql.loads("question_version")))
            assert (facts.type, facts.n_options, facts.key) == expected[version_id]
        assert reads == [1, 0, 1, 1]
