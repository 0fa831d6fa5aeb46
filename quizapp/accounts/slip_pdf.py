"""Login slips on paper and in a spreadsheet: A4 pages of 8 slips with cut lines, and the same as CSV.

Each slip carries the name, ward, class, username, one-time password, the login URL and its QR
code. The fonts are the certificates' (DejaVu Serif covers Vietnamese). Every slip shows the same
QR code, so it is one PNG image embedded once and placed on each slip: a class of 500 renders in
a fraction of the time 500 vector drawings take.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import segno

from ..certificates.pdf import FONT, FONT_DIR, FONT_FILES, nfc
from ..exports import Table
from ..i18n import gettext as _
from .slips import Slip

if TYPE_CHECKING:
    from fpdf import FPDF

PAGE_W, PAGE_H = 210.0, 297.0
COLUMNS, ROWS = 2, 4
SLIP_W, SLIP_H = PAGE_W / COLUMNS, PAGE_H / ROWS
PAD = 7.0
QR_SIZE = 30.0


def _fit(pdf: FPDF, text: str, width: float, size: float, style: str = "") -> None:
    """Set a font size at which ``text`` fits ``width`` (long names shrink rather than overflow)."""
    pdf.set_font(FONT, style, size)
    while size > 6 and pdf.get_string_width(text) > width:
        size -= 0.5
        pdf.set_font(FONT, style, size)


def _line(pdf: FPDF, x: float, y: float, width: float, text: str, size: float, style: str = "") -> None:
    text = nfc(text)
    _fit(pdf, text, width, size, style)
    pdf.set_xy(x, y)
    pdf.cell(width, size * 0.42, text)


def _cut_lines(pdf: FPDF) -> None:
    pdf.set_draw_color(120, 120, 120)
    pdf.set_line_width(0.2)
    with pdf.local_context():
        pdf.set_dash_pattern(dash=2, gap=1.5)
        for c in range(1, COLUMNS):
            pdf.line(c * SLIP_W, 0, c * SLIP_W, PAGE_H)
        for r in range(1, ROWS):
            pdf.line(0, r * SLIP_H, PAGE_W, r * SLIP_H)


def _qr_png(url: str) -> io.BytesIO:
    """The URL's QR code as a PNG whose modules are whole pixels (sharp when printed at 30 mm)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=12, border=0)
    buffer.seek(0)
    return buffer


def _slip(pdf: FPDF, slip: Slip, x: float, y: float, login_url: str, qr: io.BytesIO, course: str) -> None:
    text_w = SLIP_W - 3 * PAD - QR_SIZE
    x0, y0 = x + PAD, y + PAD
    _line(pdf, x0, y0, SLIP_W - 2 * PAD, "PHIẾU ĐĂNG NHẬP" + (f" · {course}" if course else ""), 8, "B")
    _line(pdf, x0, y0 + 6, text_w, slip.full_name, 12, "B")
    _line(pdf, x0, y0 + 12, text_w, slip.ward, 9)
    _line(pdf, x0, y0 + 16.5, text_w, f"Lớp: {slip.cohort}" if slip.cohort else "", 9)
    _line(pdf, x0, y0 + 23, text_w, "Tên đăng nhập:", 8.5)
    _line(pdf, x0, y0 + 27, text_w, slip.username, 13, "B")
    _line(pdf, x0, y0 + 34, text_w, "Mật khẩu lần đầu:", 8.5)
    _line(pdf, x0, y0 + 38, text_w, slip.password, 13, "B")
    _line(pdf, x0, y0 + 46, SLIP_W - 2 * PAD, f"Đăng nhập tại: {login_url}", 8)
    pdf.set_xy(x0, y0 + 50)
    pdf.set_font(FONT, "I", 7.5)
    pdf.multi_cell(
        SLIP_W - 2 * PAD,
        3.3,
        nfc("Lần đầu đăng nhập, hệ thống yêu cầu đặt mật khẩu mới. Giữ phiếu này cẩn thận, không đưa cho người khác."),
        align="L",
    )
    pdf.image(qr, x + SLIP_W - PAD - QR_SIZE, y0 + 6, QR_SIZE, QR_SIZE)


def slips_pdf(slips: list[Slip], login_url: str, title: str = "", course: str = "") -> bytes:
    """A4 portrait pages of 2 × 4 slips with dashed cut lines."""
    from fpdf import FPDF  # on first use: ~33 MB no quiz worker needs (certificates/pdf.py)

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    for style, filename in FONT_FILES.items():
        pdf.add_font(FONT, style, str(FONT_DIR / filename))
    pdf.set_creator("quizapp")
    pdf.set_title(nfc(title or "Phiếu đăng nhập"))
    per_page = COLUMNS * ROWS
    qr = _qr_png(login_url)
    for index, slip in enumerate(slips):
        if index % per_page == 0:
            pdf.add_page()
            pdf.set_text_color(20, 20, 20)
            _cut_lines(pdf)
        cell = index % per_page
        _slip(pdf, slip, (cell % COLUMNS) * SLIP_W, (cell // COLUMNS) * SLIP_H, login_url, qr, course)
    if not slips:
        pdf.add_page()
    return bytes(pdf.output())


def slips_table(slips: list[Slip], login_url: str) -> Table:
    """The slips as one table for the export writer (CSV with BOM, formulas neutralised)."""
    return Table(
        title=_("Login slips"),
        headers=[
            _("Full name"),
            _("Ward or commune"),
            _("Class"),
            _("Username"),
            _("One-time password"),
            _("Log in at"),
        ],
        rows=[[s.full_name, s.ward, s.cohort, s.username, s.password, login_url] for s in slips],
    )
