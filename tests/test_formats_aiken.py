"""Aiken and the Word habit of ``ĐÁP ÁN: B``: the documented format, every error case, the writer."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pytest

from quizapp.content import formats
from quizapp.content.specs import QuestionSpec

FIXTURE = (Path(__file__).parent / "fixtures" / "formats" / "moodle_docs_aiken.txt").read_bytes()


def lines(problems) -> list[tuple[int, str]]:
    return [(p.line, str(p.message)) for p in problems]


def parse(text: str):
    return formats.parse(text.encode("utf-8"), "aiken")


def test_the_documented_format_and_the_vietnamese_answer_lines():
    report = formats.parse(FIXTURE, "aiken")
    assert lines(report.errors) == []
    got = [(q.line, q.type, [o["correct"] for o in q.options]) for q in report.questions]
    assert got == [
        (1, "single", [True, False, False, False]),
        (8, "single", [True, False, False]),  # A) options, ĐÁP ÁN:
        (13, "single", [True, False]),  # no blank line before it; "Đáp án: a"
        (18, "multiple", [True, True, False]),  # "Dap an: A, B"
        (24, "true_false", [False, True]),  # options Đúng / Sai
    ]
    assert report.questions[1].options[0]["text"] == "Hơn một nửa số thành viên tán thành"
    assert lines(report.warnings) == [
        (22, "several letters: read as a multiple-answer question (Moodle's Aiken allows one)")
    ]
    assert all(q.explanation == "" and q.section == "" for q in report.questions)


def test_bom_crlf_and_nfd_read_the_same():
    variant = codecs.BOM_UTF8 + unicodedata.normalize("NFD", FIXTURE.decode()).replace("\n", "\r\n").encode()
    assert [q.content_hash for q in formats.parse(variant, "aiken").questions] == [
        q.content_hash for q in formats.parse(FIXTURE, "aiken").questions
    ]


GOOD = "Câu một?\nA. Có\nB. Không\nANSWER: A\n\n"
LAST = "\nCâu cuối?\nA. Có\nB. Không\nĐÁP ÁN: B\n"


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ("Câu lỗi?\nA. Một\nB. Hai\nC. Ba\nD. Bốn\nĐÁP ÁN: E\n", [(11, "answer E is not one of the options A to D")]),
        (
            "Câu thiếu đáp án?\nA. Một\nB. Hai\n",
            [(6, "the question has options but no answer line (ANSWER: B or ĐÁP ÁN: B)")],
        ),
        ("Câu không phương án?\nĐÁP ÁN: A\n", [(6, "the question has no options (A. …, B. …) before its answer line")]),
        ("Câu hai khóa?\nA. Một\nB. Một\nANSWER: A\n", [(8, "option repeats line 7")]),
        ("Câu?\nA. Một\nC. Hai\nANSWER: A\n", [(8, "option C is out of order: B was expected")]),
        (
            "Câu?\nA. Một\nB. Hai\nĐáp án: không rõ\n",
            [(9, "the answer line must give the letter of the right option, e.g. ĐÁP ÁN: B")],
        ),
        ("Câu một phương án?\nA. Một\nANSWER: A\n", [(6, "a single-choice question needs 2 to 8 options")]),
    ],
)
def test_one_malformed_question_among_valid_ones(bad, expected):
    report = parse(GOOD + bad + LAST)
    assert lines(report.errors) == expected
    assert [q.text for q in report.questions] == ["Câu một?", "Câu cuối?"]
    assert report.importable == []


def test_an_answer_line_with_nothing_above_it():
    assert lines(parse("ANSWER: A\n" + LAST).errors) == [
        (1, "an answer line needs a question and its options above it")
    ]


def test_a_block_without_an_answer_line_is_reported_at_its_question_line():
    report = parse(GOOD + "Câu thiếu?\nA. Một\nB. Hai\n\nCâu sau?\nA. x\nB. y\nANSWER: B\n")
    assert lines(report.errors) == [(6, "the question has options but no answer line (ANSWER: B or ĐÁP ÁN: B)")]
    assert [q.line for q in report.questions] == [1, 10]


def test_answer_line_spellings():
    for spelling in ("ANSWER: B", "answer:b", "ĐÁP ÁN: B", "Đáp án: B", "đáp án : b", "DAP AN: B", "Dap an:B"):
        report = parse(f"Câu?\nA. x\nB. y\n{spelling}\n")
        assert report.ok and report.questions[0].options[1]["correct"], spelling


def spec(qid, qtype, text, options) -> QuestionSpec:
    return QuestionSpec(
        id=qid,
        section="s",
        type=qtype,
        difficulty="easy",
        text=text,
        options=[{"text": t, "correct": c} for t, c in options],
        explanation="Vì.",
        source="Nguồn",
        where="",
    )


def test_writer_carries_single_and_true_false_and_lists_the_rest():
    questions = [
        spec("a", "single", "Câu\nhai dòng?", [("x", False), ("y", True)]),
        spec("b", "multiple", "Nhiều?", [("x", True), ("y", True)]),
        spec("c", "true_false", "Đúng không?", [("Đúng", False), ("Sai", True)]),
        spec("d", "single", "A. Câu bắt đầu như phương án", [("x", True), ("y", False)]),
    ]
    export = formats.write("aiken", questions)
    assert export.data.decode() == "Câu hai dòng?\nA. x\nB. y\nANSWER: B\n\nĐúng không?\nA. Đúng\nB. Sai\nANSWER: B\n"
    assert [(qid, str(reason)) for qid, reason in export.left_out] == [
        ("b", "Aiken has no multiple-answer questions"),
        ("d", "its text starts like an option or answer line"),
    ]
    assert "Aiken carries no explanation, source or difficulty: they are left out" in [str(n) for n in export.notes]
    back = formats.parse(export.data, "aiken").questions
    assert [(q.type, q.options) for q in back] == [(q.type, q.options) for q in (questions[0], questions[2])]


@pytest.mark.parametrize("spelling", ["ĐÁP ÁN: A, C", "Đáp án: A; C", "ANSWER: A C", "Đáp án: A và C", "dap an: a,c"])
def test_several_letters_make_a_multiple_answer_question(spelling):
    report = parse(f"Câu?\nA. x\nB. y\nC. z\n{spelling}\n")
    assert report.ok and report.questions[0].type == "multiple", spelling
    assert [o["correct"] for o in report.questions[0].options] == [True, False, True]
