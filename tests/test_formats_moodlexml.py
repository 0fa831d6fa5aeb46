"""Moodle XML: the documented structure, unsafe and malformed XML refused, the writer Moodle imports."""

from __future__ import annotations

import codecs
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from quizapp.content import formats
from quizapp.content.specs import QuestionSpec

FIXTURE = (Path(__file__).parent / "fixtures" / "formats" / "moodle_docs.xml").read_bytes()
SECTIONS = {"hinh-thuc-ky-luat": "Hình thức kỷ luật", "thoi-hieu": "Thời hiệu"}


def lines(problems) -> list[tuple[int, str]]:
    return [(p.line, str(p.message)) for p in problems]


def test_the_documented_structure():
    report = formats.parse(FIXTURE, "moodle_xml", sections=SECTIONS)
    assert lines(report.errors) == []
    got = [
        (q.line, q.id, q.title, q.type, q.text, [(o["text"], o["correct"]) for o in q.options])
        for q in report.questions
    ]
    assert got == [
        (
            8,
            "x-001",
            "Nguyên tắc",
            "single",
            "Đảng tổ chức theo nguyên tắc nào?",
            [("Tập trung dân chủ", True), ("Hiệp thương & dân chủ", False)],
        ),
        (
            30,
            "",
            "Nhiều đáp án",
            "multiple",
            "Chọn các hình thức kỷ luật tổ chức đảng.",
            [("Khiển trách", True), ("Cảnh cáo", True), ("Cách chức", False)],
        ),
        (38, "", "Đúng sai", "true_false", "Thời hiệu tính từ khi vi phạm.", [("Đúng", True), ("Sai", False)]),
    ]
    assert [q.explanation for q in report.questions] == ["Điều 9 Điều lệ Đảng.", "", "Quy định 69."]
    assert {q.section for q in report.questions} == {"thoi-hieu"}
    assert lines(report.skipped) == [
        (45, "a Moodle question of type 'shortanswer' cannot be imported"),
        (50, "a Moodle question of type 'essay' cannot be imported"),
    ]
    assert lines(report.warnings) == [(21, "feedback on single options is not kept")]
    assert report.ok


def test_bom_crlf_and_nfd_read_the_same():
    variant = codecs.BOM_UTF8 + unicodedata.normalize("NFD", FIXTURE.decode()).replace("\n", "\r\n").encode()
    assert [q.content_hash for q in formats.parse(variant, "moodle_xml").questions] == [
        q.content_hash for q in formats.parse(FIXTURE, "moodle_xml").questions
    ]


def question(body: str, kind: str = "multichoice") -> str:
    return f'  <question type="{kind}">\n    <questiontext><text>{body}</text></questiontext>\n'


VALID = (
    question("Câu một?") + '    <answer fraction="100"><text>a</text></answer>\n'
    '    <answer fraction="0"><text>b</text></answer>\n  </question>\n'
)


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        (
            question("Hai khóa?") + '    <answer fraction="100"><text>a</text></answer>\n'
            '    <answer fraction="100"><text>b</text></answer>\n  </question>\n',
            "a single-choice question needs exactly one correct option, not 2",
        ),
        (
            question("Nhiều?") + "    <single>false</single>\n"
            '    <answer fraction="-50"><text>a</text></answer>\n    <answer fraction="0"><text>b</text></answer>\n'
            "  </question>\n",
            "a multiple-choice question needs at least one correct option",
        ),
        (
            question("Đúng sai?", "truefalse") + '    <answer fraction="0"><text>true</text></answer>\n'
            '    <answer fraction="0"><text>false</text></answer>\n  </question>\n',
            "a true/false question needs one answer 'true' or 'false' with fraction 100",
        ),
        (
            question("") + '    <answer fraction="100"><text>a</text></answer>\n'
            '    <answer fraction="0"><text>b</text></answer>\n  </question>\n',
            "'text' is required and must be non-empty text",
        ),
    ],
)
def test_one_malformed_question_among_valid_ones(bad, expected):
    text = f"<quiz>\n{VALID}{bad}{VALID}</quiz>\n"
    report = formats.parse(text.encode(), "moodle_xml")
    assert lines(report.errors) == [(7, expected)]
    assert [q.line for q in report.questions] == [2, 12 if "<single>" not in bad else 13]
    assert report.importable == []


def test_a_bad_fraction_is_reported_at_its_answer():
    text = (
        "<quiz>\n"
        + question("Câu?")
        + '    <answer fraction="một trăm"><text>a</text></answer>\n  </question>\n</quiz>'
    )
    assert lines(formats.parse(text.encode(), "moodle_xml").errors) == [
        (4, "the answer's fraction must be a number from -100 to 100")
    ]


