"""Practice with JavaScript on a phone: questions and feedback follow each other without a page reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ..factories import PASSWORD, Factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_set_runs_without_reloading_the_page(live_app, phone):
    app, base = live_app
    make = Factories(app)
    user = make.user()
    make.topic(number=1, sections=2, per_section=2)
    phone.goto(f"{base}/login")
    phone.fill("#username", user.username)
    phone.fill("#password", PASSWORD)
    phone.click("button[type=submit]")
    phone.goto(f"{base}/topics/1/practice")
    phone.evaluate("window.samePage = true")  # gone if the browser loads a new page
    phone.click("#practice button[type=submit]")
    for n in range(1, 5):
        expect(phone.locator(".topic-number")).to_contain_text(f"câu {n}/4")
        phone.locator("label.option").first.click()
        phone.click("#practice button[type=submit]")
        expect(phone.locator(".feedback-heading .badge")).to_be_visible()
        phone.click("#practice a.button.primary")
    expect(phone.get_by_text("Đã hoàn thành lượt ôn luyện")).to_be_visible()
    assert phone.evaluate("window.samePage === true")
    assert phone.url.endswith("/practice/1")  # the address follows the set (history.pushState)
    assert phone.errors == []
