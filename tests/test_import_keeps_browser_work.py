"""The course files and the browser's work: what an import (run by `flask init` at every upgrade) keeps.

The files win where they changed, and only there: a question written in the browser is never
retired, a wording approved in the browser stays until the files change it, and an admin's
retirement stays.
"""

from __future__ import annotations

from sqlalchemy import select

from quizapp.authoring import editing, lessons, workflow
from quizapp.content.importer import import_course
from quizapp.content.loader import load_package
from quizapp.db import db, write_transaction
from quizapp.models import Question, QuestionStatus, QuestionVersion, Role, Section, Topic, User, utcnow

from .course_package import LESSON, QUESTIONS, write_package


def entry(ext_id: str = "", text: str = "Câu hỏi mới về tổ chức?") -> editing.EditorInput:
    """The editor's input for a single-choice question in section hinh-thuc-ky-luat."""
    return editing.EditorInput(
        ext_id=ext_id,
        type="single",
        difficulty="medium",
        section="hinh-thuc-ky-luat",
        text=text,
        explanation="Vì thế.",
        source="Điều lệ Đảng",
        options=[editing.OptionRow("Đúng là A", True, 1), editing.OptionRow("Sai là B", False, 2)],
    )


def spec_of(data: editing.EditorInput):
    checked = editing.check(data, ["hinh-thuc-ky-luat", "thoi-hieu"])
    assert checked.spec is not None, checked.errors
    return checked.spec


def approve(app, author_id: int, admin_id: int, vid: int) -> None:
    """The author submits the version and an admin approves it, as the bank's pages do."""
    with app.app_context(), write_transaction() as s:
        workflow.submit(s, s.get(QuestionVersion, vid), s.get(User, author_id), utcnow())
    with app.app_context(), write_transaction() as s:
        token = workflow.token(s.get(QuestionVersion, vid))
        workflow.approve(s, [token], s.get(User, admin_id), utcnow())


def imported(app, root, **files):
    """Write the package (``questions=``, ``lesson=`` to change a file) and import it; the report."""
    write_package(root, **files)
    with app.app_context(), write_transaction() as s:
        return import_course(s, load_package(root))


def edit_in_browser(app, author_id: int, ext_id: str, text: str, note: str = "") -> int:
    """The author's browser edit of question ``ext_id`` (a draft version, as the bank saves it); its id."""
    with app.app_context(), write_transaction() as s:
        question = s.scalar(select(Question).where(Question.ext_id == ext_id))
        section = s.scalar(select(Section).where(Section.slug == "hinh-thuc-ky-luat"))
        return editing.edit(s, question, section, spec_of(entry(ext_id, text)), s.get(User, author_id), note).id


def test_a_file_import_after_a_browser_draft_numbers_its_version_past_the_draft(app, make, tmp_path):
    """`content import` still publishes directly; a pending browser draft keeps its number and waits."""
    author = make.user(role=Role.INSTRUCTOR, ward=None)
    root = tmp_path / "questions"
    imported(app, root)
    edit_in_browser(app, author.id, "t1-001", "Bản nháp trên trình duyệt?")
    imported(app, root, questions=QUESTIONS.replace("Câu một?", "Câu một (tệp)?"))
    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.ext_id == "t1-001"))
        states = [(v.version, v.state, v.text) for v in sorted(question.versions, key=lambda v: v.version)]
        assert states == [
            (1, "approved", "Câu một?"),
            (2, "draft", "Bản nháp trên trình duyệt?"),
            (3, "approved", "Câu một (tệp)?"),
        ]
        assert question.current_version.version == 3


def test_a_file_import_retires_what_left_the_files_but_not_questions_written_in_the_browser(app, make, tmp_path):
    """`flask init` imports the files at every upgrade: an approved question born in the browser stays drawn."""
    author, admin = make.user(role=Role.INSTRUCTOR, ward=None), make.user(role=Role.ADMIN, ward=None)
    root = tmp_path / "questions"
    imported(app, root)
    with app.app_context(), write_transaction() as s:
        topic = s.scalar(select(Topic))
        section = s.scalar(select(Section).where(Section.slug == "hinh-thuc-ky-luat"))
        spec = spec_of(entry())
        question = editing.create(s, topic, section, spec, s.get(User, author.id), "Câu mới")
        browser_id, vid = question.id, question.versions[0].id
    approve(app, author.id, admin.id, vid)
    # The files lose t1-001; the browser's question was never in them.
    report = imported(app, root, questions="- id: t1-002" + QUESTIONS.split("- id: t1-002")[1])
    with app.app_context():
        status = dict(db.session.execute(select(Question.ext_id, Question.status)).all())
        browser_ext_id = db.session.get(Question, browser_id).ext_id
    assert (report.retired, report.kept_from_browser) == (1, 1)
    assert "1 approved in the browser kept" in report.summary()
    assert status["t1-001"] == QuestionStatus.RETIRED
    assert status[browser_ext_id] == QuestionStatus.APPROVED


