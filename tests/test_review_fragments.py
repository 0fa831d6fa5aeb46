"""The review page built from cached question parts (quiz/review_fragments.py)."""

from __future__ import annotations

import re

from sqlalchemy import select, update

from quizapp.db import db, write_transaction
from quizapp.models import AttemptItem, QuestionVersion, Role

from .quizpage import start

#: One reviewed question: its opening, its text, its options as (classes, text, "your answer"?).
_QUESTION = re.compile(
    r'<section class="card question review-item (?P<state>is-correct|is-wrong)">\s*'
    r'<h3><span class="qnum">Câu (?P<pos>\d+)</span>\s*<span class="badge [^"]+">(?P<badge>[^<]+)</span></h3>\s*'
    r'<p class="qtext">(?P<text>[^<]*)</p>(?P<body>.*?)</section>',
    re.S,
)
_OPTION = re.compile(
    r'<li class="(?P<classes>[^"]*)">\s*<span class="mark" aria-hidden="true">(?P<mark>.)</span>\s*'
    r"(?P<text>[^<]*?)\s*(?P<yours><em>\(bạn chọn\)</em>)?\s*(?:<strong[^>]*>[^<]*</strong>)?\s*</li>",
)


def _items(app, attempt_id):
    with app.app_context():
        return [
            (
                i.position,
                i.is_correct,
                i.selected,
                [i.question_version.options[k] for k in i.option_order],
                [k in (i.selected or []) for k in i.option_order],
                i.question_version.section.slug,
            )
            for i in db.session.scalars(
                select(AttemptItem).where(AttemptItem.attempt_id == attempt_id).order_by(AttemptItem.position)
            )
        ]


def _finish(client, attempt_id, answered: int):
    """Save display position 0 for the first ``answered`` questions (of the paper's four), then submit."""
    for position in range(1, answered + 1):
        saved = client.post(
            f"/attempts/{attempt_id}/answers", json={"position": position, "selected": [0], "seq": position}
        )
        assert saved.status_code == 200
    assert client.post(f"/attempts/{attempt_id}/submit").status_code == 302


def test_each_question_shows_its_options_in_the_papers_order_with_the_trainees_marks(app, client, trainee):
    attempt_id = start(client)
    _finish(client, attempt_id, answered=3)
    html = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    shown = {int(m["pos"]): m for m in _QUESTION.finditer(html)}
    items = _items(app, attempt_id)
    assert sorted(shown) == [item[0] for item in items]
    states = set()
    for position, is_correct, selected, options, chosen, slug in items:
        question = shown[position]
        badge = "Đúng" if is_correct else ("Sai" if selected else "Chưa trả lời")
        assert question["badge"] == badge and question["state"] == ("is-correct" if is_correct else "is-wrong")
        states.add(badge)
        listed = list(_OPTION.finditer(question["body"]))
        assert [o["text"] for o in listed] == [o["text"] for o in options]
        assert [bool(o["yours"]) for o in listed] == chosen
        assert ["right" in o["classes"].split() for o in listed] == [o["correct"] for o in options]
        assert [o["mark"] for o in listed] == [
            "✔" if o["correct"] else ("✘" if c else "•") for o, c in zip(options, chosen, strict=True)
        ]
        assert f'href="/topics/1#{slug}"' in question["body"]
    assert "Chưa trả lời" in states and len(states) >= 2  # blanks and at least one answered kind


def test_two_attempts_share_the_cache_but_not_their_marks(app, client, trainee, make, login):
    first = start(client)
    _finish(client, first, answered=4)
    client.get(f"/attempts/{first}/review")  # the parts are cached now
    other_client = app.test_client()
    login(make.user(), other_client)
    second = start(other_client)
    _finish(other_client, second, answered=0)
    html = other_client.get(f"/attempts/{second}/review").get_data(as_text=True)
    assert "(bạn chọn)" not in html and html.count('badge-fail">Chưa trả lời') == 4


def test_the_review_follows_the_language(client, trainee):
    attempt_id = start(client)
    _finish(client, attempt_id, answered=1)
    vi = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    en = client.get(f"/attempts/{attempt_id}/review?lang=en").get_data(as_text=True)
    assert "Giải thích:</strong>" in vi and "Explanation:</strong>" not in vi
    assert "Explanation:</strong>" in en and "Giải thích:</strong>" not in en
    assert "Question 1</span>" in en and "Câu 1</span>" not in en and "Not answered" in en


def test_question_texts_are_escaped_and_cannot_fill_a_slot(app, client, trainee):
    with app.app_context(), write_transaction() as s:
        s.execute(update(QuestionVersion).values(text="<b>x</b>", explanation="<@lesson@> <i>y</i>"))
    attempt_id = start(client)
    _finish(client, attempt_id, answered=0)
    html = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "&lt;@lesson@&gt; &lt;i&gt;y&lt;/i&gt;" in html
    assert "<b>x</b>" not in html and "<@" not in html and "<i>y" not in html


def test_a_manager_without_the_key_sees_each_question_marked_but_no_options(app, client, trainee, make, login):
    attempt_id = start(client)
    _finish(client, attempt_id, answered=3)
    manager_client = app.test_client()
    login(make.user(role=Role.WARD_MANAGER), manager_client)  # same ward; has not sat the topic
    html = manager_client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    marked = list(_QUESTION.finditer(html))
    assert len(marked) == 4 and all(m["body"].strip() == "" for m in marked)
    assert "review-options" not in html and "Giải thích:</strong>" not in html
