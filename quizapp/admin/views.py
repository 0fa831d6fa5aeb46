"""Views of the admin blueprint (admin role): the overview of accounts and the audit log.

Certificate administration lives with the certificates blueprint (/admin/certificates).
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..auth.access import roles_required
from ..db import db
from ..models import AuditLog, Role, User, Ward
from ..pagination import Page

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@roles_required(Role.ADMIN)
def index():
    """Counts of accounts by role and the latest audit entries."""
    counts = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    latest = db.session.scalars(
        select(AuditLog).options(selectinload(AuditLog.actor)).order_by(AuditLog.id.desc()).limit(10)
    ).all()
    return render_template("admin/index.html", counts=counts, latest=latest)


@bp.route("/users")
@roles_required(Role.ADMIN)
def users():
    """Every account, searchable by name or username, filterable by ward and role."""
    q = request.args.get("q", "").strip()
    ward = request.args.get("ward", "")
    role = request.args.get("role", "")
    query = select(User).options(selectinload(User.ward), selectinload(User.cohort)).order_by(User.full_name)
    if q:
        like = f"%{q}%"
        query = query.where(or_(User.full_name.ilike(like), User.username.ilike(like)))
    if ward:
        query = query.join(Ward, User.ward_id == Ward.id).where(Ward.code == ward)
    if role in set(Role):
        query = query.where(User.role == role)
    page = Page.of(db.session, query, request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"])
    wards = db.session.scalars(select(Ward).order_by(Ward.position)).all()
    return render_template("admin/users.html", page=page, wards=wards, q=q, ward=ward, role=role, roles=list(Role))


@bp.route("/audit")
@roles_required(Role.ADMIN)
def audit():
    """The audit log, newest first, filterable by action."""
    action = request.args.get("action", "").strip()
    query = select(AuditLog).options(selectinload(AuditLog.actor)).order_by(AuditLog.id.desc())
    if action:
        query = query.where(AuditLog.action.startswith(action))
    page = Page.of(db.session, query, request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"])
    return render_template("admin/audit.html", page=page, action=action)