def test_not_well_formed_gives_the_line():
    report = formats.parse(
        f"<quiz>\n{VALID}  <question type='multichoice'>\n    <name>\n</quiz>\n".encode(), "moodle_xml"
    )
    assert lines(report.errors) == [(9, "the XML is not well-formed: mismatched tag")]
    assert report.questions == [] and report.importable == []


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<quiz><question type="multichoice"><questiontext><text>&lol3;</text></questiontext></question></quiz>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<quiz><question type="multichoice"><questiontext><text>&xxe;</text></questiontext></question></quiz>
"""
DTD_ONLY = '<?xml version="1.0"?>\n<!DOCTYPE quiz SYSTEM "http://example.invalid/quiz.dtd">\n<quiz/>\n'


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL, DTD_ONLY], ids=["billion-laughs", "xxe", "dtd"])
def test_entity_expansion_and_dtds_are_refused(text):
    report = formats.parse(text.encode(), "moodle_xml")
    assert lines(report.errors) == [(2, "the XML uses a DTD or entity declarations, which are refused for safety")]
    assert report.questions == []


def test_other_encodings_and_roots_are_refused():
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<quiz/>\n'
    assert lines(formats.parse(latin.encode(), "moodle_xml").errors) == [
        (1, "the file declares the encoding ISO-8859-1: only UTF-8 is accepted")
    ]
    assert lines(formats.parse(b"<html>\n</html>", "moodle_xml").errors) == [
        (1, "the file is not a Moodle XML question file: its first element must be <quiz>")
    ]


def spec(qid, qtype, text, options, section="thoi-hieu") -> QuestionSpec:
    return QuestionSpec(
        id=qid,
        section=section,
        type=qtype,
        difficulty="easy",
        text=text,
        options=[{"text": t, "correct": c} for t, c in options],
        explanation="Giải thích <b>",
        source="Nguồn",
        where="",
    )


def test_writer_produces_what_moodles_importer_reads():
    questions = [
        spec("a-1", "single", "Câu <script>alert(1)</script> & ]]> xong?", [("x < y", True), ("y", False)]),
        spec("a-2", "multiple", "Nhiều?", [("x", True), ("y", True), ("z", True), ("w", False)], "hinh-thuc-ky-luat"),
        spec("a-3", "true_false", "Đúng không?", [("Đúng", False), ("Sai", True)], "hinh-thuc-ky-luat"),
    ]
    export = formats.write(
        "moodle_xml", questions, topic="Chuyên đề 2", sections=SECTIONS, statuses={"a-1": "draft--x"}
    )
    root = ET.fromstring(export.data)  # well-formed
    assert root.tag == "quiz"
    kinds = [(q.get("type"), q.findtext("category/text") or q.findtext("idnumber")) for q in root.findall("question")]
    assert kinds == [
        ("category", "$course$/top/Chuyên đề 2/Thời hiệu"),
        ("multichoice", "a-1"),
        ("category", "$course$/top/Chuyên đề 2/Hình thức kỷ luật"),
        ("multichoice", "a-2"),
        ("truefalse", "a-3"),
    ]
    single, multiple, truefalse = root.findall("question")[1], root.findall("question")[3], root.findall("question")[4]
    assert single.findtext("single") == "true" and single.findtext("shuffleanswers") == "true"
    assert single.findtext("answernumbering") == "abc"
    assert single.findtext("questiontext/text") == "Câu &lt;script&gt;alert(1)&lt;/script&gt; &amp; ]]&gt; xong?"
    assert single.findtext("generalfeedback/text") == "Giải thích &lt;b&gt;"
    assert [a.get("fraction") for a in single.findall("answer")] == ["100", "0"]
    assert multiple.findtext("single") == "false"
    assert [a.get("fraction") for a in multiple.findall("answer")] == ["33.33333", "33.33333", "33.33333", "-100"]
    assert [(a.get("fraction"), a.findtext("text")) for a in truefalse.findall("answer")] == [
        ("0", "true"),
        ("100", "false"),
    ]
    assert b"<!-- status: draft- -x -->" in export.data
    back = formats.parse(export.data, "moodle_xml", sections=SECTIONS)
    assert lines(back.errors) == []
    assert [(q.id, q.section, q.type, q.text, q.options, q.explanation) for q in back.questions] == [
        (q.id, q.section, q.type, q.text, q.options, q.explanation) for q in questions
    ]


def test_an_idnumber_that_cannot_be_an_id_is_dropped_with_a_warning():
    text = "<quiz>\n" + VALID.replace("  </question>", "    <idnumber>Câu số 1</idnumber>\n  </question>") + "</quiz>"
    report = formats.parse(text.encode(), "moodle_xml")
    assert report.ok and report.questions[0].id == ""
    assert lines(report.warnings) == [
        (6, "idnumber 'Câu số 1' cannot be a quizapp id (letters, digits, '-', '_', '.'): it is not kept")
    ]
