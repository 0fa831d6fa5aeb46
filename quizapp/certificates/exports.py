"""The register (sổ cấp chứng nhận) as rows, CSV (UTF-8 with BOM, for Excel) and XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from ..i18n import gettext as _
from ..models import Certificate, CertificateStatus
from .issuance import LOCAL_ZONE


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
                c.issued_at.astimezone(LOCAL_ZONE).date().isoformat(),
                status_label(c.status),
                c.revoked_at.astimezone(LOCAL_ZONE).date().isoformat() if c.revoked_at else "",
                c.revoke_reason or "",
            ]
        )
    return out


def to_csv(certificates: Sequence[Certificate]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers())
    writer.writerows(rows(certificates))
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(certificates: Sequence[Certificate]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Certificates")[:31]
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(certificates):
        sheet.append(row)
    for column, width in zip("ABCDEFGHIJ", (6, 18, 28, 24, 24, 14, 14, 14, 14, 40), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
