"""Who may fetch which certificate: the one lookup every certificate view goes through."""

from __future__ import annotations

from flask import abort

from ..db import db
from ..models import Certificate, User
from .services import find_by_code, may_download


def get_certificate_or_404(code: str, viewer: User | None = None) -> Certificate:
    """The certificate whose code ``code`` spells (leniently), or 404.

    With ``viewer``, also 404 when they may not download it: a trainee asking for someone else's
    certificate gets 404, not 403, so codes cannot be probed.
    """
    certificate = find_by_code(db.session, code)
    if certificate is None or (viewer is not None and not may_download(viewer, certificate)):
        abort(404)
    return certificate
