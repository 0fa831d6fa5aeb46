"""The audit log page: filters, names instead of ids, full reasons, pages, CSV/XLSX through the one writer."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from quizapp import audit_query
from quizapp.audit import record
from quizapp.db import db, write_transaction
from quizapp.models import Certificate, Role

from .admin_helpers import NON_ADMINS
from .factories import utc

LONG_REASON = "Học viên thi trên giấy vì không có điện thoại.\nĐề số 2, chấm ngày 12/11/2026 — " + "x" * 300


@pytest.fixture
def journal(app, make):
    """Entries by two admins and the system, about an account, a class, a topic and a certificate."""
    make.topic(number=2, title="Nghiệp vụ kiểm tra, giám sát")
    mai = make.user(role=Role.ADMIN, ward=None, full_name="Lê Thị Mai", username="mai")
    binh = make.user(role=Role.ADMIN, ward=None, full_name="Trần Văn Bình", username="binh")
    hang = make.user(full_name="Nguyễn Thị Hằng", username="hangnt")
    cohort = make.cohort("Lớp bồi dưỡng 3")
    with app.app_context(), write_transaction() as s:
        s.add(Certificate(code="TH21-7K3M-Q9XD", user_id=hang.id, snapshot={}))
        rows = [
            ("attempt.override", mai.id, "user", hang.id, LONG_REASON, utc(2026, 11, 10, 3, 0)),
            ("cohort.rename", binh.id, "cohort", cohort.id, None, utc(2026, 11, 20, 9, 0)),
            # 00:30 on 1 December in Vietnam, still 30 November in UTC.
            ("topic.settings", mai.id, "topic", 2, '=HYPERLINK("http://x")', utc(2026, 11, 30, 17, 30)),
            ("certificate.revoke", binh.id, "certificate", "TH21-7K3M-Q9XD", "Sai tên", utc(2026, 12, 2, 1, 0)),
            ("content.import", None, "course", "1", None, utc(2026, 12, 3, 1, 0)),
        ]
        for action, actor, kind, target, reason, at in rows:
            record(s, action, actor_id=actor, target_type=kind, target_id=target, reason=reason).at = at
    return {"mai": mai, "binh": binh, "hang": hang, "cohort": cohort}


def actions(app, **args):
    with app.app_context():
        f = audit_query.parse_audit_filter(args)
        return [e.action for e in db.session.scalars(audit_query.audit_query(f))]


def test_filters(app, journal):
    assert actions(app, actor=str(journal["mai"].id)) == ["topic.settings", "attempt.override"]
    assert actions(app, actor="system") == ["content.import"]
    assert actions(app, action="cohort.rename") == ["cohort.rename"]
    assert actions(app, type="certificate") == ["certificate.revoke"]
    assert actions(app, object="Hằng") == ["certificate.revoke", "attempt.override"]  # holder and account
    assert actions(app, type="user", object="hangnt") == ["attempt.override"]
    assert actions(app, object="bồi dưỡng 3") == ["cohort.rename"]
    assert actions(app, object="kiểm tra") == ["topic.settings"]
    assert actions(app, object="TH21-7K3M") == ["certificate.revoke"]
    assert actions(app, **{"from": "2026-12-01", "to": "2026-12-02"}) == ["certificate.revoke", "topic.settings"]
    assert actions(app, **{"to": "2026-11-30"}) == ["cohort.rename", "attempt.override"]


def test_bad_filter_values_are_ignored(app, journal):
    f = audit_query.parse_audit_filter({"actor": "1 OR 1=1", "from": "hôm qua", "to": "2026-13-45"})
    assert (f.actor, f.date_from, f.date_to) == ("", None, None)
    assert len(actions(app, actor="abc", **{"from": "x"})) == 5


def test_names_instead_of_ids(app, journal):
    with app.app_context():
        entries = list(db.session.scalars(audit_query.audit_query(audit_query.AuditFilter())))
        names = audit_query.target_names(db.session, entries)
        shown = {e.action: audit_query.target_name(e, names) for e in entries}
    assert shown["attempt.override"] == "Nguyễn Thị Hằng (hangnt)"
    assert shown["cohort.rename"] == "Lớp bồi dưỡng 3"
    assert shown["topic.settings"] == "Chuyên đề 2: Nghiệp vụ kiểm tra, giám sát"
    assert shown["certificate.revoke"] == "TH21-7K3M-Q9XD — Nguyễn Thị Hằng"


@pytest.mark.parametrize(
    "action, target_type, missing",
    [("user.delete", "user", "audit.ACTIONS"), ("", None, "audit.ACTIONS"), ("cohort.rename", "ward", "audit.TARGETS")],
)
def test_a_change_without_a_name_is_refused_and_writes_nothing(app, action, target_type, missing):
    """The page, its filter and its export would show a bare code: the change's own tests fail instead."""
    with pytest.raises(ValueError, match=missing):
        with app.app_context(), write_transaction() as s:
            record(s, action, target_type=target_type, target_id=1)
    with app.app_context():
        assert db.session.scalars(audit_query.audit_query(audit_query.AuditFilter())).all() == []


