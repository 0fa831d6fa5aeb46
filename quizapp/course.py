"""The course and a trainee's place in it: active topics, topic state, progress and completion.

The course's rules live here once, for the trainee's pages, the reports (in SQL, through
:func:`completed_clause` and :func:`active_topic_ids`) and certificate issuance alike:

* only active topics count; a trainee's result in a topic is the best of their attempts;
* a topic is passed when any finished attempt passed;
* the course is completed when every active topic is passed (and there is at least one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Attempt, AttemptStatus, Topic


class TopicState(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PASSED = "passed"
    NOT_PASSED = "not_passed"  # attempts left
    NO_ATTEMPTS_LEFT = "no_attempts_left"


def topic_state(used: int, open_attempts: int, passed: bool, max_attempts: int) -> TopicState:
    """A trainee's state in a topic from their attempts there: used, open, any passed."""
    if open_attempts:
        return TopicState.IN_PROGRESS
    if passed:
        return TopicState.PASSED
    if not used:
        return TopicState.NOT_STARTED
    return TopicState.NOT_PASSED if used < max_attempts else TopicState.NO_ATTEMPTS_LEFT


def completes_course(passed_topics: int, active_topics: int) -> bool:
    """The completion rule: every active topic passed, and there is at least one."""
    return active_topics > 0 and passed_topics >= active_topics


def completed_clause(passed_topics, active_topics: int) -> sa.ColumnElement[bool]:
    """:func:`completes_course` in SQL, over a column counting a trainee's passed active topics."""
    return passed_topics >= active_topics if active_topics > 0 else sa.false()


def active_topic_ids() -> sa.Select:
    """The ids of the active topics, as a subquery for ``IN``."""
    return select(Topic.id).where(Topic.active.is_(True))


def active_topics(session: Session) -> list[Topic]:
    """The active topics in their numbered order."""
    return list(session.scalars(select(Topic).where(Topic.active).order_by(Topic.number)))


@dataclass
class TopicProgress:
    topic: Topic
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def finished(self) -> list[Attempt]:
        return [a for a in self.attempts if a.status != AttemptStatus.OPEN and a.score is not None]

    @property
    def open_attempt(self) -> Attempt | None:
        return next((a for a in self.attempts if a.status == AttemptStatus.OPEN), None)

    @property
    def best(self) -> Attempt | None:
        """The best finished attempt (the topic grade); earliest wins a tie."""
        finished = self.finished
        if not finished:
            return None
        return max(finished, key=lambda a: (a.score / a.max_score if a.max_score else 0, -a.number))

    @property
    def used(self) -> int:
        return len(self.attempts)

    @property
    def left(self) -> int:
        return max(0, self.topic.max_attempts - self.used)

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.finished)

    @property
    def state(self) -> TopicState:
        open_attempts = int(self.open_attempt is not None)
        return topic_state(self.used, open_attempts, self.passed, self.topic.max_attempts)


def progress_for(session: Session, user_id: int) -> list[TopicProgress]:
    """Progress in every active topic, in topic order (two queries whatever the history)."""
    topics = active_topics(session)
    by_topic = {t.id: TopicProgress(t) for t in topics}
    for attempt in session.scalars(select(Attempt).where(Attempt.user_id == user_id).order_by(Attempt.number)):
        if attempt.topic_id in by_topic:
            by_topic[attempt.topic_id].attempts.append(attempt)
    return list(by_topic.values())


def topic_progress(session: Session, user_id: int, topic: Topic) -> TopicProgress:
    """Progress in one topic, as :func:`progress_for` has it, in one query: for a page about that topic."""
    attempts = session.scalars(_ATTEMPTS_AT_TOPIC, {"user_id": user_id, "topic_id": topic.id})
    return TopicProgress(topic, list(attempts))


#: Built once: every review and lesson page runs it.
_ATTEMPTS_AT_TOPIC = (
    select(Attempt)
    .where(Attempt.user_id == sa.bindparam("user_id"), Attempt.topic_id == sa.bindparam("topic_id"))
    .order_by(Attempt.number)
)


def has_completed(session: Session, user_id: int) -> bool:
    """True when the trainee has passed every active topic (the course's completion rule)."""
    progress = progress_for(session, user_id)
    return completes_course(sum(p.passed for p in progress), len(progress))
