"""A small hand-computed data set for the report tests (shared by test_reports*.py).

Topic 1 has three single-choice questions (option A correct). First attempts, x = correct:

    trainee  ward      q1  q2  q3  total  passed (70 %)
    A        dong-ve   1   1   1   3      yes
    B        dong-ve   1   1   0   2      no
    C        dong-ve   1   0   0   1      no   (second attempt: 3/3, passed)
    D        ham-rong  –   0   1   1      no   (q1 left blank)
    E        ham-rong  no attempt

Corrected item–total correlation (rest of paper R = total − x):
    q1: x = 1,1,1,0  R = 2,1,0,1  -> r = 0          facility 0.75
    q2: x = 1,1,0,0  R = 2,1,1,1  -> r = 1/√3 ≈ 0.577 facility 0.5
    q3: x = 1,0,0,1  R = 2,2,1,0  -> r ≈ −0.302       facility 0.5
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from quizapp.db import write_transaction
from quizapp.models import Attempt, AttemptItem, AttemptStatus, Cohort, Question, QuestionVersion, User
from quizapp.reports.summary import record_graded_attempt

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # 08:00 in Vietnam

#: Per trainee: list of attempts, each a list of selected option per question (None = blank).
ANSWERS = {
    "A": [[0, 0, 0]],
    "B": [[0, 0, 1]],
    "C": [[0, 2, 3], [0, 0, 0]],
    "D": [[None, 1, 0]],
    "E": [],
}
WARDS = {"A": "dong-ve", "B": "dong-ve", "C": "dong-ve", "D": "ham-rong", "E": "ham-rong"}


@dataclass
class HandData:
    users: dict[str, int]
    versions: list[int]
    topic_id: int
    cohorts: dict[str, int]
    attempt_ids: dict[str, list[int]]


def sit(session, user_id: int, topic_id: int, number: int, versions: list[int], answers: list, when: datetime) -> int:
    """Store a graded attempt, summaries included, as grading would: option 0 of each question is correct."""
    correct = sum(1 for a in answers if a == 0)
    attempt = Attempt(
        user_id=user_id,
        topic_id=topic_id,
        number=number,
        status=AttemptStatus.SUBMITTED,
        started_at=when,
        deadline_at=when + timedelta(minutes=20),
        finished_at=when + timedelta(minutes=7, seconds=30),
        score=correct,
        max_score=len(answers),
        passed=correct * 100 >= 70 * len(answers),
        pass_percent=70,
    )
    for position, (vid, answer) in enumerate(zip(versions, answers, strict=True), start=1):
        attempt.items.append(
            AttemptItem(
                position=position,
                question_version_id=vid,
                option_order=[0, 1, 2, 3],
                selected=None if answer is None else [answer],
                is_correct=answer == 0,
            )
        )
    session.add(attempt)
    session.flush()
    record_graded_attempt(session, attempt)
    return attempt.id


def build(app, make) -> HandData:
    """Create wards, topic 1, two classes, trainees A–E and their attempts."""
    topic = make.topic(number=1, sections=1, per_section=3, questions_per_attempt=3)
    with app.app_context(), write_transaction() as s:
        cohorts = {code: Cohort(code=code, name=name) for code, name in (("lop-1", "Lớp 1"), ("lop-2", "Lớp 2"))}
        s.add_all(cohorts.values())
        s.flush()
        cohort_ids = {code: c.id for code, c in cohorts.items()}
    users = {}
    for name, ward in WARDS.items():
        cohort = cohort_ids["lop-1"] if name in "ABD" else cohort_ids["lop-2"]
        users[name] = make.user(ward=ward, full_name=f"Học viên {name}", cohort_id=cohort).id
    attempt_ids = {}
    with app.app_context(), write_transaction() as s:
        versions = list(
            s.scalars(
                select(QuestionVersion.id)
                .join(Question, Question.id == QuestionVersion.question_id)
                .where(Question.topic_id == topic.id)
                .order_by(Question.ext_id)
            )
        )
        for name, attempts in ANSWERS.items():
            attempt_ids[name] = [
                sit(s, users[name], topic.id, n, versions, answers, T0 + timedelta(days=3 * (n - 1)))
                for n, answers in enumerate(attempts, start=1)
            ]
    return HandData(users, versions, topic.id, cohort_ids, attempt_ids)


def add_trainees(app, make, count: int, topic_id: int, versions: list[int], ward: str = "dong-ve") -> None:
    """More trainees with first and second attempts, to grow the data without changing its shape."""
    ids = [make.user(ward=ward).id for _ in range(count)]
    with app.app_context(), write_transaction() as s:
        for k, user_id in enumerate(ids):
            sit(s, user_id, topic_id, 1, versions, [k % 2, 0, (k + 1) % 3], T0)
            sit(s, user_id, topic_id, 2, versions, [0, 0, 0], T0 + timedelta(days=1))
        assert s.scalar(select(User).where(User.id == ids[0])) is not None
