"""Layout pieces the standard reportlab flowables do not provide.

- :class:`CountedParagraph`: text that mentions the page count, drawn once it is known
  in space reserved during layout.
- :class:`SignatureSpace`: an empty, outlined box whose position is recorded so the
  digital signature's visible stamp can be placed on it. The box lies on whole points,
  where the signature field is placed, and its outline is the only one: the stamp draws
  none of its own, so the box is drawn once, unsigned or signed.
- :class:`StrikeUnusedSpace`: when the closing block must move to a new page, the
  space it leaves is struck through, so nothing can be written in later.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable

from rvr_desktop.evidence.documents.canvas import CountingCanvas
from rvr_desktop.evidence.documents.model import SignatureBox
from rvr_desktop.evidence.documents.styles import RULE_GREY
from rvr_desktop.evidence.documents.wrapping import WrappedParagraph
from rvr_desktop.evidence.errors import RvrError

# The reserved space assumes a page count this wide; digits are equally wide in DejaVu.
_WIDEST_PAGE_COUNT = 9999
SIGNATURE_OUTLINE_WIDTH = 0.8


class LayoutError(RvrError):
    """The document could not be laid out as designed (a bug, not the officer's input)."""


def _counting(canvas: object) -> CountingCanvas:
    if not isinstance(canvas, CountingCanvas):
        raise LayoutError(
            "A document was drawn on a canvas that cannot count pages. This is a fault in "
            "RVR Desktop; report it to IT support."
        )
    return canvas


class CountedParagraph(Flowable):
    """A paragraph whose text depends on the page count."""

    def __init__(self, text_for: Callable[[int], str], style: ParagraphStyle) -> None:
        super().__init__()
        self._text_for = text_for
        self._style = style
        self._reserved = WrappedParagraph(text_for(_WIDEST_PAGE_COUNT), style)
        self._width = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._width = availWidth
        width, height = self._reserved.wrap(availWidth, availHeight)
        self.width, self.height = width, height
        return width, height

    def drawOn(self, canvas: object, x: float, y: float, _sW: float = 0) -> None:
        top = y + self.height
        width = self._width

        def draw(counted: CountingCanvas, page_count: int) -> None:
            final = WrappedParagraph(self._text_for(page_count), self._style)
            _, height = final.wrap(width, self.height)
            final.drawOn(counted, x, top - height)

        _counting(canvas).after_count(draw)

    def draw(self) -> None:  # everything happens in drawOn, once positions are known
        return None


@dataclass
class SignaturePlacement:
    """Filled in when the signature space is drawn."""

    box: SignatureBox | None = None


class SignatureSpace(Flowable):
    """An outlined empty box, right-aligned in the frame, for a visible digital signature."""

    def __init__(self, width: float, height: float, placement: SignaturePlacement) -> None:
        super().__init__()
        self.box_width = width
        self.box_height = height
        self._placement = placement
        self._avail = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._avail = availWidth
        # One point more than the box, so moving it up to a whole point keeps it inside.
        self.width, self.height = availWidth, self.box_height + 1
        return self.width, self.height

    def drawOn(self, canvas: object, x: float, y: float, _sW: float = 0) -> None:
        counted = _counting(canvas)
        # Whole points, inside the space laid out: PDF signature fields are placed on whole
        # points, so the stamp then lands exactly on this outline.
        width, height = round(self.box_width), round(self.box_height)
        right = math.floor(x + self._avail)
        bottom = math.ceil(y)
        self._placement.box = SignatureBox(
            page_index=counted.getPageNumber() - 1,
            x1=float(right - width),
            y1=float(bottom),
            x2=float(right),
            y2=float(bottom + height),
        )
        counted.saveState()
        counted.setStrokeColor(RULE_GREY)
        counted.setLineWidth(SIGNATURE_OUTLINE_WIDTH)
        counted.rect(right - width, bottom, width, height, stroke=1, fill=0)
        counted.restoreState()

    def draw(self) -> None:
        return None


class StrikeUnusedSpace(Flowable):
    """Takes the rest of the frame, struck through, if ``following`` will not fit in it."""

    def __init__(self, following: Sequence[Flowable], full_frame_height: float) -> None:
        super().__init__()
        self._following = list(following)
        self._full = full_frame_height
        self._taken = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        needed = 0.0
        for flowable in self._following:
            _, height = flowable.wrap(availWidth, self._full)
            needed += height + flowable.getSpaceBefore() + flowable.getSpaceAfter()
        roomy_page = availHeight >= self._full - 1
        if needed <= availHeight or needed > self._full or roomy_page:
            self._taken = 0.0
        else:
            # A hair less than all of it, so the frame accepts this flowable.
            self._taken = max(availHeight - 0.5, 0.0)
        self.width, self.height = availWidth, self._taken
        return availWidth, self._taken

    def draw(self) -> None:
        if self._taken < 12:
            return
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(colors.black)
        canvas.setLineWidth(0.6)
        canvas.line(0, self._taken - 4, self.width, 4)
        canvas.restoreState()
