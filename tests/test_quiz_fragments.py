"""The quiz page built from cached question fragments (quiz/fragments.py) and the two-statement save."""

from __future__ import annotations

import re
from dataclasses import astuple
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from quizapp.db import db, write_transaction
from quizapp.models import Attempt, AttemptItem, AttemptStatus, QuestionVersion
from quizapp.quiz import attempts as service
from quizapp.quiz import fragments

from .factories import Statements
from .quizpage import options, start, started


def paper_rows(app, attempt_id):
    """(position, option texts in display order, display positions saved) from the database."""
    with app.app_context():
        items = db.session.scalars(
            select(AttemptItem).where(AttemptItem.attempt_id == attempt_id).order_by(AttemptItem.position)
        ).all()
        return [
            (
                i.position,
                [i.question_version.options[k]["text"] for k in i.option_order],
                sorted(i.option_order.index(a) for a in i.selected or []),
            )
            for i in items
        ]


def test_each_attempt_shows_its_own_order_and_answers_from_shared_fragments(app, client, trainee, make, login):
    first = start(client)
    client.get(f"/attempts/{first}")  # the fragments are cached now
    other = make.user()
    second_client = app.test_client()
    login(other, second_client)
    second = start(second_client)
    for c, attempt_id in ((client, first), (second_client, second)):
        for position, _texts, _saved in paper_rows(app, attempt_id):
            c.post(f"/attempts/{attempt_id}/answers", json={"position": position, "selected": [1], "seq": position})
        html = c.get(f"/attempts/{attempt_id}").get_data(as_text=True)
        shown = options(html)
        for position, texts, saved in paper_rows(app, attempt_id):
            assert [o.text for o in shown[position]] == texts
            assert [o.value for o in shown[position] if o.checked] == saved == [1]
            assert f'data-position="{position}" data-seq="{position}"' in html


def the_form(html: str) -> str:
    """The paper's form: the questions, the answers, the save and submit buttons.

    Without the CSRF token's value: it carries the second it was signed in, so two pages differ by it.
    """
    form = re.search(r'<form [^>]*id="quiz-form".*?</form>', html, re.S).group(0)
    return re.sub(r'(name="csrf_token" value=")[^"]*"', r'\1…"', form)


def test_the_start_shows_its_paper_without_reading_it_back(app, client, trainee):
    """A start renders the lines it drew; they are what the database holds, so the page is the same."""
    with Statements(app) as sql:
        response = client.post("/topics/1/attempts")
    attempt_id = started(response)
    inserted = next(n for n, s in enumerate(sql.all) if s.startswith("INSERT INTO attempt_item"))
    assert not [s for s in sql.all[inserted + 1 :] if "attempt_item" in s], sql.all[inserted + 1 :]
    with app.app_context():
        rows = fragments.paper_lines(db.session, attempt_id)
    drawn = [(row.question_version_id, row.option_order) for row in rows]
    assert [astuple(line) for line in fragments.new_paper_lines(drawn)] == [tuple(row) for row in rows]
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert the_form(response.get_data(as_text=True)) == the_form(page)


def test_fragments_follow_the_language(client, trainee):
    attempt_id = start(client)
    vi = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "Câu 1</span>" in vi and "Question 1</span>" not in vi
    en = client.get(f"/attempts/{attempt_id}?lang=en").get_data(as_text=True)
    assert "Question 1</span>" in en and "Câu 1</span>" not in en
    # The script's texts (cached per language too); not "Clear my answer": only single-choice
    # questions have it, and a paper of four may draw none (1 in 210).
    assert 'data-saving="Saving…"' in en and "Đang lưu…" not in en
    again = client.get(f"/attempts/{attempt_id}?lang=vi").get_data(as_text=True)
    assert again.count("Câu ") == vi.count("Câu ")


def test_question_text_is_escaped_and_cannot_fill_a_slot(app, client, trainee):
    with app.app_context(), write_transaction() as s:
        s.execute(update(QuestionVersion).values(text="<b>x</b> <@position@> {0}"))
    attempt_id = start(client)
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "&lt;b&gt;x&lt;/b&gt; &lt;@position@&gt; {0}" in html
    assert "<b>x</b>" not in html and "<@" not in html


def test_a_new_version_gets_its_own_fragment(app, client, trainee):
    attempt_id = start(client)
    client.get(f"/attempts/{attempt_id}")
    with app.app_context(), write_transaction() as s:
        item = s.scalar(select(AttemptItem).where(AttemptItem.attempt_id == attempt_id, AttemptItem.position == 1))
        old = item.question_version
        new = QuestionVersion(
            question_id=old.question_id,
            version=2,
            section_id=old.section_id,
            type=old.type,
            text="Câu hỏi đã sửa?",
            options=old.options,
            content_hash="new",
        )
        s.add(new)
        s.flush()
        item.question_version_id = new.id  # as if this paper had drawn the new version
    assert "Câu hỏi đã sửa?" in client.get(f"/attempts/{attempt_id}").get_data(as_text=True)


def test_refused_saves_say_why_and_change_nothing(app, make, trainee, client):
    attempt_id = start(client)
    stranger = make.user()
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        now, grace, owner = attempt.started_at, 60, attempt.user_id

        def save(user_id=owner, position=1, at=now):
            with write_transaction() as s:
                return service.save_answer(s, attempt_id, user_id, position, [0], 5, at, grace)

        with pytest.raises(service.AttemptNotFound):
            save(user_id=stranger.id)
        with pytest.raises(service.AttemptNotFound):
            with write_transaction() as s:
                service.save_answer(s, attempt_id + 99, owner, 1, [0], 5, now, grace)
        with pytest.raises(service.InvalidAnswer):
            save(position=99)
        with pytest.raises(service.AttemptClosed, match="hết giờ"):
            save(at=attempt.deadline_at + timedelta(seconds=grace + 1))
        assert save(at=attempt.deadline_at + timedelta(seconds=grace)).accepted  # the last moment of grace
        with write_transaction() as s:
            s.execute(update(Attempt).values(status=AttemptStatus.SUBMITTED))
        with pytest.raises(service.AttemptClosed, match="đã được nộp"):
            save()
        row = db.session.execute(select(Attempt.last_seq, Attempt.status).where(Attempt.id == attempt_id)).one()
        assert row.last_seq == 5  # only the accepted save raised it
