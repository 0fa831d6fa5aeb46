"""Question files into the bank (/admin/questions/import): preview, errors by line, drafts, one commit only."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from quizapp.authoring import transfer
from quizapp.db import db
from quizapp.models import AuditLog, Question, QuestionStatus, QuestionVersion, Role, RosterUpload, Section, Topic
from quizapp.quiz.bank import drawable_bank

from .admin_helpers import audit_entries, csrf_client
from .factories import Factories

AIKEN = """Cấp ủy nào quyết định kỷ luật khai trừ đảng viên?
A. Chi bộ
B. Đảng ủy cơ sở
C. Ban Thường vụ cấp trên
D. Ủy ban kiểm tra
ĐÁP ÁN: C

Đảng viên dự bị có thể bị khai trừ không?
A) Có
B) Không
Đáp án: a
"""

GIFT = """$CATEGORY: Chuyên đề 1/Phần 2

::q1:: Một câu <b>HTML</b> \\= hỏi? {=Đúng ~Sai ~Cũng sai}
"""


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def setup(app, make, login):
    topic = make.topic(number=1, sections=2, per_section=1)
    with app.app_context():
        section = db.session.scalar(select(Section).where(Section.slug == "phan-1"))
        section_id = section.id
    instructor = make.user(role=Role.INSTRUCTOR, ward=None)
    return topic, section_id, instructor, login(instructor, app.test_client())


def upload(c, data: bytes, name="cau-hoi.txt", topic=1, section="", fmt=""):
    """POST the file as a browser would (a ready body: the test client would spool a big one to an unclosed file)."""
    boundary = "quizapp-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in (("topic", topic), ("section", section), ("fmt", fmt))
    ]
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n\r\n'.encode()
    body = b"".join(parts) + head + data + f"\r\n--{boundary}--\r\n".encode()
    return c.post("/admin/questions/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def commit_fields(page: str) -> dict[str, str]:
    return {
        name: re.search(rf'id="{name}" name="{name}" type="hidden" value="([^"]*)"', page).group(1)
        for name in ("ticket", "topic", "section", "fmt")
    }


def test_the_form_offers_topics_sections_and_formats(app, setup):
    *_, c = setup
    page = c.get("/admin/questions/import?topic=1").get_data(as_text=True)
    assert "Phần 1" in page and "Phần 2" in page and "Moodle XML" in page and "Chuyên đề 1" in page
    assert "Nhập câu hỏi" in page or "Nhập" in page


def test_preview_lists_every_question_then_commit_stores_drafts_never_drawn(app, setup):
    topic, section_id, instructor, c = setup
    response = upload(c, AIKEN.encode(), section=str(section_id))
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "Cấp ủy nào quyết định kỷ luật khai trừ đảng viên?" in page and "✓ Ban Thường vụ cấp trên" in page
    assert "✓ Có" in page and "Dòng 8" in page
    assert count(app, Question) == 2  # the factory's questions only: nothing saved by the preview
    response = c.post("/admin/questions/import/commit", data=commit_fields(page))
    done = response.get_data(as_text=True)
    assert response.status_code == 200, done
    assert "/admin/questions?topic=1&amp;status=draft" in done
    with app.app_context():
        new = db.session.scalars(select(Question).where(Question.status == QuestionStatus.DRAFT)).all()
        assert [q.ext_id for q in new] == ["t1-202", "t1-203"]  # after the factory's t1-101 and t1-201
        assert all(q.current_version_id is None for q in new)
        versions = [q.versions[0] for q in new]
        assert [(v.state, v.author_id, v.section.slug) for v in versions] == [("draft", instructor.id, "phan-1")] * 2
        assert versions[0].options[2] == {"text": "Ban Thường vụ cấp trên", "correct": True}
        drawable = {e.question_id for e in drawable_bank(db.session, topic.id)}
        assert drawable.isdisjoint(q.id for q in new) and len(drawable) == 2
    entry = audit_entries(app, "questions.import")[-1]
    assert entry.actor_id == instructor.id and entry.target_id == "1"
    assert entry.detail["drafts"] == 2 and entry.detail["per_section"] == {"phan-1": 2}


def test_a_second_commit_imports_nothing(app, setup):
    _, section_id, _, c = setup
    fields = commit_fields(upload(c, AIKEN.encode(), section=str(section_id)).get_data(as_text=True))
    assert c.post("/admin/questions/import/commit", data=fields).status_code == 200
    again = c.post("/admin/questions/import/commit", data=fields)
    assert again.status_code == 409
    assert "Tệp này đã được nhập" in again.get_data(as_text=True)
    assert count(app, Question) == 4
    assert len(audit_entries(app, "questions.import")) == 1


def test_a_ticket_cannot_move_the_import_to_another_topic_or_section(app, setup, make):
    _, section_id, _, c = setup
    make.topic(number=2, sections=1, per_section=1)
    fields = commit_fields(upload(c, AIKEN.encode(), section=str(section_id)).get_data(as_text=True))
    assert c.post("/admin/questions/import/commit", data={**fields, "topic": "2", "section": ""}).status_code == 409
    assert count(app, Question) == 3


def test_another_users_ticket_is_refused(app, setup, make, login):
    _, section_id, _, c = setup
    fields = commit_fields(upload(c, AIKEN.encode(), section=str(section_id)).get_data(as_text=True))
    other = login(make.user(role=Role.ADMIN, ward=None), app.test_client())
    assert other.post("/admin/questions/import/commit", data=fields).status_code == 409
    assert count(app, Question) == 2


@pytest.mark.parametrize(
    ("data", "fmt", "line", "message"),
    [
        (AIKEN.replace("ĐÁP ÁN: C", "ĐÁP ÁN: E"), "aiken", 6, "E"),
        (AIKEN.replace("Đáp án: a\n", ""), "aiken", 8, "ĐÁP ÁN"),
        (b"Q?\nA. x\nB. y\n\xff\xfeANSWER: A\n", "aiken", 4, "UTF-8"),
        (GIFT.replace("~Sai", "=Sai"), "gift", 3, ""),
        (b'<?xml version="1.0"?>\n<quiz>\n<question type="multichoice">\n</quiz>', "moodle_xml", 4, "XML"),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE q [<!ENTITY a "aaaa">]>\n<quiz>&a;</quiz>',
            "moodle_xml",
            2,
            "",
        ),
    ],
)
def test_bad_files_are_refused_with_the_line_and_nothing_is_stored(app, setup, data, fmt, line, message):
    *_, c = setup
    data = data.encode() if isinstance(data, str) else data
    response = upload(c, data, section="", fmt=fmt)
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page
    assert f"Dòng {line}</strong>:" in page and message in page
    assert 'name="ticket"' not in page and "Không lưu gì" in page
    assert count(app, Question) == 2 and count(app, RosterUpload) == 0


def test_a_single_question_with_two_keys_is_refused(app, setup):
    *_, c = setup
    response = upload(c, "::a:: Câu? {=Một =Hai ~Ba}\n".encode(), name="x.gift")
    assert response.status_code == 422
    assert "Dòng 1</strong>" in response.get_data(as_text=True)


def test_questions_without_a_section_need_one_chosen(app, setup):
    _, section_id, _, c = setup
    response = upload(c, AIKEN.encode(), section="")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.count('<li class="error">') == 1 and "tệp không ghi mục cho các câu hỏi" in page
    assert upload(c, AIKEN.encode(), section=str(section_id)).status_code == 200
    # Some questions name a section and some do not: each of the others is reported by line.
    mixed = GIFT + "\n$CATEGORY: $course$/top\n\n::q2:: Câu không mục? {=Có ~Không}\n"
    page = upload(c, mixed.encode(), name="x.gift", section="").get_data(as_text=True)
    assert page.count('<li class="error">') == 1 and "Dòng 7</strong>:" in page


def test_gift_categories_name_sections_and_html_stays_text(app, setup):
    _, section_id, _, c = setup
    response = upload(c, GIFT.encode(), name="bank.gift", section=str(section_id))
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "Phần 2" in page and "&lt;b&gt;HTML&lt;/b&gt;" in page and "<b>HTML</b>" not in page
    c.post("/admin/questions/import/commit", data=commit_fields(page))
    with app.app_context():
        version = db.session.scalar(select(QuestionVersion).where(QuestionVersion.state == "draft"))
        assert version.section.slug == "phan-2"


def test_a_20_mb_file_is_refused_before_anything_is_read_or_stored(app, setup):
    *_, c = setup
    response = upload(c, b"A" * (20 * 1024 * 1024), name="huge.txt", fmt="aiken")
    # The app's request limit (MAX_CONTENT_LENGTH) answers before the view reads anything.
    assert response.status_code == 413
    assert "Dữ liệu gửi lên quá lớn" in response.get_data(as_text=True)
    assert count(app, RosterUpload) == 0 and count(app, Question) == 2


def test_an_unknown_format_is_asked_for(app, setup):
    _, section_id, _, c = setup
    response = upload(c, b"plain words", name="notes", section=str(section_id))
    assert response.status_code == 400
    assert "chọn định dạng" in response.get_data(as_text=True)


def test_a_section_of_another_topic_is_refused(app, setup, make):
    *_, c = setup
    make.topic(number=2, sections=1, per_section=1)
    with app.app_context():
        other = db.session.scalar(select(Section.id).join(Topic).where(Topic.number == 2))
    assert upload(c, AIKEN.encode(), section=str(other)).status_code == 400


@pytest.mark.parametrize(("role", "ward"), [(Role.TRAINEE, "dong-ve"), (Role.WARD_MANAGER, "dong-ve")])
def test_trainees_and_ward_managers_cannot_import_or_export(app, make, login, role, ward):
    make.topic(number=1)
    c = login(make.user(role=role, ward=ward), app.test_client())
    assert c.get("/admin/questions/import").status_code == 403
    assert upload(c, AIKEN.encode()).status_code == 403
    assert c.post("/admin/questions/import/commit", data={"ticket": "x"}).status_code == 403
    assert c.get("/admin/questions/export?topic=1&format=gift").status_code == 403


def test_the_import_is_one_transaction(app, setup, monkeypatch):
    """A failure half-way through the commit leaves no question, no audit entry and the upload unused."""
    _, section_id, _, c = setup
    fields = commit_fields(upload(c, AIKEN.encode(), section=str(section_id)).get_data(as_text=True))
    real, calls = transfer.create_question, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(transfer, "create_question", failing)
    with pytest.raises(RuntimeError):
        c.post("/admin/questions/import/commit", data=fields)
    assert count(app, Question) == 2 and count(app, AuditLog, AuditLog.action == "questions.import") == 0
    monkeypatch.setattr(transfer, "create_question", real)
    assert c.post("/admin/questions/import/commit", data=fields).status_code == 200
    assert count(app, Question) == 4


def test_csrf_is_required(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    Factories(app).topic(number=1)
    c = csrf_client(app, Factories(app).user(role=Role.ADMIN, ward=None))
    assert upload(c, AIKEN.encode()).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RosterUpload)) == 0
