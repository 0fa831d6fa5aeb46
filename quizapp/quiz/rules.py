"""Timing and scoring rules of an attempt. Pure functions of plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..models.content import ReviewPolicy


def write_deadline(deadline: datetime, grace_seconds: int) -> datetime:
    """The last moment a save or submit is accepted: the deadline plus the grace period."""
    return deadline + timedelta(seconds=grace_seconds)


def accepts_writes(deadline: datetime, now: datetime, grace_seconds: int) -> bool:
    """Whether answers may still be saved or submitted at ``now``."""
    return now <= write_deadline(deadline, grace_seconds)


def seconds_left(deadline: datetime, now: datetime) -> int:
    """Whole seconds until the deadline shown to the trainee (never negative)."""
    return max(0, int((deadline - now).total_seconds()))


@dataclass(frozen=True)
class Score:
    """The result of a graded attempt."""

    correct: int
    total: int
    pass_percent: int

    @property
    def percent(self) -> float:
        return 100.0 * self.correct / self.total if self.total else 0.0

    @property
    def grade10(self) -> float:
        """The Vietnamese 10-point scale, e.g. 16/20 -> 8.0."""
        return 10.0 * self.correct / self.total if self.total else 0.0

    @property
    def passed(self) -> bool:
        # Integer arithmetic avoids a 69.999… percent failing a 70 % pass mark.
        return self.total > 0 and self.correct * 100 >= self.pass_percent * self.total


def review_allowed(policy: str, attempts_left: int) -> bool:
    """Whether a trainee may see the right answers now, under the topic's review policy.

    Also what practice follows: it shows keys and explanations only when this allows it.
    """
    if policy == ReviewPolicy.IMMEDIATELY:
        return True
    if policy == ReviewPolicy.AFTER_LAST_ATTEMPT:
        return attempts_left == 0
    return False
