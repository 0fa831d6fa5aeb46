"""Marking a finished attempt: each item against its question version's key, then the score.

Marking only: recording the result elsewhere (report summaries, certificates) is
``finish.finish_attempt``'s job. The rule works on plain values (a version's type and key,
the authored indexes chosen), so the grading of a submit, which reads rows, and a regrade, which
holds ORM objects, mark alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..models import Attempt, QuestionVersion
from .question_types import QUESTION_TYPES
from .rules import Score


def is_right(qtype: str, key: frozenset[int], selected: Sequence[int] | None) -> bool:
    """Whether ``selected`` (authored indexes) is right for a version of ``qtype`` with this ``key``. All-or-nothing."""
    return QUESTION_TYPES[qtype].grade(key, selected)


def mark_item(version: QuestionVersion, selected: list[int] | None) -> bool:
    """Whether ``selected`` (authored indexes) is right for ``version``'s key."""
    return is_right(version.type, version.correct_indexes, selected)


def score_of(marks: Iterable[bool], pass_percent: int) -> Score:
    """The score of an attempt whose items got these marks."""
    marks = list(marks)
    return Score(correct=sum(marks), total=len(marks), pass_percent=pass_percent)


def mark(attempt: Attempt) -> Score:
    """Mark every loaded item and store the score and pass on the attempt (regrades, ORM objects)."""
    for item in attempt.items:
        item.is_correct = mark_item(item.question_version, item.selected)
    score = score_of((item.is_correct for item in attempt.items), attempt.pass_percent)
    attempt.score, attempt.passed = score.correct, score.passed
    return score
