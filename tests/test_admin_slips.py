"""Login slips: encrypted for 15 minutes, for their maker only; PDF of 8 a page with QR codes; CSV; audit."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from quizapp.accounts import slips as store
from quizapp.accounts.slip_pdf import slips_pdf
from quizapp.db import db, write_transaction
from quizapp.models import AuditLog, Cohort, Role, SlipBatch, User, utcnow

from .pdfcheck import pdf_pages_text, pdf_qr_codes

LOGIN_URL = "http://localhost/login"  # the test client's host


@pytest.fixture
def admin(app, make, login):
    ref = make.user(role=Role.ADMIN, ward=None)
    return ref, login(ref, app.test_client())


def slip(n: int, **overrides) -> store.Slip:
    fields = dict(full_name=f"Nguyễn Thị Hằng {n}", ward="Phường Đông Vệ", cohort="Lớp 1", username=f"hang{n}")
    return store.Slip(**{**fields, "password": f"pw{n}abcdefg", **overrides})


def test_slips_are_encrypted_and_open_only_with_their_key(app, make):
    ref = make.user(role=Role.ADMIN, ward=None)
    now = utcnow()
    with app.app_context():
        with write_transaction() as s:
            token, key = store.keep(s, [slip(1)], ref.id, "Lớp 1", now)
        batch = store.find(db.session, token, ref.id, now)
        assert b"pw1abcdefg" not in batch.ciphertext and b"hang1" not in batch.ciphertext
        assert store.read(batch, key) == [slip(1)]
        assert store.read(batch, None) is None and store.read(batch, "x" * 44) is None
        assert store.find(db.session, token, ref.id + 1, now) is None  # someone else
        assert store.find(db.session, token, ref.id, now + store.LIFETIME) is None  # too late
        with write_transaction() as s:
            assert store.prune(s, now + store.LIFETIME) == 1
        assert db.session.scalar(select(func.count()).select_from(SlipBatch)) == 0


def test_pdf_has_eight_slips_a_page_with_text_and_qr():
    slips = [slip(n) for n in range(9)] + [slip(9, full_name="Tôn Nữ Thị Phương Hoàng Mai Anh Đào Nguyên Khôi")]
    data = slips_pdf(slips, "https://quizapp.test/login")
    pages = pdf_pages_text(data)
    assert len(pages) == 2
    assert all(f"hang{n}" in pages[0] and f"pw{n}abcdefg" in pages[0] for n in range(8))
    assert "Nguyễn Thị Hằng 8" in pages[1] and "Tôn Nữ Thị Phương Hoàng Mai Anh Đào Nguyên Khôi" in pages[1]
    assert "Phường Đông Vệ" in pages[0] and "https://quizapp.test/login" in pages[0]
    assert pdf_qr_codes(data) == [["https://quizapp.test/login"] * 8, ["https://quizapp.test/login"] * 2]


def make_never_logged_in(app, make):
    with app.app_context(), write_transaction() as s:
        s.add(Cohort(code="lop-1", name="Lớp 1"))
    with app.app_context():
        cohort_id = db.session.scalar(select(Cohort.id))
    fresh = [make.user(full_name=f"Chưa Vào {n}", cohort_id=cohort_id) for n in range(3)]
    used = make.user(full_name="Đã Vào", cohort_id=cohort_id, last_login_at=utcnow())
    other_ward = make.user(full_name="Phường Khác", ward="ham-rong", cohort_id=cohort_id)
    return cohort_id, fresh, used, other_ward


def test_slips_for_a_class_and_ward_never_logged_in(app, make, admin):
    ref, c = admin
    cohort_id, fresh, used, other_ward = make_never_logged_in(app, make)
    with app.app_context():
        hashes = dict(db.session.execute(select(User.id, User.password_hash)).all())
    # Confirmation first; then a ward or a class must be chosen.
    assert c.post("/admin/users/slips", data={"ward": "dong-ve", "cohort": str(cohort_id)}).status_code == 400
    response = c.post("/admin/users/slips", data={"ward": "", "cohort": "", "confirm": "y"})
    assert response.status_code == 400 and "Hãy chọn một phường, xã hoặc một lớp." in response.get_data(as_text=True)
    with app.app_context():
        assert dict(db.session.execute(select(User.id, User.password_hash)).all()) == hashes
    response = c.post("/admin/users/slips", data={"ward": "dong-ve", "cohort": str(cohort_id), "confirm": "y"})
    assert response.status_code == 302
    page = c.get(response.location).get_data(as_text=True)
    assert all(f"Chưa Vào {n}" in page for n in range(3)) and "Đã Vào" not in page and "Phường Khác" not in page
    with app.app_context():
        after = dict(db.session.execute(select(User.id, User.password_hash)).all())
        changed = {uid for uid in after if after[uid] != hashes[uid]}
        assert changed == {u.id for u in fresh}
        assert all(db.session.get(User, u.id).must_change_password for u in fresh)
    pdf = c.get(response.location + ".pdf")
    assert pdf.status_code == 200 and pdf.headers["Cache-Control"] == "private, no-store"
    text = pdf_pages_text(pdf.data)[0]
    assert all(f"Chưa Vào {n}" in text for n in range(3))
    password = re.search(r"Mật khẩu lần đầu:\n(\w+)", text).group(1)
    assert (
        app.test_client().post("/login", data={"username": fresh[0].username, "password": password}).status_code == 302
    )
    with app.app_context():
        prints = db.session.scalars(select(AuditLog).where(AuditLog.action == "slips.print")).all()
        assert [(p.actor_id, p.detail["format"], sorted(p.detail["usernames"])) for p in prints] == [
            (ref.id, "pdf", sorted(u.username for u in fresh))
        ]
        assert all(password not in str(e.detail) for e in db.session.scalars(select(AuditLog)))


def test_nothing_to_do_changes_nothing(app, make, admin):
    _, c = admin
    make.user(ward="ham-rong", last_login_at=utcnow())
    response = c.post("/admin/users/slips", data={"ward": "ham-rong", "cohort": "", "confirm": "y"})
    assert response.status_code == 200 and "đều đã đăng nhập" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SlipBatch)) == 0


def test_csv_goes_through_the_export_writer(app, make, admin):
    _, c = admin
    make.user(full_name="=HYPERLINK(1)", ward="ham-rong")
    location = c.post("/admin/users/slips", data={"ward": "ham-rong", "cohort": "", "confirm": "y"}).location
    response = c.get(location + ".csv")
    assert response.data.startswith(b"\xef\xbb\xbf") and response.headers["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["Họ và tên", "Phường, xã", "Lớp", "Tên đăng nhập", "Mật khẩu dùng một lần", "Địa chỉ đăng nhập"]
    assert rows[1][0] == "'=HYPERLINK(1)" and rows[1][1] == "Phường Hàm Rồng" and rows[1][5] == LOGIN_URL


def test_slips_are_for_their_maker_for_15_minutes(app, make, admin, login):
    _, c = admin
    make.user(ward="ham-rong")
    location = c.post("/admin/users/slips", data={"ward": "ham-rong", "cohort": "", "confirm": "y"}).location
    assert c.get(location + ".pdf").status_code == 200
    other = login(make.user(role=Role.ADMIN, ward=None), app.test_client())
    assert other.get(location).status_code == 404 and other.get(location + ".pdf").status_code == 404
    with app.app_context(), write_transaction() as s:
        s.execute(update(SlipBatch).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert c.get(location + ".pdf").status_code == 404 and c.get(location).status_code == 404
    assert c.get("/admin/users/slips/no-such-token.pdf").status_code == 404


def test_roster_commit_slips_carry_the_imported_accounts(app, make, admin):
    _, c = admin
    make.wards()
    body = "Họ và tên,Phường/xã,Lớp\nLê Thị Hoa,dong-ve,Lớp 1\nTrần Văn Nam,ham-rong,Lớp 1\n".encode("utf-8-sig")
    boundary = "b0undary"
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="ds.csv"\r\n\r\n'.encode()
    page = c.post(
        "/admin/users/import",
        data=head + body + f"\r\n--{boundary}--\r\n".encode(),
        content_type=f"multipart/form-data; boundary={boundary}",
    ).get_data(as_text=True)
    ticket = re.search(r'name="ticket" type="hidden" value="([^"]+)"', page).group(1)
    location = c.post("/admin/users/import/commit", data={"ticket": ticket}).location
    text = pdf_pages_text(c.get(location + ".pdf").data)[0]
    assert "Lê Thị Hoa" in text and "hoalt" in text and "Trần Văn Nam" in text and "namtv" in text


def test_the_cron_command_deletes_expired_slips_and_old_uploads(app, make, runner):
    from quizapp.accounts import roster_uploads
    from quizapp.models import RosterUpload

    ref = make.user(role=Role.ADMIN, ward=None)
    past = utcnow() - timedelta(hours=3)
    with app.app_context(), write_transaction() as s:
        # The new ones first: making one also prunes what is already past its time.
        store.keep(s, [slip(2)], ref.id, "mới", utcnow())
        store.keep(s, [slip(1)], ref.id, "cũ", past)
        roster_uploads.stash(s, b"new", "b.csv", ref.id, utcnow())
        roster_uploads.stash(s, b"old", "a.csv", ref.id, past)
    with app.app_context():
        assert len(db.session.scalars(select(SlipBatch.label)).all()) == 2
    assert runner.invoke(args=["attempts", "close-expired"]).exit_code == 0
    with app.app_context():
        assert db.session.scalars(select(SlipBatch.label)).all() == ["mới"]
        assert db.session.scalars(select(RosterUpload.filename)).all() == ["b.csv"]
