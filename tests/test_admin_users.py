"""Accounts administration (/admin/users): list and search, create, edit, deactivate, reset, unlock."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from quizapp import throttle
from quizapp.accounts import users as accounts
from quizapp.accounts.search import fold, matches
from quizapp.db import db, write_transaction
from quizapp.models import AuditLog, Cohort, Role, User, utcnow

from .factories import PASSWORD


def audit(app, action):
    with app.app_context():
        return db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)).all()


def get_user(app, user_id) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


@pytest.fixture
def admin(app, make, login):
    """A logged-in admin: (Ref, client)."""
    ref = make.user(role=Role.ADMIN, ward=None, full_name="Quản Trị Viên")
    return ref, login(ref, app.test_client())


# --- search --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nguyễn Thị Hằng", "nguyen thi hang"),
        ("  ĐỖ   Minh  Đức ", "do minh duc"),
        ("Nguye\u0302\u0303n", "nguyen"),  # decomposed (NFD) input folds the same
        ("", ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_search_name_follows_the_full_name(app, make):
    ref = make.user(full_name="Nguyễn Thị Hằng")
    with app.app_context(), write_transaction() as s:
        user = s.get(User, ref.id)
        assert user.search_name == "nguyen thi hang"
        user.full_name = "Đặng Văn Đông"
    assert get_user(app, ref.id).search_name == "dang van dong"


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("nguyen thi hang", {"Nguyễn Thị Hằng"}),
        ("NGUYỄN THỊ HẰNG", {"Nguyễn Thị Hằng"}),
        ("hang nguyen", {"Nguyễn Thị Hằng"}),
        ("đức", {"Đỗ Minh Đức"}),
        ("duc", {"Đỗ Minh Đức"}),
        ("d", {"Đỗ Minh Đức", "Lê Văn Dũng"}),
        ("100%", set()),  # LIKE wildcards are plain characters
        ("hoang", set()),
    ],
)
def test_search_ignores_tone_marks_and_case(app, make, query, found):
    for name in ("Nguyễn Thị Hằng", "Đỗ Minh Đức", "Lê Văn Dũng", "Trần Thị Ánh"):
        make.user(full_name=name, username=fold(name).replace(" ", ".").replace("d", "x"))
    with app.app_context():
        names = set(db.session.scalars(select(User.full_name).where(matches(query, User.search_name))))
    assert names == found


def test_list_search_filters_sort_and_count(app, make, admin):
    _, c = admin
    with app.app_context(), write_transaction() as s:
        s.add(Cohort(code="lop-1", name="Lớp 1"))
    make.user(full_name="Nguyễn Thị Hằng", ward="ham-rong")
    make.user(full_name="Đỗ Minh Đức", ward="dong-ve", active=False)
    make.user(full_name="Bùi Văn An", ward="dong-ve", role=Role.WARD_MANAGER)
    page = c.get("/admin/users?q=nguyen+thi+hang").get_data(as_text=True)
    assert "Nguyễn Thị Hằng" in page and "Đỗ Minh Đức" not in page and "1 tài khoản" in page
    page = c.get("/admin/users?q=Đ&status=inactive").get_data(as_text=True)
    assert "Đỗ Minh Đức" in page and "đã khóa" in page and "Bùi Văn An" not in page
    page = c.get("/admin/users?ward=dong-ve&role=ward_manager").get_data(as_text=True)
    assert "Bùi Văn An" in page and "Đỗ Minh Đức" not in page
    page = c.get("/admin/users?sort=name&order=desc").get_data(as_text=True)
    names = re.findall(r'/admin/users/\d+">([^<]+)<', page)
    assert names == sorted(names, key=fold, reverse=True) and len(names) == 4
    assert "4 tài khoản" in page
    assert c.get("/admin/users?sort=nonsense&page=99&cohort=x").status_code == 200


def test_list_pages(app, make, admin):
    _, c = admin
    app.config["PAGE_SIZE"] = 2
    for n in range(4):
        make.user(full_name=f"Học Viên {n}")
    first = c.get("/admin/users?role=trainee").get_data(as_text=True)
    assert "4 tài khoản" in first and "Trang 1/2" in first and "role=trainee" in first
    second = c.get("/admin/users?role=trainee&page=2").get_data(as_text=True)
    assert re.findall(r'/admin/users/\d+">([^<]+)<', second) == ["Học Viên 2", "Học Viên 3"]


# --- create and edit -----------------------------------------------------------------------------


def test_create_account_shows_the_password_once(app, make, admin):
    ref, c = admin
    make.wards()
    response = c.post(
        "/admin/users/new",
        data={"full_name": "Nguyễn Văn An", "ward": "dong-ve", "cohort": "", "role": "trainee", "position": "Bí thư"},
    )
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    page = response.get_data(as_text=True)
    password = re.search(r'id="one-time-password">([^<]+)<', page).group(1)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "annv"))
        assert (user.ward.code, user.position, user.must_change_password) == ("dong-ve", "Bí thư", True)
        assert password not in user.password_hash
    [entry] = audit(app, "user.create")
    assert entry.actor_id == ref.id
    fresh = app.test_client()
    assert fresh.post("/login", data={"username": "annv", "password": password}).location == "/password"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"full_name": "", "role": "trainee"}, "This field is required"),
        ({"full_name": "A", "role": "king"}, "Not a valid choice"),
        ({"full_name": "A", "role": "trainee", "ward": "atlantis"}, "Not a valid choice"),
        ({"full_name": "A", "role": "ward_manager"}, "phải thuộc một phường"),
        ({"full_name": "A", "role": "trainee", "username": "có dấu"}, "không hợp lệ"),
        ({"full_name": "A", "role": "trainee", "username": "DA.CO"}, "đã có người dùng"),
    ],
)
def test_create_account_refusals(app, make, admin, data, message):
    _, c = admin
    make.user(username="da.co")
    before = count_users(app)
    response = c.post(
        "/admin/users/new?lang=en" if "valid choice" in message or "required" in message else "/admin/users/new",
        data={"ward": "", "cohort": "", **data},
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count_users(app) == before


def count_users(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_edit_account_records_what_changed_and_why(app, make, admin):
    ref, c = admin
    with app.app_context(), write_transaction() as s:
        s.add(Cohort(code="lop-2", name="Lớp 2"))
    with app.app_context():
        cohort_id = db.session.scalar(select(Cohort.id))
    user = make.user(full_name="Lê Văn Tám")
    assert "Lê Văn Tám" in c.get(f"/admin/users/{user.id}").get_data(as_text=True)
    response = c.post(
        f"/admin/users/{user.id}",
        data={
            "full_name": "Lê Văn Tâm",
            "position": "Phó Bí thư",
            "ward": "ham-rong",
            "cohort": str(cohort_id),
            "role": "ward_manager",
            "reason": "Sửa theo quyết định",
        },
    )
    assert response.status_code == 302
    edited = get_user(app, user.id)
    assert (edited.full_name, edited.search_name, edited.role, edited.cohort_id) == (
        "Lê Văn Tâm", "le van tam", "ward_manager", cohort_id,
    )  # fmt: skip
    [entry] = audit(app, "user.update")
    assert entry.reason == "Sửa theo quyết định" and entry.actor_id == ref.id
    assert entry.detail["changes"]["ward"] == ["dong-ve", "ham-rong"]
    assert entry.detail["changes"]["full_name"] == ["Lê Văn Tám", "Lê Văn Tâm"]


def test_unknown_account_is_404(admin):
    _, c = admin
    assert c.get("/admin/users/99999").status_code == 404
    assert c.post("/admin/users/99999", data={"full_name": "x", "role": "trainee"}).status_code == 404
    assert c.post("/admin/users/99999/deactivate", data={}).status_code == 404
    assert c.post("/admin/users/99999/password", data={}).status_code == 404


# --- deactivate, the last admin, reset, unlock ---------------------------------------------------


def test_deactivate_needs_reason_and_confirmation_then_blocks_login(app, make, admin, login):
    ref, c = admin
    user = make.user()
    trainee_client = login(user, app.test_client())
    refused = c.post(f"/admin/users/{user.id}/deactivate", data={"deactivate-reason": "x"})
    assert refused.status_code == 400 and get_user(app, user.id).active
    assert f'value="{get_user(app, user.id).full_name}"' in refused.get_data(as_text=True)  # the edit form is intact
    response = c.post(
        f"/admin/users/{user.id}/deactivate", data={"deactivate-reason": "Chuyển công tác", "deactivate-confirm": "y"}
    )
    assert response.status_code == 302 and not get_user(app, user.id).active
    # The open session ends and a new login is refused.
    assert trainee_client.get("/").status_code == 302
    assert app.test_client().post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 200
    [entry] = audit(app, "user.deactivate")
    assert entry.reason == "Chuyển công tác"
    c.post(f"/admin/users/{user.id}/reactivate", data={"reactivate-reason": "Trở lại"})
    assert get_user(app, user.id).active and audit(app, "user.reactivate")[0].reason == "Trở lại"
    # The audit page names both changes, in its list and in its action filter, never by their codes.
    log = c.get("/admin/audit").get_data(as_text=True)
    assert ">Khóa tài khoản<" in log and ">Mở lại tài khoản<" in log
    assert ">user.deactivate<" not in log and ">user.reactivate<" not in log


def test_the_last_active_admin_stays(app, make, admin):
    ref, c = admin
    # Not oneself: neither deactivate nor demote.
    c.post(f"/admin/users/{ref.id}/deactivate", data={"deactivate-reason": "x", "deactivate-confirm": "y"})
    page = c.get(f"/admin/users/{ref.id}").get_data(as_text=True)
    assert "Không thể tự khóa" in page and get_user(app, ref.id).active
    response = c.post(f"/admin/users/{ref.id}", data={"full_name": "Q", "role": "trainee", "ward": "", "cohort": ""})
    assert response.status_code == 400 and get_user(app, ref.id).role == Role.ADMIN
    # Another admin, deactivated, cannot be the "other" active admin.
    other = make.user(role=Role.ADMIN, ward=None, active=False)
    with app.app_context(), write_transaction() as s:
        with pytest.raises(accounts.AccountError, match="cuối cùng"):
            accounts.set_active(s, s.get(User, ref.id), False, actor_id=other.id, reason="x")
        with pytest.raises(accounts.AccountError, match="cuối cùng"):
            fields = accounts.AccountFields("Q", None, None, None, Role.INSTRUCTOR)
            accounts.update_user(s, s.get(User, ref.id), fields, actor_id=other.id)
    # With a second active admin, one may demote the other.
    second = make.user(role=Role.ADMIN, ward=None)
    response = c.post(
        f"/admin/users/{second.id}", data={"full_name": "Hai", "role": "instructor", "ward": "", "cohort": ""}
    )
    assert response.status_code == 302 and get_user(app, second.id).role == Role.INSTRUCTOR


def test_reset_password_shows_it_once_and_forces_a_change(app, make, admin):
    ref, c = admin
    user = make.user()
    assert c.post(f"/admin/users/{user.id}/password", data={"reset-reason": "Quên"}).status_code == 400
    response = c.post(f"/admin/users/{user.id}/password", data={"reset-reason": "Quên mật khẩu", "reset-confirm": "y"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    password = re.search(r'id="one-time-password">([^<]+)<', page).group(1)
    slip = re.search(r'href="(/admin/users/slips/[^"]+\.pdf)"', page).group(1)
    assert c.get(slip).data.startswith(b"%PDF")
    fresh = app.test_client()
    assert fresh.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 200
    assert fresh.post("/login", data={"username": user.username, "password": password}).location == "/password"
    [entry] = audit(app, "user.password_reset")
    assert entry.reason == "Quên mật khẩu" and password not in str(entry.detail)
    # A generated password gets the lighter one-time work factor; a chosen one the full one.
    assert get_user(app, user.id).password_hash.startswith("scrypt:4096:")
    fresh.post("/password", data={"current": password, "new": "mat-khau-moi-1", "confirm": "mat-khau-moi-1"})
    assert get_user(app, user.id).password_hash.startswith("scrypt:32768:")
    assert all(password not in str(e.detail) for e in audit(app, "slips.print") + audit(app, "slips.create"))


def test_unlock_an_account_held_by_the_throttle(app, make, admin):
    ref, c = admin
    user = make.user()
    bad = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        bad.post("/login", data={"username": user.username, "password": "wrong"})
    assert bad.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 429
    assert "tạm khóa do đăng nhập sai" in c.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert c.post(f"/admin/users/{user.id}/unlock").status_code == 302
    assert app.test_client().post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
    assert audit(app, "user.unlock")[0].target_id == str(user.id)
    with app.app_context():
        assert throttle.count_recent(db.session, f"login:user:{user.username}", 900, utcnow()) == 0


# --- who may ----------------------------------------------------------------------------------------

ADMIN_URLS = [
    ("get", "/admin/users"),
    ("get", "/admin/users/new"),
    ("post", "/admin/users/new"),
    ("get", "/admin/users/{id}"),
    ("post", "/admin/users/{id}"),
    ("post", "/admin/users/{id}/deactivate"),
    ("post", "/admin/users/{id}/reactivate"),
    ("post", "/admin/users/{id}/password"),
    ("post", "/admin/users/{id}/unlock"),
    ("get", "/admin/users/import"),
    ("post", "/admin/users/import"),
    ("post", "/admin/users/import/commit"),
    ("get", "/admin/users/slips"),
    ("post", "/admin/users/slips"),
    ("get", "/admin/users/slips/abc"),
    ("get", "/admin/users/slips/abc.pdf"),
    ("get", "/admin/users/slips/abc.csv"),
]


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.WARD_MANAGER, Role.TRAINEE])
def test_only_admins(app, make, login, role):
    c = login(make.user(role=role), app.test_client())
    target = make.user()
    for method, url in ADMIN_URLS:
        response = getattr(c, method)(url.format(id=target.id), data={})
        assert response.status_code == 403, (method, url)
    assert get_user(app, target.id).active


def test_anonymous_is_sent_to_login(client):
    assert client.get("/admin/users").location.startswith("/login")


def test_every_admin_form_needs_csrf(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    from .factories import Factories

    make = Factories(app)
    admin_ref = make.user(role=Role.ADMIN, ward=None)
    target = make.user()
    c = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', c.get("/login").get_data(as_text=True))
    c.post("/login", data={"username": admin_ref.username, "password": PASSWORD, "csrf_token": token.group(1)})
    for method, url in ADMIN_URLS:
        if method == "post":
            response = c.post(url.format(id=target.id), data={"deactivate-reason": "x", "deactivate-confirm": "y"})
            assert response.status_code == 400, url
    assert get_user(app, target.id).active
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditLog)) == 0


def test_a_deactivated_trainee_stays_in_the_reports_marked(app, make, admin):
    _, c = admin
    make.topic(number=1)
    user = make.user(full_name="Trịnh Văn Khóa", active=False)
    assert "đã khóa" in c.get(f"/reports/trainees/{user.id}").get_data(as_text=True)
    ward_page = c.get("/reports/wards/dong-ve").get_data(as_text=True)
    assert "Trịnh Văn Khóa" in ward_page and "đã khóa" in ward_page
