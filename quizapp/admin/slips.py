"""Login slips (/admin/users/slips): make them for accounts not yet used, then print them for 15 minutes.

The key that opens a batch lives only in its maker's session cookie (see accounts/slips.py), so
the database alone cannot reveal a password and no other admin can download someone's slips.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_login import current_user
from slugify import slugify
from sqlalchemy import select

from .. import exports
from ..accounts import slips as store
from ..accounts.slip_pdf import slips_pdf, slips_table
from ..accounts.users import fresh_passwords, never_logged_in
from ..auth.access import roles_required
from ..db import db, write_transaction
from ..i18n import gettext as _
from ..models import Cohort, Role, Ward, utcnow
from .account_forms import SlipsForm

bp = Blueprint("slips", __name__, url_prefix="/users/slips")
SESSION_KEY = "slip_keys"


def keep_slips(db_session, slips: list[store.Slip], label: str) -> str:
    """Store ``slips`` for the current admin; the key that opens them goes into their session only."""
    now = utcnow()
    token, key = store.keep(db_session, slips, current_user.id, label, now)
    keys = {t: v for t, v in session.get(SESSION_KEY, {}).items() if v[1] > now.timestamp()}
    keys[token] = [key, (now + store.LIFETIME).timestamp()]
    session[SESSION_KEY] = keys
    return token


def _open(token: str, now: datetime):
    """The current admin's batch ``token`` and its slips, or 404 (expired, someone else's, no key)."""
    batch = store.find(db.session, token, current_user.id, now)
    key = session.get(SESSION_KEY, {}).get(token, [None])[0]
    slips = store.read(batch, key) if batch is not None else None
    if slips is None:
        abort(404)
    return batch, slips


def _login_url() -> str:
    return url_for("auth.login", _external=True)


@bp.route("", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new():
    """Fresh one-time passwords for a ward's or class's accounts that have never logged in."""
    form = SlipsForm()
    wards = db.session.scalars(select(Ward).order_by(Ward.position)).all()
    cohorts = db.session.scalars(select(Cohort).order_by(Cohort.starts_on, Cohort.name)).all()
    form.ward.choices = [("", _("All"))] + [(w.code, w.full_name) for w in wards]
    form.cohort.choices = [("", _("All"))] + [(str(c.id), c.name) for c in cohorts]
    if form.validate_on_submit():
        ward = next((w for w in wards if w.code == form.ward.data), None)
        cohort = next((c for c in cohorts if str(c.id) == form.cohort.data), None)
        if ward is None and cohort is None:
            form.ward.errors = [*form.ward.errors, _("Choose a ward or a class.")]
        else:
            label = " · ".join(x for x in (ward.full_name if ward else "", cohort.name if cohort else "") if x)
            with write_transaction() as s:
                users = never_logged_in(s, ward.id if ward else None, cohort.id if cohort else None)
                token = None
                if users:
                    made = fresh_passwords(s, users, current_user.id, _("Login slips for %(what)s", what=label))
                    token = keep_slips(s, [store.slip_for(u, p) for u, p in made], label)
            if token is None:
                flash(_("Every account of %(what)s has already logged in; nothing was changed.", what=label), "info")
            else:
                return redirect(url_for(".batch", token=token))
    return render_template("admin/slips_new.html", form=form), 400 if form.errors else 200


@bp.route("/<token>")
@roles_required(Role.ADMIN)
def batch(token: str):
    """Who the slips are for, and the PDF and CSV downloads while they last."""
    from ..web import local_time  # web imports every area; importing it at load time would be circular

    batch, slips = _open(token, utcnow())
    return (
        render_template(
            "admin/slips.html",
            batch=batch,
            slips=slips,
            expires=local_time(batch.expires_at),
        ),
        200,
        {"Cache-Control": "private, no-store"},
    )


def _download(token: str, fmt: str):
    now = utcnow()
    with write_transaction() as s:
        batch, slips = _open(token, now)
        store.record_print(s, batch, slips, current_user.id, fmt)
        label = batch.label
    stem = "phieu-dang-nhap-" + (slugify(label)[:60] or "tai-khoan")
    if fmt == "pdf":
        data = slips_pdf(slips, _login_url(), title=_("Login slips: %(what)s", what=label))
        return exports.file_response(data, f"{stem}.pdf", "application/pdf")
    from ..web import local_datetime

    made = local_datetime(now, "dd/MM/yyyy HH:mm")
    export = exports.Export(_("Login slips"), label, made, stem, [slips_table(slips, _login_url())])
    return exports.response(export, "csv")


@bp.route("/<token>.pdf")
@roles_required(Role.ADMIN)
def pdf(token: str):
    """The slips as A4 pages of 8 with cut lines."""
    return _download(token, "pdf")


@bp.route("/<token>.csv")
@roles_required(Role.ADMIN)
def csv(token: str):
    """The slips as CSV (UTF-8 with BOM) through the app's export writer."""
    return _download(token, "csv")
