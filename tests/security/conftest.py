"""The browser fixtures (one Chromium per session, a live app) for the XSS test in this folder."""

from ..browser.conftest import browser, live_app  # noqa: F401 (fixtures, used by name)
