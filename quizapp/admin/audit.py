"""The audit log (/admin/audit): who changed what, when and why, filtered, paged and exported."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from .. import audit_query as log
from .. import exports, params
from ..auth.access import roles_required
from ..db import db
from ..i18n import gettext as _
from ..models import Role, utcnow
from ..pagination import Page
from ..web import local_datetime

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _describe(f: log.AuditFilter, actors) -> str:
    """The filter in words, printed above an export's table."""
    parts = []
    if f.actor:
        who = next((f"{u.full_name} ({u.username})" for u in actors if str(u.id) == f.actor), _("system"))
        parts.append(_("who: %(who)s", who=who))
    if f.action:
        parts.append(_("action: %(action)s", action=log.action_label(f.action)))
    if f.target_type or f.target:
        parts.append(
            _("object: %(object)s", object=" ".join(filter(None, [log.target_label(f.target_type), f.target])))
        )
    if f.date_from or f.date_to:
        start = f.date_from.strftime("%d/%m/%Y") if f.date_from else "…"
        end = f.date_to.strftime("%d/%m/%Y") if f.date_to else "…"
        parts.append(_("from %(start)s to %(end)s", start=start, end=end))
    return "; ".join(parts)


@bp.route("")
@roles_required(Role.ADMIN)
def index():
    """The audit log, newest first, filterable by who, action, object and local dates; CSV/XLSX export."""
    f = log.parse_audit_filter(request.args)
    actors, actions, kinds = log.choices(db.session)
    query = log.audit_query(f)
    fmt = params.args().choice("format", exports.FORMATS)
    if fmt:
        entries = list(db.session.scalars(query))
        table = log.audit_table(entries, log.target_names(db.session, entries), local_datetime)
        now = utcnow()
        export = exports.Export(
            _("Audit log"), _describe(f, actors), local_datetime(now), f"nhat-ky-thay-doi-{now:%Y%m%d}", [table]
        )
        return exports.response(export, fmt)
    page = Page.of(db.session, query, params.args().int("page", 1), current_app.config["PAGE_SIZE"])
    return render_template(
        "admin/audit.html",
        page=page,
        entries=page.items,
        names=log.target_names(db.session, page.items),
        f=f,
        actors=actors,
        actions=actions,
        kinds=kinds,
        log=log,
    )
