"""Marking a finished attempt: each item against its question version's key, then the score.

Marking only: recording the result elsewhere (report summaries, certificates) is
``finish.finish_attempt``'s job.
"""

from __future__ import annotations

from ..models import Attempt, QuestionVersion
from .question_types import QUESTION_TYPES
from .rules import Score


def mark_item(version: QuestionVersion, selected: list[int] | None) -> bool:
    """Whether ``selected`` (authored indexes) is right for ``version``'s key (all-or-nothing)."""
    return QUESTION_TYPES[version.type].grade(version.correct_indexes, selected)


def mark(attempt: Attempt) -> Score:
    """Mark every item (all-or-nothing per question) and store the score and pass on the attempt."""
    correct = 0
    for item in attempt.items:
        item.is_correct = mark_item(item.question_version, item.selected)
        correct += item.is_correct
    score = Score(correct=correct, total=len(attempt.items), pass_percent=attempt.pass_percent)
    attempt.score, attempt.passed = score.correct, score.passed
    return score
