"""Reading rendered PDFs back, as a reader of the document would: text, fonts, pixels."""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from pypdf import PdfReader


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in reader(data).pages]


def xobject_subtypes(page: Any) -> list[str]:
    """The subtype of every XObject the page draws, through forms drawn inside it too (the
    furniture every page repeats is one form the pages share)."""
    found: list[str] = []
    pending = [page["/Resources"].get_object()]
    while pending:
        resources = pending.pop()
        for ref in resources.get("/XObject", {}).values():
            xobject = ref.get_object()
            found.append(str(xobject["/Subtype"]))
            if xobject["/Subtype"] == "/Form" and "/Resources" in xobject:
                pending.append(xobject["/Resources"].get_object())
    return found


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


def strings_at(data: bytes, page: int) -> list[tuple[str, float, float]]:
    """Every string drawn on page ``page`` (0-based) with where it starts: (text, x, y) in
    PDF points from the bottom-left corner."""
    found: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            found.append((text.strip(), x, y))

    reader(data).pages[page].extract_text(visitor_text=visit)
    return found


ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
"""A date written the ISO way, 2026-12-03: never in a document's text."""
MILLISECONDS = re.compile(r"\b\d{1,2}:\d{2}:\d{2}[.,]\d{1,3}\b")
"""A time to the millisecond, 19:37:34.123: never in a document's text."""
ISO_TIME = re.compile(r"\d{2}T\d{2}:\d{2}|\d{2}:\d{2}(:\d{2})?Z\b|[+-]\d{2}:\d{2}\b")
"""The 'T', 'Z' or '+01:00' of an ISO 8601 date-time."""


def machine_times(text: str) -> list[str]:
    """Dates and times in ``text`` written for a machine rather than a person."""
    return [
        m.group(0) for pattern in (ISO_DATE, MILLISECONDS, ISO_TIME) for m in pattern.finditer(text)
    ]


_SEPARATORS = "/-_."


def broken_words(lines: list[str], vocabulary: set[str]) -> list[str]:
    """Words of ``vocabulary`` that ``lines`` break across two lines in the middle, without
    a hyphen at the break and not at a separator ('/', '-', '_', or before a '.').

    A word split as 'organ-' / 'isation' (a hyphen added) or 'call-capture-' / 'bruising.png'
    (at its own separator) is fine; 'organisat' / 'ion' is not.
    """
    broken = []
    for first, second in itertools.pairwise(lines):
        if not first.split() or not second.split():
            continue
        tail, head = first.split()[-1], second.split()[0]
        if tail[-1] in _SEPARATORS or head[0] == ".":
            continue
        joined = (tail + head).strip("()[]{}.,;:'\"")
        if joined in vocabulary:
            broken.append(f"{tail} | {head}")
    return broken


def vocabulary_of(*texts: str) -> set[str]:
    """Every word of ``texts`` (and each part of a hyphenated word), without punctuation."""
    words: set[str] = set()
    for text in texts:
        for word in text.split():
            core = word.strip("()[]{}.,;:'\"")
            if len(core) > 3:
                words.add(core)
    return words
