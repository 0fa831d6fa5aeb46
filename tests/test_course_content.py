"""Checks on the shipped course (questions/): what a reviewer would otherwise check by hand.

The loader already refuses duplicate ids, single questions without exactly one correct option,
duplicate options, empty sources or explanations and unknown sections; these tests make sure the
real package passes it and add the checks that need the whole bank at once.
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from pathlib import Path

import pytest

from quizapp.content.loader import load_package

ROOT = Path(__file__).resolve().parent.parent / "questions"
SPEC = load_package(ROOT)  # raises PackageError, listing every problem, if the package is bad
NON_TEACHING = {"diem-can-nho", "tai-lieu-tham-khao"}
#: "All/none of the above" makes no sense once options are shuffled.
ABOVE = re.compile(
    r"(tất cả (các )?(phương án|đáp án|ý) (trên|đều)|cả [a-d] và [a-d]|không (phương án|đáp án) nào)", re.I
)


def test_five_topics_in_order():
    assert [t.number for t in SPEC.topics] == [1, 2, 3, 4, 5]
    assert SPEC.issuing_body and SPEC.settings["certificate"]["body"]


@pytest.mark.parametrize("topic", SPEC.topics, ids=lambda t: t.slug)
def test_bank_size_and_mix(topic):
    types = {q.type for q in topic.questions}
    assert len(topic.questions) >= 40
    assert types == {"single", "multiple", "true_false"}
    assert {q.difficulty for q in topic.questions} == {"easy", "medium", "hard"}
    assert topic.quiz["questions"] <= len(topic.questions)


@pytest.mark.parametrize("topic", SPEC.topics, ids=lambda t: t.slug)
def test_every_teaching_section_has_questions(topic):
    used = {q.section for q in topic.questions}
    teaching = {s.slug for s in topic.sections} - NON_TEACHING
    assert teaching - used == set()
    assert {"diem-can-nho", "tai-lieu-tham-khao"} <= {s.slug for s in topic.sections}


@pytest.mark.parametrize("topic", SPEC.topics, ids=lambda t: t.slug)
def test_no_near_duplicate_questions(topic):
    texts = [(q.id, q.text.casefold()) for q in topic.questions]
    close = [
        (a, b, round(difflib.SequenceMatcher(None, ta, tb).ratio(), 2))
        for (a, ta), (b, tb) in itertools.combinations(texts, 2)
        if difflib.SequenceMatcher(None, ta, tb).ratio() > 0.9
    ]
    assert close == []


@pytest.mark.parametrize("topic", SPEC.topics, ids=lambda t: t.slug)
def test_no_all_or_none_of_the_above(topic):
    offenders = [q.id for q in topic.questions for o in q.options if ABOVE.search(o["text"])]
    assert offenders == []


@pytest.mark.parametrize("topic", SPEC.topics, ids=lambda t: t.slug)
def test_multiple_choice_questions_have_a_wrong_option(topic):
    bad = [q.id for q in topic.questions if q.type == "multiple" and all(o["correct"] for o in q.options)]
    assert bad == []


@pytest.mark.parametrize("path", sorted(ROOT.rglob("*.*")), ids=lambda p: str(p.relative_to(ROOT)))
def test_files_are_saved_as_nfc(path):
    text = path.read_text(encoding="utf-8")
    bad = [n for n, line in enumerate(text.splitlines(), 1) if not unicodedata.is_normalized("NFC", line)]
    assert bad == [], f"{path.name}: lines not in NFC: {bad[:10]}"


def test_ids_are_unique_and_prefixed_by_topic():
    for topic in SPEC.topics:
        assert all(q.id.startswith(f"t{topic.number}-") for q in topic.questions)
