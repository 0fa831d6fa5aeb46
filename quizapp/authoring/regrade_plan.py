"""What a regrade would change, computed without writing: per attempt, per trainee, per certificate.

``regrade.preview`` builds a :class:`RegradePlan` from these; the rules come from their homes:
an item is marked by ``quiz.marking.mark_item``, an attempt's pass by ``quiz.rules.Score``, a
topic's pass by ``course.TopicProgress`` and the course's completion by ``course.completes_course``.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..course import TopicProgress, active_topics, completes_course
from ..models import Attempt, AttemptItem, AttemptStatus, Certificate, CertificateStatus, QuestionVersion, Topic, User
from ..quiz.marking import mark_item
from ..quiz.rules import Score

FINISHED = (AttemptStatus.SUBMITTED, AttemptStatus.TIMED_OUT)


@dataclass(frozen=True)
class AttemptChange:
    """One finished attempt that used the old version: its score and pass before and after."""

    attempt_id: int
    user_id: int
    number: int
    mode: str
    finished_at: datetime | None
    max_score: int
    old_score: int
    new_score: int
    old_passed: bool
    new_passed: bool

    @property
    def score_changes(self) -> bool:
        return self.old_score != self.new_score

    @property
    def pass_changes(self) -> bool:
        return self.old_passed != self.new_passed


@dataclass(frozen=True)
class TraineeChange:
    """A trainee whose pass in the topic changes, and what it means for their certificate."""

    user_id: int
    passed_before: bool
    passed_after: bool
    completes_before: bool
    completes_after: bool
    #: The valid certificate's code, if any; the latest certificate's status otherwise ("" if none).
    certificate: str
    has_any_certificate: bool

    @property
    def certificate_due(self) -> bool:
        """Completes the course only now and holds no certificate at all (as issuance decides)."""
        return self.completes_after and not self.completes_before and not self.has_any_certificate

    @property
    def certificate_to_review(self) -> bool:
        """Holds a valid certificate but no longer completes the course: for an admin to decide."""
        return self.completes_before and not self.completes_after and bool(self.certificate)


@dataclass(frozen=True)
class PlanKey:
    """What a confirmation carries back: the versions and the fingerprint of what was shown."""

    question_id: int
    old_version_id: int
    new_version_id: int
    fingerprint: str


@dataclass(frozen=True)
class RegradePlan:
    """What a regrade would change; nothing is written until :func:`apply`."""

    question_id: int
    topic_id: int
    old_version_id: int
    new_version_id: int
    #: Every finished attempt with an item of the old version, score changed or not.
    attempts: tuple[AttemptChange, ...]
    #: Trainees whose pass in the topic changes.
    trainees: tuple[TraineeChange, ...]
    #: Attempts still open with the old version (marked with it when they finish).
    open_attempts: int
    #: Trainees by id (name, ward, class loaded), for the pages and the export.
    users: dict[int, User]
    fingerprint: str

    @property
    def key(self) -> PlanKey:
        return PlanKey(self.question_id, self.old_version_id, self.new_version_id, self.fingerprint)

    @property
    def changed(self) -> list[AttemptChange]:
        return [a for a in self.attempts if a.score_changes]

    @property
    def trainees_with_new_scores(self) -> int:
        return len({a.user_id for a in self.changed})

    @property
    def attempts_changing_pass(self) -> int:
        return sum(a.pass_changes for a in self.attempts)

    @property
    def to_issue(self) -> list[TraineeChange]:
        return [t for t in self.trainees if t.certificate_due]

    @property
    def to_review(self) -> list[TraineeChange]:
        return [t for t in self.trainees if t.certificate_to_review]


class _Outcome(NamedTuple):
    """An attempt as ``course.TopicProgress`` reads it, with ``passed`` as the regrade would leave it."""

    status: str
    score: int | None
    max_score: int
    number: int
    passed: bool | None


def attempt_changes(session: Session, old: QuestionVersion, new: QuestionVersion) -> list[AttemptChange]:
    """Old and new marks of every finished attempt that drew ``old``, by the marking rule."""
    rows = session.execute(
        select(Attempt, AttemptItem.selected, AttemptItem.is_correct)
        .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
        .where(AttemptItem.question_version_id == old.id, Attempt.status.in_(FINISHED), Attempt.score.is_not(None))
        .order_by(Attempt.id)
    )
    gained: dict[int, int] = defaultdict(int)
    attempts: dict[int, Attempt] = {}
    for attempt, selected, was_correct in rows:
        attempts[attempt.id] = attempt
        gained[attempt.id] += int(mark_item(new, selected)) - int(bool(was_correct))
    changes = []
    for attempt_id, attempt in attempts.items():
        score = Score(attempt.score + gained[attempt_id], attempt.max_score, attempt.pass_percent)
        changes.append(
            AttemptChange(
                attempt_id=attempt_id,
                user_id=attempt.user_id,
                number=attempt.number,
                mode=attempt.mode,
                finished_at=attempt.finished_at,
                max_score=attempt.max_score,
                old_score=attempt.score,
                new_score=score.correct,
                old_passed=bool(attempt.passed),
                new_passed=score.passed,
            )
        )
    return changes


def trainee_changes(session: Session, topic: Topic, changes: list[AttemptChange]) -> list[TraineeChange]:
    """Trainees whose pass in the topic changes, by the course's rules (``course.TopicProgress``)."""
    new_passed = {c.attempt_id: c.new_passed for c in changes if c.pass_changes}
    user_ids = sorted({c.user_id for c in changes if c.pass_changes})
    if not user_ids:
        return []
    topics = active_topics(session)
    counted = any(t.id == topic.id for t in topics)  # an inactive topic does not count towards completion
    by_user: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in session.scalars(select(Attempt).where(Attempt.user_id.in_(user_ids)).order_by(Attempt.number)):
        by_user[attempt.user_id].append(attempt)
    certificates: dict[int, list[Certificate]] = defaultdict(list)
    for certificate in session.scalars(
        select(Certificate).where(Certificate.user_id.in_(user_ids)).order_by(Certificate.id)
    ):
        certificates[certificate.user_id].append(certificate)

    def passed(attempts: list[Attempt], in_topic: Topic, after: bool) -> bool:
        outcomes = [
            _Outcome(a.status, a.score, a.max_score, a.number, new_passed.get(a.id, a.passed) if after else a.passed)
            for a in attempts
            if a.topic_id == in_topic.id
        ]
        return TopicProgress(in_topic, outcomes).passed  # type: ignore[arg-type]

    result = []
    for user_id in user_ids:
        attempts = by_user[user_id]
        before, after = passed(attempts, topic, False), passed(attempts, topic, True)
        if before == after:  # another attempt decides the topic either way
            continue
        others = sum(passed(attempts, t, False) for t in topics if t.id != topic.id)
        held = certificates[user_id]
        valid = next((c.code for c in held if c.status == CertificateStatus.VALID), "")
        result.append(
            TraineeChange(
                user_id=user_id,
                passed_before=before,
                passed_after=after,
                completes_before=completes_course(others + int(before and counted), len(topics)),
                completes_after=completes_course(others + int(after and counted), len(topics)),
                certificate=valid,
                has_any_certificate=bool(held),
            )
        )
    return result


def digest(key: tuple, attempts, trainees) -> str:
    """A digest of everything the plan shows, so a confirmation applies exactly what was previewed."""
    payload = [
        list(key),
        [[a.attempt_id, a.old_score, a.new_score, a.old_passed, a.new_passed] for a in attempts],
        [[t.user_id, t.passed_after, t.completes_before, t.completes_after, t.certificate] for t in trainees],
    ]
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:32]
