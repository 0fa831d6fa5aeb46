"""Roster import in the browser (/admin/users/import): limits, preview, signed all-or-nothing commit."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from quizapp.accounts import roster
from quizapp.accounts.roster_uploads import UploadRefused, claim, stash, ticket
from quizapp.db import db, write_transaction
from quizapp.models import AuditLog, Cohort, Role, RosterUpload, User, utcnow

HEADER = ["Họ và tên", "Phường/xã", "Lớp", "Chức vụ", "Tên đăng nhập", "Vai trò"]


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    for row in [HEADER, *rows]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def admin(app, make, login):
    make.wards()
    ref = make.user(role=Role.ADMIN, ward=None)
    return ref, login(ref, app.test_client())


def upload(c, data: bytes, name="ds.csv"):
    """POST the file as a browser would (a ready body: the test client would spool a big one to an unclosed file)."""
    boundary = "quizapp-test-boundary"
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n\r\n'
    body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return c.post("/admin/users/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def ticket_of(page: str) -> str:
    return re.search(r'name="ticket" type="hidden" value="([^"]+)"', page).group(1)


GOOD = [
    ["Lê Thị Hoa", "dong-ve", "Lớp 1", "Bí thư chi bộ", "", ""],
    ["Trần Văn Nam", "Phường Hàm Rồng", "Lớp 1", "Đảng ủy viên", "nam.tv", "học viên"],
    ["Phạm Thu Hà", "xã Thiệu Vân", "Lớp 2", "Phó Bí thư", "", "lãnh đạo"],
]


# --- the service: reading, limits, checks ---------------------------------------------------------


def test_plan_reports_every_problem_in_place(app, make):
    make.user(username="trung", full_name="Ngô Văn Trùng", ward="dong-ve")
    rows = [
        ["", "dong-ve", "", "", "", ""],  # 2: no name
        ["Ai Đó", "Dong Ve Moi", "", "", "", ""],  # 3: unknown ward, close to Đông Vệ
        ["Ai Khác", "ham-rong", "", "", "", "vua"],  # 4: unknown role
        ["Lê Văn A", "ham-rong", "", "", "trung", ""],  # 5: username in the database
        ["Lê Văn B", "ham-rong", "", "", "ab", ""],  # 6
        ["Lê Văn C", "ham-rong", "", "", "AB", ""],  # 7: username repeats row 6
        ["Lê Văn B", "Hàm Rồng", "Lớp 9", "", "", ""],  # 8: same person as row 6; new class
        ["Ngô Văn Trùng", "dong-ve", "", "", "", ""],  # 9: already has an account
    ]
    with app.app_context():
        plan = roster.plan_import(db.session, roster.read_roster(csv_bytes(rows), "r.csv"))
        by_row = {p.row: p for p in plan.users}
        assert by_row[2].errors == ["chưa ghi họ và tên"]
        [ward_error] = by_row[3].errors
        assert ward_error.startswith("không có phường, xã 'Dong Ve Moi'; có phải là Phường Đông Vệ,")
        assert by_row[4].errors == ["không có vai trò 'vua'"]
        assert by_row[5].errors == ["tên đăng nhập 'trung' đã có người dùng"]
        assert by_row[7].errors == ["tên đăng nhập 'ab' trùng với dòng 6"]
        assert by_row[8].errors == [] and by_row[8].username == "blv" and by_row[8].username_generated
        assert by_row[8].warnings == [
            "trùng họ tên và phường, xã với dòng 6: một người được ghi hai lần?",
            "sẽ tạo lớp mới 'Lớp 9'",
        ]
        assert by_row[9].warnings == ["đã có tài khoản cùng họ tên và phường, xã (trung)"]
        assert not plan.ok and "dòng 2: chưa ghi họ và tên" in plan.errors


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"x" * (3 * 1024 * 1024), "r.csv", "Tệp nặng 3,0 MB, vượt giới hạn 2,0 MB"),
        (b"Ho va ten,Phuong\n" + b"A,dong-ve\n" * 5001, "r.csv", "hơn 5000 dòng"),
        ("Họ và tên,Phường\nHà,Đông Vệ\n".encode("cp1258", errors="replace"), "r.csv", "Windows-1258"),
        ("Name,Ward\nRené,Café\n".encode("cp1252"), "r.csv", "Windows-1252"),
        (b"Ho va ten,Phuong\nA,dong-ve\n", "r.xlsx", "không phải là bảng tính Excel (.xlsx) thật"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "r.xlsx", "Excel 97–2003 (.xls)"),
        (b"x", "r.pdf", "phải là tệp .csv hoặc .xlsx"),
        (b"", "r.csv", "không có nội dung"),
        (b"Lop,Chuc vu\nA,B\n", "r.csv", "còn thiếu: full_name, ward"),
    ],
)
def test_unreadable_rosters(app, data, name, message):
    with app.app_context(), pytest.raises(roster.RosterError, match=re.escape(message)):
        roster.read_roster(data, name)


def test_5000_rows_are_allowed_and_xlsx_reads_the_same(app):
    rows = [[f"Học Viên {n}", "dong-ve", "", "", "", ""] for n in range(5000)]
    with app.app_context():
        assert len(roster.read_roster(csv_bytes(rows), "r.csv")) == 5000
        assert [r.full_name for r in roster.read_roster(xlsx_bytes(GOOD), "r.xlsx")] == [g[0] for g in GOOD]


def test_ticket_binds_the_commit_to_the_file(app, make):
    a = make.user(role=Role.ADMIN, ward=None)
    b = make.user(role=Role.ADMIN, ward=None)
    secret = "test-secret"
    with app.app_context():
        with write_transaction() as s:
            signed = ticket(stash(s, b"data", "r.csv", a.id, utcnow()), "plan", secret)
        for forged, who, why in [
            (signed[:-2] + "xx", a.id, "bị thay đổi"),
            (signed, b.id, "hết hạn"),  # someone else's upload
        ]:
            with pytest.raises(UploadRefused, match=why), write_transaction() as s:
                claim(s, forged, who, secret, utcnow())
        with write_transaction() as s:
            assert claim(s, signed, a.id, secret, utcnow()) == (b"data", "r.csv", "plan")
        with pytest.raises(UploadRefused, match="đã được nhập"), write_transaction() as s:
            claim(s, signed, a.id, secret, utcnow())
        assert db.session.scalar(select(RosterUpload.data)) is None  # the file is not kept once used


# --- the pages ---------------------------------------------------------------------------------------


def test_preview_then_commit_then_slips(app, admin):
    ref, c = admin
    response = upload(c, csv_bytes(GOOD))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert count(app, User) == 1  # nothing saved by a preview
    for expected in ("Lê Thị Hoa", "Phường Đông Vệ", "hoalt", "tự tạo", "nam.tv", "Xã Thiệu Vân", "Lãnh đạo"):
        assert expected in page, expected
    assert "3 dòng, 0 lỗi" in page and "Lớp mới: Lớp 1, Lớp 2" in page
    response = c.post("/admin/users/import/commit", data={"ticket": ticket_of(page)})
    assert response.status_code == 302 and "/admin/users/slips/" in response.location
    assert count(app, User) == 4 and count(app, Cohort) == 2
    with app.app_context():
        ha = db.session.scalar(select(User).where(User.username == "hapt"))
        assert (ha.role, ha.ward.code, ha.cohort.name, ha.must_change_password) == (
            "ward_manager", "thieu-van", "Lớp 2", True,
        )  # fmt: skip
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "roster.import"))
        assert entry.actor_id == ref.id and entry.detail["users"] == 3
    slips = c.get(response.location).get_data(as_text=True)
    assert "hoalt" in slips and "Phạm Thu Hà" in slips


def test_preview_with_errors_cannot_commit(app, admin):
    _, c = admin
    page = upload(c, csv_bytes([*GOOD, ["Ai Đó", "Atlantis", "", "", "", ""]])).get_data(as_text=True)
    assert 'id="row-5"' in page and "không có phường, xã &#39;Atlantis&#39;" in page
    assert 'name="ticket"' not in page and "Chưa thể nhập khi còn lỗi" in page
    assert count(app, RosterUpload) == 0


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"x" * (3 * 1024 * 1024), "ds.csv", "vượt giới hạn 2,0 MB"),
        (b"Ho va ten,Phuong\n" + b"A,dong-ve\n" * 5001, "ds.csv", "hơn 5000 dòng"),
        (b"just text, renamed", "ds.xlsx", "không phải là bảng tính Excel (.xlsx) thật"),
        ("Họ và tên,Phường\nHà,Đông Vệ\n".encode("cp1258", errors="replace"), "ds.csv", "Windows-1258"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(app, admin, data, name, message):
    _, c = admin
    response = upload(c, data, name)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert count(app, User) == 1 and count(app, RosterUpload) == 0


def test_upload_needs_a_file(admin):
    _, c = admin
    response = c.post("/admin/users/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Hãy chọn một tệp." in response.get_data(as_text=True)


def test_forged_replayed_or_stale_commits_change_nothing(app, make, admin):
    _, c = admin
    page = upload(c, csv_bytes(GOOD)).get_data(as_text=True)
    signed = ticket_of(page)
    # Forged: a ticket not signed by the app, or none at all.
    for forged in (signed[:-3] + "abc", ""):
        response = c.post("/admin/users/import/commit", data={"ticket": forged})
        assert response.status_code == 400 and "bị thay đổi" in response.get_data(as_text=True)
    # A ticket for another file: re-signed by someone with the key, but its hash does not match.
    with app.app_context():
        upload_row = db.session.scalar(select(RosterUpload))
        upload_row.sha256 = "0" * 64
        forged = ticket(upload_row, "x", app.config["SECRET_KEY"])
        db.session.rollback()
    response = c.post("/admin/users/import/commit", data={"ticket": forged})
    assert response.status_code == 400 and "khác với tệp đã xem trước" in response.get_data(as_text=True)
    assert count(app, User) == 1
    # The database changed since the preview (a generated username is now taken): refused.
    make.user(username="hoalt")
    response = c.post("/admin/users/import/commit", data={"ticket": signed})
    assert response.status_code == 400 and "đã thay đổi sau khi xem trước" in response.get_data(as_text=True)
    assert count(app, User) == 2
    # A fresh preview commits once; the same ticket again is a replay.
    signed = ticket_of(upload(c, csv_bytes(GOOD)).get_data(as_text=True))
    assert c.post("/admin/users/import/commit", data={"ticket": signed}).status_code == 302
    assert count(app, User) == 5
    response = c.post("/admin/users/import/commit", data={"ticket": signed})
    assert response.status_code == 400 and "đã được nhập rồi" in response.get_data(as_text=True)
    assert count(app, User) == 5


def test_another_admin_cannot_commit_my_preview(app, make, admin, login):
    _, c = admin
    signed = ticket_of(upload(c, csv_bytes(GOOD)).get_data(as_text=True))
    other = login(make.user(role=Role.ADMIN, ward=None), app.test_client())
    assert other.post("/admin/users/import/commit", data={"ticket": signed}).status_code == 400
    assert count(app, User) == 2


def test_xlsx_roster_through_the_page(app, admin):
    _, c = admin
    page = upload(c, xlsx_bytes(GOOD), "ds.xlsx").get_data(as_text=True)
    assert c.post("/admin/users/import/commit", data={"ticket": ticket_of(page)}).status_code == 302
    assert count(app, User, User.username.in_(["hoalt", "nam.tv", "hapt"])) == 3


def test_classes_named_alike_are_made_once_each(app, make):
    rows = [
        ["A Một", "dong-ve", "Lớp 1", "", "", ""],
        ["B Hai", "dong-ve", "lớp 1", "", "", ""],  # the same class in other case
        ["C Ba", "dong-ve", "Lop 1", "", "", ""],  # another name with the same slug
    ]
    make.wards()
    with app.app_context():
        with write_transaction() as s:
            plan = roster.plan_import(s, roster.read_roster(csv_bytes(rows), "r.csv"))
            assert plan.new_cohorts == ["Lớp 1", "Lop 1"]
            roster.commit_import(s, plan)
        classes = dict(db.session.execute(select(Cohort.code, Cohort.name)).all())
        assert classes == {"lop-1": "Lớp 1", "lop-1-2": "Lop 1"}
        members = db.session.execute(select(User.username, Cohort.code).join(Cohort, User.cohort_id == Cohort.id))
        assert dict(members.all()) == {"mota": "lop-1", "haib": "lop-1", "bac": "lop-1-2"}
