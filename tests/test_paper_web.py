"""/admin/paper: print with a preview, download, enter by code; the trainee's pages while a paper is out."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from quizapp.db import db
from quizapp.models import Attempt, AttemptStatus, Role, Topic, User

from .admin_helpers import NON_ADMINS, admin_client, audit_entries, csrf_client
from .factories import Ref, make_course, paper_batch, take
from .pdfcheck import pdf_qr_codes, pdf_text


@pytest.fixture
def klass(app, make):
    """Topic 1 (3 attempts) and a class of three trainees, one of whom has used every attempt."""
    make_course(app, make, topics=1)
    cohort = make.cohort("Lớp 2 - 2026")
    ids = [make.user(full_name=f"Đỗ Thị {n}", cohort_id=cohort.id).id for n in "ABC"]
    for _ in range(3):
        take(app, ids[2], 1, right=False)
    return cohort.id, ids


def topic_id_of(app):
    with app.app_context():
        return db.session.scalar(select(Topic.id).where(Topic.number == 1))


def print_class(app, client, cohort_id, step="confirm"):
    return client.post("/admin/paper/print", data={"topic": topic_id_of(app), "cohort": str(cohort_id), step: "1"})


def test_print_preview_confirm_download_and_enter(app, make, login, klass):
    cohort_id, ids = klass
    admin = admin_client(app, make, login, full_name="Vũ Văn Quản")
    preview = print_class(app, admin, cohort_id, "preview")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Sẽ in 2 bài" in page and "đã dùng hết 3 lượt" in page
    assert audit_entries(app, "paper.print") == []  # the preview prints nothing
    done = print_class(app, admin, cohort_id)
    assert done.status_code == 302
    batch_url = done.location
    batch_id = int(batch_url.rsplit("/", 1)[1])
    listing = admin.get(batch_url).get_data(as_text=True)
    assert "Đỗ Thị A" in listing and "Đỗ Thị C" in listing  # C is listed as refused
    papers = admin.get(f"{batch_url}/papers.pdf")
    assert papers.headers["Cache-Control"] == "private, no-store" and papers.mimetype == "application/pdf"
    codes = [c for page in pdf_qr_codes(papers.data, scale=2) for c in page]
    assert len(codes) == 2 and "Đỗ Thị A" in pdf_text(papers.data)
    key = admin.get(f"{batch_url}/key.pdf")
    assert key.status_code == 200 and key.headers["Cache-Control"] == "private, no-store"
    _, _, keys = paper_batch(app, batch_id)

    # the scanner types the code (any case, with or without the hyphen) and presses Enter
    code = codes[0]
    grid = admin.get("/admin/paper/enter", query_string={"code": code.lower()})
    html = grid.get_data(as_text=True)
    assert grid.status_code == 200 and html.count('name="q') == 4 and "paper-entry.js" in html
    answers = {f"q{n}": letter for n, letter in enumerate(keys[code], start=1)}
    entered = admin.post(f"/admin/paper/enter/{code}", data=answers)
    assert entered.status_code == 302 and entered.location == f"/admin/paper/papers/{code}"
    result = admin.get(entered.location).get_data(as_text=True)
    assert "4/4 câu đúng" in result and "Đạt" in result and "Vũ Văn Quản" in result
    assert "Mã giấy chứng nhận" in result  # one-topic course: this pass completes it

    again = admin.post(f"/admin/paper/enter/{code}", data=answers, follow_redirects=True)
    assert "đã được Vũ Văn Quản nhập" in again.get_data(as_text=True)
    assert len(audit_entries(app, "paper.enter")) == 1


def test_bad_letters_show_the_grid_again_and_save_nothing(app, make, login, klass):
    cohort_id, _ = klass
    admin = admin_client(app, make, login)
    print_class(app, admin, cohort_id)
    with app.app_context():
        code = db.session.scalars(select(Attempt.paper_code).where(Attempt.paper_code.is_not(None))).first()
    response = admin.post(f"/admin/paper/enter/{code}", data={"q1": "A", "q2": "Z", "q3": "AB"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Câu 2: chỉ nhập các chữ từ A đến D." in page
    assert 'value="Z"' in page  # what was typed stays
    with app.app_context():
        assert db.session.scalar(select(Attempt.status).where(Attempt.paper_code == code)) == AttemptStatus.OPEN


def test_an_unknown_or_mistyped_code_says_so(app, make, login):
    admin = admin_client(app, make, login)
    page = admin.get("/admin/paper/enter", query_string={"code": "12"}, follow_redirects=True).get_data(as_text=True)
    assert "không phải là mã bài" in page


def test_trainee_pages_say_paper_and_refuse_the_online_quiz(app, make, login, klass):
    cohort_id, ids = klass
    admin = admin_client(app, make, login)
    print_class(app, admin, cohort_id)
    with app.app_context():
        attempt_id, code = db.session.execute(
            select(Attempt.id, Attempt.paper_code).where(Attempt.user_id == ids[0])
        ).one()
    trainee = login(Ref(ids[0], _username(app, ids[0])), app.test_client())
    assert "chờ nhập điểm" in trainee.get("/").get_data(as_text=True)
    topic_page = trainee.get("/topics/1").get_data(as_text=True)
    assert "làm bài kiểm tra này trên giấy" in topic_page and "Bắt đầu" not in topic_page
    refused = trainee.post("/topics/1/attempts", follow_redirects=True).get_data(as_text=True)
    assert f"{code[:4]}-{code[4:]}" in refused
    assert trainee.get(f"/attempts/{attempt_id}").status_code == 302
    save = trainee.post(f"/attempts/{attempt_id}/answers", json={"position": 1, "selected": [0], "seq": 1})
    assert save.status_code == 409
    trainee.post(f"/attempts/{attempt_id}/submit")
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).status == AttemptStatus.OPEN
    assert "bài làm trên giấy" in trainee.get("/results").get_data(as_text=True)


def _username(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).username


@pytest.mark.parametrize(("role", "ward"), NON_ADMINS)
def test_only_admins(app, make, login, role, ward):
    client = login(make.user(role=role, ward=ward))
    for url in ("/admin/paper", "/admin/paper/print", "/admin/paper/enter?code=K7M2Q9XD", "/admin/paper/batches/1"):
        assert client.get(url).status_code == 403, url
    assert client.post("/admin/paper/enter/K7M2Q9XD", data={"q1": "A"}).status_code == 403


def test_posts_need_the_csrf_token(make_app, make, klass):
    cohort_id, _ = klass
    app = make_app(WTF_CSRF_ENABLED=True)
    client = csrf_client(app, make.user(role=Role.ADMIN, ward=None))
    response = print_class(app, client, cohort_id)
    assert response.status_code == 400
    assert audit_entries(app, "paper.print") == []
    page = client.get("/admin/paper").get_data(as_text=True)
    assert re.search(r'action="/admin/paper/enter"', page) and 'method="get"' in page
