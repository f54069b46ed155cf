"""The typeface of the visible signature box: DejaVu Sans, cut down to the text it shows.

pyHanko's own TrueType support writes glyph widths in the font's units as if every font
had 1000 units per em; DejaVu has 2048, so its text would come out stretched to twice
its width. We hand pyHanko a subset of DejaVu holding only the characters in the box,
rescaled to 1000 units per em: correct spacing, names in any script DejaVu covers, and a
font small enough (a few KiB) that signing stays fast.

The font program embedded in the PDF is made once per set of characters too. pyHanko
would cut the font again for each signature, to the glyphs that signature's text uses,
and write it out: two fontTools passes costing more than the signature itself. We embed
the whole cut-down font instead (a few glyphs more: every digit of the time, whichever
the time), written once; the glyph numbers are the same in the font pyHanko shapes the
text with and in the one embedded, so the text draws the same.
"""

from __future__ import annotations

import functools
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fontTools import subset  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from fontTools.ttLib.scaleUpem import scale_upem  # type: ignore[import-untyped]
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.writer import BasePdfFileWriter

from rvr_desktop.evidence.documents.fonts import FontMissing, font_path

STAMP_FONT_FILE = "DejaVuSans.ttf"
PDF_UNITS_PER_EM = 1000


# Always kept in the subset, so the same officer's stamps share one cached subset whatever
# the signing time says.
_ALWAYS = "0123456789:-/+.,() UTC"


# Tables only text shaping reads; pyHanko leaves them out of the fonts it embeds, as do we.
_SHAPING_ONLY = ("GDEF", "GPOS", "GSUB")


@dataclass(frozen=True)
class _StampFace:
    shaping: bytes
    """The cut-down font with its shaping tables (kerning, joined scripts), for HarfBuzz."""
    program: bytes
    """The same glyphs without the shaping tables: the font program the PDF embeds."""


def _face_for(font_file: Path, text: str) -> _StampFace:
    return _cached_face(font_file, "".join(sorted(set(text + _ALWAYS))))


@functools.lru_cache(maxsize=16)
def _cached_face(font_file: Path, characters: str) -> _StampFace:
    # Loading and cutting DejaVu takes a quarter of a second: once per officer is enough.
    # Only the characters are kept (the cache holds no more than an officer's name, rank
    # and station as letters), and both fonts are immutable bytes shared by every caller.
    text = characters
    # fontTools warns about each table it cannot subset (DejaVu's FFTM timestamp table).
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    font = TTFont(str(font_file))
    subsetter = subset.Subsetter(subset.Options(layout_features=["*"], notdef_outline=True))
    subsetter.populate(text=text)
    subsetter.subset(font)
    scale_upem(font, PDF_UNITS_PER_EM)
    shaping = io.BytesIO()
    font.save(shaping)
    for tag in _SHAPING_ONLY:
        if tag in font:
            del font[tag]
    program = io.BytesIO()
    font.save(program)
    return _StampFace(shaping.getvalue(), program.getvalue())


class _StampGlyphs(GlyphAccumulator):
    """pyHanko's glyph accumulator, embedding a font program made beforehand."""

    def __init__(
        self, writer: BasePdfFileWriter, face: _StampFace, font_size: int, obj_stream: Any
    ) -> None:
        super().__init__(
            writer=writer,
            font_handle=io.BytesIO(face.shaping),
            font_size=font_size,
            obj_stream=obj_stream,
        )
        cid_font = self.cidfont_obj

        def embed_program(pdf_writer: BasePdfFileWriter) -> generic.IndirectObject:
            stream = generic.StreamObject(stream_data=face.program)
            stream.compress()  # type: ignore[no-untyped-call]
            ref = pdf_writer.add_object(stream)
            # The font descriptor is written before its font file (pyHanko's CIDFont.embed).
            cid_font["/FontDescriptor"].get_object()["/FontFile2"] = ref
            return ref

        # Instead of saving the font object again for each signature (CIDFontType2).
        cid_font.set_font_file = embed_program  # type: ignore[method-assign, assignment]

    def _extract_subset(self, options: Any = None) -> None:
        # pyHanko cuts the font to the glyphs used before writing it out; the program we
        # embed is already cut, and cutting again is most of the time a signature takes.
        return


class StampFont(FontEngineFactory):
    """A font engine factory for pyHanko holding just the glyphs of ``text``."""

    def __init__(self, text: str, font_size: int) -> None:
        path = font_path(STAMP_FONT_FILE)
        if not path.is_file():
            raise FontMissing(path)
        self.font_size = font_size
        self._face = _face_for(path, text)

    def create_font_engine(
        self, writer: BasePdfFileWriter, obj_stream: Any = None
    ) -> GlyphAccumulator:
        return _StampGlyphs(writer, self._face, self.font_size, obj_stream)
