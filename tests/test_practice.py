"""Practice mode through the test client: what it asks, what it shows, and that it never counts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, update

from quizapp.db import db, write_transaction
from quizapp.models import (
    Attempt,
    AttemptItem,
    Certificate,
    ItemStat,
    PracticeCard,
    PracticeSet,
    QuestionVersion,
    Topic,
    TopicResult,
)

from .quizpage import options, right_values, start, wrong_value

_CHOICE = re.compile(r'name="choice" id="[^"]+" value="(?P<value>\d+)">\s*<span>(?P<text>[^<]*)</span>')


def practice_choices(html: str) -> list[tuple[int, str]]:
    return [(int(m["value"]), m["text"]) for m in _CHOICE.finditer(html)]


def graded_attempt(client, right: bool) -> int:
    """Take and submit a graded attempt at topic 1, every answer right (or every answer wrong)."""
    attempt_id = start(client)
    opts = options(client.get(f"/attempts/{attempt_id}").get_data(as_text=True))
    for seq, (position, o) in enumerate(sorted(opts.items()), start=1):
        chosen = right_values(o) if right else [wrong_value(o)]
        client.post(f"/attempts/{attempt_id}/answers", json={"position": position, "selected": chosen, "seq": seq})
    assert client.post(f"/attempts/{attempt_id}/submit").status_code == 302
    return attempt_id


def start_practice(client) -> int:
    response = client.post("/topics/1/practice")
    assert response.status_code == 302, response.data[:300]
    return int(re.fullmatch(r"/practice/(\d+)", response.location).group(1))


def answer_current(client, set_id: int, right: bool):
    """Answer the question the set shows now; returns (position, feedback page)."""
    html = client.get(f"/practice/{set_id}").get_data(as_text=True)
    position = int(re.search(r'name="position" value="(\d+)"', html).group(1))
    choices = practice_choices(html)
    chosen = [v for v, t in choices if ("đúng" in t.lower()) == right]
    if not right:
        chosen = chosen[:1]
    response = client.post(f"/practice/{set_id}/answer", data={"position": position, "choice": chosen})
    assert response.location == f"/practice/{set_id}/items/{position}"
    return position, client.get(response.location).get_data(as_text=True)


def snapshot(app) -> dict:
    """Everything practice must never change."""
    with app.app_context():
        s = db.session
        return {
            "attempts": s.execute(select(Attempt.id, Attempt.status, Attempt.score, Attempt.passed)).all(),
            "items": s.execute(select(AttemptItem.id, AttemptItem.selected, AttemptItem.is_correct)).all(),
            "results": s.execute(select(TopicResult.user_id, TopicResult.attempts, TopicResult.passed)).all(),
            "stats": s.execute(select(ItemStat.question_version_id, ItemStat.drawn, ItemStat.n)).all(),
            "certificates": s.scalar(select(func.count()).select_from(Certificate)),
        }


def test_a_whole_set_never_touches_grades_reports_or_certificates(client, trainee, app):
    graded_attempt(client, right=False)
    before = snapshot(app)
    set_id = start_practice(client)
    for k in range(10):
        answer_current(client, set_id, right=k % 2 == 0)
    summary = client.get(f"/practice/{set_id}").get_data(as_text=True)
    assert "Đã hoàn thành lượt ôn luyện" in summary and "5/10 câu đúng" in summary
    assert snapshot(app) == before
    overview = client.get("/reports").status_code  # trainees cannot see reports; nothing else to check there
    assert overview == 403
    with app.app_context():
        assert db.session.scalar(select(PracticeSet.finished_at).where(PracticeSet.id == set_id)) is not None


def test_the_questions_got_wrong_in_the_graded_quiz_come_first(client, trainee, app):
    attempt_id = graded_attempt(client, right=False)
    with app.app_context(), write_transaction() as s:
        s.execute(update(Topic).values(practice_questions=4))
        wrong = set(
            s.scalars(
                select(QuestionVersion.question_id)
                .join(AttemptItem, AttemptItem.question_version_id == QuestionVersion.id)
                .where(AttemptItem.attempt_id == attempt_id)
            )
        )
    set_id = start_practice(client)
    with app.app_context():
        practice = db.session.get(PracticeSet, set_id)
        asked = {i.question_version.question_id for i in practice.items}
    assert asked == wrong


def test_feedback_shows_the_key_and_explanation_when_reviews_are_immediate(client, trainee):
    set_id = start_practice(client)
    _, feedback = answer_current(client, set_id, right=False)
    assert "badge-fail" in feedback and 'class="right' in feedback and "Giải thích" in feedback and "Nguồn" in feedback
    assert 'href="/topics/1#phan-' in feedback


@pytest.mark.parametrize("policy", ["after_last_attempt", "never"])
def test_no_key_is_revealed_while_the_graded_quiz_is_still_to_take(client, trainee, app, policy):
    with app.app_context(), write_transaction() as s:
        s.execute(update(Topic).values(review_policy=policy))
    page = client.get("/topics/1/practice").get_data(as_text=True)
    assert "không cho biết câu nào đúng" in page
    set_id = start_practice(client)
    for _ in range(10):
        _, feedback = answer_current(client, set_id, right=False)
        assert 'class="right' not in feedback and "Giải thích" not in feedback
        assert "badge-fail" not in feedback and "badge-pass" not in feedback
        assert "Đã ghi nhận" in feedback
    summary = client.get(f"/practice/{set_id}").get_data(as_text=True)
    assert "câu đúng" not in summary and "Đã ghi nhận câu trả lời cho 10 câu hỏi" in summary
    topic_page = client.get("/topics/1").get_data(as_text=True)
    assert "<progress" not in topic_page.split('id="practice-box"')[1].split("</section>")[0]  # no mastery


def test_after_the_last_attempt_the_keys_are_shown(client, trainee, app):
    with app.app_context(), write_transaction() as s:
        s.execute(update(Topic).values(review_policy="after_last_attempt", max_attempts=1))
    graded_attempt(client, right=False)
    set_id = start_practice(client)
    _, feedback = answer_current(client, set_id, right=True)
    assert "badge-pass" in feedback and "Giải thích" in feedback


def test_practice_waits_while_a_graded_attempt_is_open(client, trainee, app):
    set_id = start_practice(client)
    client.post("/topics/1/attempts")  # a graded attempt starts: practice must not serve as a crib
    response = client.post("/topics/1/practice", follow_redirects=True)
    assert "hãy nộp bài trước" in response.get_data(as_text=True)
    html = client.get(f"/practice/{set_id}").get_data(as_text=True)
    position = int(re.search(r'name="position" value="(\d+)"', html).group(1))
    value = practice_choices(html)[0][0]
    refused = client.post(f"/practice/{set_id}/answer", data={"position": position, "choice": [value]})
    assert refused.location == f"/practice/{set_id}"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PracticeCard)) == 0


def test_right_twice_in_a_row_learns_a_question(client, trainee, app):
    with app.app_context(), write_transaction() as s:
        s.execute(update(Topic).values(practice_questions=10))
    for _ in range(2):
        set_id = start_practice(client)
        for _ in range(10):
            answer_current(client, set_id, right=True)
    with app.app_context():
        boxes = db.session.scalars(select(PracticeCard.box)).all()
    assert len(boxes) == 10 and set(boxes) == {2}
    page = client.get("/topics/1/practice").get_data(as_text=True)
    assert "Chuỗi ôn luyện: 1 ngày liên tiếp" in page and "5/5 câu" in page


def test_bad_answers_are_refused_and_change_nothing(client, trainee, app, make, login):
    set_id = start_practice(client)
    html = client.get(f"/practice/{set_id}").get_data(as_text=True)
    position = int(re.search(r'name="position" value="(\d+)"', html).group(1))
    for data in ({"position": position}, {"position": position, "choice": ["9"]}, {"position": 99, "choice": ["0"]}):
        response = client.post(f"/practice/{set_id}/answer", data=data)
        assert response.location == f"/practice/{set_id}"
    assert client.post(f"/practice/{set_id}/answer", data={"choice": ["0"]}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PracticeCard)) == 0
    # Another trainee's set does not exist for them.
    other = make.user(username="khac")
    other_client = app.test_client()
    login(other, other_client)
    assert other_client.get(f"/practice/{set_id}").status_code == 404
    assert other_client.post(f"/practice/{set_id}/answer", data={"position": 1, "choice": ["0"]}).status_code == 404


def test_answering_twice_keeps_the_first_answer(client, trainee, app):
    set_id = start_practice(client)
    position, _ = answer_current(client, set_id, right=False)
    html = client.get(f"/practice/{set_id}/items/{position}").get_data(as_text=True)
    assert "badge-fail" in html
    client.post(f"/practice/{set_id}/answer", data={"position": position, "choice": ["0", "1"]})
    with app.app_context():
        practice = db.session.get(PracticeSet, set_id)
        item = next(i for i in practice.items if i.position == position)
        assert item.is_correct is False
