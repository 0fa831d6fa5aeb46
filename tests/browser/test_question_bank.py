"""An instructor rewords a question and submits it, an admin approves it: new attempts draw the new
wording, while an attempt taken before keeps showing the old one in its review."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ..factories import PASSWORD, Factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

OLD = "Câu hỏi t1-101?"
NEW = "Theo Điều lệ Đảng, chi bộ họp thường kỳ mấy lần một tháng?"


def logged_in(browser, base, username, **context):
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN", **context).new_page()
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def take_quiz(page, base) -> int:
    """Start an attempt at topic 1, submit it at once, land on its review; return its id."""
    page.goto(f"{base}/topics/1")
    page.click("#quiz button[type=submit]")
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    attempt_id = int(page.url.rsplit("/", 1)[1])
    page.once("dialog", lambda d: d.accept())
    page.click("#submit-button")
    page.wait_for_url(re.compile(r"/review$"))
    return attempt_id


def test_edit_submit_approve_then_new_attempts_draw_the_new_wording(live_app, browser):
    app, base = live_app
    make = Factories(app)
    make.topic(number=1, sections=1, per_section=4, questions_per_attempt=4)  # every attempt shows every question
    trainee = make.user()
    instructor = make.user(role="instructor", ward=None, full_name="Lê Văn Giảng")
    admin = make.user(role="admin", ward=None, full_name="Trần Thị Duyệt")

    learner = logged_in(browser, base, trainee.username)
    old_attempt = take_quiz(learner, base)
    expect(learner.locator("main")).to_contain_text(OLD)

    # The instructor finds the question (search without tone marks), rewords it, and submits it.
    author = logged_in(browser, base, instructor.username)
    author.click("text=Ngân hàng câu hỏi")
    author.fill("#q", "cau hoi t1-101")
    author.click("#filters button[type=submit]")
    author.click("a:text-is('t1-101')")
    author.click("#edit-link")
    author.fill("#text", NEW)
    author.fill("#change_note", "Hỏi rõ hơn")
    author.click("#save")
    expect(author.locator(".flash-success")).to_contain_text("Đã lưu bản nháp")
    expect(author.locator("#pending")).to_contain_text(NEW)
    author.click("#submit-version")
    expect(author.locator(".flash-success")).to_contain_text("Đã gửi duyệt phiên bản 2")
    expect(author.locator("#approve-version")).to_have_count(0)  # instructors do not approve

    # Until it is approved, a new attempt still shows the approved wording.
    learner.goto(f"{base}/topics/1")
    second = take_quiz(learner, base)
    expect(learner.locator("main")).to_contain_text(OLD)
    expect(learner.locator("main")).not_to_contain_text(NEW)

    # The admin reviews the submitted versions and approves the selection.
    reviewer = logged_in(browser, base, admin.username)
    reviewer.goto(f"{base}/admin/questions?status=submitted")
    reviewer.check("input[name=version]")
    reviewer.click("text=Xem lại các phiên bản đã chọn để duyệt")
    expect(reviewer.locator("main")).to_contain_text(NEW)
    expect(reviewer.locator("del")).to_contain_text("Câu hỏi t1-101?")
    reviewer.click("#confirm-approve")
    expect(reviewer.locator(".flash-success")).to_contain_text("Đã duyệt 1 phiên bản")
    expect(reviewer.locator("main")).to_contain_text("Học viên đang thấy (phiên bản 2)")
    expect(reviewer.locator("main")).to_contain_text("Trần Thị Duyệt duyệt lúc")
    expect(reviewer.locator("main")).to_contain_text("Do Lê Văn Giảng soạn lúc")

    # A new attempt draws the new wording; the attempts taken before keep the old one.
    third = take_quiz(learner, base)
    expect(learner.locator("main")).to_contain_text(NEW)
    expect(learner.locator("main")).not_to_contain_text(OLD)
    for attempt_id in (old_attempt, second):
        learner.goto(f"{base}/attempts/{attempt_id}/review")
        expect(learner.locator("main")).to_contain_text(OLD)
        expect(learner.locator("main")).not_to_contain_text(NEW)
    assert third not in (old_attempt, second)
    for page in (learner, author, reviewer):
        page.context.close()
