"""The trainee's quiz through the test client: the whole flow and every bad input of the issue."""

from __future__ import annotations

import threading
import zlib
from datetime import timedelta

import pytest
from itsdangerous import base64_decode
from sqlalchemy import func, select

from quizapp.db import db
from quizapp.models import Attempt, AttemptItem, AttemptStatus, LessonView, Topic, utcnow

from .quizpage import options, right_values, save, start, started, wrong_value


def paper(client, attempt_id):
    page = client.get(f"/attempts/{attempt_id}")
    assert page.status_code == 200
    return page.get_data(as_text=True), options(page.get_data(as_text=True))


def shift_clock(app, attempt_id, **delta):
    """Move an attempt's deadline into the past, as if time had passed."""
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.deadline_at = utcnow() - timedelta(**delta)
        attempt.started_at = attempt.deadline_at - timedelta(minutes=20)
        db.session.commit()


def test_full_flow_start_answer_submit_review(client, trainee, app):
    attempt_id = start(client)
    html, opts = paper(client, attempt_id)
    assert len(opts) == 4  # questions_per_attempt
    for seq, (position, o) in enumerate(sorted(opts.items()), start=1):
        response = save(client, attempt_id, position, right_values(o) if position != 4 else [wrong_value(o)], seq)
        assert response.status_code == 200 and response.json["accepted"] is True
        assert response.json["saved_at"]
    response = client.post(f"/attempts/{attempt_id}/submit")
    assert response.location == f"/attempts/{attempt_id}/review"
    review = client.get(response.location).get_data(as_text=True)
    assert "3/4 câu đúng" in review and "7,5 điểm" in review and "75 %" in review
    assert "Đạt" in review and "Giải thích" in review and "Nguồn" in review
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert (attempt.status, attempt.score, attempt.passed) == (AttemptStatus.SUBMITTED, 3, True)


def test_paper_is_fixed_when_the_attempt_starts(client, trainee):
    attempt_id = start(client)
    first, _ = paper(client, attempt_id)
    again, _ = paper(client, attempt_id)
    assert first.replace(
        first[first.find("data-server-now") : first.find("data-server-now") + 60], ""
    ) == again.replace(again[again.find("data-server-now") : again.find("data-server-now") + 60], "")
    again = client.post("/topics/1/attempts")  # starting again resumes the same attempt
    assert again.status_code == 302 and again.location == f"/attempts/{attempt_id}"


def test_start_answers_with_the_new_paper_under_its_own_address(client, trainee):
    response = client.post("/topics/1/attempts")
    attempt_id = started(response)  # 200, the canonical link names /attempts/<id> (app.js shows it)
    assert response.headers["Cache-Control"] == "private, no-store"
    assert options(response.get_data(as_text=True)) == options(
        client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    )


def test_saved_answers_survive_a_reload(client, trainee):
    attempt_id = start(client)
    _, opts = paper(client, attempt_id)
    choice = wrong_value(opts[2])
    assert save(client, attempt_id, 2, [choice], 1).json["accepted"]
    _, opts = paper(client, attempt_id)
    assert [o.value for o in opts[2] if o.checked] == [choice]


def test_stale_sequence_number_never_overwrites_a_newer_answer(client, trainee, app):
    attempt_id = start(client)
    _, opts = paper(client, attempt_id)
    newer, older = right_values(opts[1])[0], wrong_value(opts[1])
    assert save(client, attempt_id, 1, [newer], 7).json["accepted"] is True
    response = save(client, attempt_id, 1, [older], 5)  # a retry of an older save arrives late
    assert response.status_code == 200 and response.json == {**response.json, "accepted": False, "seq": 7}
    _, opts = paper(client, attempt_id)
    assert [o.value for o in opts[1] if o.checked] == [newer]


def test_correct_answers_never_reach_the_browser_before_submission(client, trainee):
    attempt_id = start(client)
    html, _ = paper(client, attempt_id)
    assert "correct" not in html.lower()
    assert "Giải thích" not in html
    _, opts = paper(client, attempt_id)
    response = save(client, attempt_id, 1, [opts[1][0].value], 1)
    assert set(response.json) == {"ok", "accepted", "seq", "saved_at"}
    cookie = client.get_cookie("session")
    payload = cookie.value.split(".")[1] if cookie.value.startswith(".") else cookie.value.split(".")[0]
    decoded = base64_decode(payload)
    try:
        decoded = zlib.decompress(decoded)
    except zlib.error:
        pass
    assert b"correct" not in decoded and b"selected" not in decoded and b"option" not in decoded


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"position": 1, "selected": [9], "seq": 1}, 400),  # tampered option
        ({"position": 99, "selected": [0], "seq": 1}, 400),  # not a question of this attempt
        ({"position": 1, "selected": ["0"], "seq": 1}, 400),
        ({"position": 1, "selected": [0], "seq": 0}, 400),
        ({"position": 1, "selected": [0, 0], "seq": 1}, 400),
        ({"selected": [0], "seq": 1}, 400),
    ],
)
def test_tampered_saves_are_refused_and_change_nothing(client, trainee, app, body, status):
    attempt_id = start(client)
    response = client.post(f"/attempts/{attempt_id}/answers", json=body)
    assert response.status_code == status
    assert response.json["ok"] is False and response.json["error"]
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AttemptItem)
                .where(AttemptItem.attempt_id == attempt_id, AttemptItem.selected.is_not(None))
            )
            == 0
        )


