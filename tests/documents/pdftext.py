"""Reading rendered PDFs back, as a reader of the document would: text, fonts, pixels."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

from pypdf import PdfReader


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in reader(data).pages]


def words_of(text: str) -> list[str]:
    return text.split()


def font_descriptors(data: bytes) -> list[dict[str, Any]]:
    """Every FontDescriptor reached from any page's font resources."""
    found: list[dict[str, Any]] = []
    for page in reader(data).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            found.append(
                {
                    "base": str(font["/BaseFont"]),
                    "descriptor": None if descriptor is None else descriptor.get_object(),
                }
            )
    return found


def render_page_png(data: bytes, page: int, tmp_path: Path, dpi: int = 100) -> Path:
    """Render one page (1-based) with poppler's pdftoppm."""
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm is not None, "pdftoppm (poppler-utils) is needed: run ./dev test once"
    tmp_path.mkdir(parents=True, exist_ok=True)
    source = tmp_path / "doc.pdf"
    source.write_bytes(data)
    prefix = tmp_path / f"page{page}"
    subprocess.run(
        [
            pdftoppm,
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-png",
            "-singlefile",
            str(source),
            str(prefix),
        ],
        check=True,
    )
    return prefix.with_suffix(".png")
