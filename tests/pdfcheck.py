"""Reading the PDFs the app makes, with wheels from requirements-dev.txt only (no system tools).

``pypdf`` reads text, pages and fonts; ``pypdfium2`` renders a page to an image; ``zxing-cpp``
decodes the QR codes on it. Tests of every area import these helpers from here.
"""

from __future__ import annotations

import io

import pypdfium2
import zxingcpp
from pypdf import PdfReader

#: Render resolution for QR decoding: a 30 mm code is then ~180 px, plenty for the decoder.
RENDER_DPI = 150


def _reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_count(data: bytes) -> int:
    """How many pages the PDF has."""
    return len(_reader(data).pages)


def pdf_text(data: bytes) -> str:
    """The text of every page, pages separated by a form feed."""
    return "\f".join(page.extract_text() for page in _reader(data).pages)


def fonts(data: bytes) -> dict[str, bool]:
    """Every font the pages use, by base name, and whether the file embeds it."""
    found: dict[str, bool] = {}
    for page in _reader(data).pages:
        resources = page.get("/Resources")
        for font in (resources.get("/Font", {}) if resources else {}).values():
            font = font.get_object()
            # A composite (Type0) font keeps its descriptor on its one descendant font.
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"]).lstrip("/")] = embedded
    return found


def qr_codes(data: bytes, page: int = 0) -> list[str]:
    """The text of every QR code on one page, rendered as a printer would."""
    document = pypdfium2.PdfDocument(data)
    try:
        bitmap = document[page].render(scale=RENDER_DPI / 72)
        image = bitmap.to_pil()
    finally:
        document.close()
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def pdf_pages_text(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def pdf_qr_codes(data: bytes, scale: float = 3) -> list[list[str]]:
    """The text of every QR code on every page, page by page."""
    document = pypdfium2.PdfDocument(data)
    try:
        found = []
        for page in document:
            image = page.render(scale=scale).to_pil()
            found.append([r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)])
            page.close()
        return found
    finally:
        document.close()
