"""Helpers shared by the admin tests: clients for each role and a CSRF-checking app."""

from __future__ import annotations

import re

from sqlalchemy import select

from quizapp.db import write_transaction
from quizapp.models import AuditLog, Role

from .factories import PASSWORD

#: Every role that must be refused on the admin pages.
NON_ADMINS = [(Role.INSTRUCTOR, None), (Role.WARD_MANAGER, "dong-ve"), (Role.TRAINEE, "dong-ve")]


def admin_client(app, make, login, **fields):
    """A test client logged in as a fresh admin."""
    return login(make.user(role=Role.ADMIN, ward=None, **fields), app.test_client())


def csrf_client(app, user):
    """A client of an app with CSRF on, logged in with a real token (later POSTs carry none)."""
    c = app.test_client()
    page = c.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    response = c.post("/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return c


def audit_entries(app, action: str) -> list[AuditLog]:
    """Audit entries with ``action``, oldest first, detached from the session."""
    with app.app_context(), write_transaction() as s:
        entries = list(s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))
        s.expunge_all()
        return entries
