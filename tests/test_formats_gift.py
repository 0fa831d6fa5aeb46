"""GIFT: the fixture written from Moodle's documentation, escapes, every error case, the writer."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pytest

from quizapp.content import formats
from quizapp.content.formats import gift
from quizapp.content.specs import QuestionSpec

FIXTURE = (Path(__file__).parent / "fixtures" / "formats" / "moodle_docs.gift").read_bytes()
SECTIONS = {"hinh-thuc-ky-luat": "Hình thức kỷ luật", "thoi-hieu": "Thời hiệu"}


def lines(problems) -> list[tuple[int, str]]:
    return [(p.line, str(p.message)) for p in problems]


def parse(text: str, **kw):
    return formats.parse(text.encode("utf-8"), "gift", **kw)


def test_the_documented_examples():
    report = formats.parse(FIXTURE, "gift", sections=SECTIONS)
    assert lines(report.errors) == []
    got = [(q.line, q.type, q.title, q.text, [(o["text"], o["correct"]) for o in q.options]) for q in report.questions]
    assert got == [
        (
            6,
            "single",
            "q-single",
            "Ai được chôn trong lăng Grant?",
            [("Grant", False), ("Jefferson", False), ("không ai", True)],
        ),
        (
            8,
            "single",
            "q-feedback",
            "Hình thức kỷ luật nào áp dụng cho đảng viên dự bị?",
            [("Khiển trách, cảnh cáo", True), ("Cách chức", False), ("Khai trừ", False)],
        ),
        (16, "true_false", "", "Thời hiệu kỷ luật tính từ thời điểm vi phạm.", [("Đúng", True), ("Sai", False)]),
        (18, "true_false", "", "Vi phạm đến mức khai trừ thì vẫn áp dụng thời hiệu.", [("Đúng", False), ("Sai", True)]),
        (
            20,
            "multiple",
            "q-multi",
            "Những hình thức nào áp dụng với tổ chức đảng?",
            [("Khiển trách", True), ("Cảnh cáo", True), ("Cách chức", False)],
        ),
        (
            26,
            "single",
            "q-escapes",
            "Ký hiệu {a} = 1: ~2 và # là gì?",
            [("Tập hợp {a}", True), ("Số #1", False), ("Dấu ~", False)],
        ),
        (
            28,
            "single",
            "",
            "Câu có dòng thứ nhất\ndòng thứ hai, viết trên hai dòng nguồn.",
            [("Một", True), ("Hai", False)],
        ),
        (31, "single", "q-html", "Câu in đậm & ảnh", [("Có", True), ("Không", False)]),
        (44, "single", "", "Chỗ trống _____ nằm giữa câu.", [("sai", False), ("đúng", True)]),
    ]
    assert report.questions[1].explanation == "Đảng viên dự bị chỉ bị khiển trách hoặc cảnh cáo."
    assert report.questions[3].explanation == "Không áp dụng thời hiệu với mức khai trừ."
    assert {q.section for q in report.questions} == {"hinh-thuc-ky-luat"}  # from $CATEGORY, by title
    assert all(q.id == "" and q.source == "" and q.difficulty == "medium" for q in report.questions)
    assert lines(report.skipped) == [
        (34, "a numerical question cannot be imported"),
        (36, "a short-answer question cannot be imported"),
        (38, "a matching question cannot be imported"),
        (40, "an essay question (no answers) cannot be imported"),
        (42, "a description (text without answers) is not a question"),
    ]
    assert lines(report.warnings) == [
        (9, "feedback on single options is not kept"),
        (10, "feedback on single options is not kept"),
        (31, "an image or other media was left out: only text is imported"),
    ]
    assert report.ok


def test_bom_crlf_and_nfd_read_the_same():
    variant = codecs.BOM_UTF8 + unicodedata.normalize("NFD", FIXTURE.decode()).replace("\n", "\r\n").encode()
    plain, other = formats.parse(FIXTURE, "gift"), formats.parse(variant, "gift")
    assert [q.content_hash for q in other.questions] == [q.content_hash for q in plain.questions]
    assert [q.line for q in other.questions] == [q.line for q in plain.questions]


def test_a_category_that_is_not_a_section_is_a_warning():
    report = parse("$CATEGORY: $course$/top/Khác\n\nCâu?{=a ~b}\n", sections=SECTIONS)
    assert report.ok and report.questions[0].section == ""
    assert lines(report.warnings) == [
        (1, "category 'Khác' is not a section of this topic: its questions go to the section chosen for the import")
    ]


GOOD = "::a::Câu một?{=Có ~Không}\n\n::b::Câu hai?{TRUE}\n\n"


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ("Câu lỗi?{=Có ~Không\n", "the braces do not match: every '{' needs a '}' after it"),
        ("Câu lỗi?}=Có ~Không{\n", "the braces do not match: every '{' needs a '}' after it"),
        ("Câu {=a ~b} và {=c ~d}\n", "only one answer block '{…}' per question is possible"),
        ("Câu hai khóa?{=Có =Đúng ~Không}\n", "a single-choice question needs exactly one correct option, not 2"),
        ("Câu nhiều?{~%-50%a ~b}\n", "a multiple-choice question needs at least one correct option"),
        ("Câu trùng?{=Có ~có}\n", "option repeats line 5"),
        ("Câu một phương án?{=Có ~}\n", "'text' is required and must be non-empty text"),
        ("Câu?{chữ ~a =b}\n", "text before the first answer: each answer starts with '=' or '~'"),
        ("{=a ~b}\n", "'text' is required and must be non-empty text"),
        ("Câu chín phương án?{=1 ~2 ~3 ~4 ~5 ~6 ~7 ~8 ~9}\n", "a single-choice question needs 2 to 8 options"),
    ],
)
def test_one_malformed_question_among_valid_ones(bad, expected):
    report = parse(GOOD + bad + "\n::c::Câu ba?{F}\n")
    assert (5, expected) in lines(report.errors)
    assert {p.line for p in report.errors} == {5}
    assert [q.title for q in report.questions] == ["a", "b", "c"]
    assert not report.ok and report.importable == []


def test_partial_credit_on_a_single_choice_is_a_warning():
    report = parse("Câu?{=a ~%50%b ~c}\n")
    assert report.questions[0].options == [
        {"text": "a", "correct": True},
        {"text": "b", "correct": False},
        {"text": "c", "correct": False},
    ]
    assert lines(report.warnings) == [(1, "partial credit is not kept: an option with a weight counts as wrong")]


def test_question_lines_count_comments_and_blank_lines():
    report = parse("// đầu tệp\n\n\n// chú thích\n::x::Câu?\n{\n=a\n~b\n}\n")
    assert [(q.line, [o["text"] for o in q.options]) for q in report.questions] == [(5, ["a", "b"])]


def spec(qtype, text, options, explanation="Giải thích.") -> QuestionSpec:
    return QuestionSpec(
        id="t9-001",
        section="thoi-hieu",
        type=qtype,
        difficulty="hard",
        text=text,
        options=[{"text": t, "correct": c} for t, c in options],
        explanation=explanation,
        source="Nguồn",
        where="",
    )


def test_writer_escapes_every_special_character():
    tricky = "Dấu {ngoặc} = ~ # : \\ <b>không phải HTML</b> & xong\ndòng hai"
    q = spec("single", tricky, [("=a", True), ("~b#c", False), ("::d::", False)], explanation="#### {x}")
    back = formats.parse(formats.write("gift", [q]).data, "gift").questions[0]
    assert (back.text, back.options, back.explanation, back.title) == (q.text, q.options, q.explanation, "t9-001")


def test_writer_weights_are_moodle_grades():
    q = spec("multiple", "Chọn ba?", [("a", True), ("b", True), ("c", True), ("d", False)])
    text = formats.write("gift", [q]).data.decode()
    assert "~%33.33333%a" in text and "~%-100%d" in text
    assert formats.parse(text.encode(), "gift").questions[0].options == q.options


def test_writer_categories_statuses_and_notes():
    q = spec("true_false", "Đúng không?", [("Đúng", False), ("Sai", True)])
    export = formats.write(
        "gift", [q], topic="Chuyên đề 2", sections={"thoi-hieu": "Thời hiệu/kỷ luật"}, statuses={"t9-001": "draft"}
    )
    text = export.data.decode()
    assert text.startswith("$CATEGORY: $course$/top/Chuyên đề 2/Thời hiệu//kỷ luật\n")
    assert "// status: draft\n::t9-001::[html]Đúng không?{FALSE####Giải thích.}" in text
    assert export.extension == "gift.txt" and [str(n) for n in export.notes] == [
        "GIFT carries no source and no difficulty: they are left out"
    ]
    assert gift.write_question(q) == "::t9-001::[html]Đúng không?{FALSE####Giải thích.}\n"
