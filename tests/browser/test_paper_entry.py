"""The paper path in Chromium: print five papers for a class, then enter one from the keyboard alone.

"Enter a paper in under a minute" is checked by counting what the admin does, not by a clock:
the code typed as a scanner would (8 characters and Enter), then one key per single-answer
question (the script moves on), the letters and Tab for a several-answer one, and Enter.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from quizapp.db import db
from quizapp.models import AuditLog, Topic

from ..factories import PASSWORD, Factories, paper_batch
from .pages import violations

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_print_five_for_a_class_and_enter_one_by_keyboard(live_app, browser):
    app, base = live_app
    make = Factories(app)
    make.topic(number=1, sections=4, per_section=8, questions_per_attempt=20, types=("single",) * 3 + ("multiple",))
    cohort = make.cohort("Lớp 3 - 2026")
    for n in range(5):
        make.user(full_name=f"Hoàng Văn {n}", cohort_id=cohort.id)
    admin = make.user(role="admin", ward=None)
    with app.app_context():
        topic_id = db.session.scalar(select(Topic.id).where(Topic.number == 1))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/login")
    page.fill("#username", admin.username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    found = {}

    page.goto(f"{base}/admin/paper/print")
    found["print"] = violations(page)
    page.select_option("#topic", str(topic_id))
    page.select_option("#cohort", str(cohort.id))
    page.click("#preview")
    assert "Sẽ in 5 bài" in page.content()
    found["preview"] = violations(page)
    page.click("#confirm")
    page.wait_for_url(re.compile(r"/admin/paper/batches/\d+$"))
    found["batch"] = violations(page)
    assert page.locator("td.code").count() == 5
    with app.app_context():
        batch_id = db.session.scalar(select(AuditLog.id).where(AuditLog.action == "paper.print"))
    _, _, keys = paper_batch(app, batch_id)
    code, letters = next(iter(keys.items()))

    page.goto(f"{base}/admin/paper")
    found["index"] = violations(page)
    keystrokes = 0
    page.keyboard.type(code)  # the code field has the focus: a scanner types into it
    page.keyboard.press("Enter")
    keystrokes += len(code) + 1
    page.wait_for_url(re.compile(r"/admin/paper/enter\?code="))
    found["grid"] = violations(page)
    for answer in letters:
        page.keyboard.type(answer)
        keystrokes += len(answer)
        if len(answer) > 1:  # several answers: the admin says when the box is done
            page.keyboard.press("Tab")
            keystrokes += 1
    page.keyboard.press("Enter")
    keystrokes += 1
    page.wait_for_url(re.compile(r"/admin/paper/papers/"))
    assert "20/20 câu đúng" in page.content() and "Đạt" in page.content()
    found["result"] = violations(page)
    several = sum(len(a) > 1 for a in letters)
    print(f"\nentered 20 answers ({several} with several letters) in {keystrokes} key presses, no mouse")
    assert keystrokes == 9 + sum(len(a) for a in letters) + several + 1 <= 50
    assert errors == []
    context.close()
    assert {name: v for name, v in found.items() if v} == {}
