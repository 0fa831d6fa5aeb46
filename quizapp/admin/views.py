"""The ``admin`` blueprint: the dashboard at /admin, and the nested blueprint of every admin area."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import audit_query as log
from ..auth.access import roles_required
from ..db import db
from ..models import AuditLog, Role, User
from ..paper.views import bp as paper_bp
from .audit import bp as audit_bp
from .classes import bp as classes_bp
from .lessons import bp as lessons_bp
from .overrides import bp as overrides_bp
from .question_files import bp as question_files_bp
from .questions.views import bp as questions_bp
from .regrade import bp as regrade_bp
from .roster import bp as roster_bp
from .slips import bp as slips_bp
from .topic_settings import bp as topic_settings_bp
from .users import bp as users_bp

bp = Blueprint("admin", __name__, url_prefix="/admin")
for child in (
    users_bp,
    roster_bp,
    slips_bp,
    audit_bp,
    classes_bp,
    topic_settings_bp,
    overrides_bp,
    questions_bp,
    regrade_bp,
    question_files_bp,
    lessons_bp,
    paper_bp,
):
    bp.register_blueprint(child)


@bp.route("/")
@roles_required(Role.ADMIN)
def index():
    """Counts of accounts by role and the latest audit entries."""
    counts = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    latest = db.session.scalars(
        log.changes_only(select(AuditLog)).options(selectinload(AuditLog.actor)).order_by(AuditLog.id.desc()).limit(10)
    ).all()
    return render_template(
        "admin/index.html", counts=counts, entries=latest, names=log.target_names(db.session, latest), log=log
    )
