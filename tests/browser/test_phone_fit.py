"""Every trainee page fits a 360 px wide phone with no horizontal scrolling, at normal size and at 200 % text
size (the root font size doubled, as Android's font scaling does)."""

from __future__ import annotations

import re

import pytest

from ..factories import PASSWORD, Factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
WIDTH = 360


def overflow(page) -> dict[str, int]:
    """Document width at normal and doubled text size (0 when it fits)."""
    found = {}
    for label, size in (("100%", ""), ("200%", "212.5%")):  # app.css sets the root to 106.25 %
        page.evaluate("size => { document.documentElement.style.fontSize = size; }", size)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            found[label] = width
    page.evaluate("document.documentElement.style.fontSize = ''")
    return found


def test_every_trainee_page_fits_360_px(live_app, phone):
    app, base = live_app
    make = Factories(app)
    user = make.user(full_name="Nguyễn Thị Phương Thảo Hoàng Anh")
    make.topic(number=1, title="Nghiệp vụ công tác kiểm tra, giám sát và thi hành kỷ luật trong Đảng")
    found = {}
    phone.goto(f"{base}/login")
    found["login"] = overflow(phone)
    phone.fill("#username", user.username)
    phone.fill("#password", PASSWORD)
    phone.click("button[type=submit]")
    found["dashboard"] = overflow(phone)
    phone.goto(f"{base}/topics/1")
    found["lesson"] = overflow(phone)
    phone.click("#quiz button[type=submit]")
    phone.wait_for_url(re.compile(r"/attempts/\d+$"))
    found["quiz"] = overflow(phone)
    phone.locator("#q1 label.option").first.click()
    phone.once("dialog", lambda d: d.accept())
    phone.click("#submit-button")
    phone.wait_for_url(re.compile(r"/review$"))
    found["review"] = overflow(phone)
    phone.goto(f"{base}/topics/1/practice")
    found["practice"] = overflow(phone)
    phone.click("#practice button[type=submit]")
    phone.wait_for_selector("input[name=choice]")
    found["practice question"] = overflow(phone)
    phone.locator("label.option").first.click()
    phone.click("#practice button[type=submit]")
    phone.wait_for_selector(".feedback-heading")
    found["practice feedback"] = overflow(phone)
    for name, path in (
        ("results", "/results"),
        ("password", "/password"),
        ("verify", "/verify"),
        ("verify-unknown", "/verify/ABCD-EFGH-JKMN"),
        ("offline", "/offline"),
        ("not-found", "/no-such-page"),
    ):
        phone.goto(base + path)
        found[name] = overflow(phone)
    assert {page: v for page, v in found.items() if v} == {}
