"""What the regrade tests share: a course, sittings of topic 1, a corrected key, plans and figures."""

from __future__ import annotations

from datetime import timedelta

import yaml
from sqlalchemy import select

from quizapp.authoring import regrade
from quizapp.db import db, write_transaction
from quizapp.models import (
    Attempt,
    Course,
    ItemOptionStat,
    ItemStat,
    Question,
    QuestionVersion,
    Topic,
    TopicResult,
    utcnow,
)
from quizapp.reports.summary import rebuild_summaries

from .factories import COURSE_YAML, T0, sit

REASON = "Đáp án câu 1 sai theo Điều lệ Đảng, Hội đồng đã thống nhất sửa"


# --- set-up ------------------------------------------------------------------------------------


def course(app, make, topics: int = 5) -> dict:
    """Topic 1 with four questions (a quiz draws all four; 3 of 4 = 75 % passes, 2 of 4 fails), topics 2.. as usual."""
    make.topic(number=1, sections=1, per_section=4, questions_per_attempt=4)
    for n in range(2, topics + 1):
        make.topic(number=n)
    data = yaml.safe_load(COURSE_YAML.read_text(encoding="utf-8"))
    with app.app_context(), write_transaction() as s:
        s.add(Course(id=1, title=data["title"], issuing_body=data["issuing_body"], settings=data))
        topic = s.scalar(select(Topic).where(Topic.number == 1))
        versions = list(
            s.scalars(
                select(QuestionVersion.id)
                .join(Question, Question.id == QuestionVersion.question_id)
                .where(Question.topic_id == topic.id)
                .order_by(Question.ext_id)
            )
        )
        return {"topic_id": topic.id, "versions": versions}


def sit_topic1(app, setup, user_id: int, answers: list, number: int = 1) -> int:
    """A graded attempt at topic 1 (option 0 is the key of every question before the correction)."""
    with app.app_context(), write_transaction() as s:
        when = T0 + timedelta(days=number)
        return sit(s, user_id, setup["topic_id"], number, setup["versions"], answers, when)


def correct_key(app, old_version_id: int, key=(1,), **changes) -> int:
    """Approve a corrected version of the question (as the workflow would): ``key`` are the right options."""
    with app.app_context(), write_transaction() as s:
        old = s.get(QuestionVersion, old_version_id)
        options = [{"text": o["text"], "correct": i in key} for i, o in enumerate(old.options)]
        new = QuestionVersion(
            question_id=old.question_id,
            version=old.version + 1,
            section_id=old.section_id,
            type=old.type,
            text=old.text,
            options=options,
            explanation="Đáp án đã được sửa.",
            source=old.source,
            content_hash=f"{old.content_hash}-v2",
        )
        for name, value in changes.items():
            setattr(new, name, value)
        s.add(new)
        s.flush()
        s.get(Question, old.question_id).current_version_id = new.id
        return new.id


def plan_for(app, old_version_id: int) -> regrade.RegradePlan:
    with app.app_context():
        old = db.session.get(QuestionVersion, old_version_id)
        question = db.session.get(Question, old.question_id)
        return regrade.preview(db.session, question, old, question.current_version)


def apply(app, plan, reason=REASON, actor_id=None) -> regrade.RegradeResult:
    with app.app_context(), write_transaction() as s:
        return regrade.apply(s, plan.key, actor_id, reason, utcnow())


def attempt_row(app, attempt_id: int) -> tuple:
    with app.app_context():
        a = db.session.get(Attempt, attempt_id)
        return a.score, a.passed, sorted((i.position, i.question_version_id, i.is_correct) for i in a.items)


def summaries(app) -> tuple:
    """Every summary row, as plain tuples."""
    with app.app_context():
        s = db.session
        results = sorted(tuple(r) for r in s.execute(select(TopicResult.__table__)))
        stats = sorted(tuple(r) for r in s.execute(select(ItemStat.__table__)))
        options = sorted(tuple(r) for r in s.execute(select(ItemOptionStat.__table__)))
        return results, stats, options


def rebuilt(app) -> tuple:
    with app.app_context(), write_transaction() as s:
        rebuild_summaries(s)
    return summaries(app)


# --- the rule ----------------------------------------------------------------------------------


def version(type_="single", texts=("A", "B", "C"), key=(0,), text="Câu hỏi?") -> QuestionVersion:
    return QuestionVersion(
        type=type_, text=text, options=[{"text": t, "correct": i in key} for i, t in enumerate(texts)]
    )
