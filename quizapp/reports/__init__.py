"""Score reports by ward and topic, and item analysis (issue: reports)."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..auth.access import roles_required
from ..models import Role

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.route("")
@roles_required(Role.INSTRUCTOR, Role.ADMIN, Role.WARD_MANAGER)
def overview():
    """The ward x topic overview (being built)."""
    return render_template("reports/overview.html")
