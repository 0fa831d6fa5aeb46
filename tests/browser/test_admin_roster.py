"""An organiser imports a class from a spreadsheet, fixes a bad row, prints the slips, and a trainee logs in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ..factories import PASSWORD, Factories
from ..pdfcheck import pdf_pages_text, pdf_qr_codes

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

HEADER = "Họ và tên,Phường/xã,Lớp,Chức vụ\n"
ROWS = ["Lê Thị Hoa,dong-ve,Lớp 1,Bí thư chi bộ", "Trần Văn Nam,Phường Hàm Rồng,Lớp 1,Đảng ủy viên"]


def roster(tmp_path: Path, bad_ward: str) -> Path:
    path = tmp_path / f"danh-sach-{len(list(tmp_path.iterdir()))}.csv"
    text = HEADER + "\n".join([*ROWS, f"Phạm Thu Hà,{bad_ward},Lớp 1,Phó Bí thư"]) + "\n"
    path.write_bytes(text.encode("utf-8-sig"))
    return path


def test_import_fix_commit_print_and_first_login(live_app, browser, tmp_path):
    app, base = live_app
    make = Factories(app)
    make.wards()
    admin = make.user(role="admin", ward=None)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#username", admin.username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{base}/admin/users")
    page.click("text=Nhập danh sách")

    # A roster with one bad row: the preview says where and what, and offers no import.
    page.set_input_files("#file", str(roster(tmp_path, "Dong Vinh Moi")))
    page.click("text=Kiểm tra tệp")
    bad_row = page.locator("#row-4")
    expect(bad_row).to_contain_text("không có phường, xã 'Dong Vinh Moi'; có phải là Xã Đông Vinh")
    expect(page.locator("text=Chưa thể nhập khi còn lỗi")).to_be_visible()
    expect(page.locator("button:has-text('Nhập'), input[value='Nhập']")).to_have_count(0)

    # The corrected file previews clean; "Nhập" creates every account.
    page.click("text=Tải lên tệp đã sửa")
    page.set_input_files("#file", str(roster(tmp_path, "xã Đông Vinh")))
    page.click("text=Kiểm tra tệp")
    expect(page.locator("#row-4")).to_contain_text("Xã Đông Vinh")
    expect(page.locator("#row-2")).to_contain_text("hoalt")
    page.click("input[value='Nhập']")
    expect(page.locator("h1")).to_contain_text("Phiếu đăng nhập")
    expect(page.locator("text=Đã tạo 3 tài khoản.")).to_be_visible()

    # The slips PDF: names, usernames, and a QR code that opens the login page.
    with page.expect_download() as download:
        page.click("text=Phiếu để in (PDF)")
    data = Path(download.value.path()).read_bytes()
    [text] = pdf_pages_text(data)
    for expected in ("Lê Thị Hoa", "hoalt", "Trần Văn Nam", "namtv", "Phạm Thu Hà", "hapt", "Xã Đông Vinh"):
        assert expected in text, expected
    assert pdf_qr_codes(data) == [[f"{base}/login"] * 3]
    password = re.search(r"hoalt\nMật khẩu lần đầu:\n(\w+)", text).group(1)
    context.close()

    # The new trainee logs in with the slip's password and must choose their own.
    trainee = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    phone = trainee.new_page()
    phone.goto(f"{base}/login")
    phone.fill("#username", "hoalt")
    phone.fill("#password", password)
    phone.click("button[type=submit]")
    expect(phone).to_have_url(f"{base}/password")
    phone.goto(f"{base}/")
    expect(phone).to_have_url(f"{base}/password")
    phone.fill("#current", password)
    phone.fill("#new", "mat-khau-cua-hoa")
    phone.fill("#confirm", "mat-khau-cua-hoa")
    phone.click("main button[type=submit]")
    expect(phone).to_have_url(f"{base}/")
    trainee.close()