def test_a_deleted_object_keeps_its_kind_and_id(app):
    with app.app_context(), write_transaction() as s:
        record(s, "cohort.rename", target_type="cohort", target_id=404)
    with app.app_context():
        [entry] = db.session.scalars(audit_query.audit_query(audit_query.AuditFilter())).all()
        assert audit_query.target_name(entry, audit_query.target_names(db.session, [entry])) == "Lớp 404"


def test_page_shows_names_and_full_reasons(app, journal, login):
    c = login(journal["mai"], app.test_client())
    page = c.get("/admin/audit").get_data(as_text=True)
    assert "Lê Thị Mai (mai)" in page and "Nguyễn Thị Hằng (hangnt)" in page
    assert "Nhập kết quả thủ công" in page  # the action's name, not its code
    assert "x" * 300 in page and "Đề số 2, chấm ngày 12/11/2026" in page
    assert "5 mục" in page
    filtered = c.get(f"/admin/audit?actor={journal['binh'].id}&type=cohort").get_data(as_text=True)
    assert "1 mục" in filtered and "Lớp bồi dưỡng 3" in filtered
    assert "/admin/audit?format=xlsx&amp;actor=" in filtered  # the export keeps the filter


def test_pages(make_app, make, login):
    app = make_app(PAGE_SIZE=2)
    with app.app_context(), write_transaction() as s:
        for n in range(5):
            record(s, "cohort.create", target_type="cohort", target_id=n, reason=f"lý do số {n}")
    c = login(make.user(role=Role.ADMIN, ward=None), app.test_client())
    first = c.get("/admin/audit").get_data(as_text=True)
    assert "lý do số 4" in first and "lý do số 2" not in first and "Trang 1/3" in first
    last = c.get("/admin/audit?page=3").get_data(as_text=True)
    assert "lý do số 0" in last and "lý do số 4" not in last
    with app.app_context():
        db.engine.dispose()


def test_exports_go_through_the_one_writer(app, journal, login):
    c = login(journal["mai"], app.test_client())
    response = c.get(f"/admin/audit?format=csv&actor={journal['mai'].id}")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="nhat-ky-thay-doi-')
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "Lê Thị Mai (mai)" in text and "Nguyễn Thị Hằng (hangnt)" in text
    assert "'=HYPERLINK" in text  # a reason that Excel would run as a formula is neutralised
    assert "cohort.rename" not in text and "Đổi tên lớp" not in text  # the filter holds
    book = load_workbook(io.BytesIO(c.get("/admin/audit?format=xlsx").get_data()))
    sheet = book.worksheets[0]
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert "Nhật ký thay đổi" in values and "TH21-7K3M-Q9XD — Nguyễn Thị Hằng" in values
    formula = next(v for v in values if isinstance(v, str) and v.startswith("=HYPERLINK"))
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == formula)
    assert cell.data_type == "s"


def test_dashboard_shows_names(app, journal, login):
    page = login(journal["mai"], app.test_client()).get("/admin/").get_data(as_text=True)
    assert "Nguyễn Thị Hằng (hangnt)" in page and "Lớp bồi dưỡng 3" in page


@pytest.mark.parametrize(("role", "ward"), NON_ADMINS)
def test_only_admins(app, make, login, role, ward):
    c = login(make.user(role=role, ward=ward), app.test_client())
    assert c.get("/admin/audit").status_code == 403
    assert c.get("/admin/audit?format=csv").status_code == 403


def test_date_filter_uses_vietnam_days():
    f = audit_query.AuditFilter(date_from=date(2026, 12, 1), date_to=date(2026, 12, 1))
    assert f.query_args() == {"from": "2026-12-01", "to": "2026-12-01"}
