"""The regrade page: who may use it, preview, confirm once, export, versions, the trainee's review."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from quizapp.authoring import regrade
from quizapp.db import db
from quizapp.models import (
    AttemptItem,
    AuditLog,
    CertificateStatus,
    QuestionVersion,
    Role,
)

from .admin_helpers import admin_client, audit_entries, csrf_client
from .factories import certificates_of, take
from .regrade_world import (
    REASON,
    apply,
    attempt_row,
    correct_key,
    course,
    plan_for,
    sit_topic1,
)


def url(app, old: int, **args) -> str:
    with app.app_context():
        question_id = db.session.get(QuestionVersion, old).question_id
    query = "&".join(f"{k}={v}" for k, v in {"from_version": old, **args}.items())
    return f"/admin/questions/{question_id}/regrade?{query}"


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.WARD_MANAGER, Role.TRAINEE])
def test_only_admins_may_regrade(app, make, login, role):
    setup = course(app, make, topics=1)
    attempt_id = sit_topic1(app, setup, make.user().id, [1, 1, 0, 0])
    old = setup["versions"][0]
    correct_key(app, old)
    c = login(make.user(role=role, ward=None if role == Role.INSTRUCTOR else "dong-ve"), app.test_client())
    assert c.get(url(app, old)).status_code == 403
    plan = plan_for(app, old)
    assert c.post(url(app, old), data={"fingerprint": plan.fingerprint, "reason": REASON}).status_code == 403
    assert attempt_row(app, attempt_id)[0] == 2


def test_the_page_previews_confirms_once_and_lists_certificates_to_review(app, make, login):
    setup = course(app, make)
    holder = make.user(full_name="Lê Thị Giữ")
    sit_topic1(app, setup, holder.id, [0, 0, 0, 1])
    for n in range(2, 6):
        take(app, holder.id, n)
    [(code, _)] = certificates_of(app, holder.id)
    old = setup["versions"][0]
    correct_key(app, old)
    c = admin_client(app, make, login)

    page = c.get(url(app, old)).get_data(as_text=True)
    assert "Lê Thị Giữ" in page and f"/admin/certificates/{code}" in page
    fingerprint = plan_for(app, old).fingerprint
    assert fingerprint in page

    missing = c.post(url(app, old), data={"fingerprint": fingerprint, "reason": " "})
    assert missing.status_code == 400 and audit_entries(app, regrade.ACTION) == []

    done = c.post(url(app, old), data={"fingerprint": fingerprint, "reason": REASON})
    assert done.status_code == 302 and "/regrade/" in done.location
    again = c.post(url(app, old), data={"fingerprint": fingerprint, "reason": REASON})
    assert again.status_code == 302 and again.location == done.location  # the first result, not a second regrade
    assert len(audit_entries(app, regrade.ACTION)) == 1

    result = c.get(done.location).get_data(as_text=True)
    assert f"/admin/certificates/{code}" in result and "Lê Thị Giữ" in result
    assert certificates_of(app, holder.id) == [(code, CertificateStatus.VALID)]


def test_the_page_exports_the_attempts(app, make, login):
    setup = course(app, make, topics=1)
    sit_topic1(app, setup, make.user(full_name="=Trần Văn Xuất").id, [1, 1, 0, 0])
    old = setup["versions"][0]
    correct_key(app, old)
    c = admin_client(app, make, login)
    response = c.get(url(app, old, format="csv"))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    text = response.data.decode("utf-8-sig")
    assert "'=Trần Văn Xuất" in text  # through exports.py: formulas neutralised
    assert ",2,3,4," in text
    assert c.get(url(app, old, format="xlsx")).status_code == 200


def test_the_page_explains_when_no_regrade_is_offered(app, make, login):
    setup = course(app, make, topics=1)
    old = setup["versions"][0]
    c = admin_client(app, make, login)
    page = c.get(url(app, old)).get_data(as_text=True)  # the current version itself
    assert "Không thể chấm lại theo phiên bản này." in page and "phiên bản hiện hành" in page
    assert c.post(url(app, old), data={"fingerprint": "x", "reason": REASON}).status_code == 409
    other = setup["versions"][1]
    with app.app_context():
        question_id = db.session.get(QuestionVersion, old).question_id
    assert c.get(f"/admin/questions/{question_id}/regrade?from_version={other}").status_code == 404


def test_csrf_protects_the_confirmation(make_app, make):
    app = make_app(WTF_CSRF_ENABLED=True)
    setup = course(app, make, topics=1)
    attempt_id = sit_topic1(app, setup, make.user().id, [1, 1, 0, 0])
    old = setup["versions"][0]
    correct_key(app, old)
    c = csrf_client(app, make.user(role=Role.ADMIN, ward=None))
    fingerprint = plan_for(app, old).fingerprint
    assert c.post(url(app, old), data={"fingerprint": fingerprint, "reason": REASON}).status_code == 400
    assert attempt_row(app, attempt_id)[0] == 2
    with app.app_context():
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == regrade.ACTION)) is None
        assert db.session.scalar(select(AttemptItem.question_version_id).where(AttemptItem.position == 1)) == old


def test_the_page_lists_the_versions_to_regrade_from(app, make, login):
    setup = course(app, make, topics=1)
    sit_topic1(app, setup, make.user().id, [1, 1, 0, 0])
    old = setup["versions"][0]
    correct_key(app, old)
    c = admin_client(app, make, login)
    with app.app_context():
        question_id = db.session.get(QuestionVersion, old).question_id
    page = c.get(f"/admin/questions/{question_id}/regrade").get_data(as_text=True)
    assert f"/admin/questions/{question_id}/regrade?from_version={old}" in page


def test_the_trainees_review_shows_the_corrected_key(app, make, login):
    setup = course(app, make, topics=1)
    trainee = make.user()
    attempt_id = sit_topic1(app, setup, trainee.id, [1, 1, 0, 0])
    old = setup["versions"][0]
    correct_key(app, old)
    c = login(trainee, app.test_client())
    assert "Đáp án đã được sửa." not in c.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    apply(app, plan_for(app, old))
    review = c.get(f"/attempts/{attempt_id}/review")
    assert review.status_code == 200 and "Đáp án đã được sửa." in review.get_data(as_text=True)


def test_the_attempts_are_paged_and_a_stale_confirmation_asks_to_check_again(make_app, make, login):
    app = make_app(PAGE_SIZE=1)
    setup = course(app, make, topics=1)
    # 3/4 -> 4/4: the scores change, the passes do not (so only the paged table names them).
    sit_topic1(app, setup, make.user(full_name="Học viên Một").id, [1, 0, 0, 0])
    sit_topic1(app, setup, make.user(full_name="Học viên Hai").id, [1, 0, 0, 0])
    old = setup["versions"][0]
    correct_key(app, old)
    c = admin_client(app, make, login)
    first, second = (c.get(url(app, old, page=n)).get_data(as_text=True) for n in (1, 2))
    assert ("Học viên Một" in first) != ("Học viên Một" in second)
    assert ("Học viên Hai" in first) != ("Học viên Hai" in second)
    stale = plan_for(app, old).fingerprint
    sit_topic1(app, setup, make.user().id, [1, 0, 0, 0])
    response = c.post(url(app, old), data={"fingerprint": stale, "reason": REASON})
    assert response.status_code == 302 and "/regrade/" not in response.location.split("?")[0]
    assert "kiểm tra lại" in c.get(response.location).get_data(as_text=True)
    assert audit_entries(app, regrade.ACTION) == []