def test_two_options_for_a_single_choice_question_are_refused(client, trainee, make):
    make.topic(number=2, types=("single",))
    make.topic(number=3, types=("multiple",))
    single = start(client, 2)
    _, opts = paper(client, single)
    assert {o[0].kind for o in opts.values()} == {"radio"}
    assert save(client, single, 1, [0, 1], 1).status_code == 400
    assert save(client, single, 1, [0], 2).status_code == 200
    multiple = start(client, 3)
    _, opts = paper(client, multiple)
    assert {o[0].kind for o in opts.values()} == {"checkbox"}
    assert save(client, multiple, 1, [0, 1], 1).status_code == 200


def test_another_trainees_attempt_is_404(client, trainee, make, login, app):
    attempt_id = start(client)
    other = app.test_client()
    login(make.user(ward="ham-rong"), other)
    assert other.get(f"/attempts/{attempt_id}").status_code == 404
    assert save(other, attempt_id, 1, [0], 1).status_code == 404
    assert other.post(f"/attempts/{attempt_id}/submit").status_code == 404
    assert other.get(f"/attempts/{attempt_id}/review").status_code == 404
    assert client.get("/attempts/999999").status_code == 404


def test_save_after_deadline_and_grace_is_refused_but_saved_answers_are_graded(client, trainee, app):
    attempt_id = start(client)
    _, opts = paper(client, attempt_id)
    for seq, position in enumerate(sorted(opts), start=1):
        save(client, attempt_id, position, right_values(opts[position]), seq)
    shift_clock(app, attempt_id, seconds=61)  # past the 60 s grace
    response = save(client, attempt_id, 1, [wrong_value(opts[1])], 99)
    assert response.status_code == 409 and response.json["closed"] is True
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == AttemptStatus.TIMED_OUT and attempt.score == 4  # the late change was not taken


def test_save_within_grace_is_accepted(client, trainee, app):
    attempt_id = start(client)
    _, opts = paper(client, attempt_id)
    shift_clock(app, attempt_id, seconds=30)
    assert save(client, attempt_id, 1, right_values(opts[1]), 1).json["accepted"] is True


def test_late_submit_is_refused_with_a_message_and_graded_with_saved_answers(client, trainee, app):
    attempt_id = start(client)
    _, opts = paper(client, attempt_id)
    save(client, attempt_id, 1, right_values(opts[1]), 1)
    shift_clock(app, attempt_id, minutes=5)
    form = {"with_answers": "1", **{f"q{p}": right_values(o) for p, o in opts.items()}}
    response = client.post(f"/attempts/{attempt_id}/submit", data=form, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "không được chấp nhận" in text
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == AttemptStatus.TIMED_OUT and attempt.score == 1


def test_double_submit_gives_one_result(client, trainee, app):
    attempt_id = start(client)
    _, opts = paper(client, attempt_id)
    form = {"with_answers": "1", **{f"q{p}": right_values(o) for p, o in opts.items()}}
    first = client.post(f"/attempts/{attempt_id}/submit", data=form)
    wrong_form = {"with_answers": "1", **{f"q{p}": [wrong_value(o)] for p, o in opts.items()}}
    second = client.post(f"/attempts/{attempt_id}/submit", data=wrong_form, follow_redirects=True)
    assert first.status_code == 302
    assert "đã được nộp" in second.get_data(as_text=True)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.score == 4  # the second submit changed nothing
        assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_concurrent_submits_give_exactly_one_grading(app, trainee, client):
    attempt_id = start(client)
    _, opts = paper(client, attempt_id)
    cookie = client.get_cookie("session").value
    outcomes = []
    barrier = threading.Barrier(4)

    def submit():
        c = app.test_client()
        c.set_cookie("session", cookie)
        barrier.wait()
        r = c.post(
            f"/attempts/{attempt_id}/submit",
            data={"with_answers": "1", "q1": str(right_values(opts[1])[0])},
            follow_redirects=True,
        )
        outcomes.append("đã được nộp" in r.get_data(as_text=True))

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == [False, True, True, True]  # one graded, three told it was done
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).status == AttemptStatus.SUBMITTED


def test_form_submit_without_javascript(client, trainee, app):
    attempt_id = start(client)
    _, opts = paper(client, attempt_id)
    saved = client.post(
        f"/attempts/{attempt_id}/answers",
        data={f"q{p}": right_values(o) for p, o in opts.items()},
        follow_redirects=True,
    )
    assert "Đã lưu các câu trả lời" in saved.get_data(as_text=True)
    _, opts_after = paper(client, attempt_id)
    assert all([o.value for o in opt if o.checked] == right_values(opt) for opt in opts_after.values())
    client.post(
        f"/attempts/{attempt_id}/submit",
        data={"with_answers": "1", **{f"q{p}": right_values(o) for p, o in opts.items()}},
    )
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).score == 4


