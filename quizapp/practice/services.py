"""Practice sets over a session: start or resume, answer, and what a trainee's practice shows.

Plain functions; callers own the transaction (``db.write_transaction``). Practice writes only its own tables
(practice_set, practice_item, practice_card): grades, attempts, report summaries and certificates never change.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..course import TopicProgress, topic_progress
from ..i18n import lazy_gettext as _l
from ..models import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    PracticeCard,
    PracticeItem,
    PracticeSet,
    QuestionVersion,
    Section,
    Topic,
)
from ..quiz import draw as drawing
from ..quiz.bank import drawable_bank
from ..quiz.question_types import QUESTION_TYPES, to_authored
from ..quiz.rules import review_allowed
from ..timezone import LOCAL_ZONE
from . import scheduler
from .scheduler import Candidate, Card, Result


class PracticeError(Exception):
    """A practice request refused; ``message`` is shown to the trainee, ``status`` is HTTP."""

    status = 400

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class PracticeUnavailable(PracticeError):
    status = 409


class PracticeNotFound(PracticeError):
    status = 404


def _progress(session: Session, user_id: int, topic_id: int) -> TopicProgress:
    """The trainee's standing in the topic, from the one home of that rule (course.topic_progress)."""
    return topic_progress(session, user_id, session.get_one(Topic, topic_id))


def graded_attempts_open(session: Session, user_id: int, topic_id: int) -> bool:
    """A graded attempt at the topic is in progress: practice waits, so it cannot serve as a crib."""
    return _progress(session, user_id, topic_id).open_attempt is not None


def keys_shown(progress: TopicProgress) -> bool:
    """Practice shows right answers exactly when the trainee's own quiz review would (one rule, quiz.rules)."""
    return review_allowed(progress.topic.review_policy, progress.left)


def candidates(session: Session, user_id: int, topic_id: int) -> list[Candidate]:
    """Every drawable question of the topic with this trainee's latest graded answer and practice card."""
    bank = drawable_bank(session, topic_id)
    graded: dict[int, Result] = {}
    rows = session.execute(
        select(QuestionVersion.question_id, AttemptItem.is_correct, Attempt.finished_at)
        .select_from(AttemptItem)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .where(
            Attempt.user_id == user_id,
            Attempt.topic_id == topic_id,
            Attempt.status != AttemptStatus.OPEN,
            AttemptItem.is_correct.is_not(None),
        )
        .order_by(Attempt.finished_at)
    )
    for question_id, correct, finished_at in rows:
        graded[question_id] = Result(bool(correct), finished_at)  # later rows win: the latest answer
    cards = {
        c.question_id: Card(c.box, c.streak, Result(c.last_correct, c.last_at))
        for c in session.scalars(
            select(PracticeCard).where(
                PracticeCard.user_id == user_id, PracticeCard.question_id.in_([e.question_id for e in bank])
            )
        )
    }
    return [
        Candidate(e.question_id, e.section_id, e.version_id, graded.get(e.question_id), cards.get(e.question_id))
        for e in bank
    ]


def unfinished_set(session: Session, user_id: int, topic_id: int) -> PracticeSet | None:
    return session.scalar(
        select(PracticeSet)
        .where(PracticeSet.user_id == user_id, PracticeSet.topic_id == topic_id, PracticeSet.finished_at.is_(None))
        .order_by(PracticeSet.id.desc())
        .limit(1)
    )


def start_or_resume(
    session: Session, user_id: int, topic: Topic, now: datetime, rng: random.Random | None = None
) -> PracticeSet:
    """The trainee's unfinished practice set at ``topic``, or a new one drawn for what they need."""
    progress = _progress(session, user_id, topic.id)
    if progress.open_attempt is not None:
        raise PracticeUnavailable(_l("Finish your quiz at this topic first; practice opens again after it."))
    current = unfinished_set(session, user_id, topic.id)
    if current is not None:
        return current
    rng = rng or random.Random(secrets.randbits(64))
    chosen = scheduler.choose(candidates(session, user_id, topic.id), topic.practice_questions, rng)
    if not chosen:
        raise PracticeUnavailable(_l("This topic has no approved questions yet."))
    versions = {
        v.id: v
        for v in session.scalars(select(QuestionVersion).where(QuestionVersion.id.in_([c.version_id for c in chosen])))
    }
    practice = PracticeSet(user_id=user_id, topic_id=topic.id, started_at=now, keys_shown=keys_shown(progress))
    for position, c in enumerate(chosen, start=1):
        version = versions[c.version_id]
        fixed = QUESTION_TYPES[version.type].fixed_order
        practice.items.append(
            PracticeItem(
                position=position,
                question_version=version,
                option_order=drawing.option_order(len(version.options), fixed, rng),
            )
        )
    session.add(practice)
    session.flush()
    return practice


def get_set(session: Session, set_id: int, user_id: int) -> PracticeSet:
    """A practice set of this trainee with its items; PracticeNotFound for anyone else's (no hint it exists)."""
    practice = session.scalar(
        select(PracticeSet)
        .where(PracticeSet.id == set_id)
        .options(selectinload(PracticeSet.items).selectinload(PracticeItem.question_version))
    )
    if practice is None or practice.user_id != user_id:
        raise PracticeNotFound(_l("There is no such practice set."))
    return practice


