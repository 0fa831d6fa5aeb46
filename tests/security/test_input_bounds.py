"""Crafted input is refused cleanly: the parameter reader, autosave bodies, login's next, pager
links, and request sizes (413 with a Vietnamese page, JSON for autosave)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from quizapp.db import write_transaction
from quizapp.models import Attempt, AttemptItem, Role
from quizapp.params import MAX_ID, Params, json_int, local_path, to_date, to_int

from ..quizpage import started
from ..secworld import login


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7", 7), (" 12 ", 12), ("²", None), ("٣", None), ("1²", None), ("9" * 30, None), (str(MAX_ID + 1), None),
     ("0", None), ("-1", None), ("", None), ("1e3", None), ("0x10", None), (True, None), (None, None)],
)  # fmt: skip
def test_ints_are_ascii_digits_in_range(text, expected):
    assert to_int(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-11-02", date(2026, 11, 2)), ("0001-01-01", None), ("9999-12-31", None), ("2026-02-30", None),
     ("２０２６-11-02", None), ("20261102", None), ("", None)],
)  # fmt: skip
def test_dates_are_iso_and_sane(text, expected):
    assert to_date(text) == expected


def test_params_fall_back_to_defaults_and_clean_text():
    p = Params({"page": "²", "sort": "evil", "q": " a\r\nb\x00 ", "n": "3"})
    assert p.int("page", 1) == 1 and p.int("n", hi=2) is None and p.int("n", hi=5) == 3
    assert p.choice("sort", ("name",), "name") == "name"
    assert p.str("q") == "ab" and p.str("missing", "x") == "x"
    assert p.keep(["q", "missing", "n"]) == {"q": "ab", "n": "3"}


def test_a_required_parameter_is_a_400_naming_it(app):
    with app.test_request_context("/?topic=²"):
        with pytest.raises(Exception) as refused:
            Params({"topic": "²"}).int("topic", required=True)
    assert refused.value.code == 400 and "topic" in refused.value.description


@pytest.mark.parametrize(("value", "ok"), [(3, True), (True, False), (3.0, False), ("3", False), (10**30, False)])
def test_json_ints_are_real_ints_in_range(value, ok):
    if ok:
        assert json_int(value, 1, 10) == value
    else:
        with pytest.raises(ValueError):
            json_int(value, 1, 10)


@pytest.mark.parametrize(
    "target", ["/x\r\nSet-Cookie: a=b", "/x\nLocation: //evil", "//evil.example", "/\\evil", "https://e"]
)
def test_login_next_refuses_anything_but_a_plain_local_path(app, make, target):
    user = make.user()
    client = app.test_client()
    response = client.post(
        "/login", query_string={"next": target}, data={"username": user.username, "password": "secret-pass"}
    )
    assert response.status_code == 302 and response.location == "/"
    assert local_path("/reports?cohort=1") == "/reports?cohort=1"


@pytest.fixture
def open_attempt(app, make):
    """A trainee of Đông Vệ logged in with an open attempt at topic 1: (client, attempt id)."""
    make.topic(number=1)
    client = app.test_client()
    login(client, make.user().username)
    attempt_id = started(client.post("/topics/1/attempts"))
    return client, attempt_id


def _answers(app) -> tuple:
    """What the saves wrote: answered items and the attempts' last sequence numbers."""
    with app.app_context(), write_transaction() as s:
        answered = s.scalar(select(func.count()).select_from(AttemptItem).where(AttemptItem.selected.is_not(None)))
        return answered, tuple(s.scalars(select(Attempt.last_seq)))


