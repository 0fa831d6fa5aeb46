"""Accounts administration (/admin/users): the list of every account."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..auth.access import roles_required
from ..db import db
from ..models import Role, User, Ward
from ..pagination import Page

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.route("")
@roles_required(Role.ADMIN)
def index():
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
