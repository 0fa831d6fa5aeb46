"""Every POST rule of the URL map refuses a missing or forged CSRF token with 400 and changes nothing.

Each POST is made by a role the route matrix lets through (the owner, the admin; anonymous for
/login), with a body that would otherwise be plausible, on an app with CSRF checks on. The whole
database is fingerprinted before and after.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from quizapp.db import db
from quizapp.models import Base

from ..route_matrix import MATRIX, L, ordered
from ..secworld import ROLES, build_world, fill

#: A body with every field some form reads, so only the token is missing.
BODY = {
    "reason": "Lý do kiểm thử", "confirm": "y", "revoke-reason": "x", "revoke-confirm": "y", "reissue-reason": "x",
    "reissue-confirm": "y", "full_name": "Nguyễn Văn Mới", "name": "Lớp mới", "code": "lop-moi", "role": "trainee",
    "ward": "dong-ve", "position": "1", "choice": "0", "topic": "1", "score": "3", "max_score": "4",
    "username": "x", "password": "secret-pass", "current": "secret-pass", "new": "another-pass-123",
    "confirm_password": "another-pass-123", "with_answers": "1", "ticket": "x", "users": "1",
}  # fmt: skip
#: Who makes each POST: the first role the matrix lets through, in this order of preference.
PREFERENCE = ("trainee", "admin", "wm_own", "instructor", "anon")
REFUSED = (L, 403, 404)


def fingerprint(app) -> str:
    """A hash of every row of every table."""
    digest = hashlib.sha256()
    with app.app_context():
        for table in Base.metadata.sorted_tables:
            for row in db.session.execute(select(table).order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode())
        db.session.rollback()
    return digest.hexdigest()


def _actor(row) -> str | None:
    allowed = {role for role, cell in zip(ROLES, row.expect, strict=True) if cell not in REFUSED}
    return next((role for role in PREFERENCE if role in allowed), None)


def test_every_post_refuses_a_missing_or_forged_token_and_changes_nothing(make_app, make):
    app = make_app(WTF_CSRF_ENABLED=True)
    world = build_world(app, make)
    clients = {role: world.client(role) for role in PREFERENCE}
    posts = [row for row in ordered(MATRIX) if row.method == "POST"]
    assert posts, "no POST rules found"
    failures = []
    for row in posts:
        role = _actor(row)
        if role is None:
            failures.append(f"POST {row.rule}: no role may use it, so its CSRF check cannot be tested")
            continue
        url = fill(row.rule, world.values, row.path)
        for label, body in (("missing", BODY), ("forged", {**BODY, "csrf_token": "forged.token.value"})):
            before = fingerprint(app)
            response = clients[role].post(url, data=body)
            page = response.get_data(as_text=True)
            if response.status_code != 400 or "Biểu mẫu đã hết hạn" not in page:
                failures.append(f"POST {row.rule} as {role}, token {label}: {response.status_code}")
            if fingerprint(app) != before:
                failures.append(f"POST {row.rule} as {role}, token {label}: the database changed")
    assert not failures, "\n".join(failures)
    for role in ("trainee", "admin"):  # the refused logouts left the sessions open
        assert clients[role].get("/").status_code == 200
