"""Small statement-like PDFs made with reportlab, and the byte-level tampering a forger tries."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from rvr_desktop.evidence.documents.model import SignatureBox

# Where the "renderer" leaves room for the signature: bottom right of the last page.
SIGNATURE_BOX = SignatureBox(page_index=-1, x1=330, y1=40, x2=560, y2=110)


def statement_pdf(pages: int = 2) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, pageCompression=0)  # text findable for tampering
    for number in range(1, pages + 1):
        page.drawString(72, 770, "WITNESS STATEMENT (test)")
        page.drawString(72, 740, f"Page {number} of {pages}: the witness describes the events.")
        page.showPage()
    page.save()
    return buffer.getvalue()


def flip_byte_inside_signed_range(pdf: bytes) -> bytes:
    """Change one character of page content (inside the first signed byte range)."""
    at = pdf.index(b"WITNESS STATEMENT")
    return pdf[:at] + b"V" + pdf[at + 1 :]


def append_after_eof(pdf: bytes) -> bytes:
    return pdf + b"\n% appended after signing\n"


def append_incremental_update(path: Path) -> None:
    """Add a page the way a careless tool would: an incremental update, signature untouched."""
    writer = PdfWriter(path, incremental=True)
    writer.add_blank_page()
    with path.open("ab") as handle:
        writer.write(handle)
