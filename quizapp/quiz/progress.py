"""Where a trainee stands in each topic: attempts used, best result, open attempt, state."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Attempt, AttemptStatus, Topic


class TopicState(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PASSED = "passed"
    NOT_PASSED = "not_passed"  # attempts left
    NO_ATTEMPTS_LEFT = "no_attempts_left"


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
        if self.open_attempt is not None:
            return TopicState.IN_PROGRESS
        if self.passed:
            return TopicState.PASSED
        if not self.attempts:
            return TopicState.NOT_STARTED
        return TopicState.NOT_PASSED if self.left else TopicState.NO_ATTEMPTS_LEFT


def active_topics(session: Session) -> list[Topic]:
    return list(session.scalars(select(Topic).where(Topic.active).order_by(Topic.number)))


def progress_for(session: Session, user_id: int) -> list[TopicProgress]:
    """Progress in every active topic, in topic order (two queries whatever the history)."""
    topics = active_topics(session)
    by_topic = {t.id: TopicProgress(t) for t in topics}
    for attempt in session.scalars(select(Attempt).where(Attempt.user_id == user_id).order_by(Attempt.number)):
        if attempt.topic_id in by_topic:
            by_topic[attempt.topic_id].attempts.append(attempt)
    return list(by_topic.values())


def has_completed(session: Session, user_id: int) -> bool:
    """True when the trainee has passed every active topic (the course's completion rule)."""
    progress = progress_for(session, user_id)
    return bool(progress) and all(p.passed for p in progress)
