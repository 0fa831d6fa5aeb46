"""Test data factories and helpers: users, wards, topics with question banks, attempts, the course
with its certificate wording, a hand-computed report data set, and a recorder of SQL statements.

Each factory commits its rows so that requests made afterwards through the test client see them,
and returns plain ids and values rather than ORM objects bound to a finished app context. Test
modules import their helpers from here, never from one another.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from sqlalchemy import event, func, select

from quizapp.accounts.wards import seed_wards
from quizapp.auth.passwords import hash_password
from quizapp.db import db, write_transaction
from quizapp.models import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    Certificate,
    Cohort,
    Course,
    Question,
    QuestionVersion,
    Role,
    Section,
    Topic,
    User,
    Ward,
    utcnow,
)
from quizapp.paper.pdf import key_letters, key_pdf, papers_pdf
from quizapp.paper.services import find_batch, print_papers
from quizapp.quiz.attempts import start_or_resume, submit
from quizapp.quiz.question_types import true_false_options
from quizapp.reports.summary import record_graded_attempt

PASSWORD = "secret-pass"
_HASH = None
_counter = itertools.count(1)


def password_hash() -> str:
    global _HASH
    if _HASH is None:
        _HASH = hash_password(PASSWORD)
    return _HASH


@dataclass
class Ref:
    """A plain handle on a created row."""

    id: int
    username: str = ""
    number: int = 0


class Factories:
    def __init__(self, app):
        self.app = app

    def wards(self) -> None:
        with self.app.app_context(), write_transaction() as s:
            seed_wards(s)

    def user(self, role: str = Role.TRAINEE, ward: str | None = "dong-ve", **overrides) -> Ref:
        """A user (default: a trainee of Đông Vệ) whose password is PASSWORD."""
        with self.app.app_context(), write_transaction() as s:
            if ward and not s.scalar(select(func.count()).select_from(Ward)):
                seed_wards(s)
            n = next(_counter)
            ward_obj = s.scalars(select(Ward).where(Ward.code == ward)).one() if ward else None
            fields = dict(
                username=f"user{n}",
                full_name=f"Nguyễn Văn Thử {n}",
                password_hash=password_hash(),
                role=role,
                ward=ward_obj,
            )
            fields.update(overrides)
            user = User(**fields)
            s.add(user)
            s.flush()
            return Ref(id=user.id, username=user.username)

    def cohort(self, name: str = "Lớp 1", **fields) -> Ref:
        """A class (cohort) named ``name``; ``starts_on``/``ends_on`` optional."""
        with self.app.app_context(), write_transaction() as s:
            cohort = Cohort(code=fields.pop("code", f"lop-{next(_counter)}"), name=name, **fields)
            s.add(cohort)
            s.flush()
            return Ref(id=cohort.id)

    def topic(self, number: int = 1, sections: int = 2, per_section: int = 5, types=("single",), **settings) -> Ref:
        """A topic with ``sections`` sections of ``per_section`` questions each.

        Question k of each section cycles through ``types``. For single questions option 0 is
        correct (authored order); multiple: options 0 and 1; true_false: the statement is true.
        """
        with self.app.app_context(), write_transaction() as s:
            fields = dict(
                number=number,
                slug=f"{number:02d}-chu-de",
                title=f"Chuyên đề {number}",
                questions_per_attempt=4,
                time_limit_minutes=20,
                pass_percent=70,
                max_attempts=3,
            )
            fields.update(settings)
            topic = Topic(**fields)
            s.add(topic)
            s.flush()
            for si in range(sections):
                section = Section(
                    topic_id=topic.id,
                    slug=f"phan-{si + 1}",
                    title=f"Phần {si + 1}",
                    position=si,
                    body_md=f"Nội dung phần {si + 1}.",
                )
                s.add(section)
                s.flush()
                for qi in range(per_section):
                    self._question(s, topic, section, f"t{number}-{si + 1}{qi + 1:02d}", types[qi % len(types)])
            return Ref(id=topic.id, number=number)

    def _question(self, s, topic, section, ext_id, qtype):
        if qtype == "true_false":
            options = true_false_options(True)
        elif qtype == "multiple":
            options = [
                {"text": f"{ext_id} đúng A", "correct": True},
                {"text": f"{ext_id} đúng B", "correct": True},
                {"text": f"{ext_id} sai C", "correct": False},
                {"text": f"{ext_id} sai D", "correct": False},
            ]
        else:
            options = [{"text": f"{ext_id} đúng", "correct": True}] + [
                {"text": f"{ext_id} sai {k}", "correct": False} for k in range(1, 4)
            ]
        question = Question(ext_id=ext_id, topic_id=topic.id)
        s.add(question)
        s.flush()
        version = QuestionVersion(
            question_id=question.id,
            version=1,
            section_id=section.id,
            type=qtype,
            difficulty="medium",
            text=f"Câu hỏi {ext_id}?",
            options=options,
            explanation=f"Giải thích {ext_id}.",
            source="Điều lệ Đảng",
            content_hash=ext_id,
        )
        s.add(version)
        s.flush()
        question.current_version_id = version.id
        return question


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


class Statements:
    """The SQL statements an app runs while recording: ``with Statements(app) as sql: ...``."""

    def __init__(self, app):
        self.app = app
        self.all: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.all.append(" ".join(statement.split()))

    def __enter__(self) -> Statements:
        with self.app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)

    def loads(self, table: str) -> list[str]:
        """The SELECTs that read rows of ``table`` first (``FROM table``, quoted or not)."""
        pattern = re.compile(rf'^SELECT .* FROM "?{table}"?(\s|$)')
        return [s for s in self.all if pattern.match(s)]


# --- certificates: the real course wording, and trainees who pass -----------------------------


COURSE_YAML = Path(__file__).parent.parent / "questions" / "course.yaml"


def make_course(app, make, topics=5) -> None:
    """Five topics and the Course row from questions/course.yaml (the real certificate wording)."""
    for n in range(1, topics + 1):
        make.topic(number=n)
    data = yaml.safe_load(COURSE_YAML.read_text(encoding="utf-8"))
    with app.app_context(), write_transaction() as s:
        s.add(Course(id=1, title=data["title"], issuing_body=data["issuing_body"], settings=data))


def take(app, user_id: int, number: int, right: bool = True, now=None) -> None:
    """Start and submit an attempt at topic ``number``, all answers right (or all wrong)."""
    now = now or utcnow()
    with app.app_context(), write_transaction() as s:
        topic = s.scalar(select(Topic).where(Topic.number == number))
        attempt, _ = start_or_resume(s, user_id, topic, now, 60)
        answers = {i.position: [i.option_order.index(0 if right else 1)] for i in attempt.items}
        submit(s, attempt, now, 60, answers)


def pass_all(app, user_id: int, topics=5) -> None:
    for n in range(1, topics + 1):
        take(app, user_id, n)


def certificates_of(app, user_id: int) -> list[tuple[str, str]]:
    """(code, status) of every certificate of the trainee, oldest first."""
    with app.app_context(), write_transaction() as s:
        rows = s.execute(
            select(Certificate.code, Certificate.status).where(Certificate.user_id == user_id).order_by(Certificate.id)
        )
        return [tuple(r) for r in rows]


# --- reports: a small hand-computed data set -------------------------------------------------
#
# The hand-computed report data set (test_reports*.py).
# Topic 1 has three single-choice questions (option A correct). First attempts, x = correct:
#
#     trainee  ward      q1  q2  q3  total  passed (70 %)
#     A        dong-ve   1   1   1   3      yes
#     B        dong-ve   1   1   0   2      no
#     C        dong-ve   1   0   0   1      no   (second attempt: 3/3, passed)
#     D        ham-rong  –   0   1   1      no   (q1 left blank)
#     E        ham-rong  no attempt
#
# Corrected item–total correlation (rest of paper R = total − x):
#     q1: x = 1,1,1,0  R = 2,1,0,1  -> r = 0          facility 0.75
#     q2: x = 1,1,0,0  R = 2,1,1,1  -> r = 1/√3 ≈ 0.577 facility 0.5
#     q3: x = 1,0,0,1  R = 2,2,1,0  -> r ≈ −0.302       facility 0.5

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


# --- paper quizzes ---------------------------------------------------------------------------


def print_papers_for(app, user_ids, number=1, actor_id=None):
    """Print papers of topic ``number`` for ``user_ids``; (batch id, codes, refused user ids)."""
    with app.app_context(), write_transaction() as s:
        topic = s.scalar(select(Topic).where(Topic.number == number))
        users = [s.get(User, i) for i in user_ids]
        log, plan = print_papers(s, topic, users, actor_id, utcnow())
        return log.id, list(log.detail["codes"]), [r.user.id for r in plan.refused]


def paper_batch(app, batch_id):
    """A print's papers PDF, key sheet PDF and, per paper code, the right letters of each question."""
    with app.app_context():
        found = find_batch(db.session, batch_id)
        assert found is not None
        return (
            papers_pdf(found[1]),
            key_pdf(found[1]),
            {a.paper_code: [key_letters(i) for i in a.items] for a in found[1]},
        )
