"""The quiz's rules: default settings, timing, scoring, the 10-point grade and review. Pure functions.

Everything that shows or stores a grade, a pass or a review decision calls these, so the rules
hold the same in the quiz, the reports, the exports and the certificate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class ReviewPolicy(StrEnum):
    """When a trainee may see the right answers of a submitted attempt."""

    IMMEDIATELY = "immediately"
    AFTER_LAST_ATTEMPT = "after_last_attempt"
    NEVER = "never"


@dataclass(frozen=True)
class QuizSettings:
    """A topic's quiz settings (DESIGN §2); topic.yaml and the instance configuration override them."""

    questions: int = 20
    time_limit_minutes: int = 20
    pass_percent: int = 70
    max_attempts: int = 3
    review: str = ReviewPolicy.IMMEDIATELY


#: The defaults every topic starts from: config.py, the content loader and the Topic columns use them.
DEFAULTS = QuizSettings()
#: Seconds after the deadline during which saves and submits are still accepted (network lag).
GRACE_SECONDS = 60
#: Points on the Vietnamese grading scale.
SCALE = 10


def write_deadline(deadline: datetime, grace_seconds: int) -> datetime:
    """The last moment a save or submit is accepted: the deadline plus the grace period."""
    return deadline + timedelta(seconds=grace_seconds)


def accepts_writes(deadline: datetime, now: datetime, grace_seconds: int) -> bool:
    """Whether answers may still be saved or submitted at ``now``."""
    return now <= write_deadline(deadline, grace_seconds)


def seconds_left(deadline: datetime, now: datetime) -> int:
    """Whole seconds until the deadline shown to the trainee (never negative)."""
    return max(0, int((deadline - now).total_seconds()))


def grade10(correct: float, total: float = 1) -> float | None:
    """``correct`` out of ``total`` on the 10-point scale: 16/20 -> 8.0, a fraction 0.8 -> 8.0."""
    return SCALE * correct / total if total else None


def percent(correct: float, total: float) -> float | None:
    """``correct`` out of ``total`` as a percentage."""
    return 100.0 * correct / total if total else None


def passes(correct: int, total: int, pass_percent: int) -> bool:
    """Whether ``correct`` of ``total`` reaches the pass mark."""
    # Integer arithmetic avoids a 69.999… percent failing a 70 % pass mark.
    return total > 0 and correct * 100 >= pass_percent * total


def review_allowed(policy: str, attempts_left: int) -> bool:
    """Whether the topic's review policy lets the trainee see the answers now."""
    if policy == ReviewPolicy.IMMEDIATELY:
        return True
    if policy == ReviewPolicy.AFTER_LAST_ATTEMPT:
        return attempts_left == 0
    return False


def others_review_allowed(policy: str, viewer_attempts_left: int, viewer_attempt_open: bool) -> bool:
    """Whether a viewer who sits this quiz too (a ward manager) may see the keys of someone else's attempt.

    The rule: keys only where the viewer can no longer use them in a graded attempt of their own
    — every attempt at the topic used and none open (passing does not end the attempts) — and
    where the topic's policy would show the viewer their own keys at that point, so ``never``
    keeps the bank's keys from everyone who sits it. Otherwise they see the score and, per
    question, right or wrong without the options chosen (a right choice would give the key away).
    Instructors and admins do not sit the quizzes: they always see the keys.
    """
    return viewer_attempts_left == 0 and not viewer_attempt_open and review_allowed(policy, viewer_attempts_left)


@dataclass(frozen=True)
class Score:
    """The result of a graded attempt."""

    correct: int
    total: int
    pass_percent: int

    @property
    def percent(self) -> float:
        return percent(self.correct, self.total) or 0.0

    @property
    def grade10(self) -> float:
        """The Vietnamese 10-point scale, e.g. 16/20 -> 8.0."""
        return grade10(self.correct, self.total) or 0.0

    @property
    def passed(self) -> bool:
        return passes(self.correct, self.total, self.pass_percent)
