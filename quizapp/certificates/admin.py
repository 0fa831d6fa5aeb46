"""Admin pages: the register with filters and exports, a ward's print files, revoke and reissue."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import exports as export_writer
from .. import params
from ..auth.access import roles_required
from ..db import db, write_transaction
from ..i18n import gettext as _
from ..models import AuditLog, Certificate, Cohort, Role, Ward, utcnow
from ..pagination import Page
from ..web import local_datetime
from . import exports, pdf
from .access import get_certificate_or_404
from .delivery import file_response, print_items, wording
from .forms import RecheckForm, ReissueForm, RevokeForm
from .lookups import lookup_stats
from .services import (
    CertificateError,
    RegisterFilter,
    recheck,
    register_query,
    reissue,
    revoke,
    ward_certificates,
)

bp = Blueprint("admin", __name__, url_prefix="/admin/certificates")


def get_ward_or_404(ward_code: str) -> Ward:
    ward = db.session.scalar(select(Ward).where(Ward.code == ward_code))
    if ward is None:
        abort(404)
    return ward


def register_filter() -> RegisterFilter:
    """The register's filters from the query string (unknown values are ignored)."""
    p = params.args()
    return RegisterFilter(ward=p.str("ward", max_length=60), cohort_id=p.int("cohort"), status=p.str("status"))


@bp.route("")
@roles_required(Role.ADMIN)
def register():
    """The register of issued certificates, filtered by ward, class and status; CSV/XLSX export."""
    f = register_filter()
    query = register_query(f)
    fmt = params.args().choice("format", export_writer.FORMATS)
    if fmt:
        certificates = list(db.session.scalars(query).unique())
        stem = "so-cap-chung-nhan" + (f"-{f.ward}" if f.ward else "")
        made = local_datetime(utcnow(), "dd/MM/yyyy HH:mm")
        return export_writer.response(exports.register_export(certificates, "", made, stem), fmt)
    page = Page.of(db.session, query, params.args().int("page", 1), current_app.config["PAGE_SIZE"])
    wards = list(db.session.scalars(select(Ward).order_by(Ward.position)))
    ward = next((w for w in wards if w.code == f.ward), None)
    return render_template(
        "certificates/admin/register.html",
        page=page,
        f=f,
        wards=wards,
        ward=ward,
        cohorts=list(db.session.scalars(select(Cohort).order_by(Cohort.starts_on, Cohort.name))),
        ward_valid=len(ward_certificates(db.session, ward.code)) if ward else 0,
        status_label=exports.status_label,
        recheck_form=RecheckForm(),
    )


@bp.route("/recheck", methods=["POST"])
@roles_required(Role.ADMIN)
def recheck_all():
    """Issue the certificates due to trainees who passed every topic but hold none."""
    if RecheckForm().validate_on_submit():
        with write_transaction() as session:
            issued = recheck(session, actor_id=current_user.id, now=utcnow())
        flash(_("%(n)d certificate(s) issued.", n=len(issued)), "success")
    return redirect(url_for(".register"))


@bp.route("/<code>")
@roles_required(Role.ADMIN)
def detail(code: str):
    """One certificate: what it states, its status and history, and the revoke/reissue forms."""
    certificate = get_certificate_or_404(code)
    return _detail(certificate, RevokeForm(prefix="revoke"), ReissueForm(prefix="reissue"))


def _detail(certificate: Certificate, revoke_form: RevokeForm, reissue_form: ReissueForm, status: int = 200):
    history = db.session.scalars(
        select(AuditLog)
        .where(
            AuditLog.target_type == "certificate",
            AuditLog.target_id == certificate.code,
            AuditLog.action != "certificate.verify",
        )
        .order_by(AuditLog.at)
    ).all()
    return render_template(
        "certificates/admin/detail.html",
        certificate=certificate,
        snap=certificate.snapshot or {},
        history=history,
        revoke_form=revoke_form,
        reissue_form=reissue_form,
        status_label=exports.status_label,
        lookups=lookup_stats(db.session, certificate.id),
    ), status


@bp.route("/<code>/revoke", methods=["POST"])
@roles_required(Role.ADMIN)
def revoke_view(code: str):
    """Revoke after a reason and a ticked confirmation."""
    certificate = get_certificate_or_404(code)
    form = RevokeForm(prefix="revoke")
    if not form.validate_on_submit():
        return _detail(certificate, form, ReissueForm(prefix="reissue"), 400)
    try:
        with write_transaction() as session:
            revoke(session, certificate, actor_id=current_user.id, reason=form.reason.data, now=utcnow())
    except CertificateError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for(".detail", code=certificate.code))
    flash(_("Certificate %(code)s has been revoked.", code=certificate.code), "success")
    return redirect(url_for(".detail", code=certificate.code))


@bp.route("/<code>/reissue", methods=["POST"])
@roles_required(Role.ADMIN)
def reissue_view(code: str):
    """Reissue after a reason and a ticked confirmation; the old code reads "superseded"."""
    certificate = get_certificate_or_404(code)
    form = ReissueForm(prefix="reissue")
    if not form.validate_on_submit():
        return _detail(certificate, RevokeForm(prefix="revoke"), form, 400)
    try:
        with write_transaction() as session:
            new = reissue(session, certificate, actor_id=current_user.id, reason=form.reason.data, now=utcnow())
            new_code = new.code
    except CertificateError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for(".detail", code=certificate.code))
    flash(_("Certificate reissued: the new code is %(code)s.", code=new_code), "success")
    return redirect(url_for(".detail", code=new_code))


@bp.route("/wards/<ward_code>.pdf")
@roles_required(Role.ADMIN)
def ward_pdf(ward_code: str):
    """Every valid certificate of a ward in one print-ready PDF, a page each."""
    ward = get_ward_or_404(ward_code)
    certificates = ward_certificates(db.session, ward.code)
    if not certificates:
        abort(404)
    data = pdf.render_pdf(print_items(certificates), wording(), title=ward.full_name)
    return file_response(data, f"chung-nhan-{ward.code}.pdf")


@bp.route("/wards/<ward_code>.zip")
@roles_required(Role.ADMIN)
def ward_zip(ward_code: str):
    """Every valid certificate of a ward as separate PDFs in a ZIP."""
    ward = get_ward_or_404(ward_code)
    certificates = ward_certificates(db.session, ward.code)
    if not certificates:
        abort(404)
    return file_response(
        pdf.render_zip(print_items(certificates), wording()), f"chung-nhan-{ward.code}.zip", "application/zip"
    )
