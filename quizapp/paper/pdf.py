"""The printed papers and the instructor's key sheet, as A4 portrait PDFs.

A paper: a header (trainee, ward, class, topic, attempt, the paper code and its QR code), the
answer grid (question number × option letters, boxes to tick), then the questions with their
options lettered in the paper's own order. Every page repeats the code and the name, so loose
pages find their paper again. The key sheet, printed separately for the instructor, has one
block per paper: its code, trainee and the right letters of each question. The fonts are the
certificates' (DejaVu Serif covers Vietnamese); text is NFC-normalised for fpdf2.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import segno
from fpdf import FPDF

from ..certificates.pdf import FONT, FONT_DIR, FONT_FILES, nfc
from ..models import Attempt, AttemptItem
from ..quiz.question_types import QUESTION_TYPES
from .codes import display
from .entry import key_letters, letters

MARGIN = 14.0
WIDTH = 210.0 - 2 * MARGIN
QR_SIZE = 26.0
#: Rows of the answer grid per column of blocks, and the size of a tick box (mm).
GRID_ROWS = 10
BOX = 5.0


class _Pdf(FPDF):
    """A4 portrait with the project's fonts; each page after a paper's first repeats its label."""

    def __init__(self, title: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        for style, filename in FONT_FILES.items():
            self.add_font(FONT, style, str(FONT_DIR / filename))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, MARGIN)
        self.set_creator("quizapp")
        self.set_title(nfc(title))
        self.label = ""
        self.first_page = 1

    def header(self) -> None:
        if self.label and self.page != self.first_page:
            self.set_font(FONT, "", 8)
            self.cell(WIDTH, 4, nfc(f"{self.label} · trang {self.page - self.first_page + 1}"), align="R")
            self.ln(7)

    def start(self, label: str) -> None:
        """Begin a new paper (or key block page) on a fresh page, labelled ``label``."""
        self.label = ""
        self.add_page()
        self.label = label
        self.first_page = self.page

    def text_line(self, text: str, size: float, style: str = "", height: float | None = None, width: float = 0) -> None:
        self.set_font(FONT, style, size)
        self.multi_cell(width or WIDTH, height or size * 0.5, nfc(text), new_x="LMARGIN", new_y="NEXT")


def _qr(code: str) -> io.BytesIO:
    """The code's QR as a PNG of whole-pixel modules (sharp when printed at 26 mm)."""
    buffer = io.BytesIO()
    segno.make(code, error="m").save(buffer, kind="png", scale=10, border=0)
    buffer.seek(0)
    return buffer


def _label(attempt: Attempt) -> str:
    return f"Mã bài {display(attempt.paper_code)} · {attempt.user.full_name}"


def _header(pdf: _Pdf, attempt: Attempt, course: str) -> None:
    user, topic = attempt.user, attempt.topic
    top = pdf.get_y()
    text_w = WIDTH - QR_SIZE - 6
    pdf.image(_qr(attempt.paper_code), MARGIN + WIDTH - QR_SIZE, top, QR_SIZE, QR_SIZE)
    if course:
        pdf.text_line(course, 9, width=text_w)
    pdf.text_line("BÀI KIỂM TRA TRÊN GIẤY", 15, "B", 8, width=text_w)
    pdf.text_line(f"Chuyên đề {topic.number}: {topic.title}", 10.5, "B", width=text_w)
    pdf.ln(1.5)
    pdf.text_line(f"Họ và tên: {user.full_name}", 11, "B", width=text_w)
    pdf.text_line(f"Đơn vị: {user.ward.full_name if user.ward else '—'}", 10, width=text_w)
    pdf.text_line(f"Lớp: {user.cohort.name if user.cohort else '—'}", 10, width=text_w)
    pdf.text_line(f"Lần làm bài: {attempt.number}/{topic.max_attempts}", 10, width=text_w)
    text_bottom = pdf.get_y()
    pdf.set_xy(MARGIN + WIDTH - QR_SIZE - 4, top + QR_SIZE + 1)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(QR_SIZE + 4, 5, display(attempt.paper_code), align="C")
    pdf.set_y(max(text_bottom + 3, top + QR_SIZE + 8))
    pdf.text_line(
        f"Đánh dấu X vào ô của phương án đúng trong bảng trả lời. Câu có ghi “nhiều đáp án” có thể có hơn một "
        f"phương án đúng: đánh dấu tất cả. Đạt khi đúng từ {topic.pass_percent} % số câu trở lên.",
        9,
        "I",
    )
    pdf.ln(2)


