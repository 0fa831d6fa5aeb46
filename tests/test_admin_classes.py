"""Classes (/admin/classes): the service rules, the forms, bad input and access."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from quizapp.accounts import cohorts
from quizapp.certificates.issuance import snapshot_for
from quizapp.db import db, write_transaction
from quizapp.models import Cohort, Role, User, utcnow

from .admin_helpers import NON_ADMINS, admin_client, audit_entries, csrf_client


def cohort_row(app, cohort_id):
    with app.app_context():
        c = db.session.get(Cohort, cohort_id)
        return (c.name, c.starts_on, c.ends_on) if c else None


def cohort_of(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).cohort_id


# --- service -----------------------------------------------------------------


def test_create_derives_a_unique_code_and_audits(app):
    with app.app_context(), write_transaction() as s:
        a = cohorts.create_cohort(s, "  Lớp   1 – 2026 ", date(2026, 3, 2), date(2026, 3, 31), actor_id=None)
        b = cohorts.create_cohort(s, "Lớp 1 - 2026!", actor_id=None)
        assert (a.name, a.code, b.code) == ("Lớp 1 – 2026", "lop-1-2026", "lop-1-2026-2")
    [entry, _] = audit_entries(app, "cohort.create")
    assert entry.detail == {"name": "Lớp 1 – 2026", "starts_on": "2026-03-02", "ends_on": "2026-03-31"}


@pytest.mark.parametrize(
    ("name", "starts", "ends", "field"),
    [
        ("", None, None, "name"),
        ("   ", None, None, "name"),
        ("x" * 201, None, None, "name"),
        ("lớp MỘT", None, None, "name"),  # the same name whatever the case
        ("Lớp 2", date(2026, 4, 1), date(2026, 3, 1), "ends_on"),
    ],
)
def test_create_refuses_bad_input(app, make, name, starts, ends, field):
    make.cohort("Lớp một")
    with app.app_context(), pytest.raises(cohorts.CohortError) as caught, write_transaction() as s:
        cohorts.create_cohort(s, name, starts, ends)
    assert caught.value.field == field
    with app.app_context():
        assert db.session.scalar(select(Cohort.name).where(Cohort.name != "Lớp một")) is None


def test_update_records_only_what_changed(app, make):
    ref = make.cohort("Lớp 1")
    with app.app_context(), write_transaction() as s:
        c = s.get(Cohort, ref.id)
        assert cohorts.update_cohort(s, c, "Lớp 1", None, None) is False
        assert cohorts.update_cohort(s, c, "Lớp 1 (K2026)", None, None) is True
        assert cohorts.update_cohort(s, c, "Lớp 1 (K2026)", date(2026, 5, 4), date(2026, 6, 3)) is True
    [rename] = audit_entries(app, "cohort.rename")
    assert rename.detail == {"name": ["Lớp 1", "Lớp 1 (K2026)"]}
    [dates] = audit_entries(app, "cohort.update")
    assert dates.detail == {"starts_on": [None, "2026-05-04"], "ends_on": [None, "2026-06-03"]}


def test_move_is_all_or_nothing(app, make):
    one, two = make.cohort("Lớp 1"), make.cohort("Lớp 2")
    a, b = make.user(cohort_id=one.id), make.user(cohort_id=one.id)
    stranger = make.user(cohort_id=two.id)
    with app.app_context(), pytest.raises(cohorts.CohortError), write_transaction() as s:
        cohorts.move_members(s, [a.id, stranger.id], s.get(Cohort, one.id), s.get(Cohort, two.id))
    assert cohort_of(app, a.id) == one.id
    with app.app_context(), write_transaction() as s:
        assert cohorts.move_members(s, [a.id, b.id], s.get(Cohort, one.id), None, actor_id=None) == 2
    assert (cohort_of(app, a.id), cohort_of(app, b.id)) == (None, None)
    [entry] = audit_entries(app, "cohort.move")
    assert entry.detail == {"to": None, "to_name": None, "users": sorted([a.id, b.id])}


def test_certificate_prints_the_class_dates(app, make):
    ref = make.cohort("Lớp 3", starts_on=date(2026, 9, 7), ends_on=date(2026, 10, 6))
    user = make.user(cohort_id=ref.id)
    plain = make.user()
    with app.app_context():
        snap = snapshot_for(db.session, db.session.get(User, user.id), utcnow())
        assert (snap["studied_from"], snap["studied_to"], snap["cohort"]) == ("2026-09-07", "2026-10-06", "Lớp 3")
        other = snapshot_for(db.session, db.session.get(User, plain.id), utcnow())
        assert other["studied_from"] == other["started_on"] and other["studied_to"] == other["completed_on"]


# --- web ---------------------------------------------------------------------


def test_create_edit_and_list(app, make, login):
    c = admin_client(app, make, login)
    response = c.post(
        "/admin/classes", data={"name": "Lớp bồi dưỡng 1", "starts_on": "2026-03-02", "ends_on": "2026-03-31"}
    )
    assert response.status_code == 302
    cohort_id = int(response.location.rsplit("/", 1)[1])
    assert cohort_row(app, cohort_id) == ("Lớp bồi dưỡng 1", date(2026, 3, 2), date(2026, 3, 31))
    page = c.get("/admin/classes").get_data(as_text=True)
    assert "Lớp bồi dưỡng 1" in page and "02/03/2026" in page
    response = c.post(f"/admin/classes/{cohort_id}", data={"name": "Lớp 1", "starts_on": "", "ends_on": "2026-04-01"})
    assert response.status_code == 302
    assert cohort_row(app, cohort_id) == ("Lớp 1", None, date(2026, 4, 1))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Hãy nhập tên lớp."),
        ({"name": "Lớp X", "starts_on": "2026-04-02", "ends_on": "2026-04-01"}, "Ngày kết thúc đang trước"),
        ({"name": "Lớp X", "starts_on": "02/04/2026"}, "Hãy nhập ngày theo dạng"),
        ({"name": "lớp cũ"}, "Đã có lớp tên"),
    ],
)
def test_bad_input_is_refused_in_place(app, make, login, data, message):
    make.cohort("Lớp cũ")
    c = admin_client(app, make, login)
    response = c.post("/admin/classes", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Cohort.id).where(Cohort.name != "Lớp cũ")) is None


def test_members_listed_and_moved(app, make, login):
    one, two = make.cohort("Lớp 1"), make.cohort("Lớp 2")
    a = make.user(cohort_id=one.id, full_name="Lê Thị Mai")
    b = make.user(cohort_id=one.id, full_name="Trần Văn Bình")
    c = admin_client(app, make, login)
    page = c.get(f"/admin/classes/{one.id}").get_data(as_text=True)
    assert "Lê Thị Mai" in page and "Trần Văn Bình" in page
    response = c.post(f"/admin/classes/{one.id}/move", data={"move-users": [str(a.id)], "move-target": str(two.id)})
    assert response.status_code == 302
    assert (cohort_of(app, a.id), cohort_of(app, b.id)) == (two.id, one.id)
    assert "Lê Thị Mai" in c.get(f"/admin/classes/{two.id}").get_data(as_text=True)


def test_move_bad_input(app, make, login):
    one, two = make.cohort("Lớp 1"), make.cohort("Lớp 2")
    a = make.user(cohort_id=one.id)
    c = admin_client(app, make, login)
    nobody = c.post(f"/admin/classes/{one.id}/move", data={"move-target": str(two.id)})
    assert nobody.status_code == 400 and "Hãy chọn ít nhất một học viên" in nobody.get_data(as_text=True)
    unknown = c.post(f"/admin/classes/{one.id}/move", data={"move-users": [str(a.id)], "move-target": "9999"})
    assert unknown.status_code == 404
    assert c.post("/admin/classes/9999/move", data={"move-users": [str(a.id)]}).status_code == 404
    assert cohort_of(app, a.id) == one.id


def test_unknown_class_is_404(app, make, login):
    c = admin_client(app, make, login)
    assert c.get("/admin/classes/9999").status_code == 404
    assert c.post("/admin/classes/9999", data={"name": "x"}).status_code == 404


@pytest.mark.parametrize(("role", "ward"), NON_ADMINS)
def test_only_admins(app, make, login, role, ward):
    one = make.cohort("Lớp 1")
    c = login(make.user(role=role, ward=ward), app.test_client())
    assert c.get("/admin/classes").status_code == 403
    assert c.get(f"/admin/classes/{one.id}").status_code == 403
    assert c.post("/admin/classes", data={"name": "Lớp 9"}).status_code == 403
    assert c.post(f"/admin/classes/{one.id}", data={"name": "Lớp 9"}).status_code == 403
    assert cohort_row(app, one.id)[0] == "Lớp 1"


def test_post_without_csrf_is_400(make_app, make):
    app = make_app(WTF_CSRF_ENABLED=True)
    one = make.cohort("Lớp 1")
    c = csrf_client(app, make.user(role=Role.ADMIN, ward=None))
    assert c.post("/admin/classes", data={"name": "Lớp 9"}).status_code == 400
    assert c.post(f"/admin/classes/{one.id}", data={"name": "Lớp 9"}).status_code == 400
    assert c.post(f"/admin/classes/{one.id}/move", data={"move-users": ["1"]}).status_code == 400
    assert cohort_row(app, one.id)[0] == "Lớp 1"
    with app.app_context():
        db.engine.dispose()


def test_member_list_exports_through_the_one_writer(app, make, login):
    one = make.cohort("Lớp 1", code="lop-1")
    make.user(cohort_id=one.id, full_name="=Lê Thị Mai", position="Bí thư")
    c = admin_client(app, make, login)
    response = c.get(f"/admin/classes/{one.id}?format=csv")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="lop-1-')
    assert response.get_data().startswith(b"\xef\xbb\xbf")
    text = response.get_data().decode("utf-8-sig")
    assert "'=Lê Thị Mai" in text and "Phường Đông Vệ" in text and "Bí thư" in text
    assert c.get(f"/admin/classes/{one.id}?format=xlsx").get_data()[:2] == b"PK"
