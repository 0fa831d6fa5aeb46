"""The question bank pages (/admin/questions): browse, search, a question's page, the editor, the workflow buttons."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from quizapp.db import write_transaction
from quizapp.models import Attempt, Question, QuestionVersion, Role, VersionState

from .admin_helpers import audit_entries, csrf_client
from .quizpage import start

OPTIONS = {
    "options-0-text": "Đúng là A",
    "options-0-correct": "y",
    "options-0-position": "1",
    "options-1-text": "Sai là B",
    "options-1-position": "2",
    "options-2-text": "Sai là C",
    "options-2-position": "3",
    "options-3-text": "",
    "options-3-position": "4",
}


def form(**changes) -> dict:
    data = {
        "type": "single",
        "text": "Công tác tổ chức cán bộ gồm những gì?",
        "answer": "true",
        "explanation": "Vì thế.",
        "source": "Điều lệ Đảng",
        "section": "phan-1",
        "difficulty": "medium",
        "change_note": "",
        "save": "Lưu",
        **OPTIONS,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def bank(make):
    make.topic(number=1, sections=2, per_section=3)
    make.topic(number=2, sections=1, per_section=2)


@pytest.fixture
def instructor(make, login, app):
    user = make.user(role=Role.INSTRUCTOR, ward=None)
    return user, login(user, app.test_client())


@pytest.fixture
def admin(make, login, app):
    user = make.user(role=Role.ADMIN, ward=None)
    return user, login(user, app.test_client())


def question_id(app, ext_id: str) -> int:
    with app.app_context(), write_transaction() as s:
        return s.scalar(select(Question.id).where(Question.ext_id == ext_id))


def versions(app, ext_id: str) -> list[tuple[int, str, str]]:
    with app.app_context(), write_transaction() as s:
        q = s.scalar(select(Question).where(Question.ext_id == ext_id))
        return [(v.version, v.state, v.text) for v in sorted(q.versions, key=lambda v: v.version)]


def ids_listed(html: str) -> list[str]:
    return re.findall(r'<a href="/admin/questions/\d+">([^<]+)</a>', html)


# --- who may see and do what ---------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.WARD_MANAGER])
def test_trainees_and_ward_managers_are_refused(app, make, login, bank, role):
    client = login(make.user(role=role), app.test_client())
    qid = question_id(app, "t1-101")
    for url in (
        "/admin/questions",
        f"/admin/questions/{qid}",
        "/admin/questions/new?topic=1",
        f"/admin/questions/{qid}/edit",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/admin/questions/{qid}/edit", data=form()).status_code == 403


def test_an_instructor_may_not_approve_return_retire_or_restore(app, bank, instructor):
    _user, client = instructor
    qid = question_id(app, "t1-101")
    assert client.post("/admin/questions/approve", data={"token-0": "1:submitted:x"}).status_code == 403
    assert client.get("/admin/questions/review?version=1").status_code == 403
    for action in ("return", "retire", "restore"):
        assert client.post(f"/admin/questions/{qid}/{action}", data={"reason": "x", "comment": "x"}).status_code == 403
    page = client.get(f"/admin/questions/{qid}").get_data(as_text=True)
    assert "/retire" not in page and 'name="version"' not in client.get("/admin/questions").get_data(as_text=True)


# --- browsing ------------------------------------------------------------------------------------


def test_filters_counts_and_pages(app, bank, admin, make):
    _user, client = admin
    html = client.get("/admin/questions").get_data(as_text=True)
    assert "8 câu hỏi" in html
    assert ids_listed(client.get("/admin/questions?topic=2").get_data(as_text=True)) == ["t2-101", "t2-102"]
    with app.app_context(), write_transaction() as s:
        section_id = s.scalar(
            select(QuestionVersion.section_id)
            .join(Question, Question.id == QuestionVersion.question_id)
            .where(Question.ext_id == "t1-201")
        )
        s.get(
            QuestionVersion, s.scalar(select(Question.current_version_id).where(Question.ext_id == "t1-202"))
        ).difficulty = "hard"
    assert ids_listed(client.get(f"/admin/questions?topic=1&section={section_id}").get_data(as_text=True)) == [
        "t1-201",
        "t1-202",
        "t1-203",
    ]
    assert ids_listed(client.get("/admin/questions?difficulty=hard").get_data(as_text=True)) == ["t1-202"]
    assert ids_listed(client.get("/admin/questions?type=multiple").get_data(as_text=True)) == []
    # Counts per topic (under the other filters) and per section of the chosen topic.
    html = client.get("/admin/questions?topic=1").get_data(as_text=True)
    counts = re.findall(r'<td class="num">(\d+)</td>', html)
    assert counts == ["6", "3", "3", "2"]
    # Pages of PAGE_SIZE.
    app.config["PAGE_SIZE"] = 3
    first = ids_listed(client.get("/admin/questions").get_data(as_text=True))
    third = ids_listed(client.get("/admin/questions?page=3").get_data(as_text=True))
    assert first == ["t1-101", "t1-102", "t1-103"] and third == ["t2-101", "t2-102"]


def test_search_ignores_tone_marks_and_case(app, bank, admin):
    _user, client = admin
    with app.app_context(), write_transaction() as s:
        v = s.scalar(
            select(QuestionVersion)
            .join(Question, Question.id == QuestionVersion.question_id)
            .where(Question.ext_id == "t1-102")
        )
        v.text = "Công tác Tổ Chức cán bộ ở phường?"
        v.options = [{**v.options[0], "text": "Đảng đoàn"}, *v.options[1:]]
    assert ids_listed(client.get("/admin/questions?q=to+chuc").get_data(as_text=True)) == ["t1-102"]
    assert ids_listed(client.get("/admin/questions?q=TỔ+CHỨC+phuong").get_data(as_text=True)) == ["t1-102"]
    assert ids_listed(client.get("/admin/questions?q=dang+doan").get_data(as_text=True)) == ["t1-102"]
    assert ids_listed(client.get("/admin/questions?q=to+chuc+khong+co").get_data(as_text=True)) == []
    assert ids_listed(client.get("/admin/questions?q=t2-10").get_data(as_text=True)) == ["t2-101", "t2-102"]


def test_status_filter_follows_pending_versions(app, bank, instructor, admin):
    _user, client = instructor
    qid = question_id(app, "t1-101")
    assert client.post(f"/admin/questions/{qid}/edit", data=form(text="Bản nháp mới?")).status_code == 302
    assert ids_listed(client.get("/admin/questions?status=draft").get_data(as_text=True)) == ["t1-101"]
    assert "t1-101" in ids_listed(client.get("/admin/questions?status=approved").get_data(as_text=True))
    client.post(f"/admin/questions/{qid}/submit")
    assert ids_listed(client.get("/admin/questions?status=submitted").get_data(as_text=True)) == ["t1-101"]
    assert ids_listed(client.get("/admin/questions?status=draft").get_data(as_text=True)) == []
    _a, admin_client = admin
    assert admin_client.post(f"/admin/questions/{qid}/retire", data={"reason": "Cũ"}).status_code == 302
    assert ids_listed(client.get("/admin/questions?status=retired").get_data(as_text=True)) == ["t1-101"]
    assert "t1-101" not in ids_listed(client.get("/admin/questions?status=approved").get_data(as_text=True))


# --- editing and the workflow through the pages --------------------------------------------------


def test_new_question_editor_saves_a_draft(app, bank, instructor):
    _user, client = instructor
    page = client.get("/admin/questions/new?topic=2").get_data(as_text=True)
    assert 'name="options-3-text"' in page and "Phần 1" in page
    assert client.get("/admin/questions/new?topic=9").status_code == 404
    response = client.post("/admin/questions/new?topic=2", data=form())
    assert response.status_code == 302
    assert versions(app, "t2-103") == [(1, "draft", "Công tác tổ chức cán bộ gồm những gì?")]
    assert [e.detail["ext_id"] for e in audit_entries(app, "question.create")] == ["t2-103"]


def test_editor_errors_are_shown_beside_the_fields_and_nothing_is_saved(app, bank, instructor):
    _user, client = instructor
    qid = question_id(app, "t1-101")
    response = client.post(
        f"/admin/questions/{qid}/edit", data=form(**{"options-1-correct": "y", "options-2-text": "đúng là a"})
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "cần đúng một phương án đúng, không phải 2" in html
    assert "trùng với phương án ở dòng 1" in html
    assert versions(app, "t1-101") == [(1, "approved", "Câu hỏi t1-101?")]


def test_add_rows_and_reorder_without_javascript(app, bank, instructor):
    _user, client = instructor
    response = client.post("/admin/questions/new?topic=1", data=form(save=None, add_rows="Thêm"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="options-4-text"' in html
    moved = form(**{"options-2-position": "1"})  # "Sai là C" to the top
    assert client.post("/admin/questions/new?topic=1", data=moved).status_code == 302
    with app.app_context(), write_transaction() as s:
        v = s.scalar(
            select(QuestionVersion)
            .join(Question, Question.id == QuestionVersion.question_id)
            .where(Question.ext_id == "t1-204")
        )
        assert [o["text"] for o in v.options] == ["Sai là C", "Đúng là A", "Sai là B"]


def test_edit_submit_approve_through_the_pages(app, bank, instructor, admin):
    author, client = instructor
    qid = question_id(app, "t1-101")
    edit_page = client.get(f"/admin/questions/{qid}/edit").get_data(as_text=True)
    assert "Câu hỏi t1-101?" in edit_page and 'value="t1-101 đúng"' in edit_page
    assert (
        client.post(f"/admin/questions/{qid}/edit", data=form(text="Lời mới?", change_note="Rõ hơn")).status_code == 302
    )
    assert client.post(f"/admin/questions/{qid}/edit", data=form(text="Lời mới hơn?")).status_code == 302
    assert versions(app, "t1-101") == [(1, "approved", "Câu hỏi t1-101?"), (2, "draft", "Lời mới hơn?")]
    assert client.post(f"/admin/questions/{qid}/submit").status_code == 302
    _a, admin_client = admin
    page = admin_client.get(f"/admin/questions/{qid}").get_data(as_text=True)
    assert "<del>Câu hỏi t1-101?</del>" in page and "<ins>Lời mới hơn?</ins>" in page
    token = re.search(r'name="token-0" type="hidden" value="([^"]+)"', page).group(1)
    response = admin_client.post("/admin/questions/approve", data={"token-0": token})
    assert response.status_code == 302 and response.location == f"/admin/questions/{qid}"
    assert versions(app, "t1-101")[-1][1] == VersionState.APPROVED
    # The same preview again: refused, nothing changes.
    response = admin_client.post("/admin/questions/approve", data={"token-0": token}, follow_redirects=True)
    assert "Không duyệt câu nào" in response.get_data(as_text=True)
    page = admin_client.get(f"/admin/questions/{qid}").get_data(as_text=True)
    for action in ("Sửa câu hỏi", "Gửi duyệt câu hỏi", "Duyệt câu hỏi"):
        assert action in page


def test_bulk_approval_preview_then_confirm(app, bank, instructor, admin):
    _user, client = instructor
    for ext_id in ("t1-101", "t1-102"):
        qid = question_id(app, ext_id)
        client.post(f"/admin/questions/{qid}/edit", data=form(text=f"Mới {ext_id}?"))
        client.post(f"/admin/questions/{qid}/submit")
    _a, admin_client = admin
    listing = admin_client.get("/admin/questions?status=submitted").get_data(as_text=True)
    picked = re.findall(r'name="version" value="(\d+)"', listing)
    assert len(picked) == 2
    preview = admin_client.get("/admin/questions/review?" + "&".join(f"version={v}" for v in picked))
    html = preview.get_data(as_text=True)
    assert "Mới t1-101?" in html and "Mới t1-102?" in html
    tokens = dict(re.findall(r'name="(token-\d)" type="hidden" value="([^"]+)"', html))
    assert admin_client.post("/admin/questions/approve", data=tokens).status_code == 302
    assert [versions(app, e)[-1][1] for e in ("t1-101", "t1-102")] == ["approved", "approved"]


def test_return_needs_a_comment_and_the_author_sees_it(app, bank, instructor, admin):
    _user, client = instructor
    qid = question_id(app, "t1-101")
    client.post(f"/admin/questions/{qid}/edit", data=form(text="Cần xem lại?"))
    client.post(f"/admin/questions/{qid}/submit")
    _a, admin_client = admin
    page = admin_client.get(f"/admin/questions/{qid}").get_data(as_text=True)
    token = re.search(r'id="token" name="token" type="hidden" value="([^"]+)"', page).group(1)
    response = admin_client.post(f"/admin/questions/{qid}/return", data={"token": token, "comment": ""})
    assert response.status_code == 400 and "Hãy nói rõ cần sửa gì" in response.get_data(as_text=True)
    admin_client.post(f"/admin/questions/{qid}/return", data={"token": token, "comment": "Thiếu nguồn"})
    assert "Thiếu nguồn" in client.get(f"/admin/questions/{qid}").get_data(as_text=True)
    assert versions(app, "t1-101")[-1][1] == "returned"


def test_question_html_is_shown_as_text(app, bank, instructor):
    _user, client = instructor
    qid = question_id(app, "t1-101")
    evil = '<img src=x onerror="alert(1)"> <script>alert(2)</script>?'
    client.post(f"/admin/questions/{qid}/edit", data=form(text=evil))
    for url in (f"/admin/questions/{qid}", "/admin/questions?status=draft", f"/admin/questions/{qid}/edit"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(2)" not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;" in html, url


def test_a_question_page_shows_attempts_per_version(app, make, bank, admin, login):
    trainee = make.user()
    learner = login(trainee, app.test_client())
    attempt_id = start(learner)
    with app.app_context(), write_transaction() as s:
        drawn = s.get(Attempt, attempt_id).items[0].question_version.question_id
    _a, admin_client = admin
    html = admin_client.get(f"/admin/questions/{drawn}").get_data(as_text=True)
    assert "Được dùng trong 1 lượt làm bài" in html
    assert f'href="/attempts/{attempt_id}/review"' in html
    assert "Độ dễ" not in html  # no finished attempt yet: no statistics
    assert learner.post(f"/attempts/{attempt_id}/submit").status_code == 302
    html = admin_client.get(f"/admin/questions/{drawn}").get_data(as_text=True)
    assert "Độ dễ 0.00" in html and "Số lần được rút 1" in html


def test_csrf_is_required(make_app, make, bank):
    app = make_app(WTF_CSRF_ENABLED=True)
    user = make.user(role=Role.INSTRUCTOR, ward=None)
    client = csrf_client(app, user)
    qid = question_id(app, "t1-101")
    assert client.post(f"/admin/questions/{qid}/edit", data=form()).status_code == 400
    assert versions(app, "t1-101") == [(1, "approved", "Câu hỏi t1-101?")]


@pytest.mark.parametrize("options_reworded", [False, True])
def test_approving_a_corrected_key_offers_regrading(make_app, make, login, options_reworded):
    """A key correction (same options, other key) leads to the regrade offer; reworded options do not."""
    app = make_app()
    make.topic(number=1, sections=1, per_section=2)
    author = login(make.user(role=Role.INSTRUCTOR, ward=None), app.test_client())
    admin = login(make.user(role=Role.ADMIN, ward=None), app.test_client())
    qid = question_id(app, "t1-101")

    def edit_and_approve(data):
        assert author.post(f"/admin/questions/{qid}/edit", data=data).status_code == 302
        author.post(f"/admin/questions/{qid}/submit")
        page = admin.get(f"/admin/questions/{qid}").text
        token = re.search(r'name="token-0" type="hidden" value="([^"]+)"', page)
        return admin.post("/admin/questions/approve", data={"token-0": token.group(1)})

    # First the form's wording (new option texts: no regrade offered), then only the key moves.
    assert edit_and_approve(form()).location == f"/admin/questions/{qid}"
    with app.app_context(), write_transaction() as s:
        old_id = s.get(Question, qid).current_version_id
    key_moved = {"options-0-correct": "", "options-1-correct": "y"}
    if options_reworded:
        key_moved["options-3-text"] = "Sai là D"
    response = edit_and_approve(form(**key_moved))
    if options_reworded:
        assert response.location == f"/admin/questions/{qid}"
    else:
        assert response.location == f"/admin/questions/{qid}/regrade?from_version={old_id}"
