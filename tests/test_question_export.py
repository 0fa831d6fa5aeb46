"""A topic's bank out to a file (/admin/questions/export) and back: native YAML, GIFT, Aiken, Moodle XML."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from quizapp.authoring.drafts import create_question, new_draft
from quizapp.content import formats
from quizapp.content.importer import import_course
from quizapp.content.loader import load_package
from quizapp.content.specs import QuestionSpec
from quizapp.db import db, write_transaction
from quizapp.models import Question, QuestionStatus, Role, Topic

QUESTIONS = Path(__file__).resolve().parent.parent / "questions"
SPEC = load_package(QUESTIONS)


@pytest.fixture
def course(app, make, login):
    """The shipped course loaded as `content import` loads it, and an instructor's client."""
    with app.app_context(), write_transaction() as s:
        import_course(s, SPEC)
    return login(make.user(role=Role.INSTRUCTOR, ward=None), app.test_client())


def test_native_export_replaces_questions_yaml_with_nothing_changed(app, course, runner, tmp_path):
    response = course.get("/admin/questions/export?topic=2&format=yaml&scope=approved")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert 'filename="02-kiem-tra-giam-sat-approved.yaml"' in response.headers["Content-Disposition"]
    copy = tmp_path / "questions"
    shutil.copytree(QUESTIONS, copy)
    (copy / "02-kiem-tra-giam-sat" / "questions.yaml").write_bytes(response.data)
    result = runner.invoke(args=["content", "import", str(copy), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "0 new, 0 changed" in result.output and "0 retired" in result.output
    assert "Nothing was changed" in result.output


def test_a_changed_question_shows_in_the_dry_run(app, course, runner, tmp_path):
    data = course.get("/admin/questions/export?topic=2&format=yaml").data.decode()
    copy = tmp_path / "questions"
    shutil.copytree(QUESTIONS, copy)
    first = SPEC.topics[1].questions[0].text
    (copy / "02-kiem-tra-giam-sat" / "questions.yaml").write_text(data.replace(first, first + " (sửa)", 1))
    result = runner.invoke(args=["content", "import", str(copy), "--dry-run"])
    assert "0 new, 1 changed" in result.output
    with app.app_context():  # the dry run kept nothing
        assert (
            db.session.scalar(select(Question).where(Question.ext_id == SPEC.topics[1].questions[0].id))
            .versions[-1]
            .text
            == first
        )


@pytest.mark.parametrize("fmt", ["gift", "moodle_xml", "moodle", "aiken"])
def test_exports_read_back_with_the_same_texts_and_keys(app, course, fmt):
    topic = SPEC.topics[0]
    response = course.get(f"/admin/questions/export?topic=1&format={fmt}")
    assert response.status_code == 200
    fmt = "moodle_xml" if fmt == "moodle" else fmt
    sections = {s.slug: s.title for s in topic.sections}
    report = formats.parse(response.data, fmt, sections=sections)
    assert report.ok, report.errors
    expected = {q.text: q.options for q in topic.questions if fmt != "aiken" or q.type != "multiple"}
    assert {q.text: q.options for q in report.questions} == expected
    if fmt != "aiken":  # the categories carry the sections
        by_text = {q.text: q.section for q in topic.questions}
        assert all(q.section == by_text[q.text] for q in report.questions)


def test_approved_leaves_drafts_out_and_all_lists_them_with_their_status(app, course):
    with app.app_context(), write_transaction() as s:
        topic = s.scalar(select(Topic).where(Topic.number == 1))
        spec = QuestionSpec(
            "",
            "",
            "single",
            "easy",
            "Câu nháp mới?",
            [
                {"text": "Có", "correct": True},
                {"text": "Không", "correct": False},
            ],
            "",
            "",
            "",
        )
        draft = create_question(s, topic, topic.sections[0], spec, None)
        retired = s.scalar(select(Question).where(Question.ext_id == SPEC.topics[0].questions[0].id))
        retired.status = QuestionStatus.RETIRED
        draft_id = draft.ext_id
        changing = s.scalar(select(Question).where(Question.ext_id == SPEC.topics[0].questions[1].id))
        old_text = changing.current_version.text
        reworded = QuestionSpec(**{**vars(SPEC.topics[0].questions[1]), "text": "Lời mới của câu hai?"})
        new_draft(s, changing, changing.current_version.section, reworded, None)
    approved = course.get("/admin/questions/export?topic=1&format=yaml&scope=approved").data.decode()
    everything = course.get("/admin/questions/export?topic=1&format=yaml&scope=all").data.decode()
    assert "Câu nháp mới?" not in approved and f"id: {draft_id}" not in approved
    assert f"id: {SPEC.topics[0].questions[0].id}\n" not in approved
    assert "# status: draft\n- id: " + draft_id in everything
    assert "# status: retired\n- id: " + SPEC.topics[0].questions[0].id in everything
    assert old_text in approved and "Lời mới của câu hai?" not in approved  # trainees still draw the old wording
    assert "Lời mới của câu hai?" in everything and old_text not in everything
    assert f"# status: approved; new wording draft\n- id: {SPEC.topics[0].questions[1].id}" in everything
    assert approved.count("- id: ") == len(SPEC.topics[0].questions) - 1
    assert everything.count("- id: ") == len(SPEC.topics[0].questions) + 1


def test_the_export_form_and_bad_arguments(app, course):
    page = course.get("/admin/questions/export")
    assert page.status_code == 200 and "Moodle XML" in page.get_data(as_text=True)
    assert course.get("/admin/questions/export?topic=9&format=gift").status_code == 400
    assert course.get("/admin/questions/export?topic=1&format=docx").status_code == 400
    assert course.get("/admin/questions/export?topic=1&format=gift&scope=mine").status_code == 400


def test_text_exports_name_their_charset_once():
    """A GIFT download's Content-Type carries one charset (Werkzeug added a second one)."""
    from quizapp.exports import file_response

    assert file_response(b"x", "t.gift.txt", "text/plain; charset=utf-8").headers["Content-Type"] == (
        "text/plain; charset=utf-8"
    )
