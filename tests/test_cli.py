"""Every command of DESIGN §4: init, users add, users import (attempts and content have their own)."""

from __future__ import annotations

import csv
import io
import os

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from quizapp.db import db
from quizapp.models import AuditLog, Cohort, Question, Role, Topic, User, Ward


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_init_seeds_wards_course_and_first_admin_idempotently(app, runner):
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "Wards added: 34" in result.output and "username: admin" in result.output
    password = result.output.split("password: ")[1].split()[0]
    with app.app_context():
        assert count(Ward) == 34 and count(Ward, Ward.kind == "xa") == 4
        assert db.session.scalar(select(Ward.name).where(Ward.code == "hoang-dai")) == "Hoằng Đại"
        assert count(Topic) == 5 and count(Question) >= 200
        admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
        assert admin.must_change_password
    again = runner.invoke(args=["init"])
    assert again.exit_code == 0 and "Wards added: 0" in again.output and "admin" not in again.output.split("Course")[1]
    assert "0 new" in again.output
    with app.app_context():
        assert count(Ward) == 34 and count(User) == 1
    client = app.test_client()
    assert client.post("/login", data={"username": "admin", "password": password}).location == "/password"


def test_init_demo(app, runner):
    result = runner.invoke(args=["init", "--demo"])
    assert result.exit_code == 0, result.output
    assert "hocvien" in result.output and "hoctap2021" in result.output
    with app.app_context():
        wards_with_trainees = db.session.scalar(
            select(func.count(func.distinct(User.ward_id))).where(User.role == Role.TRAINEE)
        )
        assert wards_with_trainees == 34
        assert count(Cohort) == 4
    assert "already present" in runner.invoke(args=["init", "--demo"]).output


def test_users_add_reads_the_password_from_stdin(app, runner):
    runner.invoke(args=["init"])
    result = runner.invoke(
        args=[
            "users",
            "add",
            "thanh.nv",
            "--name",
            "Nguyễn Văn Thành",
            "--role",
            "ward_manager",
            "--ward",
            "Phường Đông Vệ",
        ],
        input="mat-khau-rat-dai\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "thanh.nv"))
        assert user.ward.code == "dong-ve" and user.role == "ward_manager"
        assert count(AuditLog, AuditLog.action == "user.create", AuditLog.target_id == str(user.id)) == 1
    client = app.test_client()
    assert client.post("/login", data={"username": "thanh.nv", "password": "mat-khau-rat-dai"}).status_code == 302


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["x1", "--name", "A", "--ward", "atlantis"], "mat-khau-rat-dai", "unknown ward 'atlantis'"),
        (["admin", "--name", "A", "--role", "admin"], "mat-khau-rat-dai", "đã có người dùng"),
        (["x2", "--name", "A"], "123", "ít nhất 8 ký tự"),
        (["x3", "--name", "A", "--role", "ward_manager"], "mat-khau-rat-dai", "phải thuộc một phường"),
        (["x4", "--name", "A", "--cohort", "lop-9"], "mat-khau-rat-dai", "unknown class"),
    ],
)
def test_users_add_errors(app, runner, args, password, message):
    runner.invoke(args=["init"])
    result = runner.invoke(args=["users", "add", *args], input=password + "\n")
    assert result.exit_code != 0 and message in result.output
    with app.app_context():
        assert count(User) == 1  # only the first admin


def roster_csv(tmp_path, rows, name="roster.csv", bom=True):
    path = tmp_path / name
    with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


HEADER = ["Họ và tên", "Phường/xã", "Lớp", "Chức vụ", "Tên đăng nhập", "Vai trò"]


def test_users_import_csv_all_rows(app, runner, tmp_path):
    runner.invoke(args=["init"])
    path = roster_csv(
        tmp_path,
        [
            HEADER,
            ["Lê Thị Hoa", "dong-ve", "Lớp 1", "Bí thư chi bộ", "", ""],
            ["Trần Văn Nam", "Phường Hàm Rồng", "Lớp 1", "Đảng ủy viên", "nam.tv", "học viên"],
            ["Phạm Thu Hà", "xã Thiệu Vân", "Lớp 2", "Phó Bí thư", "", "lãnh đạo"],
            ["", "", "", "", "", ""],  # blank lines are ignored
        ],
    )
    out = tmp_path / "slips.csv"
    result = runner.invoke(args=["users", "import", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Imported 3 accounts" in result.output and "New classes: Lớp 1, Lớp 2" in result.output
    assert "roster.csv: dòng 2: sẽ tạo lớp mới 'Lớp 1'" in result.output  # warnings are shown, not fatal
    assert oct(os.stat(out).st_mode & 0o777) == "0o600"
    slips = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert slips[0][3] == "Tên đăng nhập" and [r[3] for r in slips[1:]] == ["hoalt", "nam.tv", "hapt"]
    with app.app_context():
        hoa = db.session.scalar(select(User).where(User.username == "hoalt"))
        assert (hoa.ward.code, hoa.cohort.name, hoa.must_change_password) == ("dong-ve", "Lớp 1", True)
        assert db.session.scalar(select(User.role).where(User.username == "hapt")) == "ward_manager"
    client = app.test_client()
    first_password = slips[1][4]
    assert client.post("/login", data={"username": "hoalt", "password": first_password}).location == "/password"


def test_users_import_is_all_or_nothing_with_row_numbers(app, runner, tmp_path):
    runner.invoke(args=["init"])
    path = roster_csv(
        tmp_path,
        [
            HEADER,
            ["Lê Thị Hoa", "dong-ve", "Lớp 1", "", "hoa", ""],
            ["Trần Văn Nam", "Phường Atlantis", "Lớp 1", "", "", ""],
            ["Phạm Thu Hà", "ham-rong", "Lớp 2", "", "hoa", ""],
            ["Quản trị", "ham-rong", "", "", "admin", ""],
            ["Ai đó", "ham-rong", "", "", "", "vua"],
        ],
    )
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 1
    assert "dòng 3: không có phường, xã 'Phường Atlantis'" in result.output
    assert "dòng 4: tên đăng nhập 'hoa' trùng với dòng 2" in result.output
    assert "dòng 5: tên đăng nhập 'admin' đã có người dùng" in result.output
    assert "dòng 6: không có vai trò 'vua'" in result.output
    assert "nobody was imported" in result.output
    with app.app_context():
        assert count(User) == 1 and count(Cohort) == 0


def test_users_import_xlsx_and_dry_run(app, runner, tmp_path):
    runner.invoke(args=["init"])
    book = Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Phường, xã", "Lớp"])
    sheet.append(["Đỗ Minh Tâm", "Quảng Phú", "Lớp 3"])
    path = tmp_path / "roster.xlsx"
    book.save(path)
    dry = runner.invoke(args=["users", "import", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "1 accounts would be created" in dry.output
    with app.app_context():
        assert count(User) == 1
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "roster-credentials.csv").exists()
    with app.app_context():
        assert (
            db.session.scalar(select(Ward.code).join(User, User.ward_id == Ward.id).where(User.username == "tamdm"))
            == "quang-phu"
        )


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"Lop,Chuc vu\nA,B\n", "r.csv", "còn thiếu: full_name, ward"),
        ("Họ và tên,Phường\nA,dong-ve\n".encode("cp1258", errors="replace"), "r.csv", "có vẻ là Windows-1258"),
        (b"not a spreadsheet", "r.xlsx", "không phải là bảng tính Excel"),
        (b"x", "r.txt", "phải là tệp .csv hoặc .xlsx"),
    ],
)
def test_users_import_unreadable_files(app, runner, tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code != 0 and message in result.output