def test_a_file_import_keeps_a_wording_approved_in_the_browser_until_the_files_change_it(app, make, tmp_path):
    """Unchanged files do not undo a browser edit at the next upgrade; a changed file still publishes."""
    author, admin = make.user(role=Role.INSTRUCTOR, ward=None), make.user(role=Role.ADMIN, ward=None)
    root = tmp_path / "questions"
    imported(app, root)
    approve(app, author.id, admin.id, edit_in_browser(app, author.id, "t1-001", "Sửa trên trình duyệt?", "Sửa lỗi"))

    def current_text():
        with app.app_context():
            return db.session.scalar(select(Question).where(Question.ext_id == "t1-001")).current_version.text

    again = imported(app, root)
    assert (again.new_versions, again.kept_from_browser, again.replaced_browser) == (0, 1, [])
    assert current_text() == "Sửa trên trình duyệt?"

    changed = imported(app, root, questions=QUESTIONS.replace("Câu một?", "Câu một, sửa trong tệp?"))
    assert (changed.new_versions, changed.kept_from_browser) == (1, 0)
    assert current_text() == "Câu một, sửa trong tệp?"
    # The files won over the browser's wording: the summary (and so --dry-run and the audit log) names it.
    assert changed.replaced_browser == ["t1-001"]
    assert "1 wordings approved in the browser replaced by changed files (t1-001)" in changed.summary()
    # A file change over a wording that came from the files replaces nothing of the browser's.
    assert imported(app, root, questions=QUESTIONS.replace("Câu một?", "Câu một, lần ba?")).replaced_browser == []


def test_a_file_import_keeps_an_admins_retirement_and_brings_back_what_returns_to_the_files(app, make, tmp_path):
    admin = make.user(role=Role.ADMIN, ward=None)
    root = tmp_path / "questions"

    def imported_status(questions: str = QUESTIONS):
        report = imported(app, root, questions=questions)
        with app.app_context():
            return report, dict(db.session.execute(select(Question.ext_id, Question.status)).all())

    imported_status()
    with app.app_context(), write_transaction() as s:
        question = s.scalar(select(Question).where(Question.ext_id == "t1-002"))
        workflow.retire(s, question, s.get(User, admin.id), "Câu hỏi gây hiểu nhầm")
    report, status = imported_status()
    assert status["t1-002"] == QuestionStatus.RETIRED and report.kept_retired == 1
    assert "1 retired by an admin kept retired" in report.summary()

    # Retired by an import (it left the files), then back in them: drawn again.
    report, status = imported_status("- id: t1-002" + QUESTIONS.split("- id: t1-002")[1])
    assert status["t1-001"] == QuestionStatus.RETIRED and report.retired == 1
    report, status = imported_status()
    assert status["t1-001"] == QuestionStatus.APPROVED and report.kept_retired == 1

    with app.app_context(), write_transaction() as s:
        question = s.scalar(select(Question).where(Question.ext_id == "t1-002"))
        workflow.restore(s, question, s.get(User, admin.id), "Đã sửa")
    report, status = imported_status()
    assert status["t1-002"] == QuestionStatus.APPROVED and report.kept_retired == 0


def test_a_lesson_approved_in_the_browser_stays_until_lesson_md_changes(app, make, tmp_path):
    author, admin = make.user(role=Role.INSTRUCTOR, ward=None), make.user(role=Role.ADMIN, ward=None)
    root = tmp_path / "questions"

    def published():
        with app.app_context():
            topic = db.session.scalar(select(Topic))
            bodies = db.session.execute(select(Section.slug, Section.body_md).where(Section.topic_id == topic.id))
            return topic.intro_md, dict(bodies.all())

    imported(app, root)
    edited = LESSON.replace("Mở đầu.", "Mở đầu, sửa trên trình duyệt.").replace("Nội dung 2.", "Nội dung 2, bổ sung.")
    with app.app_context(), write_transaction() as s:
        draft = lessons.save_draft(s, s.scalar(select(Topic)), author.id, edited, "Bổ sung", submit=True)
        lessons.approve(s, draft, admin.id, lessons.fingerprint(draft.markdown))
    browser = published()
    assert browser[0] == "Mở đầu, sửa trên trình duyệt." and browser[1]["thoi-hieu"] == "Nội dung 2, bổ sung."

    again = imported(app, root)  # lesson.md as it was: the browser's lesson stays
    assert again.lessons_kept == 1 and "1 lessons approved in the browser kept" in again.summary()
    assert again.lessons_replaced == []
    assert published() == browser

    in_files = LESSON.replace("Nội dung.", "Nội dung, sửa trong tệp.")
    changed = imported(app, root, lesson=in_files)  # lesson.md changed: it wins, and the summary says over what
    assert changed.lessons_kept == 0 and changed.lessons_replaced == [1]
    assert "lessons approved in the browser replaced by a changed lesson.md (topic 1)" in changed.summary()
    assert published() == ("Mở đầu.", {"hinh-thuc-ky-luat": "Nội dung, sửa trong tệp.", "thoi-hieu": "Nội dung 2."})
    assert imported(app, root, lesson=in_files).lessons_kept == 0
    assert imported(app, root, lesson=LESSON).lessons_replaced == []  # a file change over the files' own lesson
