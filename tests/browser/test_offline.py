"""The installable app in a real browser: manifest and service worker under the CSP, lessons read with the
network gone (server stopped and the browser offline), plain "needs a connection" pages, and a new course
version replacing the stored lessons."""

from __future__ import annotations

import re
import threading
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update
from werkzeug.serving import make_server

from quizapp.db import write_transaction
from quizapp.models import Section, Topic

from ..factories import PASSWORD, Factories
from .conftest import FLAGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


class Server:
    """The app on a loopback port that a test can take down for real (connections refused, not just emulated)."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        if self.thread.is_alive():
            self.server.shutdown()
            self.thread.join()
            self.server.server_close()


@pytest.fixture
def course(make_app):
    app = make_app()
    make = Factories(app)
    user = make.user()
    for number in (1, 2, 3):
        make.topic(number=number, sections=2, per_section=3)
    with app.app_context(), write_transaction() as s:
        for topic in s.scalars(select(Topic)):
            for section in topic.sections:
                section.body_md = f"Nội dung chuyên đề {topic.number}, mục {section.position}: học kỹ điều này."
    server = Server(app)
    yield app, server, user
    server.stop()


@pytest.fixture
def trainee_page(browser, course):
    """A phone-sized page logged in as the trainee, controlled by the service worker."""
    app, server, user = course
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    page.errors = []
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{server.base}/login")
    page.fill("#username", user.username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.base}/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    # The worker registers from the login page and claims the open pages when it activates. When it
    # activates while the login's redirect is loading this page, the claim comes before the page
    # exists and the page stays uncontrolled (seen once on a busy machine: no controller in 30 s).
    # A trainee's next tap is controlled; a reload is that tap.
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    yield app, server, page
    context.close()


def page_caches(page) -> list[str]:
    return page.evaluate("caches.keys().then(k => k.filter(n => n.startsWith('quizapp-pages-')))")


def wait_until(predicate, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def go_offline(page, server):
    server.stop()
    page.context.set_offline(True)


def test_manifest_and_worker_install_under_the_csp(browser, course, tmp_path):
    """Chromium's own installability check (what Android Chrome and Lighthouse ask) finds nothing missing.

    A persistent profile, because Chromium never offers to install from an incognito-like context.
    """
    app, server, user = course
    context = browser.browser_type.launch_persistent_context(
        tmp_path / "profile", executable_path=chromium_path(), args=FLAGS, viewport={"width": 360, "height": 740}
    )
    try:
        page = context.new_page()
        errors_logged = []
        page.on("console", lambda msg: errors_logged.append(msg.text) if msg.type == "error" else None)
        page.goto(f"{server.base}/login")
        page.evaluate("navigator.serviceWorker.ready")
        manifest = page.evaluate("fetch('/manifest.webmanifest').then(r => r.json())")
        assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
        assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        assert errors_logged == []  # a CSP refusal of the worker or the manifest would be logged here
    finally:
        context.close()


def test_opened_lesson_reads_offline_with_a_note(trainee_page):
    app, server, page = trainee_page
    page.goto(f"{server.base}/topics/2")
    expect(page.locator("#offline-note")).to_be_hidden()
    go_offline(page, server)
    page.goto(f"{server.base}/topics/2")
    expect(page.locator("h1")).to_contain_text("Chuyên đề 2")
    expect(page.get_by_text("Nội dung chuyên đề 2, mục 1")).to_be_visible()
    expect(page.locator("#offline-note")).to_have_text(re.compile(r"^Bản lưu ngoại tuyến, cập nhật lúc \d\d:\d\d "))
    # A lesson never opened, and a page that needs the server, say so plainly.
    page.goto(f"{server.base}/topics/3")
    expect(page.locator("h1")).to_have_text("Trang này cần kết nối mạng")
    expect(page.locator("#stored-lessons li:not([hidden])")).to_have_count(1)
    page.goto(f"{server.base}/results")
    expect(page.locator("h1")).to_have_text("Trang này cần kết nối mạng")


def test_download_all_lessons_then_read_them_offline(trainee_page):
    app, server, page = trainee_page
    page.click("#store-lessons")
    expect(page.locator("#store-lessons-status")).to_have_text("Đã lưu đủ 3 bài giảng trên thiết bị này.")
    go_offline(page, server)
    for number in (1, 2, 3):
        page.goto(f"{server.base}/topics/{number}")
        expect(page.get_by_text(f"Nội dung chuyên đề {number}, mục 1")).to_be_visible()
    # Starting a quiz needs the server: the form post gets the plain page, not the browser's error.
    page.click("#quiz button[type=submit] >> nth=0")
    expect(page.locator("h1")).to_have_text("Trang này cần kết nối mạng")


def test_a_new_course_version_replaces_stored_lessons(trainee_page):
    app, server, page = trainee_page
    page.goto(f"{server.base}/topics/1")
    with app.app_context(), write_transaction() as s:
        s.execute(update(Section).values(body_md="Bản sửa mới của bài giảng."))
    old = page_caches(page)
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    # The new worker stores fresh copies under a new name, then drops the old store.
    wait_until(lambda: (names := page_caches(page)) and len(names) == 1 and names != old)
    go_offline(page, server)
    page.goto(f"{server.base}/topics/1")
    expect(page.get_by_text("Bản sửa mới của bài giảng.").first).to_be_visible()


def test_logging_out_forgets_stored_pages(trainee_page):
    app, server, page = trainee_page
    page.goto(f"{server.base}/topics/1")
    wait_until(lambda: len(page_caches(page)) == 1)
    page.click("form[data-forget-offline] button")
    page.wait_for_url(re.compile("/login"))
    assert page_caches(page) == []
