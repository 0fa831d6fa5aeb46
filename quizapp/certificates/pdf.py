"""Drawing certificates as PDF: A4 landscape, Vietnamese, with the QR code of the verify page.

The wording comes from the Course row (``questions/course.yaml``, ``certificate:``), so an admin
changes it without code; positions, sizes and colours are the constants of :class:`Layout`. The
font is DejaVu Serif, shipped in ``fonts/`` (licence beside it), so a machine without system
fonts prints the same letters. Text is NFC-normalised: fpdf2 draws decomposed marks on top of
each other.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import segno
from slugify import slugify

from ..models import Certificate, CertificateStatus, Course
from ..quiz.rules import grade10
from ..timezone import LOCAL_ZONE, local_date

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_DIR = Path(__file__).parent / "fonts"
FONT = "DejaVuSerif"
FONT_FILES = {"": "DejaVuSerif.ttf", "B": "DejaVuSerif-Bold.ttf", "I": "DejaVuSerif-Italic.ttf"}

#: Wording used when course.yaml leaves a key out; course.yaml's ``certificate:`` overrides each.
DEFAULT_WORDING = {
    "motto": "ĐẢNG CỘNG SẢN VIỆT NAM",
    "superior": "",
    "heading": "GIẤY CHỨNG NHẬN",
    "intro": "Chứng nhận đồng chí",
    "body": "Đã hoàn thành chương trình bồi dưỡng gồm các chuyên đề dưới đây.",
    "place": "",
    "signer_title": "",
    "signer_role": "",
    "signer_name": "",
    "scan_hint": "Quét mã QR hoặc truy cập địa chỉ dưới đây để kiểm tra chứng nhận:",
}

#: Stamped across certificates that no longer stand, so a printout cannot pass for a valid one.
STAMPS = {CertificateStatus.REVOKED: "ĐÃ THU HỒI", CertificateStatus.SUPERSEDED: "ĐÃ ĐƯỢC CẤP LẠI"}


@dataclass(frozen=True)
class Layout:
    """Every position (mm), size (pt) and colour of the page, in one place."""

    width: float = 297
    height: float = 210
    frame_outer: float = 7
    frame_inner: float = 9.5
    frame_colour: tuple[int, int, int] = (160, 20, 30)
    accent: tuple[int, int, int] = (170, 20, 30)
    text_colour: tuple[int, int, int] = (20, 20, 20)
    column_left_x: float = 16
    column_right_x: float = 161
    column_width: float = 120
    header_y: float = 15
    header_size: float = 11
    heading_y: float = 36
    heading_size: float = 26
    intro_y: float = 51
    intro_size: float = 13
    name_size: float = 20
    details_y: float = 68
    text_size: float = 12
    body_width: float = 245
    table_y: float = 96
    table_widths: tuple[float, float, float] = (22, 178, 40)
    table_row: float = 6.4
    table_size: float = 10
    table_min_size: float = 7
    signature_y: float = 142
    signature_gap: float = 26
    qr_x: float = 18
    qr_y: float = 152
    qr_size: float = 36
    code_x: float = 58
    code_width: float = 95
    small_size: float = 8.5
    stamp_size: float = 60


LAYOUT = Layout()


def nfc(text: Any) -> str:
    """Text as fpdf2 must receive it: a string in composed (NFC) form."""
    return unicodedata.normalize("NFC", "" if text is None else str(text))


def wording_for(course: Course | None) -> dict[str, str]:
    """The certificate's words: defaults, then course.yaml's ``certificate:`` and issuing body."""
    words = dict(DEFAULT_WORDING)
    if course is not None:
        words["issuing_body"] = course.issuing_body
        words["course"] = course.title
        words.update({k: v for k, v in (course.settings or {}).get("certificate", {}).items() if v is not None})
    words.setdefault("issuing_body", "")
    words.setdefault("course", "")
    return {k: nfc(v) for k, v in words.items()}


def vn_date(value: date | str) -> str:
    """16/11/2026."""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def vn_long_date(place: str, day: date) -> str:
    """ "Thanh Hóa, ngày 16 tháng 11 năm 2026", the dateline of Vietnamese official papers."""
    prefix = f"{place}, ngày" if place else "Ngày"
    return f"{prefix} {day.day:02d} tháng {day.month:02d} năm {day.year}"


def printed_grade(score: int | None, max_score: int | None) -> str:
    """A topic result as printed: "8,0 (16/20)"."""
    if score is None or not max_score:
        return ""
    return f"{grade10(score, max_score):.1f}".replace(".", ",") + f" ({score}/{max_score})"


def new_document() -> FPDF:
    """An empty A4 landscape document with the certificate fonts loaded (~75 ms of parsing)."""
    # fpdf (with fontTools, Pillow and lxml) adds ~33 MB to a worker: imported on the first PDF,
    # so the workers that only serve quizzes never load it (issue 8, worker RSS).
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    for style, filename in FONT_FILES.items():
        pdf.add_font(FONT, style, str(FONT_DIR / filename))
    pdf.set_creator("quizapp")
    return pdf


def _centered(pdf: FPDF, x: float, y: float, width: float, text: str, size: float, style: str = "") -> None:
    pdf.set_font(FONT, style, size)
    pdf.set_xy(x, y)
    pdf.cell(width, size * 0.45, nfc(text), align="C")


def _fitted(pdf: FPDF, width: float, height: float, text: str, size: float, style: str = "", align="L") -> None:
    """A one-line table cell whose text shrinks (then is cut) to fit: long topic titles."""
    text, room = nfc(text), width - 3
    pdf.set_font(FONT, style, size)
    while size > LAYOUT.table_min_size and pdf.get_string_width(text) > room:
        size -= 0.5
        pdf.set_font(FONT, style, size)
    if pdf.get_string_width(text) > room:
        while text and pdf.get_string_width(text + "…") > room:
            text = text[:-1]
        text += "…"
    pdf.cell(width, height, text, border=1, align=align)


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*LAYOUT.frame_colour)
    pdf.set_line_width(1.2)
    o, i = LAYOUT.frame_outer, LAYOUT.frame_inner
    pdf.rect(o, o, LAYOUT.width - 2 * o, LAYOUT.height - 2 * o)
    pdf.set_line_width(0.3)
    pdf.rect(i, i, LAYOUT.width - 2 * i, LAYOUT.height - 2 * i)


def _header(pdf: FPDF, words: dict[str, str]) -> None:
    x_left, x_right, w, y = LAYOUT.column_left_x, LAYOUT.column_right_x, LAYOUT.column_width, LAYOUT.header_y
    size = LAYOUT.header_size
    lines = [(words["superior"].upper(), ""), (words["issuing_body"].upper(), "B"), ("*", "")]
    for k, (text, style) in enumerate(line for line in lines if line[0]):
        _centered(pdf, x_left, y + k * 5.5, w, text, size, style)
    _centered(pdf, x_right, y, w, words["motto"].upper(), size + 1, "B")
    pdf.set_line_width(0.3)
    pdf.set_draw_color(*LAYOUT.text_colour)
    half = pdf.get_string_width(nfc(words["motto"].upper())) / 2
    pdf.line(x_right + w / 2 - half, y + 6, x_right + w / 2 + half, y + 6)


def _identity(pdf: FPDF, snap: dict[str, Any], words: dict[str, str]) -> None:
    pdf.set_text_color(*LAYOUT.accent)
    _centered(pdf, 0, LAYOUT.heading_y, LAYOUT.width, words["heading"], LAYOUT.heading_size, "B")
    pdf.set_text_color(*LAYOUT.text_colour)
    _centered(pdf, 0, LAYOUT.intro_y, LAYOUT.width, words["intro"], LAYOUT.intro_size, "I")
    _centered(pdf, 0, LAYOUT.intro_y + 7, LAYOUT.width, snap.get("full_name", ""), LAYOUT.name_size, "B")
    details = [
        f"Chức vụ: {snap['position']}" if snap.get("position") else "",
        f"Đơn vị: {snap['ward']}" if snap.get("ward") else "",
        f"Lớp: {snap['cohort']}" if snap.get("cohort") else "",
    ]
    _centered(pdf, 0, LAYOUT.details_y, LAYOUT.width, "   ·   ".join(d for d in details if d), LAYOUT.text_size)
    pdf.set_font(FONT, "", LAYOUT.text_size)
    pdf.set_xy((LAYOUT.width - LAYOUT.body_width) / 2, LAYOUT.details_y + 7)
    pdf.multi_cell(LAYOUT.body_width, 5.6, nfc(words["body"]), align="C")
    # Certificates issued before classes had dates hold only the first attempt and completion days.
    studied_from = snap.get("studied_from") or snap.get("started_on")
    studied_to = snap.get("studied_to") or snap.get("completed_on")
    dates = (
        f"Thời gian học: từ ngày {vn_date(studied_from)} đến ngày {vn_date(studied_to)}"
        if studied_from and studied_to
        else ""
    )
    _centered(pdf, 0, pdf.get_y() + 1.5, LAYOUT.width, dates, LAYOUT.text_size - 1, "I")


def _scores(pdf: FPDF, topics: Sequence[dict[str, Any]]) -> None:
    widths, h = LAYOUT.table_widths, LAYOUT.table_row
    x = (LAYOUT.width - sum(widths)) / 2
    pdf.set_draw_color(*LAYOUT.text_colour)
    pdf.set_line_width(0.2)
    pdf.set_xy(x, LAYOUT.table_y)
    for width, head in zip(widths, ("Chuyên đề", "Tên chuyên đề", "Điểm (thang 10)"), strict=True):
        _fitted(pdf, width, h, head, LAYOUT.table_size, "B", align="C")
    for row, topic in enumerate(topics, start=1):
        pdf.set_xy(x, LAYOUT.table_y + row * h)
        _fitted(pdf, widths[0], h, str(topic.get("number", "")), LAYOUT.table_size, align="C")
        _fitted(pdf, widths[1], h, topic.get("title", ""), LAYOUT.table_size)
        _fitted(
            pdf, widths[2], h, printed_grade(topic.get("score"), topic.get("max_score")), LAYOUT.table_size, "B", "C"
        )


def _signature(pdf: FPDF, words: dict[str, str], issued_on: date) -> None:
    x, w, y = LAYOUT.column_right_x, LAYOUT.column_width, LAYOUT.signature_y
    _centered(pdf, x, y, w, vn_long_date(words["place"], issued_on), LAYOUT.text_size - 1, "I")
    lines = [words["signer_title"].upper(), words["signer_role"].upper()]
    for k, text in enumerate(t for t in lines if t):
        _centered(pdf, x, y + 6 + k * 5.5, w, text, LAYOUT.text_size, "B")
    _centered(pdf, x, y + 6 + LAYOUT.signature_gap + 5.5, w, words["signer_name"], LAYOUT.text_size + 1, "B")


def _qr(pdf: FPDF, url: str) -> None:
    """The verify URL as a vector QR code (sharp at any print resolution)."""
    qr = segno.make(url, error="m")
    rows = [list(r) for r in qr.matrix_iter(scale=1, border=0)]
    module = LAYOUT.qr_size / len(rows)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            # A hair of overlap so rasterisers leave no white seams between runs.
            pdf.rect(
                LAYOUT.qr_x + start * module,
                LAYOUT.qr_y + r * module,
                (c - start) * module + 0.02,
                module + 0.02,
                style="F",
            )


def _code(pdf: FPDF, words: dict[str, str], code: str, url: str) -> None:
    x, w, y = LAYOUT.code_x, LAYOUT.code_width, LAYOUT.qr_y + 4
    pdf.set_xy(x, y)
    pdf.set_font(FONT, "", LAYOUT.text_size - 1)
    pdf.cell(w, 6, "Mã chứng nhận: ")
    pdf.set_xy(x, y + 6)
    pdf.set_font(FONT, "B", LAYOUT.text_size + 3)
    pdf.cell(w, 8, code)
    pdf.set_xy(x, y + 16)
    pdf.set_font(FONT, "", LAYOUT.small_size)
    pdf.multi_cell(w, 4, nfc(words["scan_hint"]), align="L")
    pdf.set_x(x)
    pdf.cell(w, 4, url, link=url)


def _stamp(pdf: FPDF, status: str) -> None:
    text = STAMPS.get(status)
    if not text:
        return
    pdf.set_font(FONT, "B", LAYOUT.stamp_size)
    pdf.set_text_color(*LAYOUT.accent)
    width = pdf.get_string_width(text)
    with (
        pdf.local_context(fill_opacity=0.25, stroke_opacity=0.25),
        pdf.rotation(25, LAYOUT.width / 2, LAYOUT.height / 2),
    ):
        pdf.text(LAYOUT.width / 2 - width / 2, LAYOUT.height / 2 + 10, text)
    pdf.set_text_color(*LAYOUT.text_colour)


def draw_page(pdf: FPDF, certificate: Certificate, url: str, words: dict[str, str]) -> None:
    """Add one certificate as a page of ``pdf``; what it states comes from its snapshot."""
    snap = certificate.snapshot or {}
    pdf.add_page()
    pdf.set_text_color(*LAYOUT.text_colour)
    _frame(pdf)
    _header(pdf, words)
    _identity(pdf, snap, words)
    _scores(pdf, snap.get("topics", []))
    _signature(pdf, words, local_date(certificate.issued_at))
    _qr(pdf, url)
    _code(pdf, words, certificate.code, url)
    _stamp(pdf, certificate.status)


def render_pdf(items: Iterable[tuple[Certificate, str]], words: dict[str, str], title: str = "") -> bytes:
    """One PDF with a page per ``(certificate, verify URL)``: a trainee's, or a ward's to print."""
    pdf = new_document()
    pdf.set_title(nfc(title or words.get("heading", "")))
    pdf.set_author(nfc(words.get("issuing_body", "")))
    pdf.set_creation_date(datetime.now(LOCAL_ZONE))
    for certificate, url in items:
        draw_page(pdf, certificate, url, words)
    return bytes(pdf.output())


def file_name(certificate: Certificate) -> str:
    """An ASCII file name that says whose it is: ``ham-rong-nguyen-thi-hang-TH21-7K3M-Q9XD.pdf``."""
    snap = certificate.snapshot or {}
    parts = [snap.get("ward_code", ""), slugify(snap.get("full_name", "")), certificate.code]
    return "-".join(p for p in parts if p) + ".pdf"


def render_zip(items: Iterable[tuple[Certificate, str]], words: dict[str, str]) -> bytes:
    """A ZIP of one PDF per certificate (for sending each trainee their own file)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for certificate, url in items:
            data = render_pdf([(certificate, url)], words, title=certificate.snapshot.get("full_name", ""))
            archive.writestr(file_name(certificate), data)
    return buffer.getvalue()
