"""Browser fixtures: one Chromium per test session (Playwright) and a live app per test.

Chromium is Debian's /usr/bin/chromium, or QUIZAPP_CHROMIUM, or Playwright's own build when
neither exists (`make browser` installs one). A missing browser is an error, never a skip.
"""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from playwright.sync_api import sync_playwright

from .server import make_server

FLAGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> str | None:
    return os.environ.get("QUIZAPP_CHROMIUM") or shutil.which("chromium") or None


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def live_app(make_app):
    """The app served on a free loopback port in a background thread; yields (app, base_url)."""
    app = make_app()
    server = make_server(app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()  # waits for requests still running, then closes the socket


@pytest.fixture
def phone(browser, request):
    """A page the size of a small phone (360 x 740), collecting script errors.

    Tests marked `without_service_worker` get a context where the app's service worker never installs:
    Playwright's request interception (`route`) and offline emulation do not reliably cover requests from
    a page the worker controls. Seen here: a save aborted by `route` was held and then delivered to the
    server when the tab closed, ~1 run in 12 under load. Playwright's documentation recommends
    blocking workers wherever a test intercepts requests.
    """
    blocked = request.node.get_closest_marker("without_service_worker") is not None
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        service_workers="block" if blocked else "allow",
    )
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
