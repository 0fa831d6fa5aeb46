"""The lesson editor (/admin/lessons/<n>): sanitised preview, sections checked against the bank, approval."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from quizapp.authoring.drafts import create_question
from quizapp.content.lesson import join_lesson, split_lesson
from quizapp.content.specs import QuestionSpec
from quizapp.db import db, write_transaction
from quizapp.models import LessonDraft, Role, Section, Topic

from .admin_helpers import audit_entries

LESSON = """Lời mở đầu của bài.

## Phần 1

Nội dung phần 1 đã sửa.

## Phần 2

Nội dung phần 2.

## Phần mới

Một mục thêm.
"""
EVIL = "## Phần 1\n\nChữ <script>alert(1)</script> và <img src=x onerror=alert(2)> hết.\n\n## Phần 2\n\nB.\n"


@pytest.fixture
def people(app, make, login):
    make.topic(number=1, sections=2, per_section=2)
    instructor = make.user(role=Role.INSTRUCTOR, ward=None)
    admin = make.user(role=Role.ADMIN, ward=None)
    return instructor, login(instructor, app.test_client()), admin, login(admin, app.test_client())


def post(c, text, button="save", note="Sửa phần 1"):
    return c.post("/admin/lessons/1", data={"markdown": text, "note": note, button: "1"})


def drafts(app) -> list[tuple[int, str]]:
    with app.app_context():
        return [(d.author_id, d.state) for d in db.session.scalars(select(LessonDraft).order_by(LessonDraft.id))]


def seen_of(page: str) -> str:
    return re.search(r'name="seen" value="([^"]+)"', page).group(1)


def published(app) -> tuple[str, list[tuple[str, str, bool]]]:
    with app.app_context():
        topic = db.session.scalar(select(Topic).where(Topic.number == 1))
        rows = db.session.execute(
            select(Section.slug, Section.body_md, Section.active)
            .where(Section.topic_id == topic.id)
            .order_by(Section.id)
        )
        return topic.intro_md, [tuple(r) for r in rows]


def test_the_editor_starts_from_the_published_lesson(app, people):
    _, c, *_ = people
    page = c.get("/admin/lessons/1").get_data(as_text=True)
    assert "## Phần 1\n\nNội dung phần 1." in page and "## Phần 2" in page
    assert c.get("/admin/lessons/").status_code == 200


def test_join_and_split_agree():
    text = join_lesson("Mở đầu.", [("phan-1", "Phần 1", "A."), ("cu", "Tên mới", "B.")])
    assert "## Tên mới {#cu}" in text
    intro, sections = split_lesson(text, lambda *a: pytest.fail(str(a)))
    assert intro == "Mở đầu." and [(s.slug, s.title, s.body_md) for s in sections] == [
        ("phan-1", "Phần 1", "A."),
        ("cu", "Tên mới", "B."),
    ]


def test_preview_is_sanitised_as_on_the_trainees_page_and_saves_nothing(app, people, make, login):
    _, c, *_ = people
    response = post(c, EVIL, button="preview")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    preview = page[page.index("preview-h") :]
    assert "<script>alert" not in preview and "onerror" not in preview and "Chữ" in preview
    assert drafts(app) == []


def test_the_trainees_page_is_sanitised_too(app, people, make, login):
    instructor, c, admin, a = people
    post(c, EVIL, button="submit")
    draft_id = db_draft_id(app)
    page = a.get(f"/admin/lessons/1/drafts/{draft_id}").get_data(as_text=True)
    a.post(f"/admin/lessons/1/drafts/{draft_id}/review", data={"seen": seen_of(page), "approve": "1"})
    trainee = login(make.user(), app.test_client())
    lesson = trainee.get("/topics/1").get_data(as_text=True)
    assert "Chữ" in lesson and "<script>alert" not in lesson and "onerror" not in lesson


def db_draft_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(LessonDraft.id).order_by(LessonDraft.id.desc()))


def test_removing_or_renaming_a_section_in_use_is_refused_with_its_questions(app, people):
    _, c, *_ = people
    renamed = LESSON.replace("## Phần 2", "## Phần hai")
    response = post(c, renamed)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "t1-201, t1-202" in page and "phan-2" in page
    assert drafts(app) == []
    kept = LESSON.replace("## Phần 2", "## Phần hai {#phan-2}")
    assert post(c, kept).status_code == 302
    assert drafts(app) == [(people[0].id, "draft")]


def test_a_lesson_without_sections_is_refused_with_the_line(app, people):
    _, c, *_ = people
    response = post(c, "Chỉ có lời mở đầu.\n")
    assert response.status_code == 422
    assert "Dòng 1" in response.get_data(as_text=True)


def test_submit_then_approve_publishes_audits_and_changes_the_offline_version(app, people):
    instructor, c, admin, a = people
    before = a.get("/sw.js").get_data(as_text=True)
    assert post(c, LESSON, button="submit").status_code == 302
    assert drafts(app) == [(instructor.id, "submitted")]
    assert published(app)[0] == ""  # trainees still read the old lesson
    assert post(c, LESSON + "\nThêm.").status_code == 409  # locked while waiting
    draft_id = db_draft_id(app)
    page = a.get(f"/admin/lessons/1/drafts/{draft_id}").get_data(as_text=True)
    assert "Một mục thêm." in page
    response = a.post(f"/admin/lessons/1/drafts/{draft_id}/review", data={"seen": seen_of(page), "approve": "1"})
    assert response.status_code == 302
    intro, sections = published(app)
    assert intro == "Lời mở đầu của bài."
    assert sections == [
        ("phan-1", "Nội dung phần 1 đã sửa.", True),
        ("phan-2", "Nội dung phần 2.", True),
        ("phan-moi", "Một mục thêm.", True),
    ]
    entry = audit_entries(app, "lesson.approve")[-1]
    assert entry.actor_id == admin.id and entry.target_id == "1"
    assert entry.detail["added"] == ["phan-moi"] and entry.detail["changed"] == ["phan-1"]
    assert audit_entries(app, "lesson.submit")[-1].actor_id == instructor.id
    after = a.get("/sw.js").get_data(as_text=True)
    version = re.compile(r'"version": ?"([^"]+)"')
    assert version.search(before).group(1) != version.search(after).group(1)


def test_a_dropped_section_unused_by_questions_is_hidden(app, make, login):
    make.topic(number=1, sections=2, per_section=0)
    admin = make.user(role=Role.ADMIN, ward=None)
    a = login(admin, app.test_client())
    assert post(a, "## Phần 1\n\nChỉ một phần.\n", button="submit").status_code == 302
    draft_id = db_draft_id(app)
    page = a.get(f"/admin/lessons/1/drafts/{draft_id}").get_data(as_text=True)
    a.post(f"/admin/lessons/1/drafts/{draft_id}/review", data={"seen": seen_of(page), "approve": "1"})
    assert published(app)[1] == [("phan-1", "Chỉ một phần.", True), ("phan-2", "Nội dung phần 2.", False)]


def test_return_needs_a_comment_and_the_author_can_edit_again(app, people):
    instructor, c, admin, a = people
    post(c, LESSON, button="submit")
    draft_id = db_draft_id(app)
    seen = seen_of(a.get(f"/admin/lessons/1/drafts/{draft_id}").get_data(as_text=True))
    a.post(f"/admin/lessons/1/drafts/{draft_id}/review", data={"seen": seen, "send_back": "1", "comment": ""})
    assert drafts(app) == [(instructor.id, "submitted")]
    a.post(f"/admin/lessons/1/drafts/{draft_id}/review", data={"seen": seen, "send_back": "1", "comment": "Bỏ mục mới"})
    assert drafts(app) == [(instructor.id, "returned")]
    assert "Bỏ mục mới" in c.get("/admin/lessons/1").get_data(as_text=True)
    assert audit_entries(app, "lesson.return")[-1].reason == "Bỏ mục mới"
    assert post(c, LESSON.replace("## Phần mới\n\nMột mục thêm.\n", "")).status_code == 302
    assert drafts(app) == [(instructor.id, "draft")]


def test_a_draft_changed_since_the_admin_read_it_is_not_approved(app, people):
    _, c, _, a = people
    post(c, LESSON, button="submit")
    draft_id = db_draft_id(app)
    a.post(f"/admin/lessons/1/drafts/{draft_id}/review", data={"seen": "0" * 16, "approve": "1"})
    assert published(app)[0] == "" and drafts(app)[0][1] == "submitted"


def test_a_section_used_since_submission_stops_the_approval(app, make, login):
    make.topic(number=1, sections=2, per_section=0)
    a = login(make.user(role=Role.ADMIN, ward=None), app.test_client())
    assert post(a, "## Phần 1\n\nChỉ một phần.\n", button="submit").status_code == 302
    draft_id = db_draft_id(app)
    seen = seen_of(a.get(f"/admin/lessons/1/drafts/{draft_id}").get_data(as_text=True))
    with app.app_context(), write_transaction() as s:  # a question in "Phần 2" is approved meanwhile
        topic = s.scalar(select(Topic).where(Topic.number == 1))
        make._question(s, topic, topic.sections[1], "t1-299", "single")
    response = a.post(f"/admin/lessons/1/drafts/{draft_id}/review", data={"seen": seen, "approve": "1"})
    assert response.status_code == 302
    assert drafts(app)[0][1] == "submitted" and published(app)[1][1][2] is True
    page = a.get(f"/admin/lessons/1/drafts/{draft_id}").get_data(as_text=True)
    assert "t1-299" in page


def test_an_instructor_cannot_approve_or_read_anothers_draft(app, people, make, login):
    instructor, c, admin, a = people
    post(c, LESSON, button="submit")
    draft_id = db_draft_id(app)
    seen = seen_of(a.get(f"/admin/lessons/1/drafts/{draft_id}").get_data(as_text=True))
    response = c.post(f"/admin/lessons/1/drafts/{draft_id}/review", data={"seen": seen, "approve": "1"})
    assert response.status_code == 403
    assert 'name="seen"' not in c.get(f"/admin/lessons/1/drafts/{draft_id}").get_data(as_text=True)
    other = login(make.user(role=Role.INSTRUCTOR, ward=None), app.test_client())
    assert other.get(f"/admin/lessons/1/drafts/{draft_id}").status_code == 404
    assert published(app)[0] == ""


@pytest.mark.parametrize(("role", "ward"), [(Role.TRAINEE, "dong-ve"), (Role.WARD_MANAGER, "dong-ve")])
def test_trainees_and_ward_managers_are_refused(app, people, make, login, role, ward):
    c = login(make.user(role=role, ward=ward), app.test_client())
    assert c.get("/admin/lessons/1").status_code == 403
    assert post(c, LESSON).status_code == 403
    assert c.get("/admin/lessons/1/lesson.md").status_code == 403


def test_the_published_lesson_downloads_as_lesson_md(app, people):
    _, c, *_ = people
    response = c.get("/admin/lessons/1/lesson.md")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    text = response.data.decode()
    assert text.startswith("# Chuyên đề 1\n") and "## Phần 2\n\nNội dung phần 2.\n" in text


def test_drafts_in_a_dropped_section_are_a_warning_not_a_refusal(app, make, login):
    make.topic(number=1, sections=2, per_section=0)
    a = login(make.user(role=Role.ADMIN, ward=None), app.test_client())
    with app.app_context(), write_transaction() as s:
        topic = s.scalar(select(Topic).where(Topic.number == 1))
        spec = QuestionSpec(
            "",
            "",
            "single",
            "easy",
            "Nháp?",
            [{"text": "Có", "correct": True}, {"text": "Không", "correct": False}],
            "",
            "",
            "",
        )
        ext_id = create_question(s, topic, topic.sections[1], spec, None).ext_id
    response = post(a, "## Phần 1\n\nChỉ một phần.\n", button="preview")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and ext_id in page and "lesson-warnings-h" in page
    assert post(a, "## Phần 1\n\nChỉ một phần.\n").status_code == 302
