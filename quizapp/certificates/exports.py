"""The register (sổ cấp chứng nhận) as rows for the app's export writer (CSV and XLSX)."""

from __future__ import annotations

from collections.abc import Sequence

from ..exports import Export, Table
from ..i18n import gettext as _
from ..models import Certificate, CertificateStatus
from ..timezone import local_date


def status_label(status: str) -> str:
    """A status in the UI language."""
    return {
        CertificateStatus.VALID: _("Valid"),
        CertificateStatus.REVOKED: _("Revoked"),
        CertificateStatus.SUPERSEDED: _("Superseded"),
    }.get(status, status)


def headers() -> list[str]:
    return [
        _("No."),
        _("Code"),
        _("Full name"),
        _("Ward"),
        _("Class"),
        _("Completed on"),
        _("Issued on"),
        _("Status"),
        _("Revoked on"),
        _("Reason"),
    ]


def rows(certificates: Sequence[Certificate]) -> list[list[str | int]]:
    """One row per certificate; names and wards as the certificate states them."""
    out = []
    for n, c in enumerate(certificates, start=1):
        snap = c.snapshot or {}
        out.append(
            [
                n,
                c.code,
                snap.get("full_name", c.user.full_name),
                snap.get("ward", ""),
                snap.get("cohort", ""),
                snap.get("completed_on", ""),
                local_date(c.issued_at).isoformat(),
                status_label(c.status),
                local_date(c.revoked_at).isoformat() if c.revoked_at else "",
                c.revoke_reason or "",
            ]
        )
    return out


def register_export(certificates: Sequence[Certificate], filter_text: str, made_at: str, filename: str) -> Export:
    """The register as the app's one export writer takes it (CSV and XLSX alike)."""
    table = Table(
        _("Certificates"),
        headers(),
        rows(certificates),
        widths=dict(enumerate((6, 18, 28, 24, 24, 14, 14, 14, 14, 40))),
    )
    return Export(_("Certificate register"), filter_text, made_at, filename, [table])
