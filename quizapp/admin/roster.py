"""Roster import (/admin/users/import): upload → preview of every row → "Import" all or nothing → slips.

The same read/plan/commit functions as ``flask users import``; the file stays on the server
between preview and commit, bound by a signed ticket (accounts/roster_uploads.py).
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from ..accounts import roster
from ..accounts.roster_uploads import UploadRefused, claim, stash, ticket
from ..accounts.users import AccountError
from ..auth.access import roles_required
from ..db import db, write_transaction
from ..i18n import gettext as _
from ..models import Role, utcnow
from .account_forms import RosterCommitForm, RosterUploadForm
from .slips import keep_slips

bp = Blueprint("roster", __name__, url_prefix="/users/import")


def _upload_page(form: RosterUploadForm, status: int = 200):
    return render_template(
        "admin/roster_upload.html", form=form, max_rows=roster.MAX_ROWS, max_mb=roster.MAX_BYTES // (1024 * 1024)
    ), status


@bp.route("", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def upload():
    """Upload a roster and see every row as it will be saved, with errors and warnings in place."""
    form = RosterUploadForm()
    if not form.validate_on_submit():
        return _upload_page(form, 400 if form.errors else 200)
    file = form.file.data
    data, filename = file.read(), file.filename or ""
    file.close()  # a large upload is spooled to a temporary file: release it now
    try:
        rows = roster.read_roster(data, filename)
    except roster.RosterError as exc:
        form.file.errors = [*form.file.errors, str(exc)]
        return _upload_page(form, 400)
    plan = roster.plan_import(db.session, rows)
    commit_form = None
    if plan.ok:
        with write_transaction() as session:
            upload = stash(session, data, filename, current_user.id, utcnow())
            commit_form = RosterCommitForm(
                formdata=None, ticket=ticket(upload, plan.digest(), current_app.config["SECRET_KEY"])
            )
    return render_template("admin/roster_preview.html", plan=plan, filename=filename, commit_form=commit_form)


@bp.route("/commit", methods=["POST"])
@roles_required(Role.ADMIN)
def commit():
    """Import the previewed file, all or nothing, then show its login slips."""
    form = RosterCommitForm()
    if not form.validate_on_submit():
        return _refused(_("The import form was altered; upload the file again."))
    try:
        with write_transaction() as session:
            data, filename, previewed = claim(
                session, form.ticket.data, current_user.id, current_app.config["SECRET_KEY"], utcnow()
            )
            plan = roster.plan_import(session, roster.read_roster(data, filename))
            if plan.digest() != previewed:
                raise UploadRefused(_("The accounts changed since the preview; upload the file again to check it."))
            credentials = roster.commit_import(session, plan, actor_id=current_user.id)
            token = keep_slips(session, roster.slips_for(credentials), _("Roster %(file)s", file=filename))
    except (UploadRefused, roster.RosterError, AccountError) as exc:
        return _refused(str(exc))
    flash(_("%(n)d accounts have been created.", n=len(credentials)), "success")
    return redirect(url_for("admin.slips.batch", token=token))


def _refused(message: str):
    flash(message, "error")
    return _upload_page(RosterUploadForm(formdata=None), 400)
