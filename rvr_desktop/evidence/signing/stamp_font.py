"""The typeface of the visible signature box: DejaVu Sans, cut down to the text it shows.

pyHanko's own TrueType support writes glyph widths in the font's units as if every font
had 1000 units per em; DejaVu has 2048, so its text would come out stretched to twice
its width. We hand pyHanko a subset of DejaVu holding only the characters in the box,
rescaled to 1000 units per em: correct spacing, names in any script DejaVu covers, and a
font small enough (a few KiB) that signing stays fast.
"""

from __future__ import annotations

import functools
import io
import logging
from pathlib import Path
from typing import Any

from fontTools import subset  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from fontTools.ttLib.scaleUpem import scale_upem  # type: ignore[import-untyped]
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.writer import BasePdfFileWriter

from rvr_desktop.evidence.documents.fonts import FontMissing, font_path

STAMP_FONT_FILE = "DejaVuSans.ttf"
PDF_UNITS_PER_EM = 1000


# Always kept in the subset, so the same officer's stamps share one cached subset whatever
# the signing time says.
_ALWAYS = "0123456789:-/+.,() UTC"


def _subset_for(font_file: Path, text: str) -> bytes:
    return _cached_subset(font_file, "".join(sorted(set(text + _ALWAYS))))


@functools.lru_cache(maxsize=16)
def _cached_subset(font_file: Path, characters: str) -> bytes:
    # Loading and cutting DejaVu takes a quarter of a second: once per officer is enough.
    text = characters
    # fontTools warns about each table it cannot subset (DejaVu's FFTM timestamp table).
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    font = TTFont(str(font_file))
    subsetter = subset.Subsetter(subset.Options(layout_features=["*"], notdef_outline=True))
    subsetter.populate(text=text)
    subsetter.subset(font)
    scale_upem(font, PDF_UNITS_PER_EM)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


class StampFont(FontEngineFactory):
    """A font engine factory for pyHanko holding just the glyphs of ``text``."""

    def __init__(self, text: str, font_size: int) -> None:
        path = font_path(STAMP_FONT_FILE)
        if not path.is_file():
            raise FontMissing(path)
        self.font_size = font_size
        self._font = _subset_for(path, text)

    def create_font_engine(
        self, writer: BasePdfFileWriter, obj_stream: Any = None
    ) -> GlyphAccumulator:
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(self._font),
            font_size=self.font_size,
            obj_stream=obj_stream,
        )
