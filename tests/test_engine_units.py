"""Unit tests of the pure quiz rules: drawing, question types, timing and scoring."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest

from quizapp.learn.markdown import render_markdown
from quizapp.quiz.draw import BankEntry, draw, option_order, section_quotas
from quizapp.quiz.question_types import QUESTION_TYPES, to_authored, to_display, true_false_options
from quizapp.quiz.rules import Score, accepts_writes, seconds_left, write_deadline

from .factories import utc


def bank(sizes: dict[int, int]) -> list[BankEntry]:
    out, qid = [], 0
    for section, size in sizes.items():
        for _ in range(size):
            qid += 1
            out.append(BankEntry(question_id=qid, section_id=section, version_id=1000 + qid))
    return out


@pytest.mark.parametrize(
    ("sizes", "n", "expected"),
    [
        ({1: 10, 2: 10}, 4, {1: 2, 2: 2}),
        ({1: 30, 2: 10}, 20, {1: 15, 2: 5}),
        ({1: 5, 2: 3, 3: 2}, 5, {1: 3, 2: 1, 3: 1}),  # remainders .5/.5/0 -> bigger section wins
        ({1: 2, 2: 2}, 10, {1: 2, 2: 2}),  # fewer questions than asked: everything
        ({1: 9, 2: 9, 3: 9, 4: 9, 5: 9, 6: 9}, 20, {1: 4, 2: 4, 3: 3, 4: 3, 5: 3, 6: 3}),
    ],
)
def test_section_quotas_are_proportional_and_sum_to_n(sizes, n, expected):
    quotas = section_quotas(sizes, n)
    assert quotas == expected
    assert sum(quotas.values()) == min(n, sum(sizes.values()))
    assert all(quotas[s] <= sizes[s] for s in sizes)


def test_draw_is_stratified_by_section():
    entries = bank({1: 30, 2: 20, 3: 10})
    chosen = draw(entries, 12, {}, random.Random(1))
    assert len(chosen) == 12 and len(set(chosen)) == 12
    assert Counter(e.section_id for e in chosen) == {1: 6, 2: 4, 3: 2}


def test_draw_prefers_questions_not_seen_before():
    entries = bank({1: 10})
    seen = {e.question_id: 1 for e in entries[:6]}  # six seen once, four never
    for seed in range(20):
        chosen = draw(entries, 4, seen, random.Random(seed))
        assert {e.question_id for e in chosen} == {7, 8, 9, 10}
    # When unseen ones run out, the least-seen come next.
    seen = {e.question_id: (2 if e.question_id <= 5 else 1) for e in entries}
    chosen = draw(entries, 5, seen, random.Random(3))
    assert {e.question_id for e in chosen} == {6, 7, 8, 9, 10}


def test_draw_is_random_between_attempts():
    entries = bank({1: 40})
    papers = {tuple(e.question_id for e in draw(entries, 10, {}, random.Random(seed))) for seed in range(10)}
    assert len(papers) == 10


def test_option_order_shuffles_except_fixed_types():
    rng = random.Random(5)
    orders = {tuple(option_order(4, False, rng)) for _ in range(30)}
    assert len(orders) > 5 and all(sorted(o) == [0, 1, 2, 3] for o in orders)
    assert option_order(2, True, rng) == [0, 1]


@pytest.mark.parametrize(
    ("qtype", "correct", "selected", "right"),
    [
        ("single", {0}, [0], True),
        ("single", {0}, [1], False),
        ("single", {0}, [], False),
        ("single", {0}, None, False),
        ("single", {0}, [0, 1], False),  # two options for a single choice never score
        ("multiple", {0, 2}, [0, 2], True),
        ("multiple", {0, 2}, [0], False),  # all-or-nothing
        ("multiple", {0, 2}, [0, 1, 2], False),
        ("multiple", {0, 2}, [2, 0], True),
        ("true_false", {0}, [0], True),
        ("true_false", {0}, [1], False),
    ],
)
def test_grading(qtype, correct, selected, right):
    assert QUESTION_TYPES[qtype].grade(frozenset(correct), selected) is right


@pytest.mark.parametrize(
    ("qtype", "flags", "ok"),
    [
        ("single", [True, False, False], True),
        ("single", [True, True, False], False),
        ("single", [False, False], False),
        ("single", [True], False),
        ("multiple", [True, True, False], True),
        ("multiple", [False, False, False], False),
        ("true_false", [True, False], True),
    ],
)
def test_authoring_rules(qtype, flags, ok):
    assert (QUESTION_TYPES[qtype].check_options(flags) == []) is ok


def test_true_false_options_store_the_statement():
    assert true_false_options(True) == [{"text": "Đúng", "correct": True}, {"text": "Sai", "correct": False}]
    assert true_false_options(False)[1]["correct"] is True


def test_display_positions_map_to_authored_indexes():
    order = [2, 0, 3, 1]  # the option authored third is shown first
    assert to_authored(order, [0]) == [2]
    assert to_authored(order, [3, 1]) == [0, 1]
    assert to_display(order, [0, 1]) == [1, 3]
    assert to_authored(order, [4]) is None  # tampered: no such position
    assert to_authored(order, [-1]) is None
    assert to_authored(order, [1, 1]) is None


def test_deadline_and_grace():
    deadline = utc(2021, 11, 20, 14, 20)
    assert write_deadline(deadline, 60) == deadline + timedelta(seconds=60)
    assert accepts_writes(deadline, deadline + timedelta(seconds=60), 60)
    assert not accepts_writes(deadline, deadline + timedelta(seconds=61), 60)
    assert seconds_left(deadline, deadline - timedelta(seconds=90)) == 90
    assert seconds_left(deadline, deadline + timedelta(seconds=5)) == 0


@pytest.mark.parametrize(
    ("correct", "total", "pass_percent", "passed", "grade10", "percent"),
    [
        (16, 20, 70, True, 8.0, 80.0),
        (14, 20, 70, True, 7.0, 70.0),  # exactly the pass mark passes
        (13, 20, 70, False, 6.5, 65.0),
        (7, 10, 70, True, 7.0, 70.0),
        (2, 3, 67, False, 6.666666666666667, 66.66666666666667),
        (0, 0, 70, False, 0.0, 0.0),
    ],
)
def test_score(correct, total, pass_percent, passed, grade10, percent):
    score = Score(correct, total, pass_percent)
    assert score.passed is passed
    assert score.grade10 == pytest.approx(grade10)
    assert score.percent == pytest.approx(percent)


def test_lesson_markdown_is_sanitised():
    html = str(
        render_markdown("**Đậm** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>")
    )
    assert "<strong>Đậm</strong>" in html
    assert "<script" not in html and "alert(1)</" not in html  # the element and its content are gone
    assert 'href="javascript' not in html and "onerror" not in html and "<img" not in html
