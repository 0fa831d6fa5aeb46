"""The native format: questions.yaml read with the loader's own rules, written as the shipped files are."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from quizapp.content import formats
from quizapp.content.importer import import_course
from quizapp.content.loader import PackageError, load_package
from quizapp.db import write_transaction

from .course_package import QUESTIONS, write_package

ROOT = Path(__file__).resolve().parent.parent / "questions"
SPEC = load_package(ROOT)
SECTIONS = {"hinh-thuc-ky-luat": "Hình thức kỷ luật", "thoi-hieu": "Thời hiệu"}


def lines(problems) -> list[tuple[int, str]]:
    return [(p.line, str(p.message)) for p in problems]


@pytest.mark.parametrize("topic", SPEC.topics, ids=lambda t: t.slug)
def test_export_is_byte_identical_to_the_shipped_bank(topic):
    shipped = (ROOT / topic.slug / "questions.yaml").read_text(encoding="utf-8")
    without_header = re.sub(r"\A(#.*\n|\n)*", "", shipped)
    assert formats.write("yaml", topic.questions).data.decode("utf-8") == without_header


def test_parse_reads_what_the_loader_reads():
    report = formats.parse(QUESTIONS.encode(), "yaml", sections=SECTIONS)
    assert report.ok and lines(report.errors) == []
    assert [(q.id, q.type, q.line) for q in report.questions] == [
        ("t1-001", "single", 1),
        ("t1-002", "true_false", 11),
        ("t1-003", "multiple", 19),
    ]


def test_errors_are_the_loaders_errors_with_the_same_lines(tmp_path):
    bad = QUESTIONS.replace('    - text: "Sai"\n', '    - text: "Sai"\n      correct: true\n', 1)
    with pytest.raises(PackageError) as info:
        load_package(write_package(tmp_path / "questions", questions=bad))
    from_loader = [e.split("questions.yaml:", 1)[1] for e in info.value.errors]
    report = formats.parse(bad.encode(), "yaml", sections=SECTIONS)
    assert [f"{line}: {message}" for line, message in lines(report.errors)] == from_loader
    assert lines(report.errors) == [(5, "a single-choice question needs exactly one correct option, not 2")]
    assert report.importable == []


def test_unknown_section_duplicate_id_and_bad_yaml():
    report = formats.parse(QUESTIONS.encode(), "yaml", sections={"thoi-hieu": "Thời hiệu"})
    assert lines(report.errors) == [(2, "section 'hinh-thuc-ky-luat' is not a '## ' heading of this topic's lesson")]
    twice = QUESTIONS.replace("id: t1-002", "id: t1-001")
    assert lines(formats.parse(twice.encode(), "yaml").errors) == [(11, "id 't1-001' is already used at line 1")]
    broken = formats.parse(b"- id: a\n  text: [unclosed\n", "yaml")
    assert not broken.ok and broken.errors[0].line in (2, 3)
    assert str(broken.errors[0].message).startswith("not valid YAML")
    mapping = formats.parse(b"id: a\n", "yaml")
    assert lines(mapping.errors) == [(1, "questions.yaml must be a list of questions")]


def test_nfd_crlf_and_bom_read_the_same():
    from unicodedata import normalize

    variant = b"\xef\xbb\xbf" + normalize("NFD", QUESTIONS).replace("\n", "\r\n").encode()
    assert [q.content_hash for q in formats.parse(variant, "yaml", sections=SECTIONS).questions] == [
        q.content_hash for q in formats.parse(QUESTIONS.encode(), "yaml", sections=SECTIONS).questions
    ]


def test_quoting_keeps_awkward_values():
    spec = formats.parse(QUESTIONS.encode(), "yaml", sections=SECTIONS).questions[0]
    spec.id, spec.text = "1e3", 'Dấu "ngoặc" \\ và\tTab\nxuống dòng \u2028 \x85 \x7f #không phải chú thích: có'
    again = formats.parse(formats.write("yaml", [spec]).data, "yaml", sections=SECTIONS)
    assert lines(again.errors) == []
    assert (again.questions[0].id, again.questions[0].text) == ("1e3", spec.text.strip())


def test_incomplete_drafts_are_noted(tmp_path):
    draft = formats.parse(b"Q?\nA. a\nB. b\nANSWER: A\n", "aiken").questions[0]
    export = formats.write("yaml", [draft], statuses={"": "draft"})
    assert [str(n) for n in export.notes] == [
        "1 questions lack an id, section, explanation or source: content import refuses them until they are filled in"
    ]


def test_export_then_import_changes_nothing(app, tmp_path):
    root = tmp_path / "questions"
    shutil.copytree(ROOT, root)
    with app.app_context():
        with write_transaction() as s:
            import_course(s, load_package(root))
        for topic in load_package(root).topics:
            export = formats.write(
                "yaml", topic.questions, statuses={q.id: "approved" for q in topic.questions}, header="Xuất từ quizapp"
            )
            (root / topic.slug / "questions.yaml").write_bytes(export.data)
        with write_transaction() as s:
            report = import_course(s, load_package(root))
    assert (report.created, report.new_versions, report.retired) == (0, 0, 0)
    assert report.unchanged == sum(len(t.questions) for t in SPEC.topics)
