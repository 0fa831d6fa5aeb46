"""Report summaries: kept by grading, equal to the raw aggregates, rebuilt identically."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select

from quizapp.db import db, write_transaction
from quizapp.models import Attempt, AttemptStatus, ItemOptionStat, ItemStat, Topic, TopicResult
from quizapp.quiz import attempts as service
from quizapp.reports import item_queries, queries
from quizapp.reports.filters import ReportFilter
from quizapp.reports.sources import topic_results
from quizapp.reports.summary import ensure_summaries, rebuild_summaries, summaries_in_step

from .factories import utc

T0 = utc(2026, 11, 2, 1, 0)
GRACE = 60
#: Everything, but through the raw path: a date range forces the reports to read the attempts.
WIDE = ReportFilter(date_from=date(2026, 1, 1), date_to=date(2027, 12, 31))


def _snapshot(session) -> dict:
    """The three summary tables as plain, comparable values."""
    return {
        "results": sorted(
            session.execute(
                select(
                    TopicResult.user_id,
                    TopicResult.topic_id,
                    TopicResult.attempts,
                    TopicResult.passed,
                    TopicResult.best_score,
                    TopicResult.best_max,
                )
            ).all()
        ),
        "items": sorted(tuple(r) for r in session.execute(select(*ItemStat.__table__.c)).all()),
        "options": sorted(session.execute(select(*ItemOptionStat.__table__.c)).all()),
    }


def _sit(app, user_id: int, topic_id: int, when, rng: random.Random, finish: str) -> None:
    """Start an attempt, answer at random (some blank), then submit, submit again, or let it time out."""
    with app.app_context():
        with write_transaction() as s:
            topic = s.get(Topic, topic_id)
            attempt, _created = service.start_or_resume(s, user_id, topic, when, GRACE, rng)
            for item in attempt.items:
                version, roll = item.question_version, rng.random()
                if roll < 0.6:  # display positions (0-based) of the right options
                    picks = [item.option_order.index(i) for i in version.correct_indexes]
                elif roll < 0.9:
                    picks = rng.sample(range(len(version.options)), 2 if version.type == "multiple" else 1)
                else:
                    continue  # left blank
                service.save_answer(s, attempt.id, user_id, item.position, picks, 1, when, GRACE)
            attempt_id = attempt.id
        if finish == "timeout":
            with write_transaction() as s:
                assert service.close_expired(s, when + timedelta(hours=1), GRACE) == 1
            return
        for _ in range(2 if finish == "twice" else 1):  # a second submit must change nothing
            with write_transaction() as s:
                service.submit(s, s.get(Attempt, attempt_id), when + timedelta(minutes=5), GRACE)


@pytest.fixture
def course(app, make):
    """Two topics (single, multiple and true/false questions), six trainees, about twenty attempts."""
    topics = [
        make.topic(number=n, types=("single", "multiple", "true_false"), questions_per_attempt=6).id for n in (1, 2)
    ]
    users = [make.user(ward=ward).id for ward in ("dong-ve", "dong-ve", "ham-rong", "ham-rong", "ba-dinh")]
    rng = random.Random(4)
    for k, user_id in enumerate(users):
        for topic_id in topics:
            for number in range(1 + (k + topic_id) % 3):
                finish = ("submit", "twice", "timeout")[(k + number) % 3]
                _sit(app, user_id, topic_id, T0 + timedelta(days=k + 2 * number), rng, finish)
    # A trainee whose only attempt is open: started, not graded, so in the reports but not in the
    # summaries (which the reports complete from the attempts).
    users.append(make.user(ward="ba-dinh").id)
    with app.app_context(), write_transaction() as s:
        service.start_or_resume(s, users[-1], s.get(Topic, topics[0]), T0 + timedelta(days=30), GRACE, rng)
    return topics, users


def test_summaries_equal_raw_aggregates(app, course):
    topics, _users = course
    with app.app_context():
        s = db.session
        graded = s.scalars(select(Attempt).where(Attempt.status != AttemptStatus.OPEN)).all()
        assert {a.status for a in graded} == {AttemptStatus.SUBMITTED, AttemptStatus.TIMED_OUT}
        assert {a.passed for a in graded} == {True, False}
        raw = topic_results(ReportFilter(), Attempt.status != AttemptStatus.OPEN)
        expected = {(u, t): (used, bool(passed), best) for u, t, used, _o, passed, best in s.execute(select(raw))}
        stored = {
            (r.user_id, r.topic_id): (r.attempts, r.passed, r.best_score / r.best_max)
            for r in s.scalars(select(TopicResult))
        }
        assert stored == expected  # the same division of the same integers, so exactly equal
        assert summaries_in_step(s)
        for topic in s.scalars(select(Topic)):
            fast = {i.version_id: i for i in item_queries.item_analysis(s, topic, ReportFilter())}
            slow = {i.version_id: i for i in item_queries.item_analysis(s, topic, WIDE)}
            assert fast.keys() == slow.keys() and fast
            for vid, item in fast.items():
                other = slow[vid]
                assert (item.n, item.drawn, item.unanswered) == (other.n, other.drawn, other.unanswered)
                assert [o.count for o in item.options] == [o.count for o in other.options]
                assert item.facility == pytest.approx(other.facility)
                assert item.discrimination == pytest.approx(other.discrimination)


def test_pages_read_the_same_figures_either_way(app, course):
    with app.app_context():
        fast, slow = queries.overview(db.session, ReportFilter()), queries.overview(db.session, WIDE)
    assert [(r.trainees, r.started, r.completed) for r in fast.rows] == [
        (r.trainees, r.started, r.completed) for r in slow.rows
    ]
    for a, b in zip([*fast.rows, fast.city], [*slow.rows, slow.city], strict=True):
        for topic_id, cell in a.cells.items():
            other = b.cells[topic_id]
            assert (cell.trainees, cell.started, cell.passed, cell.n_best) == (
                other.trainees,
                other.started,
                other.passed,
                other.n_best,
            )
            assert cell.sum_best == pytest.approx(other.sum_best)
    assert fast.city.started == len(course[1])  # the trainee with only an open attempt included


def test_rebuild_reproduces_the_incremental_state(app, course):
    with app.app_context():
        incremental = _snapshot(db.session)
        with write_transaction() as s:
            rebuild_summaries(s)
        assert _snapshot(db.session) == incremental
        # An upgraded database starts with empty summaries; init's check fills them once.
        with write_transaction() as s:
            for model in (ItemOptionStat, ItemStat, TopicResult):
                s.execute(delete(model))
            assert not summaries_in_step(s)
            assert ensure_summaries(s) is True
            assert ensure_summaries(s) is False
        assert _snapshot(db.session) == incremental


def test_rebuild_command(app, runner, course):
    result = runner.invoke(args=["reports", "rebuild"])
    assert result.exit_code == 0 and "rebuilt" in result.output
