"""Turning certificates into files: verify URLs for the QR codes, wording, download responses."""

from __future__ import annotations

from flask import Response, current_app, has_request_context, url_for

from .. import exports
from ..db import db
from ..models import Certificate, Course
from . import pdf


def verify_url(code: str) -> str:
    """The absolute URL a QR code opens: from the request when there is one, else PUBLIC_URL."""
    if has_request_context():
        return url_for("certificates.verify", code=code, _external=True)
    return current_app.config["PUBLIC_URL"].rstrip("/") + f"/verify/{code}"


def print_items(certificates: list[Certificate]) -> list[tuple[Certificate, str]]:
    """Pair each certificate with the URL its QR code encodes."""
    return [(c, verify_url(c.code)) for c in certificates]


def wording() -> dict[str, str]:
    """The certificate wording as the admin last loaded it from course.yaml."""
    return pdf.wording_for(db.session.get(Course, 1))


def file_response(data: bytes, filename: str, mimetype: str = "application/pdf", inline: bool = False) -> Response:
    """A certificate file (PDF unless told otherwise) through the app's one download response."""
    return exports.file_response(data, filename, mimetype, inline)
