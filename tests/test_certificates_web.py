"""Certificates on the web: the PDF (text and QR), verification, rate limit, access, admin pages."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, func, select

from quizapp.certificates import services
from quizapp.certificates.delivery import print_items, wording
from quizapp.certificates.pdf import render_pdf
from quizapp.db import db, write_transaction
from quizapp.models import AuditLog, Certificate, CertificateStatus, Course, Role, utcnow
from quizapp.timezone import LOCAL_ZONE

from .factories import Statements, certificates_of, make_course, pass_all
from .pdfcheck import fonts, page_count, pdf_text, qr_codes


@pytest.fixture
def hang(app, make):
    """Nguyễn Thị Hằng of Hàm Rồng, who passed all five topics; returns (user, code)."""
    make_course(app, make)
    user = make.user(ward="ham-rong", full_name="Nguyễn Thị Hằng", position="Ủy viên Ban Chấp hành")
    pass_all(app, user.id)
    [(code, _)] = certificates_of(app, user.id)
    return user, code


def admin_client(app, make, login):
    return login(make.user(role=Role.ADMIN, ward=None), app.test_client())


# --- the PDF ------------------------------------------------------------------------------------


def test_pdf_text_keeps_vietnamese(client, login, hang):
    user, code = hang
    login(user)
    response = client.get(f"/certificates/{code}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for expected in (
        "Nguyễn Thị Hằng",
        "Phường Hàm Rồng",
        "GIẤY CHỨNG NHẬN",
        "BAN THƯỜNG VỤ THÀNH ỦY THANH HÓA",
        "PHÓ BÍ THƯ THƯỜNG TRỰC",
        "Ủy viên Ban Chấp hành",
        code,
        "10,0 (4/4)",
        "Chuyên đề 5",
    ):
        assert expected in text, expected
    assert "?" not in text.replace(f"/verify/{code}", "")  # no letter replaced by a question mark
    used = fonts(response.data)
    assert any("DejaVuSerif" in name for name in used) and all(used.values()), used  # every font embedded


def test_pdf_wording_comes_from_the_course_row(app, client, login, hang):
    user, code = hang
    with app.app_context(), write_transaction() as s:
        course = s.get(Course, 1)
        course.settings = {
            **course.settings,
            "certificate": {**course.settings["certificate"], "heading": "CHỨNG CHỈ HOÀN THÀNH"},
        }
    login(user)
    assert "CHỨNG CHỈ HOÀN THÀNH" in pdf_text(client.get(f"/certificates/{code}.pdf").data)


def test_pdf_qr_opens_the_verify_page(client, login, hang):
    user, code = hang
    login(user)
    [decoded] = qr_codes(client.get(f"/certificates/{code}.pdf").data)
    assert decoded == f"http://localhost/verify/{code}"
    assert client.get(decoded.removeprefix("http://localhost")).status_code == 200


def test_qr_uses_public_url_without_a_request(app, hang):
    _, code = hang
    with app.app_context():
        certificate = services.find_by_code(db.session, code)
        data = render_pdf(print_items([certificate]), wording())
    assert qr_codes(data) == [f"https://quizapp.test/verify/{code}"]


# --- who may download ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "ward", "status"),
    [
        (Role.TRAINEE, "ham-rong", 404),  # another trainee, even of the same ward
        (Role.WARD_MANAGER, "dong-ve", 404),  # the manager of another ward
        (Role.WARD_MANAGER, "ham-rong", 200),
        (Role.INSTRUCTOR, None, 200),
        (Role.ADMIN, None, 200),
    ],
)
def test_pdf_access(app, make, login, hang, role, ward, status):
    _, code = hang
    c = login(make.user(role=role, ward=ward), app.test_client())
    assert c.get(f"/certificates/{code}.pdf").status_code == status


def test_pdf_needs_login_and_unknown_code_is_404(client, login, hang):
    user, code = hang
    assert client.get(f"/certificates/{code}.pdf").status_code == 302
    login(user)
    assert client.get("/certificates/0000-0000-0000.pdf").status_code == 404


def test_dashboard_links_the_pdf(client, login, hang):
    user, code = hang
    login(user)
    assert f"/certificates/{code}.pdf" in client.get("/").get_data(as_text=True)


# --- verification -------------------------------------------------------------------------------


def test_verify_valid_shows_only_the_public_facts(client, hang):
    _, code = hang
    response = client.get(f"/verify/{code}?lang=en")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    for expected in ("Valid", "Nguyễn Thị Hằng", "Phường Hàm Rồng", "Bồi dưỡng nghiệp vụ", code):
        assert expected in page
    for private in ("Ủy viên Ban Chấp hành", "4/4", "user"):  # position, scores, username
        assert private not in page


def test_verify_accepts_a_sloppily_typed_code(client, hang):
    _, code = hang
    response = client.get("/verify", query_string={"code": code.lower().replace("-", " ")})
    assert response.status_code == 302 and response.location.endswith(f"/verify/{code}")
    assert client.get("/verify").status_code == 200
    assert client.get("/verify", query_string={"code": "abc"}).status_code == 400


def test_verify_unknown_code(client):
    response = client.get("/verify/0000-0000-0000?lang=en")
    assert response.status_code == 404
    assert "No certificate has the code 0000-0000-0000" in response.get_data(as_text=True)


def test_verify_revoked_shows_the_date(app, client, make, hang):
    admin = make.user(role=Role.ADMIN, ward=None)
    _, code = hang
    with app.app_context(), write_transaction() as s:
        certificate = services.find_by_code(s, code)
        services.revoke(s, certificate, actor_id=admin.id, reason="Bí mật nội bộ", now=utcnow())
        revoked_on = certificate.revoked_at.astimezone(LOCAL_ZONE)
    page = client.get(f"/verify/{code}?lang=en").get_data(as_text=True)
    assert "Revoked" in page and revoked_on.strftime("%d/%m/%Y") in page
    assert "Bí mật nội bộ" not in page  # the reason stays internal


def test_verify_superseded_links_the_current_one(app, client, make, hang):
    admin = make.user(role=Role.ADMIN, ward=None)
    _, code = hang
    with app.app_context(), write_transaction() as s:
        new = services.reissue(s, services.find_by_code(s, code), actor_id=admin.id, reason="x", now=utcnow())
        new_code = new.code
    page = client.get(f"/verify/{code}?lang=en").get_data(as_text=True)
    assert "Superseded" in page and f'href="/verify/{new_code}"' in page
    assert "Valid" in client.get(f"/verify/{new_code}?lang=en").get_data(as_text=True)


def test_verify_is_rate_limited_per_address_and_never_audited(make_app, make):
    app = make_app(VERIFY_MAX_PER_ADDRESS=3, VERIFY_WINDOW_SECONDS=60)
    client = app.test_client()
    statuses = [client.get("/verify/0000-0000-0000").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    other = client.get("/verify/0000-0000-0000", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 404
    with app.app_context(), write_transaction() as s:
        assert s.scalars(select(AuditLog)).all() == []  # lookups are counted per certificate, not audited
    with app.app_context():
        db.engine.dispose()


def test_lookups_are_counted_on_the_certificate_and_keep_the_dashboard_clear(app, client, make, login, hang):
    _, code = hang
    admin = make.user(role=Role.ADMIN, ward=None)
    with app.app_context(), write_transaction() as s:
        services.revoke(s, services.find_by_code(s, code), actor_id=admin.id, reason="nhầm lớp", now=utcnow())
    anonymous = app.test_client()
    for _ in range(12):
        assert anonymous.get(f"/verify/{code}").status_code == 200
    login(admin)
    page = client.get(f"/admin/certificates/{code}").get_data(as_text=True)
    assert "12 lần trong 365 ngày qua" in page
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "Thu hồi giấy chứng nhận" in dashboard  # the revocation is not pushed off the dashboard


def test_old_lookup_counts_are_pruned_by_age(app, client, runner, hang):
    from datetime import timedelta

    from quizapp.certificates import lookups
    from quizapp.models import CertificateLookup

    _, code = hang
    client.get(f"/verify/{code}")
    with app.app_context(), write_transaction() as s:
        row = s.scalar(select(CertificateLookup))
        row.day -= timedelta(days=400)
    assert runner.invoke(args=["attempts", "close-expired"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(CertificateLookup)) is None
        assert lookups.lookup_stats(db.session, 1).count == 0


# --- admin pages --------------------------------------------------------------------------------


def test_admin_pages_are_for_admins_only(app, make, login, hang):
    _, code = hang
    c = login(make.user(role=Role.INSTRUCTOR, ward=None), app.test_client())
    assert c.get("/admin/certificates").status_code == 403
    assert (
        c.post(f"/admin/certificates/{code}/revoke", data={"revoke-reason": "x", "revoke-confirm": "y"}).status_code
        == 403
    )
    assert certificates_of(app, hang[0].id)[0][1] == CertificateStatus.VALID


def test_admin_revoke_needs_confirmation(app, make, login, hang):
    user, code = hang
    c = admin_client(app, make, login)
    assert code in c.get(f"/admin/certificates/{code}").get_data(as_text=True)
    response = c.post(f"/admin/certificates/{code}/revoke", data={"revoke-reason": "Sai sót"})
    assert response.status_code == 400
    assert certificates_of(app, user.id)[0][1] == CertificateStatus.VALID
    response = c.post(f"/admin/certificates/{code}/revoke", data={"revoke-reason": "Sai sót", "revoke-confirm": "y"})
    assert response.status_code == 302
    assert certificates_of(app, user.id)[0][1] == CertificateStatus.REVOKED
    assert "Revoked" in c.get(f"/verify/{code}?lang=en").get_data(as_text=True)
    history = c.get(f"/admin/certificates/{code}").get_data(as_text=True)
    # its name (in English, chosen on the verify page just above), not its code
    assert "· Certificate revoked ·" in history and "certificate.revoke" not in history


def test_admin_reissue(app, make, login, hang):
    user, code = hang
    c = admin_client(app, make, login)
    response = c.post(f"/admin/certificates/{code}/reissue", data={"reissue-reason": "Sửa tên", "reissue-confirm": "y"})
    assert response.status_code == 302
    [(old, old_status), (new, new_status)] = certificates_of(app, user.id)
    assert (old, old_status, new_status) == (code, CertificateStatus.SUPERSEDED, CertificateStatus.VALID)
    assert response.location.endswith(f"/admin/certificates/{new}")


def test_admin_post_needs_csrf(make_app, make, hang):

    user, code = hang
    app = make_app(WTF_CSRF_ENABLED=True)
    admin = make.user(role=Role.ADMIN, ward=None)
    c = app.test_client()
    page = c.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    c.post("/login", data={"username": admin.username, "password": "secret-pass", "csrf_token": token.group(1)})
    response = c.post(f"/admin/certificates/{code}/revoke", data={"revoke-reason": "x", "revoke-confirm": "y"})
    assert response.status_code == 400
    assert certificates_of(app, user.id)[0][1] == CertificateStatus.VALID
    with app.app_context():
        db.engine.dispose()


def _ward_of_three(app, make, hang):
    for name in ("Lê Văn Đức", "Trần Thị Ánh"):
        pass_all(app, make.user(ward="ham-rong", full_name=name).id)
    pass_all(app, make.user(ward="dong-ve", full_name="Phạm Minh Khôi").id)


def test_register_filters_and_exports(app, make, login, hang):
    _ward_of_three(app, make, hang)
    c = admin_client(app, make, login)
    page = c.get("/admin/certificates?ward=ham-rong").get_data(as_text=True)
    assert "Nguyễn Thị Hằng" in page and "Lê Văn Đức" in page and "Phạm Minh Khôi" not in page
    exported = c.get("/admin/certificates?ward=ham-rong&format=csv&lang=vi")
    assert exported.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert len(rows) == 4 and {r[2] for r in rows[1:]} == {"Nguyễn Thị Hằng", "Lê Văn Đức", "Trần Thị Ánh"}
    assert all(r[3] == "Phường Hàm Rồng" for r in rows[1:])
    book = load_workbook(io.BytesIO(c.get("/admin/certificates?format=xlsx&lang=vi").data))
    # Under the export writer's header: title, time made, a blank line, the column headers.
    sheet_rows = list(book.active.iter_rows(values_only=True))
    assert sheet_rows[0][0] == "Sổ cấp giấy chứng nhận" and sheet_rows[3][2] == "Họ và tên"
    names = [row[2] for row in sheet_rows[4:]]
    assert sorted(names) == sorted(["Nguyễn Thị Hằng", "Lê Văn Đức", "Trần Thị Ánh", "Phạm Minh Khôi"])


FORMULA = "=cmd|' /C calc'!A0"


def test_register_exports_neutralise_formulas(app, make, login, hang):
    """A name or revoke reason that a spreadsheet would run comes out as inert text in both formats."""
    user, code = hang
    pass_all(app, make.user(ward="ham-rong", full_name="@SUM(1+1)*cmd|' /C calc'!A0").id)
    admin = make.user(role=Role.ADMIN, ward=None)
    with app.app_context(), write_transaction() as s:
        services.revoke(s, services.find_by_code(s, code), actor_id=admin.id, reason=FORMULA, now=utcnow())
    c = login(admin, app.test_client())
    rows = list(csv.reader(io.StringIO(c.get("/admin/certificates?format=csv").data.decode("utf-8-sig"))))
    assert {r[2] for r in rows[1:]} == {"Nguyễn Thị Hằng", "'@SUM(1+1)*cmd|' /C calc'!A0"}
    assert "'" + FORMULA in {r[9] for r in rows[1:]}
    data = c.get("/admin/certificates?format=xlsx").data
    cells = [cell for row in load_workbook(io.BytesIO(data)).active.iter_rows() for cell in row]
    texts = {cell.value: cell.data_type for cell in cells if isinstance(cell.value, str)}
    assert texts[FORMULA] == "s" and texts["@SUM(1+1)*cmd|' /C calc'!A0"] == "s"
    assert all(cell.data_type != "f" for cell in cells)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert "<f>" not in book.read("xl/worksheets/sheet1.xml").decode()  # no formula element at all


def test_ward_prints_as_one_pdf_and_as_a_zip(app, make, login, hang):
    _ward_of_three(app, make, hang)
    c = admin_client(app, make, login)
    response = c.get("/admin/certificates/wards/ham-rong.pdf")
    assert response.status_code == 200
    assert page_count(response.data) == 3
    text = pdf_text(response.data)
    assert all(n in text for n in ("Nguyễn Thị Hằng", "Lê Văn Đức", "Trần Thị Ánh")) and "Phạm Minh Khôi" not in text
    archive = zipfile.ZipFile(io.BytesIO(c.get("/admin/certificates/wards/ham-rong.zip").data))
    assert len(archive.namelist()) == 3
    assert all(n.startswith("ham-rong-") and n.endswith(".pdf") for n in archive.namelist())
    assert all(archive.read(n).startswith(b"%PDF") for n in archive.namelist())
    assert c.get("/admin/certificates/wards/hoang-dai.pdf").status_code == 404  # nothing to print


def test_admin_recheck_button(app, make, login, hang):
    with app.app_context(), write_transaction() as s:
        s.execute(delete(Certificate))
    c = admin_client(app, make, login)
    assert c.post("/admin/certificates/recheck").status_code == 302
    with app.app_context(), write_transaction() as s:
        assert s.scalar(select(func.count()).select_from(Certificate)) == 1


def test_verify_loads_the_certificate_once(app, client, hang):
    """Found inside the transaction that records the lookup, then shown without loading it again."""
    _, code = hang
    with Statements(app) as sql:
        response = client.get(f"/verify/{code}")
    assert response.status_code == 200 and "Nguyễn Thị Hằng" in response.get_data(as_text=True)
    assert len(sql.loads("certificate")) == 1
