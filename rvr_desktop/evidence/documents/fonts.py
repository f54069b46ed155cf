"""The embedded typeface: DejaVu Sans, shipped in resources/fonts/.

DejaVu covers Latin, Greek, Cyrillic and many other scripts, so names typed in those
scripts print as themselves. Fonts are registered with reportlab once per process and
embedded (subset) in every PDF, so a document looks the same on every computer.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.paths import resources_dir

REGULAR = "RvrSans"
BOLD = "RvrSans-Bold"

_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}
_lock = threading.Lock()
# Italic variants first, so the plain ones are what each font name maps back to.
_FACES: tuple[tuple[Literal[0, 1], Literal[0, 1]], ...] = ((0, 1), (1, 1), (0, 0), (1, 0))


class FontMissing(RvrError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"The font file {path} is missing from this installation, so documents cannot be "
            "printed. Reinstall RVR Desktop."
        )


def font_path(filename: str) -> Path:
    """A shipped font file, from a source checkout or a PyInstaller bundle."""
    return resources_dir() / "fonts" / filename


@dataclass(frozen=True)
class FontSet:
    regular: str
    bold: str
    covered: frozenset[int]
    """Code points the regular face has a glyph for."""


@cache
def _register() -> FontSet:
    for filename in _FILES.values():
        if not font_path(filename).is_file():
            raise FontMissing(font_path(filename))
    regular = TTFont(REGULAR, str(font_path(_FILES[REGULAR])))
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(TTFont(BOLD, str(font_path(_FILES[BOLD]))))
    # After registering (which maps each font to itself): bold text, whether from a bold
    # style or inline <b>, uses the bold face; there is no italic face.
    for bold, italic in _FACES:
        addMapping(REGULAR, bold, italic, BOLD if bold else REGULAR)
    return FontSet(REGULAR, BOLD, frozenset(regular.face.charToGlyph))


def fonts() -> FontSet:
    """Register the fonts (once, thread-safe) and return their names."""
    with _lock:
        return _register()


def unsupported_characters(*texts: str) -> tuple[str, ...]:
    """Printable characters in ``texts`` that the embedded font cannot draw, sorted."""
    covered = fonts().covered
    # Each distinct character once: a long statement repeats the same few dozen.
    present = set().union(*texts)
    missing = {ch for ch in present if ord(ch) not in covered and ch.isprintable()}
    missing.discard(" ")
    return tuple(sorted(missing))
