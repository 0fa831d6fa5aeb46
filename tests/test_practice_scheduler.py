"""The practice scheduler: tiers, the Leitner steps, mastery. Pure functions, no database."""

from __future__ import annotations

import random
from datetime import timedelta

from quizapp.practice.scheduler import Candidate, Card, Result, choose, mastery, next_card, tier, weak_sections

from .factories import utc

T0 = utc(2026, 11, 1, 8)


def at(minutes: int):
    return T0 + timedelta(minutes=minutes)


def test_leitner_steps_wrong_resets_and_two_rights_learn():
    card = next_card(None, True, at(1))
    assert (card.box, card.streak) == (1, 1)
    card = next_card(card, True, at(2))
    assert (card.box, card.streak) == (2, 2)
    card = next_card(card, True, at(3))
    assert (card.box, card.streak) == (2, 3)  # stays at the top box
    card = next_card(card, False, at(4))
    assert (card.box, card.streak, card.last.correct) == (0, 0, False)


def test_latest_result_is_the_newer_of_graded_and_practice():
    graded_wrong_then_practised_right = Candidate(1, 1, 1, Result(False, at(1)), Card(1, 1, Result(True, at(2))))
    assert graded_wrong_then_practised_right.latest.correct
    practised_right_then_graded_wrong = Candidate(1, 1, 1, Result(False, at(3)), Card(2, 2, Result(True, at(2))))
    assert not practised_right_then_graded_wrong.latest.correct
    assert not practised_right_then_graded_wrong.learnt  # a wrong graded answer since: not learnt any more


def test_tiers_in_order_of_need():
    wrong = Candidate(1, 10, 1, graded=Result(False, at(1)))
    weak_unlearnt = Candidate(2, 20, 2, graded=Result(True, at(1)))
    unseen = Candidate(3, 10, 3)
    seen_right = Candidate(4, 10, 4, graded=Result(True, at(1)))
    learnt = Candidate(5, 10, 5, card=Card(2, 2, Result(True, at(2))))
    weak_a = Candidate(6, 20, 6, graded=Result(False, at(1)))
    weak_b = Candidate(7, 20, 7, graded=Result(False, at(1)))
    also_right = Candidate(8, 10, 8, graded=Result(True, at(1)))
    everything = [wrong, weak_unlearnt, unseen, seen_right, learnt, weak_a, weak_b, also_right]
    weak = weak_sections(everything)
    assert weak == {20}  # section 20: one right of three; section 10: three right of four answered
    assert [tier(c, weak) for c in (wrong, weak_unlearnt, unseen, seen_right, learnt)] == [1, 2, 3, 4, 5]


def test_choose_takes_the_most_needed_and_shuffles_their_order():
    wrong = [Candidate(i, 1, i, graded=Result(False, at(i))) for i in range(1, 4)]
    unseen = [Candidate(i, 2, i) for i in range(10, 20)]
    learnt = [Candidate(i, 3, i, card=Card(2, 2, Result(True, at(1)))) for i in range(20, 30)]
    orders = set()
    for seed in range(20):
        chosen = choose(learnt + unseen + wrong, 5, random.Random(seed))
        ids = {c.question_id for c in chosen}
        assert {1, 2, 3} <= ids and ids - {1, 2, 3} <= set(range(10, 20))  # wrong first, then unseen, never learnt
        orders.add(tuple(c.question_id for c in chosen))
    assert len(orders) > 1  # the order of asking varies: it must not tell which were wrong
    # With nothing else left, learnt questions do come back, least recently practised first.
    old = Candidate(40, 3, 40, card=Card(2, 2, Result(True, at(1))))
    recent = Candidate(41, 3, 41, card=Card(2, 2, Result(True, at(50))))
    assert [c.question_id for c in choose([recent, old], 1, random.Random(1))] == [40]


def test_mastery_counts_latest_right_and_learnt_per_section():
    found = mastery(
        [
            Candidate(1, 1, 1, graded=Result(True, at(1))),
            Candidate(2, 1, 2, graded=Result(False, at(1))),
            Candidate(3, 1, 3, card=Card(2, 2, Result(True, at(2)))),
            Candidate(4, 2, 4),
        ]
    )
    assert (found[1].questions, found[1].right, found[1].learnt, found[1].percent) == (3, 2, 1, 67)
    assert (found[2].questions, found[2].right, found[2].percent) == (1, 0, 0)
