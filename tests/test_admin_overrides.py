"""Score overrides: a result recorded by hand counts like any other and is marked everywhere."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from quizapp.certificates.issuance import current_certificate
from quizapp.db import db, write_transaction
from quizapp.models import Attempt, AttemptMode, AttemptStatus, Role, Topic, TopicResult, User, utcnow
from quizapp.quiz import overrides
from quizapp.reports import item_queries, queries
from quizapp.reports.filters import ReportFilter, parse_filter
from quizapp.reports.summary import rebuild_summaries

from .admin_helpers import NON_ADMINS, admin_client, audit_entries, csrf_client
from .factories import make_course, take

REASON = "Thi trên giấy ngày 12/11, do đồng chí Hà chấm"


def record(app, user_id, number=1, score=8, max_score=10, reason=REASON, actor_id=None):
    with app.app_context(), write_transaction() as s:
        topic = s.scalar(select(Topic).where(Topic.number == number))
        attempt = overrides.record_override(
            s, s.get(User, user_id), topic, score, max_score, reason, actor_id, utcnow()
        )
        return attempt.id


def attempts_of(app, user_id):
    with app.app_context():
        rows = db.session.execute(
            select(Attempt.number, Attempt.mode, Attempt.status, Attempt.score, Attempt.max_score, Attempt.passed)
            .where(Attempt.user_id == user_id)
            .order_by(Attempt.id)
        )
        return [tuple(r) for r in rows]


def topic_id(app, number=1):
    with app.app_context():
        return db.session.scalar(select(Topic.id).where(Topic.number == number))


# --- service -----------------------------------------------------------------


def test_override_is_an_attempt_graded_by_the_pass_mark(app, make):
    make.topic(number=1)  # pass mark 70 %
    trainee = make.user()
    take(app, trainee.id, 1, right=False)
    record(app, trainee.id, score=7, max_score=10)
    record(app, trainee.id, score=13, max_score=20)
    assert attempts_of(app, trainee.id)[1:] == [
        (2, AttemptMode.OVERRIDE, AttemptStatus.SUBMITTED, 7, 10, True),
        (3, AttemptMode.OVERRIDE, AttemptStatus.SUBMITTED, 13, 20, False),
    ]
    with app.app_context():
        assert db.session.scalar(select(Attempt).where(Attempt.number == 2)).items == []
    [first, _] = audit_entries(app, "attempt.override")
    assert (first.target_type, first.target_id, first.reason) == ("user", str(trainee.id), REASON)
    assert first.detail["topic"] == 1 and first.detail["passed"] is True


def test_summaries_count_it_like_a_rebuild_would(app, make):
    make.topic(number=1)
    trainee = make.user()
    take(app, trainee.id, 1, right=False)
    record(app, trainee.id, score=9, max_score=10)
    with app.app_context(), write_transaction() as s:
        kept = s.scalars(select(TopicResult)).one()
        incremental = (kept.attempts, kept.passed, kept.best_score, kept.best_max)
        rebuild_summaries(s)
        fresh = s.scalars(select(TopicResult)).one()
        assert incremental == (fresh.attempts, fresh.passed, fresh.best_score, fresh.best_max) == (2, True, 9, 10)


def test_matrix_counts_the_override_as_a_pass(app, make):
    make.topic(number=1)
    trainee = make.user(ward="dong-ve")
    record(app, trainee.id, score=10, max_score=10)
    with app.app_context():
        for f in (parse_filter({}), ReportFilter(date_from=utcnow().date())):  # summaries, then raw attempts
            data = queries.overview(db.session, f)
            row = next(r for r in data.rows if r.ward.code == "dong-ve")
            cell = row.cells[topic_id(app)]
            assert (cell.trainees, cell.started, cell.passed) == (1, 1, 1)


def test_certificate_issued_when_the_override_completes_the_course(app, make):
    make_course(app, make)
    trainee = make.user()
    for n in range(1, 5):
        take(app, trainee.id, n)
    with app.app_context():
        assert current_certificate(db.session, trainee.id) is None
    record(app, trainee.id, number=5, score=18, max_score=20)
    with app.app_context():
        certificate = current_certificate(db.session, trainee.id)
        assert certificate is not None
        topic5 = certificate.snapshot["topics"][4]
        assert (topic5["score"], topic5["max_score"], topic5["override"]) == (18, 20, True)
        assert certificate.snapshot["topics"][0]["override"] is False


def test_item_analysis_ignores_overrides(app, make):
    make.topic(number=1)
    record(app, make.user().id)
    with app.app_context():
        topic = db.session.scalar(select(Topic).where(Topic.number == 1))
        assert item_queries.item_analysis(db.session, topic, parse_filter({})) == []
        assert item_queries.item_analysis(db.session, topic, ReportFilter(date_from=utcnow().date())) == []


@pytest.mark.parametrize(
    ("score", "max_score", "reason", "field"),
    [
        (8, 10, "", "reason"),
        (8, 10, "   ", "reason"),
        (8, 10, None, "reason"),
        (11, 10, REASON, "score"),
        (-1, 10, REASON, "score"),
        (None, 10, REASON, "score"),
        (0, 0, REASON, "max_score"),
        (5, 201, REASON, "max_score"),
    ],
)
def test_bad_override_changes_nothing(app, make, score, max_score, reason, field):
    make.topic(number=1)
    trainee = make.user()
    with pytest.raises(overrides.OverrideError) as caught:
        record(app, trainee.id, score=score, max_score=max_score, reason=reason)
    assert field in caught.value.errors
    assert attempts_of(app, trainee.id) == []
    assert audit_entries(app, "attempt.override") == []


# --- web ---------------------------------------------------------------------


def form(app, **changes):
    return {"topic": str(topic_id(app)), "score": "17", "max_score": "20", "reason": REASON, **changes}


def test_form_records_and_the_pages_show_it(app, make, login):
    make.topic(number=1)
    trainee = make.user(full_name="Hoàng Văn Nam")
    c = admin_client(app, make, login, full_name="Trần Quản Trị")
    page = c.get(f"/reports/trainees/{trainee.id}").get_data(as_text=True)
    assert f"/admin/trainees/{trainee.id}/override" in page
    assert c.get(f"/admin/trainees/{trainee.id}/override").status_code == 200
    response = c.post(f"/admin/trainees/{trainee.id}/override", data=form(app))
    assert response.status_code == 302 and response.location.endswith(f"/reports/trainees/{trainee.id}")
    assert attempts_of(app, trainee.id) == [(1, "override", "submitted", 17, 20, True)]
    page = c.get(f"/reports/trainees/{trainee.id}").get_data(as_text=True)
    assert "nhập tay" in page and REASON in page and "Trần Quản Trị" in page
    assert "nhập tay" in c.get("/reports/wards/dong-ve").get_data(as_text=True)
    csv_text = c.get(f"/reports/trainees/{trainee.id}?format=csv").get_data().decode("utf-8-sig")
    assert "Hình thức" in csv_text and "nhập tay" in csv_text
    own = login(trainee, app.test_client())
    assert "nhập tay" in own.get("/results").get_data(as_text=True)
    with app.app_context():
        attempt_id = db.session.scalar(select(Attempt.id).where(Attempt.user_id == trainee.id))
    assert "không có câu trả lời để xem lại" in own.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": ""}, "Hãy ghi lý do nhập kết quả thủ công"),
        ({"score": "21"}, "Điểm phải từ 0 đến 20"),
        ({"score": "tám"}, "Hãy nhập một số nguyên"),
        ({"score": ""}, "Điểm phải từ 0 đến 20"),
        ({"max_score": "0"}, "Tổng điểm phải từ 1 đến 200"),
    ],
)
def test_bad_input_is_refused_in_place(app, make, login, changes, message):
    make.topic(number=1)
    trainee = make.user()
    c = admin_client(app, make, login)
    response = c.post(f"/admin/trainees/{trainee.id}/override", data=form(app, **changes))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert attempts_of(app, trainee.id) == []


def test_unknown_ids_are_404(app, make, login):
    make.topic(number=1)
    trainee = make.user()
    instructor = make.user(role=Role.INSTRUCTOR, ward=None)
    c = admin_client(app, make, login)
    assert c.get("/admin/trainees/9999/override").status_code == 404
    assert c.post("/admin/trainees/9999/override", data=form(app)).status_code == 404
    assert c.get(f"/admin/trainees/{instructor.id}/override").status_code == 404
    assert c.post(f"/admin/trainees/{trainee.id}/override", data=form(app, topic="9999")).status_code == 404
    assert attempts_of(app, trainee.id) == []


@pytest.mark.parametrize(("role", "ward"), NON_ADMINS)
def test_only_admins(app, make, login, role, ward):
    make.topic(number=1)
    trainee = make.user()
    c = login(make.user(role=role, ward=ward), app.test_client())
    assert c.get(f"/admin/trainees/{trainee.id}/override").status_code == 403
    assert c.post(f"/admin/trainees/{trainee.id}/override", data=form(app)).status_code == 403
    assert attempts_of(app, trainee.id) == []


def test_post_without_csrf_is_400(make_app, make):
    app = make_app(WTF_CSRF_ENABLED=True)
    make.topic(number=1)
    trainee = make.user()
    c = csrf_client(app, make.user(role=Role.ADMIN, ward=None))
    assert c.post(f"/admin/trainees/{trainee.id}/override", data=form(app)).status_code == 400
    assert attempts_of(app, trainee.id) == []
    with app.app_context():
        db.engine.dispose()
