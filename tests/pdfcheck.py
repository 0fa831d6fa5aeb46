"""Reading PDFs back in tests: their text (pypdf) and the QR codes on their pages (pypdfium2 + zxing-cpp)."""

from __future__ import annotations

import io

import pypdfium2
import zxingcpp
from pypdf import PdfReader


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