def test_tampered_form_submit_changes_nothing(client, trainee, app):
    attempt_id = start(client)
    response = client.post(
        f"/attempts/{attempt_id}/submit", data={"with_answers": "1", "q1": "17"}, follow_redirects=True
    )
    assert "không thuộc câu hỏi 1" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).status == AttemptStatus.OPEN


def test_attempt_limit_and_best_attempt(client, trainee, app):
    scores = []
    for n in range(3):
        attempt_id = start(client)
        _, opts = paper(client, attempt_id)
        answers = {f"q{p}": (right_values(o) if p <= n + 1 else [wrong_value(o)]) for p, o in opts.items()}
        client.post(f"/attempts/{attempt_id}/submit", data={"with_answers": "1", **answers})
        with app.app_context():
            scores.append(db.session.get(Attempt, attempt_id).score)
    assert scores == [1, 2, 3]
    response = client.post("/topics/1/attempts", follow_redirects=True)
    assert "đã dùng hết 3 lượt" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attempt)) == 3
    dashboard = client.get("/").get_data(as_text=True)
    assert "Đạt · 7,5" in dashboard  # passed with the best of three, 3/4


def test_expired_attempt_is_closed_lazily_when_the_trainee_returns(client, trainee, app):
    attempt_id = start(client)
    _, opts = paper(client, attempt_id)
    save(client, attempt_id, 1, right_values(opts[1]), 1)
    shift_clock(app, attempt_id, minutes=10)
    page = client.get("/")
    assert page.status_code == 200
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == AttemptStatus.TIMED_OUT and attempt.score == 1


def test_close_expired_command(app, runner, client, trainee):
    attempt_id = start(client)
    _, opts = paper(client, attempt_id)
    save(client, attempt_id, 2, right_values(opts[2]), 1)
    result = runner.invoke(args=["attempts", "close-expired"])
    assert "Closed 0" in result.output
    shift_clock(app, attempt_id, minutes=2)
    result = runner.invoke(args=["attempts", "close-expired"])
    assert result.exit_code == 0 and "Closed 1" in result.output
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == AttemptStatus.TIMED_OUT and attempt.score == 1


@pytest.mark.parametrize(
    ("policy", "attempts_used", "shown"),
    [("immediately", 1, True), ("after_last_attempt", 1, False), ("after_last_attempt", 3, True), ("never", 3, False)],
)
def test_review_policy(client, trainee, app, policy, attempts_used, shown):
    with app.app_context():
        db.session.scalar(select(Topic)).review_policy = policy
        db.session.commit()
    for _ in range(attempts_used):
        attempt_id = start(client)
        client.post(f"/attempts/{attempt_id}/submit")
    review = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert ("Giải thích" in review) is shown
    assert "0/4 câu đúng" in review


def test_lesson_page_is_recorded(client, trainee, app):
    page = client.get("/topics/1")
    assert page.status_code == 200 and "Phần 1" in page.get_data(as_text=True)
    client.get("/topics/1")
    with app.app_context():
        views = db.session.scalars(select(LessonView)).all()
        assert len(views) == 1 and views[0].view_count == 1  # a quick re-open is not counted twice
    assert client.get("/topics/9").status_code == 404


def test_dashboard_states(client, trainee, make):
    make.topic(number=2)
    html = client.get("/").get_data(as_text=True)
    assert html.count("Chưa làm bài") == 2
    start(client)
    html = client.get("/").get_data(as_text=True)
    assert "Đang làm bài" in html and "Chưa làm bài" in html


def test_opening_an_overdue_attempt_closes_it_and_shows_the_result(client, trainee, app):
    attempt_id = start(client)
    assert client.get(f"/attempts/{attempt_id}/review").location == f"/attempts/{attempt_id}"  # still open
    _, opts = paper(client, attempt_id)
    save(client, attempt_id, 1, right_values(opts[1]), 1)
    shift_clock(app, attempt_id, minutes=3)
    response = client.get(f"/attempts/{attempt_id}")
    assert response.location == f"/attempts/{attempt_id}/review"
    assert "1/4 câu đúng" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).status == AttemptStatus.TIMED_OUT


def test_review_of_an_attempt_at_a_topic_since_deactivated(client, trainee, app):
    """The review reads the trainee's standing in that topic alone: a deactivated topic's attempt still shows."""
    attempt_id = start(client)
    assert client.post(f"/attempts/{attempt_id}/submit").status_code == 302
    with app.app_context():
        db.session.scalar(select(Topic).where(Topic.number == 1)).active = False
        db.session.commit()
    page = client.get(f"/attempts/{attempt_id}/review")
    assert page.status_code == 200
    assert "/4" in page.get_data(as_text=True)  # the score out of the paper's four questions
