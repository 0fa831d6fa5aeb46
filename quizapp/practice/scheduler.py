"""Which questions a practice set asks, and how an answer moves a question in the Leitner schedule. Pure.

A question's *latest result* is the newer of its last graded answer and its last practice answer. The set is
filled tier by tier, at random within a tier:

1. questions whose latest result is wrong (in a graded quiz or in practice);
2. questions of sections the trainee is weak in (latest results there under 70 % right), not yet learnt;
3. questions never seen;
4. the others seen but not learnt, least recently seen first;
5. learnt questions (answered right twice in a row in practice, nothing wrong since): they drop back.

The chosen questions are then asked in random order.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

#: A section is weak when fewer than this share of its answered questions were last answered right.
WEAK_SECTION_SHARE = 0.7
#: Right answers in a row after which a question counts as learnt.
LEARNT_AFTER = 2


@dataclass(frozen=True)
class Result:
    """An answer: right or wrong, and when."""

    correct: bool
    at: datetime


@dataclass(frozen=True)
class Card:
    """The practice state of a question (see models.PracticeCard)."""

    box: int
    streak: int
    last: Result


@dataclass(frozen=True)
class Candidate:
    """An approved question of the topic with what is known of this trainee's answers to it."""

    question_id: int
    section_id: int
    version_id: int
    graded: Result | None = None
    card: Card | None = None

    @property
    def latest(self) -> Result | None:
        results = [r for r in (self.graded, self.card.last if self.card else None) if r is not None]
        return max(results, key=lambda r: r.at) if results else None

    @property
    def learnt(self) -> bool:
        """Right twice in a row in practice, and no wrong graded answer since."""
        if self.card is None or self.card.box < LEARNT_AFTER:
            return False
        return self.graded is None or self.graded.correct or self.graded.at <= self.card.last.at


def next_card(card: Card | None, correct: bool, at: datetime) -> Card:
    """The Leitner step: a wrong answer goes back to box 0; each right one moves up, to the top at two."""
    if not correct:
        return Card(box=0, streak=0, last=Result(False, at))
    streak = (card.streak if card else 0) + 1
    return Card(box=min(streak, LEARNT_AFTER), streak=streak, last=Result(True, at))


def weak_sections(candidates: Sequence[Candidate]) -> set[int]:
    """Sections where under 70 % of the questions the trainee answered were last answered right."""
    right: dict[int, int] = defaultdict(int)
    answered: dict[int, int] = defaultdict(int)
    for c in candidates:
        latest = c.latest
        if latest is not None:
            answered[c.section_id] += 1
            right[c.section_id] += latest.correct
    return {s for s, n in answered.items() if right[s] < WEAK_SECTION_SHARE * n}


def tier(candidate: Candidate, weak: set[int]) -> int:
    """The candidate's priority: 1 (needed most) to 5 (learnt); see the module docstring."""
    latest = candidate.latest
    if latest is not None and not latest.correct:
        return 1
    if candidate.learnt:
        return 5
    if candidate.section_id in weak:
        return 2
    if latest is None:
        return 3
    return 4


def choose(candidates: Sequence[Candidate], size: int, rng: random.Random) -> list[Candidate]:
    """The ``size`` questions this trainee needs most, in the order they will be asked."""
    weak = weak_sections(candidates)
    pool = list(candidates)
    rng.shuffle(pool)  # random within a tier: the sort below is stable

    def key(c: Candidate):
        rank = tier(c, weak)
        latest = c.latest
        # Seen-but-not-needed questions come least recently seen first; the needed tiers stay random.
        return (rank, latest.at.timestamp() if rank >= 4 and latest else 0.0)

    pool.sort(key=key)
    chosen = pool[:size]
    rng.shuffle(chosen)  # asked in random order: the order must not tell which ones were wrong
    return chosen


@dataclass(frozen=True)
class SectionMastery:
    """How much of a section the trainee has right now: latest results right, of the section's questions."""

    section_id: int
    questions: int
    right: int
    learnt: int

    @property
    def percent(self) -> int:
        return round(100 * self.right / self.questions) if self.questions else 0


def mastery(candidates: Sequence[Candidate]) -> dict[int, SectionMastery]:
    """Per section: questions, those whose latest result is right, those learnt."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for c in candidates:
        entry = counts[c.section_id]
        entry[0] += 1
        latest = c.latest
        entry[1] += bool(latest and latest.correct)
        entry[2] += c.learnt
    return {s: SectionMastery(s, *v) for s, v in counts.items()}
