"""/admin/paper: print with a preview, download, enter by code; the trainee's pages while a paper is out."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from quizapp.db import db, write_transaction
from quizapp.models import Attempt, AttemptStatus, Role, Topic, User
from quizapp.paper.services import PaperError
from quizapp.paper.void import void_paper

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
    assert client.post("/admin/paper/enter/K7M2Q9XD/void", data={"void-confirm": "y"}).status_code == 403


def test_posts_need_the_csrf_token(make_app, make, klass):
    cohort_id, _ = klass
    app = make_app(WTF_CSRF_ENABLED=True)
    client = csrf_client(app, make.user(role=Role.ADMIN, ward=None))
    response = print_class(app, client, cohort_id)
    assert response.status_code == 400
    assert audit_entries(app, "paper.print") == []
    page = client.get("/admin/paper").get_data(as_text=True)
    assert re.search(r'action="/admin/paper/enter"', page) and 'method="get"' in page


# --- voiding a paper that will never be entered -------------------------------------------------


def _paper_of(app, user_id):
    with app.app_context():
        return db.session.execute(
            select(Attempt.id, Attempt.paper_code, Attempt.number).where(Attempt.user_id == user_id)
        ).one()


def test_a_lost_paper_is_voided_with_a_reason_and_the_trainee_may_start_online(app, make, login, klass):
    cohort_id, ids = klass
    admin = admin_client(app, make, login)
    batch = print_class(app, admin, cohort_id).location
    attempt_id, code, _number = _paper_of(app, ids[0])
    grid = admin.get(f"/admin/paper/enter?code={code}").get_data(as_text=True)
    assert "Hủy bài giấy này" in grid and "Lý do hủy" in grid
    # Without the tick, or without a reason: refused, the paper stays, the grid says why.
    for data in ({"void-reason": "Mất bài"}, {"void-confirm": "y"}):
        refused = admin.post(f"/admin/paper/enter/{code}/void", data=data)
        assert refused.status_code == 400 and "Hủy bài giấy này" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).status == AttemptStatus.OPEN
    done = admin.post(
        f"/admin/paper/enter/{code}/void",
        data={"void-reason": "Tờ bài bị thất lạc khi thu", "void-confirm": "y"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert f"Đã hủy bài giấy {code[:4]}-{code[4:]}. Đỗ Thị A có thể làm chuyên đề 1 trực tuyến" in done
    with app.app_context():
        assert db.session.get(Attempt, attempt_id) is None  # gone with its items: it no longer counts
    [entry] = audit_entries(app, "paper.void")
    assert entry.reason == "Tờ bài bị thất lạc khi thu" and entry.detail["code"] == code
    assert entry.target_id == str(ids[0])
    # The batch lists it as voided; its code says so instead of "no such paper".
    listing = admin.get(batch).get_data(as_text=True)
    assert "Đã hủy" in listing and "Tờ bài bị thất lạc khi thu" in listing and "Đỗ Thị A" in listing
    again = admin.get(f"/admin/paper/enter?code={code}", follow_redirects=True).get_data(as_text=True)
    assert f"Bài giấy {code[:4]}-{code[4:]} đã bị hủy" in again and "Tờ bài bị thất lạc khi thu" in again
    # The trainee starts the topic online, as attempt 1 again: the voided paper did not count.
    trainee = login(Ref(ids[0], _username(app, ids[0])), app.test_client())
    assert trainee.post("/topics/1/attempts").status_code == 200
    with app.app_context():
        [(number, mode)] = db.session.execute(select(Attempt.number, Attempt.mode).where(Attempt.user_id == ids[0]))
        assert (number, mode) == (1, "online")
    assert "Hủy bài kiểm tra trên giấy" in admin.get("/admin/audit").get_data(as_text=True)


def test_a_paper_voided_or_entered_meanwhile_is_refused_saying_which(app, make, login, klass):
    """Two admins at one paper: the second's void, read again under lock, says what the first did."""
    cohort_id, ids = klass
    admin = admin_client(app, make, login)
    print_class(app, admin, cohort_id)
    voided_id, voided_code, _ = _paper_of(app, ids[0])
    entered_id, entered_code, _ = _paper_of(app, ids[1])
    voiding = {"void-reason": "Mất", "void-confirm": "y"}
    assert admin.post(f"/admin/paper/enter/{voided_code}/void", data=voiding).status_code == 302
    assert admin.post(f"/admin/paper/enter/{entered_code}", data={"q1": "A"}).status_code == 302
    with app.app_context():
        admin_id = db.session.scalar(select(User.id).where(User.role == Role.ADMIN))
        for attempt_id, said in ((voided_id, "Bài giấy này đã bị hủy trước đó."), (entered_id, "đã được nhập kết quả")):
            with pytest.raises(PaperError) as refused, write_transaction() as session:
                void_paper(session, attempt_id, admin_id, "Mất bài")
            assert said in str(refused.value.message)
        assert db.session.get(Attempt, entered_id).status == AttemptStatus.SUBMITTED
    assert len(audit_entries(app, "paper.void")) == 1  # the first void's entry only


def test_an_entered_paper_cannot_be_voided(app, make, login, klass):
    cohort_id, ids = klass
    admin = admin_client(app, make, login)
    print_class(app, admin, cohort_id)
    attempt_id, code, _number = _paper_of(app, ids[1])
    admin.post(f"/admin/paper/enter/{code}", data={"q1": "A"})
    response = admin.post(f"/admin/paper/enter/{code}/void", data={"void-reason": "Nhầm", "void-confirm": "y"})
    assert response.status_code == 302 and response.location.endswith(f"/admin/paper/papers/{code}")
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).status == AttemptStatus.SUBMITTED
    assert audit_entries(app, "paper.void") == []
