"""WCAG 2.1 A/AA checks (axe-core, bundled by axe-playwright-python) on the pages people use."""

from __future__ import annotations

import re

import pytest

from ..factories import Factories
from .pages import log_in, violations

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_trainee_pages(live_app, phone):
    app, base = live_app
    make = Factories(app)
    user = make.user()
    make.topic(number=1)
    phone.goto(f"{base}/login")
    found = {"login": violations(phone)}
    log_in(phone, base, user.username)
    found["dashboard"] = violations(phone)
    phone.goto(f"{base}/topics/1")
    found["lesson"] = violations(phone)
    phone.click("#quiz button[type=submit]")
    phone.wait_for_url(re.compile(r"/attempts/\d+$"))
    phone.locator("#q1 label.option").first.click()
    found["quiz"] = violations(phone)
    phone.once("dialog", lambda d: d.accept())
    phone.click("#submit-button")
    phone.wait_for_url(re.compile(r"/review$"))
    found["review"] = violations(phone)
    phone.goto(f"{base}/results")
    found["results"] = violations(phone)
    phone.goto(f"{base}/topics/1/practice")
    found["practice"] = violations(phone)
    phone.click("#practice button[type=submit]")
    phone.wait_for_selector("input[name=choice]")
    found["practice question"] = violations(phone)
    phone.locator("label.option").first.click()
    phone.click("#practice button[type=submit]")
    phone.wait_for_selector(".feedback-heading")  # swapped in place by practice.js, no page load
    found["practice feedback"] = violations(phone)
    phone.goto(f"{base}/offline")
    found["offline"] = violations(phone)
    phone.goto(f"{base}/verify")
    found["verify"] = violations(phone)
    assert {page: v for page, v in found.items() if v} == {}


def test_staff_pages(live_app, browser):
    app, base = live_app
    make = Factories(app)
    make.topic(number=1)
    trainee = make.user()
    staff = make.user(role="admin", ward=None)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, base, staff.username)
    found = {}
    for name, url in [
        ("overview", "/reports"),
        ("ward", "/reports/wards/dong-ve"),
        ("trainee", f"/reports/trainees/{trainee.id}"),
        ("items", "/reports/topics/1"),
        ("admin", "/admin/"),
        ("users", "/admin/users"),
        ("audit", "/admin/audit"),
        ("certificates", "/admin/certificates"),
    ]:
        page.goto(base + url)
        assert page.title(), url
        found[name] = violations(page)
    context.close()
    assert {page: v for page, v in found.items() if v} == {}


def test_the_checker_itself_finds_violations(phone):
    """Guard against a silently empty check: a page with known faults must be reported."""
    phone.set_content('<html><body><img src="x.png"><input type="text"></body></html>')
    found = " ".join(violations(phone))
    assert "image-alt" in found and "html-has-lang" in found


def test_accounts_admin_pages(live_app, browser, tmp_path):
    """Issue 9's account pages: list, new, edit, one-time password, roster upload and preview, slips."""
    app, base = live_app
    make = Factories(app)
    make.wards()
    trainee = make.user(full_name="Nguyễn Thị Hằng")
    admin = make.user(role="admin", ward=None)
    roster = tmp_path / "ds.csv"
    roster.write_bytes("Họ và tên,Phường/xã,Lớp\nLê Thị Hoa,dong-ve,Lớp 1\nAi Đó,Dong Vee,\n".encode("utf-8-sig"))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, base, admin.username)
    found = {}
    for name, url in [
        ("users search", "/admin/users?q=nguyen+thi+hang&sort=ward&order=desc"),
        ("new account", "/admin/users/new"),
        ("account", f"/admin/users/{trainee.id}"),
        ("roster upload", "/admin/users/import"),
        ("slips for a class", "/admin/users/slips"),
    ]:
        page.goto(base + url)
        found[name] = violations(page)
    page.goto(f"{base}/admin/users/{trainee.id}")
    page.check("#reset-confirm")
    page.click("#reset-submit")
    page.wait_for_selector("#one-time-password")
    found["one-time password"] = violations(page)
    page.goto(f"{base}/admin/users/import")
    page.set_input_files("#file", str(roster))
    page.click("#submit")
    page.wait_for_selector("#row-3")
    found["roster preview with errors"] = violations(page)
    page.goto(f"{base}/admin/users/slips")
    page.select_option("#ward", "dong-ve")
    page.check("#confirm")
    page.click("#submit")
    page.wait_for_url(re.compile(r"/admin/users/slips/[^/]+$"))
    found["slips"] = violations(page)


def test_admin_area_pages(live_app, browser):
    """Classes, quiz settings (also with errors shown), a score override and the audit log."""
    app, base = live_app
    make = Factories(app)
    make.topic(number=1)
    cohort = make.cohort("Lớp 1")
    trainee = make.user(cohort_id=cohort.id)
    staff = make.user(role="admin", ward=None)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    log_in(page, base, staff.username)
    found = {}
    page.goto(f"{base}/admin/trainees/{trainee.id}/override")
    found["override"] = violations(page)
    page.fill("#score", "9")
    page.fill("#max_score", "10")
    page.fill("#reason", "Thi trên giấy")
    page.click("#submit")
    page.wait_for_url(re.compile(r"/reports/trainees/\d+$"))
    found["trainee with override"] = violations(page)
    page.goto(f"{base}/admin/topics/1/settings")
    found["settings"] = violations(page)
    page.fill("#time_limit_minutes", "500")
    page.click("#submit")
    assert page.locator(".error").count() >= 2  # the range and the missing reason
    found["settings with errors"] = violations(page)
    for name, url in [
        ("classes", "/admin/classes"),
        ("class", f"/admin/classes/{cohort.id}"),
        ("topics", "/admin/topics"),
        ("audit", "/admin/audit"),
    ]:
        page.goto(base + url)
        assert page.title(), url
        found[name] = violations(page)
    context.close()
    assert {page: v for page, v in found.items() if v} == {}


def test_question_bank_pages(live_app, browser):
    """Issue 10's bank: the list, a submitted version, the editor (also with errors), the approval preview."""
    app, base = live_app
    make = Factories(app)
    make.topic(number=1)
    admin = make.user(role="admin", ward=None)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    log_in(page, base, admin.username)
    found = {}
    page.goto(f"{base}/admin/questions/new?topic=1")
    found["new question"] = violations(page)
    page.fill("#text", "Câu hỏi thử?")
    page.click("#save")
    assert page.locator(".error").count() >= 2  # no section, no option
    found["editor with errors"] = violations(page)
    page.goto(f"{base}/admin/questions?q=cau+hoi+t1-101")
    page.click("a:text-is('t1-101')")
    page.click("#edit-link")
    page.fill("#text", "Câu hỏi đã sửa?")
    page.click("#save")
    page.click("#submit-version")
    page.wait_for_selector("#approve-version")
    found["question with a submitted version"] = violations(page)
    page.goto(f"{base}/admin/questions?status=submitted")
    found["bank"] = violations(page)
    page.check("input[name=version]")
    page.click("#selection button[type=submit]")
    page.wait_for_selector("#confirm-approve")
    found["approval preview"] = violations(page)
    context.close()
    assert {page: v for page, v in found.items() if v} == {}