def answer(
    session: Session, set_id: int, user_id: int, position: int, display: Sequence[int], now: datetime
) -> PracticeItem:
    """Mark one answer and move the question in the trainee's Leitner schedule.

    Answering an item twice (a double click, a resent form) keeps the first answer.
    """
    practice = get_set(session, set_id, user_id)
    if graded_attempts_open(session, user_id, practice.topic_id):
        raise PracticeUnavailable(_l("Finish your quiz at this topic first; practice opens again after it."))
    item = next((i for i in practice.items if i.position == position), None)
    if item is None:
        raise PracticeError(_l("Question %(n)s is not part of this practice set.", n=position))
    if item.answered_at is not None:
        return item
    version = item.question_version
    qtype = QUESTION_TYPES[version.type]
    if not display:
        raise PracticeError(_l("Choose an answer first."))
    authored = to_authored(item.option_order, display)
    if authored is None or (not qtype.multiple_choice and len(authored) != 1):
        raise PracticeError(_l("That answer does not belong to question %(n)d.", n=position))
    item.selected, item.answered_at = authored, now
    item.is_correct = qtype.grade(version.correct_indexes, authored)
    _move_card(session, user_id, version.question_id, item.is_correct, now)
    if all(i.answered_at is not None for i in practice.items):
        practice.finished_at = now
    return item


def _move_card(session: Session, user_id: int, question_id: int, correct: bool, now: datetime) -> None:
    row = session.get(PracticeCard, (user_id, question_id))
    before = Card(row.box, row.streak, Result(row.last_correct, row.last_at)) if row else None
    after = scheduler.next_card(before, correct, now)
    if row is None:
        row = PracticeCard(user_id=user_id, question_id=question_id, times=0)
        session.add(row)
    row.box, row.streak, row.last_correct, row.last_at = after.box, after.streak, correct, now
    row.times = (row.times or 0) + 1


def streak_days(session: Session, user_id: int, today: date) -> int:
    """Days in a row (Vietnam time) with at least one practice answer, ending today or yesterday."""
    stamps = session.scalars(
        select(PracticeItem.answered_at)
        .join(PracticeSet, PracticeSet.id == PracticeItem.set_id)
        .where(PracticeSet.user_id == user_id, PracticeItem.answered_at.is_not(None))
        .order_by(PracticeItem.answered_at.desc())
        .limit(2000)
    )
    days = {s.astimezone(LOCAL_ZONE).date() for s in stamps}
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


@dataclass(frozen=True)
class SectionView:
    """A lesson section with the trainee's mastery of it, for the topic page."""

    slug: str
    title: str
    mastery: scheduler.SectionMastery


@dataclass(frozen=True)
class Overview:
    """What the topic page shows of a trainee's practice."""

    sections: list[SectionView]
    streak: int
    sets_done: int
    unfinished: PracticeSet | None
    keys_shown: bool
    blocked: bool  # a graded attempt is open


def overview(session: Session, user_id: int, topic: Topic, now: datetime) -> Overview:
    """Per-section mastery, the streak, sets done and whether answers will be shown."""
    progress = _progress(session, user_id, topic.id)
    found = scheduler.mastery(candidates(session, user_id, topic.id))
    sections = [
        SectionView(s.slug, s.title, found[s.id])
        for s in session.scalars(select(Section).where(Section.topic_id == topic.id).order_by(Section.position))
        if s.id in found
    ]
    sets_done = session.scalar(
        select(func.count())
        .select_from(PracticeSet)
        .where(PracticeSet.user_id == user_id, PracticeSet.topic_id == topic.id, PracticeSet.finished_at.is_not(None))
    )
    return Overview(
        sections=sections,
        streak=streak_days(session, user_id, now.astimezone(LOCAL_ZONE).date()),
        sets_done=sets_done,
        unfinished=unfinished_set(session, user_id, topic.id),
        keys_shown=keys_shown(progress),
        blocked=progress.open_attempt is not None,
    )


@dataclass(frozen=True)
class Activity:
    """A trainee's practice, for the reports: sets finished and questions answered."""

    sets: int = 0
    questions: int = 0


def activity(session: Session, user_ids: Iterable[int], topic_id: int | None = None) -> dict[int, Activity]:
    """Practice activity of many trainees in one query (optionally of one topic)."""
    ids = list(user_ids)
    if not ids:
        return {}
    finished = func.count(func.distinct(PracticeSet.id)).filter(PracticeSet.finished_at.is_not(None))
    answered = func.count(PracticeItem.id).filter(PracticeItem.answered_at.is_not(None))
    query = (
        select(PracticeSet.user_id, finished, answered)
        .join(PracticeItem, PracticeItem.set_id == PracticeSet.id)
        .where(PracticeSet.user_id.in_(ids))
        .group_by(PracticeSet.user_id)
    )
    if topic_id is not None:
        query = query.where(PracticeSet.topic_id == topic_id)
    return {user_id: Activity(sets, questions) for user_id, sets, questions in session.execute(query)}


def activity_by_topic(session: Session, user_id: int) -> dict[int, Activity]:
    """One trainee's practice per topic, in one query."""
    finished = func.count(func.distinct(PracticeSet.id)).filter(PracticeSet.finished_at.is_not(None))
    answered = func.count(PracticeItem.id).filter(PracticeItem.answered_at.is_not(None))
    rows = session.execute(
        select(PracticeSet.topic_id, finished, answered)
        .join(PracticeItem, PracticeItem.set_id == PracticeSet.id)
        .where(PracticeSet.user_id == user_id)
        .group_by(PracticeSet.topic_id)
    )
    return {topic_id: Activity(sets, questions) for topic_id, sets, questions in rows}
