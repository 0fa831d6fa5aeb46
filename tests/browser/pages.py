"""What browser tests share: logging in through the form, and axe-core's WCAG 2.1 A/AA check of a page."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

from ..factories import PASSWORD

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page) -> list[str]:
    """The page's WCAG 2.1 A/AA violations, one line each (empty: none)."""
    results = Axe().run(page, options=WCAG).response
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})" for v in results["violations"]
    ]


def log_in(page, base, username):
    """Log in through the login form with the factories' password."""
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
