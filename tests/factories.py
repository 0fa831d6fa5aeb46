"""Test data factories: users, wards, topics with question banks, attempts.

Each factory commits its rows so that requests made afterwards through the test client see them,
and returns plain ids and values rather than ORM objects bound to a finished app context.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime

from quizapp.accounts.wards import seed_wards
from quizapp.auth.passwords import hash_password
from quizapp.db import write_transaction
from quizapp.models import Cohort, Question, QuestionVersion, Role, Section, Topic, User, Ward

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
            if ward and s.query(Ward).count() == 0:
                seed_wards(s)
            n = next(_counter)
            ward_obj = s.query(Ward).filter_by(code=ward).one() if ward else None
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
        from quizapp.quiz.question_types import true_false_options

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
