"""The course package loader and importer: validation with file:line errors, idempotent sync."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import func, select

from quizapp.content.importer import import_course
from quizapp.content.loader import PackageError, load_package, section_slug
from quizapp.db import db, write_transaction
from quizapp.models import Question, QuestionStatus, QuestionVersion, Section, Topic

from .course_package import QUESTIONS, TOPIC, write_package


def errors_of(root: Path) -> list[str]:
    with pytest.raises(PackageError) as info:
        load_package(root)
    return info.value.errors


def test_valid_package_loads(tmp_path):
    spec = load_package(write_package(tmp_path / "questions"))
    topic = spec.topics[0]
    assert [s.slug for s in topic.sections] == ["hinh-thuc-ky-luat", "thoi-hieu"]
    assert topic.intro_md.strip() == "Mở đầu."
    assert topic.quiz == {
        "questions": 2,
        "time_limit_minutes": 20,
        "pass_percent": 70,
        "max_attempts": 3,
        "review": "immediately",
    }
    tf = topic.questions[1]
    assert tf.options == [{"text": "Đúng", "correct": False}, {"text": "Sai", "correct": True}]
    assert topic.questions[2].difficulty == "hard" and topic.questions[0].difficulty == "medium"


def test_section_slug_strips_diacritics():
    assert section_slug("Hình thức kỷ luật") == "hinh-thuc-ky-luat"
    assert section_slug("Đảng viên dự bị") == "dang-vien-du-bi"


def test_text_is_nfc_normalised(tmp_path):
    decomposed = unicodedata.normalize("NFD", "Câu một?")
    root = write_package(tmp_path / "questions", questions=QUESTIONS.replace("Câu một?", decomposed))
    assert decomposed != "Câu một?"
    assert load_package(root).topics[0].questions[0].text == "Câu một?"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            '      correct: true\n    - text: "Sai"',
            '      correct: true\n    - text: "Sai"\n      correct: true',
            "questions.yaml:5: a single-choice question needs exactly one correct option, not 2",
        ),
        (
            "section: hinh-thuc-ky-luat",
            "section: khong-co",
            "questions.yaml:2: section 'khong-co' is not a '## ' heading of this topic's lesson",
        ),
        ("type: single", "type: essay", "questions.yaml:3: 'type' must be one of single, multiple, true_false"),
        (
            '  source: "Điều lệ Đảng, Điều 35"',
            '  source: ""',
            "questions.yaml:10: 'source' is required and must be non-empty text",
        ),
        ("  answer: false", "  answer: maybe", "questions.yaml:16: 'answer' must be true or false"),
        ("- id: t1-002", "- id: t1-001", "id 't1-001' is already used at questions/01-thu/questions.yaml:1"),
        ('  text: "Câu một?"', '  text: "Câu một?"\n  hint: "x"', "questions.yaml:5: unknown key 'hint'"),
        ('    - text: "B"\n', '    - text: "A"\n', "questions.yaml:27: option repeats line 25"),
        ("difficulty: hard", "difficulty: tough", "questions.yaml:22: 'difficulty' must be one of easy, medium, hard"),
    ],
)
def test_question_errors_name_file_and_line(tmp_path, old, new, expected):
    assert old in QUESTIONS
    root = write_package(tmp_path / "questions", questions=QUESTIONS.replace(old, new, 1))
    errors = errors_of(root)
    assert any(e.endswith(expected) for e in errors), errors
    assert all(e.startswith("questions/") for e in errors)


def test_every_error_is_reported_not_just_the_first(tmp_path):
    broken = QUESTIONS.replace("type: single", "type: essay").replace("section: thoi-hieu", "section: nowhere", 1)
    root = write_package(tmp_path / "questions", questions=broken, topic=TOPIC.replace("number: 1", "number: 7"))
    errors = errors_of(root)
    assert len(errors) == 4
    assert any("topic.yaml:1: 'number' must be 1" in e for e in errors)
    assert any("questions.yaml:3: 'type' must be one of" in e for e in errors)
    assert any("questions.yaml:12: section 'nowhere'" in e for e in errors)
    assert any("the quiz draws 2 questions but the bank has only 1" in e for e in errors)


def test_yaml_syntax_error_has_a_line(tmp_path):
    root = write_package(tmp_path / "questions", questions=QUESTIONS.replace('  text: "Câu hai."', '  text: "Câu hai'))
    errors = errors_of(root)
    assert len(errors) == 1 and "questions/01-thu/questions.yaml:" in errors[0] and "invalid YAML" in errors[0]


def test_missing_files_and_bad_settings(tmp_path):
    root = write_package(tmp_path / "questions", topic=TOPIC + "  review: sometimes\n  pass_percent: 170\n")
    (root / "01-thu" / "lesson.md").unlink()
    errors = errors_of(root)
    assert "questions/01-thu/lesson.md:0: file is missing" in errors
    assert any("'review' must be one of immediately, after_last_attempt, never" in e for e in errors)
    assert any("'pass_percent' must be a whole number from 1 to 100" in e for e in errors)


def test_draw_size_cannot_exceed_bank(tmp_path):
    root = write_package(tmp_path / "questions", topic=TOPIC.replace("questions: 2", "questions: 5"))
    assert any("draws 5 questions but the bank has only 3" in e for e in errors_of(root))


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_import_is_idempotent_and_versions_edits(app, tmp_path):
    root = write_package(tmp_path / "questions")
    with app.app_context():
        with write_transaction() as s:
            first = import_course(s, load_package(root))
        with write_transaction() as s:
            again = import_course(s, load_package(root))
        assert (first.created, again.created, again.unchanged, again.new_versions) == (3, 0, 3, 0)
        assert count(Question) == 3 and count(QuestionVersion) == 3 and count(Section) == 2

        edited = QUESTIONS.replace("Câu một?", "Câu một (sửa)?").replace(
            QUESTIONS[QUESTIONS.index("- id: t1-003") :], ""
        )
        write_package(root, questions=edited)
        with write_transaction() as s:
            third = import_course(s, load_package(root))
        assert (third.new_versions, third.unchanged, third.retired) == (1, 1, 1)
        q1 = db.session.scalar(select(Question).where(Question.ext_id == "t1-001"))
        assert [v.version for v in q1.versions] == [1, 2]
        assert q1.current_version.text == "Câu một (sửa)?"
        assert q1.versions[0].text == "Câu một?"  # the old wording is kept for old attempts
        q3 = db.session.scalar(select(Question).where(Question.ext_id == "t1-003"))
        assert q3.status == QuestionStatus.RETIRED


def test_cli_refuses_a_bad_package_and_changes_nothing(app, runner, tmp_path):
    root = write_package(tmp_path / "questions", questions=QUESTIONS.replace("type: single", "type: essay"))
    result = runner.invoke(args=["content", "import", str(root)])
    assert result.exit_code == 1
    assert "questions/01-thu/questions.yaml:3: 'type' must be one of" in result.output
    assert "nothing was changed" in result.output
    with app.app_context():
        assert count(Topic) == 0 and count(Question) == 0


def test_cli_dry_run_and_import(app, runner, tmp_path):
    root = write_package(tmp_path / "questions")
    result = runner.invoke(args=["content", "import", str(root), "--dry-run"])
    assert result.exit_code == 0 and "topic 1: 3" in result.output
    with app.app_context():
        assert count(Question) == 0
    result = runner.invoke(args=["content", "import", str(root)])
    assert result.exit_code == 0, result.output
    assert "3 new" in result.output
    with app.app_context():
        assert count(Question) == 3
