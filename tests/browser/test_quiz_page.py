"""What only JavaScript does on the quiz page, in a real browser on a phone-sized screen:
autosave with its acknowledgement, the offline buffer and its replay, resume after reload and
after a closed tab, and the countdown reaching the deadline."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from quizapp.db import db
from quizapp.models import Attempt, AttemptItem, AttemptStatus, utcnow

from ..factories import PASSWORD, Factories

# The service worker leaves saves alone (quiz.js buffers them); blocking it keeps `route` in go_offline
# reliable (see the `phone` fixture).
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.without_service_worker]


def saved(app, attempt_id):
    """Position -> saved authored selection, read straight from the database."""
    with app.app_context():
        rows = db.session.execute(
            select(AttemptItem.position, AttemptItem.selected).where(AttemptItem.attempt_id == attempt_id)
        )
        return {p: s for p, s in rows if s is not None}


@pytest.fixture
def quiz(live_app, phone):
    """A trainee logged in on the phone, on the page of a freshly started attempt."""
    app, base = live_app
    make = Factories(app)
    user = make.user()
    make.topic(number=1, sections=2, per_section=5)
    phone.goto(f"{base}/login")
    phone.fill("#username", user.username)
    phone.fill("#password", PASSWORD)
    phone.click("button[type=submit]")
    phone.goto(f"{base}/topics/1")
    phone.click("#quiz button[type=submit]")
    phone.wait_for_url(re.compile(r"/attempts/\d+$"))
    attempt_id = int(phone.url.rsplit("/", 1)[1])
    return app, base, phone, attempt_id


def test_autosave_acknowledges_each_answer(quiz):
    app, _, page, attempt_id = quiz
    page.locator("#q1 label.option").nth(1).click()
    expect(page.locator("#save-status")).to_have_text(re.compile(r"Đã lưu lúc \d{2}:\d{2}:\d{2}"))
    expect(page.locator("#answered-count")).to_have_text("Đã trả lời 1/4 câu")
    assert list(saved(app, attempt_id)) == [1]
    page.locator("#q1 label.option").nth(2).click()
    expect(page.locator("#save-status")).to_have_text(re.compile("Đã lưu lúc"))
    page.wait_for_function(
        "() => !Object.keys(JSON.parse(localStorage.getItem(Object.keys(localStorage)[0])).pending).length"
    )
    assert page.errors == []


def test_page_fits_a_360px_phone(quiz):
    _, _, page, _ = quiz
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


class SaveGate:
    """The server's side of a cut network: while ``shut``, saves get a 503 and reach no view.

    The browser's side (``route`` aborting saves, offline emulation) is not enough on its own: when
    the tab closes while quiz.js's five-second retry is paused in Playwright's interception, its frame
    is gone and Playwright lets the request go on to the server (its network manager continues a
    paused request it cannot match to a frame). Seen twice in this project's runs, both on a busy
    machine: answer 4 was saved although the tab had been offline since it was given.
    """

    def __init__(self, app):
        self.wsgi_app, self.shut = app.wsgi_app, False
        app.wsgi_app = self

    def __call__(self, environ, start_response):
        if self.shut and environ["PATH_INFO"].endswith("/answers"):
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"offline"]
        return self.wsgi_app(environ, start_response)


@pytest.fixture
def gate(quiz):
    return SaveGate(quiz[0])


def go_offline(context, gate):
    """Cut the network. Requests to the save URL are also aborted before they leave (with offline
    emulation alone a request may land while its response is lost, which the app handles too, but
    which would make these assertions racy), and the server refuses any that still arrive."""
    gate.shut = True
    context.route("**/answers", lambda route: route.abort("internetdisconnected"))
    context.set_offline(True)


def go_online(context, gate):
    context.unroute("**/answers")
    context.set_offline(False)
    gate.shut = False


def test_offline_answers_are_kept_and_replayed(quiz, gate):
    app, _, page, attempt_id = quiz
    go_offline(page.context, gate)
    page.locator("#q1 label.option").nth(0).click()
    page.locator("#q2 label.option").nth(1).click()
    expect(page.locator("#save-status")).to_contain_text("Mất kết nối")
    assert saved(app, attempt_id) == {}
    pending = page.evaluate(f"JSON.parse(localStorage.getItem('quizapp:attempt:{attempt_id}')).pending")
    assert set(pending) == {"1", "2"}
    go_online(page.context, gate)
    expect(page.locator("#save-status")).to_have_text("Đã có mạng trở lại: mọi câu trả lời đã được lưu.", timeout=10000)
    assert set(saved(app, attempt_id)) == {1, 2}


def test_resume_after_reload_and_after_a_closed_tab(quiz, gate):
    app, base, page, attempt_id = quiz
    page.locator("#q3 label.option").nth(3).click()
    expect(page.locator("#save-status")).to_contain_text("Đã lưu lúc")
    page.reload()
    expect(page.locator("#q3 input").nth(3)).to_be_checked()
    # An answer given offline, then the tab closed: the next visit sends it.
    go_offline(page.context, gate)
    page.locator("#q4 label.option").nth(2).click()
    expect(page.locator("#save-status")).to_contain_text("Mất kết nối")
    value = page.locator("#q4 input").nth(2).get_attribute("value")
    context = page.context
    page.close(run_before_unload=False)  # closed while offline: the answer exists only on the device
    assert 4 not in saved(app, attempt_id), saved(app, attempt_id)
    go_online(context, gate)
    again = context.new_page()
    errors = []
    again.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    again.goto(f"{base}/attempts/{attempt_id}")
    expect(again.locator(f"#q4 input[value='{value}']")).to_be_checked()
    # Replayed from the device: the server gets it, and nothing is left pending.
    again.wait_for_function(
        f"() => !Object.keys(JSON.parse(localStorage.getItem('quizapp:attempt:{attempt_id}')).pending).length",
        timeout=15000,
    )
    assert {3, 4} <= set(saved(app, attempt_id)), errors
    assert errors == []


def test_countdown_reaching_the_deadline_submits_the_answers(quiz):
    app, base, page, attempt_id = quiz
    page.locator("#q1 label.option").nth(0).click()
    expect(page.locator("#save-status")).to_contain_text("Đã lưu lúc")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.deadline_at = utcnow() + timedelta(seconds=4)
        db.session.commit()
    page.reload()
    clock = page.locator("#countdown")
    assert re.fullmatch(r"0:0[0-4]", clock.inner_text())
    page.locator("#q2 label.option").nth(0).click()
    page.wait_for_url(f"{base}/attempts/{attempt_id}/review", timeout=15000)
    expect(page.locator(".score")).to_contain_text("/4 câu đúng")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == AttemptStatus.SUBMITTED
        assert {i.position for i in attempt.items if i.selected} == {1, 2}


def test_submit_asks_for_confirmation(quiz):
    app, base, page, attempt_id = quiz
    messages = []
    page.once("dialog", lambda d: (messages.append(d.message), d.dismiss()))
    page.click("#submit-button")
    assert messages and "Còn 4 câu chưa trả lời" in messages[0]
    assert page.url.endswith(f"/attempts/{attempt_id}")
    page.once("dialog", lambda d: d.accept())
    page.click("#submit-button")
    page.wait_for_url(f"{base}/attempts/{attempt_id}/review")
