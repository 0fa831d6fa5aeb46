"""Quiz settings per topic: validation, what an import keeps, the window, the form and its bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from quizapp.content.importer import import_course
from quizapp.content.loader import load_package
from quizapp.db import db, write_transaction
from quizapp.models import Attempt, Base, Role, Topic, utcnow
from quizapp.quiz import attempts, settings
from quizapp.quiz.settings import QuizSettings, SettingsError

from .admin_helpers import NON_ADMINS, admin_client, audit_entries, csrf_client

GOOD = {
    "questions_per_attempt": "6",
    "time_limit_minutes": "30",
    "pass_percent": "80",
    "max_attempts": "2",
    "review_policy": "never",
    "opens_at": "",
    "closes_at": "",
    "reason": "Lớp 2 thi theo đề dài hơn",
}


def topic_values(app, number=1) -> dict:
    with app.app_context():
        t = db.session.scalar(select(Topic).where(Topic.number == number))
        return {
            "questions_per_attempt": t.questions_per_attempt,
            "time_limit_minutes": t.time_limit_minutes,
            "pass_percent": t.pass_percent,
            "max_attempts": t.max_attempts,
            "review_policy": t.review_policy,
            "practice_questions": t.practice_questions,
            "overridden": t.quiz_overridden,
            "opens_at": t.opens_at,
            "closes_at": t.closes_at,
        }


def new_settings(**changes) -> QuizSettings:
    values = dict(
        questions_per_attempt=4, time_limit_minutes=20, pass_percent=70, max_attempts=3, review_policy="immediately"
    )
    values.update(changes)
    return QuizSettings(**values)


def change(app, number=1, reason="Thay đổi theo kế hoạch", **changes):
    with app.app_context(), write_transaction() as s:
        topic = s.scalar(select(Topic).where(Topic.number == number))
        return settings.change(s, topic, new_settings(**changes), reason, actor_id=None)


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


# --- service -----------------------------------------------------------------


def test_change_applies_to_new_attempts_only(app, make):
    make.topic(number=1)  # 10 approved questions, 4 per attempt, 20 minutes, 70 %
    trainee = make.user()
    now = utcnow()
    with app.app_context(), write_transaction() as s:
        topic = s.scalar(select(Topic).where(Topic.number == 1))
        opened, _ = attempts.start_or_resume(s, trainee.id, topic, now, 60)
        open_id = opened.id
    assert change(app, questions_per_attempt=8, time_limit_minutes=45, pass_percent=90) == {
        "questions_per_attempt": [4, 8],
        "time_limit_minutes": [20, 45],
        "pass_percent": [70, 90],
    }
    with app.app_context(), write_transaction() as s:
        old = s.get(Attempt, open_id)
        assert (len(old.items), old.deadline_at - old.started_at, old.pass_percent) == (4, timedelta(minutes=20), 70)
        topic = s.scalar(select(Topic).where(Topic.number == 1))
        resumed, created = attempts.start_or_resume(s, trainee.id, topic, now, 60)
        assert (resumed.id, created) == (open_id, False)
        attempts.submit(s, resumed, now, 60)
        fresh, created = attempts.start_or_resume(s, trainee.id, topic, now, 60)
        assert created and (len(fresh.items), fresh.pass_percent) == (8, 90)
        assert fresh.deadline_at - fresh.started_at == timedelta(minutes=45)
    [entry] = audit_entries(app, "topic.settings")
    assert (entry.target_type, entry.target_id, entry.reason) == ("topic", "1", "Thay đổi theo kế hoạch")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"questions_per_attempt": 11}, "questions_per_attempt"),  # the bank holds 10
        ({"questions_per_attempt": 0}, "questions_per_attempt"),
        ({"time_limit_minutes": 0}, "time_limit_minutes"),
        ({"time_limit_minutes": 181}, "time_limit_minutes"),
        ({"pass_percent": 0}, "pass_percent"),
        ({"pass_percent": 101}, "pass_percent"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"max_attempts": 11}, "max_attempts"),
        ({"max_attempts": None}, "max_attempts"),
        ({"review_policy": "sometimes"}, "review_policy"),
        ({"opens_at": utcnow(), "closes_at": utcnow() - timedelta(hours=1)}, "closes_at"),
        ({"reason": "   "}, "reason"),
    ],
)
def test_out_of_range_changes_nothing(app, make, changes, field):
    make.topic(number=1)
    before = topic_values(app)
    changes = {"time_limit_minutes": 30, **changes}  # a real change besides the bad value
    reason = changes.pop("reason", "Lý do")
    with pytest.raises(SettingsError) as caught:
        change(app, reason=reason, **changes)
    assert field in caught.value.errors
    assert topic_values(app) == before
    assert audit_entries(app, "topic.settings") == []


def test_boundaries_are_accepted(app, make):
    make.topic(number=1)
    change(app, questions_per_attempt=10, time_limit_minutes=180, pass_percent=100, max_attempts=10)
    change(app, questions_per_attempt=1, time_limit_minutes=1, pass_percent=1, max_attempts=1)
    assert topic_values(app)["time_limit_minutes"] == 1


def test_import_keeps_what_an_admin_changed(app):
    with app.app_context(), write_transaction() as s:
        import_course(s, load_package(app.config["CONTENT_PATH"]))
    assert topic_values(app, 5)["overridden"] == []
    change(app, number=5, questions_per_attempt=25, time_limit_minutes=30, pass_percent=70, max_attempts=3)
    assert topic_values(app, 5)["overridden"] == ["questions_per_attempt", "time_limit_minutes"]
    with app.app_context(), write_transaction() as s:
        report = import_course(s, load_package(app.config["CONTENT_PATH"]))
    assert report.kept_settings == {5: ["questions_per_attempt", "time_limit_minutes"]}
    assert "quiz settings changed by an admin kept (topic 5" in report.summary()
    values = topic_values(app, 5)
    assert (values["questions_per_attempt"], values["time_limit_minutes"]) == (25, 30)
    with app.app_context():
        topic = db.session.scalar(select(Topic).where(Topic.number == 5))
        assert topic.quiz_defaults["questions_per_attempt"] == 20  # the file's value, kept apart
    # Set back to the file's value, a setting follows the file again.
    change(app, number=5, questions_per_attempt=20, time_limit_minutes=30, pass_percent=70, max_attempts=3)
    assert topic_values(app, 5)["overridden"] == ["time_limit_minutes"]


def test_apply_file_settings_skips_overridden(app):
    topic = Topic(number=9, questions_per_attempt=25, time_limit_minutes=20, quiz_overridden=["questions_per_attempt"])
    kept = settings.apply_file_settings(
        topic, {"questions": 20, "time_limit_minutes": 15, "pass_percent": 60, "max_attempts": 2, "review": "never"}
    )
    assert kept == ["questions_per_attempt"]
    assert (topic.questions_per_attempt, topic.time_limit_minutes, topic.pass_percent) == (25, 15, 60)
    assert topic.quiz_defaults["questions_per_attempt"] == 20


def test_window_refuses_new_attempts_but_resumes_open_ones(app, make):
    make.topic(number=1)
    early, late = make.user(), make.user()
    now = utcnow()
    with app.app_context(), write_transaction() as s:
        topic = s.scalar(select(Topic).where(Topic.number == 1))
        attempts.start_or_resume(s, late.id, topic, now, 60)
    change(app, opens_at=now + timedelta(days=1))
    with app.app_context(), pytest.raises(attempts.TopicUnavailable) as caught:
        with write_transaction() as s:
            attempts.start_or_resume(s, early.id, s.scalar(select(Topic).where(Topic.number == 1)), now, 60)
    assert "mở lúc" in str(caught.value)
    change(app, opens_at=now - timedelta(days=2), closes_at=now - timedelta(hours=1))
    with app.app_context(), write_transaction() as s:
        topic = s.scalar(select(Topic).where(Topic.number == 1))
        with pytest.raises(attempts.TopicUnavailable) as caught:
            attempts.start_or_resume(s, early.id, topic, now, 60)
        assert "đã đóng lúc" in str(caught.value)
        resumed, created = attempts.start_or_resume(s, late.id, topic, now, 60)
        assert not created


def test_window_state():
    now = utcnow()
    hour = timedelta(hours=1)
    assert settings.window_state(None, None, now) == "open"
    assert settings.window_state(now + hour, None, now) == "before"
    assert settings.window_state(None, now, now) == "closed"
    assert settings.window_state(now - hour, now + hour, now) == "open"


# --- web ---------------------------------------------------------------------


def test_topic_page_says_when_the_quiz_opens(app, make, login):
    make.topic(number=1)
    change(app, opens_at=utcnow() + timedelta(days=3))
    c = login(make.user(), app.test_client())
    page = c.get("/topics/1").get_data(as_text=True)
    assert "Bài kiểm tra của chuyên đề này mở lúc" in page
    assert "Bắt đầu làm bài" not in page
    assert "Bài kiểm tra mở lúc" in c.get("/").get_data(as_text=True)
    response = c.post("/topics/1/attempts")
    assert response.status_code == 302
    assert "mở lúc" in c.get("/topics/1").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Attempt.id)) is None


def test_topic_page_says_the_quiz_has_closed(app, make, login):
    make.topic(number=1)
    change(app, closes_at=utcnow() - timedelta(minutes=1))
    c = login(make.user(), app.test_client())
    page = c.get("/topics/1").get_data(as_text=True)
    assert "đã đóng lúc" in page and "Bắt đầu làm bài" not in page
    assert "Bài kiểm tra đã đóng lúc" in c.get("/").get_data(as_text=True)
    c.post("/topics/1/attempts")
    with app.app_context():
        assert db.session.scalar(select(Attempt.id)) is None


def test_form_saves_and_shows_the_source(app, make, login):
    make.topic(number=1)
    c = admin_client(app, make, login)
    page = c.get("/admin/topics/1/settings").get_data(as_text=True)
    assert "mặc định từ topic.yaml" in page and "Ngân hàng có 10 câu hỏi đã duyệt" in page
    response = c.post(
        "/admin/topics/1/settings", data={**GOOD, "opens_at": "2026-12-01T07:30", "closes_at": "2026-12-31T17:00"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    values = topic_values(app)
    assert (values["questions_per_attempt"], values["time_limit_minutes"], values["review_policy"]) == (6, 30, "never")
    assert values["opens_at"].isoformat() == "2026-12-01T00:30:00+00:00"  # 07:30 in Vietnam
    page = c.get("/admin/topics/1/settings").get_data(as_text=True)
    assert "đã chỉnh" in page and 'value="2026-12-01T07:30"' in page
    assert "Thiết lập bài kiểm tra" in c.get("/admin/topics").get_data(as_text=True)
    [entry] = audit_entries(app, "topic.settings")
    assert entry.reason == GOOD["reason"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"questions_per_attempt": "11"}, "Số câu hỏi mỗi lượt phải từ 1 đến 10"),
        ({"time_limit_minutes": "181"}, "Thời gian làm bài phải từ 1 đến 180 phút"),
        ({"time_limit_minutes": "abc"}, "Hãy nhập một số nguyên"),
        ({"pass_percent": "0"}, "Điểm đạt phải từ 1 đến 100 %"),
        ({"max_attempts": "11"}, "Số lượt được làm phải từ 1 đến 10"),
        ({"max_attempts": ""}, "Số lượt được làm phải từ 1 đến 10"),
        ({"reason": ""}, "Hãy ghi lý do thay đổi"),
        ({"opens_at": "2026-12-02T08:00", "closes_at": "2026-12-01T08:00"}, "Thời điểm đóng phải sau"),
        ({"closes_at": "mai"}, "Hãy nhập ngày và giờ"),
        ({"practice_questions": "51"}, "Mỗi lượt ôn luyện có từ 1 đến 50 câu"),
        ({"practice_questions": "0"}, "Mỗi lượt ôn luyện có từ 1 đến 50 câu"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(app, make, login, changes, message):
    make.topic(number=1)
    before = topic_values(app)
    c = admin_client(app, make, login)
    response = c.post("/admin/topics/1/settings", data={**GOOD, **changes})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert topic_values(app) == before


def test_restore_defaults(app, make, login):
    make.topic(
        number=1,
        quiz_defaults={
            "questions_per_attempt": 4,
            "time_limit_minutes": 20,
            "pass_percent": 70,
            "max_attempts": 3,
            "review_policy": "immediately",
        },
    )
    c = admin_client(app, make, login)
    assert c.post("/admin/topics/1/settings", data=GOOD).status_code == 302
    assert c.post("/admin/topics/1/settings/restore", data={"restore-reason": ""}).status_code == 400
    assert topic_values(app)["time_limit_minutes"] == 30
    response = c.post("/admin/topics/1/settings/restore", data={"restore-reason": "Trở lại như tệp"})
    assert response.status_code == 302
    values = topic_values(app)
    assert (values["time_limit_minutes"], values["max_attempts"], values["overridden"]) == (20, 3, [])


def test_unknown_topic_is_404(app, make, login):
    c = admin_client(app, make, login)
    assert c.get("/admin/topics/9/settings").status_code == 404
    assert c.post("/admin/topics/9/settings", data=GOOD).status_code == 404
    assert c.post("/admin/topics/9/settings/restore", data={"restore-reason": "x"}).status_code == 404


@pytest.mark.parametrize(("role", "ward"), NON_ADMINS)
def test_only_admins(app, make, login, role, ward):
    make.topic(number=1)
    before = topic_values(app)
    c = login(make.user(role=role, ward=ward), app.test_client())
    assert c.get("/admin/topics").status_code == 403
    assert c.get("/admin/topics/1/settings").status_code == 403
    assert c.post("/admin/topics/1/settings", data=GOOD).status_code == 403
    assert c.post("/admin/topics/1/settings/restore", data={"restore-reason": "x"}).status_code == 403
    assert topic_values(app) == before


def test_post_without_csrf_is_400(make_app, make):
    app = make_app(WTF_CSRF_ENABLED=True)
    make.topic(number=1)
    before = topic_values(app)
    c = csrf_client(app, make.user(role=Role.ADMIN, ward=None))
    assert c.post("/admin/topics/1/settings", data=GOOD).status_code == 400
    assert c.post("/admin/topics/1/settings/restore", data={"restore-reason": "x"}).status_code == 400
    assert topic_values(app) == before
    with app.app_context():
        db.engine.dispose()


def test_migration_takes_the_current_settings_as_the_files_defaults(app, make):
    """An upgraded database: the columns held what topic.yaml gave, so they become the defaults."""
    from alembic import command

    from quizapp.migrate import alembic_config

    make.topic(number=1, questions_per_attempt=7, time_limit_minutes=25, review_policy="never")
    with app.app_context():
        with db.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "6e4dda1d385a")
        with db.engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        topic = db.session.scalar(select(Topic).where(Topic.number == 1))
        assert topic.quiz_defaults == {
            "questions_per_attempt": 7,
            "time_limit_minutes": 25,
            "pass_percent": 70,
            "max_attempts": 3,
            "review_policy": "never",
        }
        assert (topic.quiz_overridden, topic.opens_at) == ([], None)


def test_practice_set_size_is_set_with_the_quiz_settings(app, make, login):
    make.topic(number=1)
    c = admin_client(app, make, login)
    assert c.post("/admin/topics/1/settings", data={**GOOD, "practice_questions": "15"}).status_code == 302
    assert topic_values(app)["practice_questions"] == 15
    [entry] = audit_entries(app, "topic.settings")
    assert entry.detail["practice_questions"] == [10, 15]
    # Left empty: stays as it is.
    assert c.post("/admin/topics/1/settings", data={**GOOD, "practice_questions": ""}).status_code == 302
    assert topic_values(app)["practice_questions"] == 15
