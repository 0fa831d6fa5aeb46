"""Public and trainee pages: the certificate PDF and verification by code (no login)."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import Session

from .. import params, throttle
from ..db import write_transaction
from ..i18n import gettext as _
from ..models import Certificate, utcnow
from . import lookups, pdf
from .access import get_certificate_or_404
from .admin import bp as admin_bp
from .delivery import file_response, print_items, wording
from .issuance import normalise_code
from .services import current_of, find_by_code

bp = Blueprint("certificates", __name__, static_folder="static", static_url_path="/certificates/static")
bp.register_blueprint(admin_bp)


@bp.route("/certificates/<code>.pdf", endpoint="pdf")
@login_required
def download(code: str):
    """The certificate as a PDF, for its owner, admins, instructors and the ward's manager."""
    certificate = get_certificate_or_404(code, viewer=current_user)
    data = pdf.render_pdf(print_items([certificate]), wording(), title=certificate.snapshot.get("full_name", ""))
    return file_response(data, pdf.file_name(certificate), inline=True)


def client_address() -> str:
    return request.remote_addr or "unknown"


def record_lookup(session: Session, certificate: Certificate | None, now: datetime) -> bool:
    """Count one lookup by this address, in the caller's transaction; False when over the limit.

    A found certificate's verification is counted on it (lookups.py), never in the audit log.
    """
    address = client_address()
    key = f"verify:{address}"
    config = current_app.config
    if throttle.is_limited(session, key, config["VERIFY_MAX_PER_ADDRESS"], config["VERIFY_WINDOW_SECONDS"], now):
        current_app.logger.warning("certificate lookups from %s over the limit", address)
        return False
    throttle.hit(session, key, now)
    if certificate is not None:
        lookups.count_lookup(session, certificate.id, now)
    return True


@bp.route("/verify")
def verify_form():
    """A form to type a code; a typed code goes to its page, however it was spelled."""
    typed = params.args().str("code", max_length=60)
    if typed:
        code = normalise_code(typed)
        if code:
            return redirect(url_for("certificates.verify", code=code))
        return render_template(
            "certificates/verify_form.html",
            typed=typed,
            error=_("A certificate code has 12 letters and digits, like TH21-7K3M-Q9XD."),
        ), 400
    return render_template("certificates/verify_form.html", typed="", error=None)


@bp.route("/verify/<code>")
def verify(code: str):
    """What a certificate states and whether it stands: valid, revoked or superseded."""
    normalised = normalise_code(code)
    if normalised and normalised != code:
        return redirect(url_for("certificates.verify", code=normalised))
    with write_transaction() as session:
        # Found inside the transaction that records the lookup, so it is loaded once (db.py).
        certificate = find_by_code(session, normalised)
        allowed = record_lookup(session, certificate, utcnow())
    if not allowed:
        abort(429)
    if certificate is None:
        response = Response(render_template("certificates/verify.html", code=code, certificate=None), status=404)
    else:
        current = current_of(certificate) if certificate.superseded_by_id else None
        snap = certificate.snapshot or {}
        response = Response(
            render_template(
                "certificates/verify.html",
                code=certificate.code,
                certificate=certificate,
                snap=snap,
                course=snap.get("course") or wording().get("course", ""),
                current=current,
            )
        )
    response.headers["Cache-Control"] = "no-store"  # the status may change at any moment
    response.headers["X-Robots-Tag"] = "noindex"
    return response