@pytest.mark.parametrize(
    "body",
    [{"position": 10**30, "selected": [0], "seq": 1}, {"position": 1, "selected": [10**30], "seq": 1},
     {"position": 1, "selected": [0], "seq": 10**30}, {"position": True, "selected": [0], "seq": 1},
     {"position": 1.0, "selected": [0], "seq": 1}, {"position": "1", "selected": [0], "seq": 1},
     {"position": -5, "selected": [0], "seq": 1}, {"position": 1, "selected": list(range(101)), "seq": 1},
     {"position": 1, "selected": {"a": 1}, "seq": 1}, [1, 2, 3], "text", {}],
)  # fmt: skip
def test_hostile_autosave_bodies_are_a_400_in_json_and_change_nothing(app, open_attempt, body):
    client, attempt_id = open_attempt
    before = _answers(app)
    response = client.post(f"/attempts/{attempt_id}/answers", json=body)
    assert response.status_code == 400 and response.get_json()["ok"] is False
    assert _answers(app) == before


def test_a_large_autosave_body_is_a_413_in_json(app, open_attempt):
    client, attempt_id = open_attempt
    body = '{"position": 1, "selected": [0], "seq": 1, "pad": "' + "x" * 5000 + '"}'
    response = client.post(f"/attempts/{attempt_id}/answers", data=body, content_type="application/json")
    assert response.status_code == 413
    assert "Dữ liệu gửi lên quá lớn" not in response.get_data(as_text=True) or response.is_json
    assert response.get_json()["ok"] is False and "4 KB" in response.get_json()["error"]
    normal = client.post(f"/attempts/{attempt_id}/answers", json={"position": 1, "selected": [0], "seq": 2})
    assert normal.status_code == 200 and normal.get_json()["ok"] is True


def _multipart(data: bytes) -> tuple[bytes, str]:
    boundary = "quizapp-test-boundary"
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="ds.csv"\r\n\r\n'
    return head.encode() + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_requests_past_the_limit_get_a_vietnamese_413_page_and_uploads_of_2_mb_pass(app, make):
    client = app.test_client()
    login(client, make.user(role=Role.ADMIN, ward=None).username)
    body, kind = _multipart(b"x" * (5 * 1024 * 1024))
    response = client.post("/admin/users/import", data=body, content_type=kind)
    page = response.get_data(as_text=True)
    assert response.status_code == 413 and "Dữ liệu gửi lên quá lớn" in page and "4 MB" in page
    body, kind = _multipart(b"Ho va ten,Phuong\n" + b"x" * (2 * 1024 * 1024 - 100))
    response = client.post("/admin/users/import", data=body, content_type=kind)
    assert response.status_code == 400 and "Không đọc được tệp CSV ở dòng 2" in response.get_data(as_text=True)


def test_pager_and_sort_links_carry_only_their_filters(make_app, make):
    app = make_app(PAGE_SIZE=1)
    make.wards()
    admin = make.user(role=Role.ADMIN, ward=None)
    make.user()
    client = app.test_client()
    login(client, admin.username)
    hostile = {"role": "trainee", "_method": "POST", "_anchor": "x", "endpoint": "x", "code": "y", "evil": "1"}
    page = client.get("/admin/users", query_string=hostile).get_data(as_text=True)
    links = re.findall(r'href="(/admin/users\?[^"]*)"', page)
    assert links and all("role=trainee" in link for link in links)
    assert not [link for link in links if re.search(r"_method|_anchor|endpoint|code=|evil|#", link)]


def test_a_ward_managers_redirect_carries_only_the_filter(app, make):
    client = app.test_client()
    login(client, make.user(role=Role.WARD_MANAGER).username)
    response = client.get("/reports", query_string={"cohort": "3", "code": "ham-rong", "endpoint": "x", "_anchor": "y"})
    assert response.status_code == 302 and response.location == "/reports/wards/dong-ve?cohort=3"


@pytest.mark.parametrize("number", ["٣", "²", "1" * 11, str(2**31), str(2**64)])
def test_int_path_values_are_ascii_and_bounded(app, make, number):
    make.topic(number=1)
    client = app.test_client()
    login(client, make.user().username)
    assert client.get(f"/topics/{number}").status_code == 404
    assert client.get("/topics/1").status_code == 200
