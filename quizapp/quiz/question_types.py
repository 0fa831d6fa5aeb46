"""The registry of question types: how each is authored, answered and graded.

Every type works on *authored option indexes* (the order in questions.yaml). The browser never sees
them: pages show options in the attempt's shuffled order and post display positions, which
:func:`to_authored` maps back through the attempt item's ``option_order``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..i18n import lazy_gettext as _l

MAX_OPTIONS = 8


@dataclass(frozen=True)
class QuestionType:
    """A kind of question and its rules."""

    name: str
    #: Several options may be chosen (checkboxes) rather than one (radio buttons).
    multiple_choice: bool
    #: Options keep their authored order (Đúng/Sai) instead of being shuffled.
    fixed_order: bool
    #: Check the authored options; return error messages, lazily translated (empty when valid).
    check_options: Callable[[Sequence[bool]], list]

    def grade(self, correct: frozenset[int], selected: Sequence[int] | None) -> bool:
        """All-or-nothing: right only when exactly the correct options are chosen."""
        if not selected:
            return False
        if not self.multiple_choice and len(selected) != 1:
            return False
        return frozenset(selected) == correct


def _check_single(correct: Sequence[bool]) -> list:
    errors = []
    if not 2 <= len(correct) <= MAX_OPTIONS:
        errors.append(_l("a single-choice question needs 2 to %(most)d options", most=MAX_OPTIONS))
    if sum(correct) != 1:
        errors.append(_l("a single-choice question needs exactly one correct option, not %(n)d", n=sum(correct)))
    return errors


def _check_multiple(correct: Sequence[bool]) -> list:
    errors = []
    if not 2 <= len(correct) <= MAX_OPTIONS:
        errors.append(_l("a multiple-choice question needs 2 to %(most)d options", most=MAX_OPTIONS))
    if sum(correct) < 1:
        errors.append(_l("a multiple-choice question needs at least one correct option"))
    return errors


def _check_true_false(correct: Sequence[bool]) -> list:
    return [] if len(correct) == 2 and sum(correct) == 1 else [_l("a true/false question is malformed")]


QUESTION_TYPES: dict[str, QuestionType] = {
    t.name: t
    for t in (
        QuestionType("single", multiple_choice=False, fixed_order=False, check_options=_check_single),
        QuestionType("multiple", multiple_choice=True, fixed_order=False, check_options=_check_multiple),
        QuestionType("true_false", multiple_choice=False, fixed_order=True, check_options=_check_true_false),
    )
}

#: The two options a true/false question is stored with, in this order.
TRUE_FALSE_LABELS = ("Đúng", "Sai")


def true_false_options(answer: bool) -> list[dict]:
    """The stored options of a true/false question whose statement is ``answer``."""
    return [
        {"text": TRUE_FALSE_LABELS[0], "correct": bool(answer)},
        {"text": TRUE_FALSE_LABELS[1], "correct": not answer},
    ]


def to_authored(option_order: Sequence[int], display: Sequence[int]) -> list[int] | None:
    """Map display positions posted by the browser to authored indexes.

    Returns None if any position is out of range or repeated (a tampered request).
    """
    if len(set(display)) != len(display):
        return None
    if any(not 0 <= d < len(option_order) for d in display):
        return None
    return sorted(option_order[d] for d in display)


def to_display(option_order: Sequence[int], authored: Sequence[int] | None) -> list[int]:
    """Map stored authored indexes back to the positions the page shows."""
    if not authored:
        return []
    where = {a: k for k, a in enumerate(option_order)}
    return sorted(where[a] for a in authored if a in where)