def _grid(pdf: _Pdf, items: Sequence[AttemptItem]) -> None:
    """The answer grid: blocks of GRID_ROWS questions side by side, each row a number and its boxes."""
    pdf.text_line("BẢNG TRẢ LỜI", 10, "B", 6)
    width = max(len(i.option_order) for i in items)
    block_w = 10 + width * (BOX + 2) + 6
    per_line = max(1, int(WIDTH // block_w))
    blocks = [items[k : k + GRID_ROWS] for k in range(0, len(items), GRID_ROWS)]
    for start in range(0, len(blocks), per_line):
        group = blocks[start : start + per_line]
        rows = max(len(b) for b in group)
        if pdf.get_y() + (rows + 1) * (BOX + 1.5) > pdf.h - MARGIN:
            pdf.add_page()
        top = pdf.get_y()
        for b, block in enumerate(group):
            x0 = MARGIN + b * block_w
            pdf.set_font(FONT, "B", 9)
            for k in range(width):
                pdf.set_xy(x0 + 10 + k * (BOX + 2), top)
                pdf.cell(BOX, 4, letters(width)[k], align="C")
            pdf.set_font(FONT, "", 9)
            for r, item in enumerate(block):
                y = top + 5 + r * (BOX + 1.5)
                pdf.set_xy(x0, y)
                pdf.cell(9, BOX, f"{item.position}.", align="R")
                for k in range(len(item.option_order)):
                    pdf.rect(x0 + 10 + k * (BOX + 2), y, BOX, BOX)
        pdf.set_y(top + 5 + rows * (BOX + 1.5) + 3)
    pdf.ln(2)


def _question(pdf: _Pdf, item: AttemptItem) -> None:
    version = item.question_version
    several = QUESTION_TYPES[version.type].multiple_choice
    pdf.text_line(f"Câu {item.position}. {version.text}" + (" (nhiều đáp án)" if several else ""), 10, "B", 5)
    for k, authored in enumerate(item.option_order):
        pdf.set_x(MARGIN + 5)
        pdf.text_line(f"{letters(len(item.option_order))[k]}. {version.options[authored]['text']}", 10, width=WIDTH - 5)
    pdf.ln(2)


def papers_pdf(attempts: Sequence[Attempt], course: str = "") -> bytes:
    """One paper per attempt, each starting on a new page."""
    pdf = _Pdf("Bài kiểm tra trên giấy")
    pdf.set_text_color(20, 20, 20)
    for attempt in attempts:
        pdf.start(_label(attempt))
        _header(pdf, attempt, course)
        _grid(pdf, attempt.items)
        for item in attempt.items:
            _question(pdf, item)
    if not attempts:
        pdf.add_page()
    return bytes(pdf.output())


def key_pdf(attempts: Sequence[Attempt], topic_title: str = "") -> bytes:
    """The instructor's key sheet: per paper its code, trainee and right letters, ten questions a row."""
    pdf = _Pdf("Đáp án bài kiểm tra trên giấy")
    pdf.set_text_color(20, 20, 20)
    pdf.start("Đáp án — không phát cho học viên")
    pdf.text_line("ĐÁP ÁN BÀI KIỂM TRA TRÊN GIẤY — dành cho giảng viên, không phát cho học viên", 12, "B", 6)
    if topic_title:
        pdf.text_line(topic_title, 10)
    pdf.ln(3)
    cell = WIDTH / GRID_ROWS
    for attempt in attempts:
        rows = -(-len(attempt.items) // GRID_ROWS)
        if pdf.get_y() + 8 + rows * 11 > pdf.h - MARGIN:
            pdf.add_page()
        user = attempt.user
        where = " · ".join(
            x for x in (user.ward.full_name if user.ward else "", user.cohort.name if user.cohort else "") if x
        )
        pdf.text_line(
            f"{display(attempt.paper_code)} — {user.full_name}" + (f" ({where})" if where else ""), 10, "B", 5
        )
        for start in range(0, len(attempt.items), GRID_ROWS):
            chunk = attempt.items[start : start + GRID_ROWS]
            y = pdf.get_y()
            for k, item in enumerate(chunk):
                pdf.set_xy(MARGIN + k * cell, y)
                pdf.set_font(FONT, "", 8)
                pdf.cell(cell, 4.5, str(item.position), border="LTR", align="C")
                pdf.set_xy(MARGIN + k * cell, y + 4.5)
                pdf.set_font(FONT, "B", 11)
                pdf.cell(cell, 5.5, key_letters(item), border="LBR", align="C")
            pdf.set_y(y + 11)
        pdf.ln(3)
    return bytes(pdf.output())
