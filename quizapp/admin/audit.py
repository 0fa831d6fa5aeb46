"""The audit log (/admin/audit): who changed what, when and why."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth.access import roles_required
from ..db import db
from ..models import AuditLog, Role
from ..pagination import Page

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.route("")
@roles_required(Role.ADMIN)
def index():
    """The audit log, newest first, filterable by action."""
    action = request.args.get("action", "").strip()
    query = select(AuditLog).options(selectinload(AuditLog.actor)).order_by(AuditLog.id.desc())
    if action:
        query = query.where(AuditLog.action.startswith(action))
    page = Page.of(db.session, query, request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"])
    return render_template("admin/audit.html", page=page, action=action)
