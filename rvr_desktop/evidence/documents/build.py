"""Lays out a story of flowables on A4 pages with headers and footers, in one pass.

Every document shares the same page furniture: its protective marking at the top and
bottom (see :class:`.model.Marking`), header lines on the left, 'Page X of Y' on the
right, a rule, and a footer. Text is drawn in the embedded TrueType font, so it is
searchable and copyable.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from rvr_desktop.evidence.documents.canvas import CountingCanvas
from rvr_desktop.evidence.documents.flowables import LayoutError, SignaturePlacement
from rvr_desktop.evidence.documents.fonts import fonts, unsupported_characters
from rvr_desktop.evidence.documents.model import DocumentOrigin, Marking, RenderedPdf
from rvr_desktop.evidence.documents.styles import RULE_GREY, markup, styles
from rvr_desktop.evidence.documents.wrapping import WrappedParagraph
from rvr_desktop.evidence.errors import InvalidInput

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 50.0
TOP_EDGE = 30.0
"""Distance from the paper's top edge to the first line of page furniture."""
BOTTOM_EDGE = 24.0
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
_PAGE_NUMBER_WIDTH = 100.0
_GAP = 10.0
_MARKING_SIZE = 11
_MARKING_HEIGHT = 16.0

FooterPainter = Callable[[CountingCanvas, float], None]
"""Draws extra footer content, the same on every page: ``painter(canvas, top_y)``, where
``top_y`` is the top of the footer's own area (the rule is drawn above it). It is drawn
once per document, with the rest of the furniture that every page repeats."""

_FURNITURE_FORM = "RvrPageFurniture"


@dataclass(frozen=True)
class Furniture:
    """What every page of a document carries besides its content."""

    header_lines: tuple[str, ...]
    """Typed text shown at the top left of every page, e.g. 'Case reference: 24/1234/26'."""
    marking: Marking
    """Protective marking printed top and bottom of every page: every document has one."""
    footer_note: str = ""
    """Small print at the bottom left (template, software)."""
    footer_height: float = 0.0
    """Height of the extra footer area drawn by ``footer``."""
    footer: FooterPainter | None = None


def reference_line(case_reference: str, urn: str = "") -> str:
    """The first header line: the case reference, and beside it the CPS's URN when given."""
    line = f"Case reference: {case_reference}"
    return f"{line} · URN: {urn.strip()}" if urn.strip() else line


@dataclass(frozen=True)
class _Zones:
    header_paragraph_height: float
    frame_top: float
    frame_bottom: float


def _header_paragraph(furniture: Furniture) -> WrappedParagraph:
    return WrappedParagraph(
        "<br/>".join(markup(line) for line in furniture.header_lines), styles().small
    )


def _zones(furniture: Furniture) -> _Zones:
    style = styles()
    header_width = CONTENT_WIDTH - _PAGE_NUMBER_WIDTH
    _, header_height = _header_paragraph(furniture).wrap(header_width, PAGE_HEIGHT)
    marking_height = _MARKING_HEIGHT
    frame_top = PAGE_HEIGHT - TOP_EDGE - marking_height - max(header_height, 12.0) - _GAP
    footer_note = style.small.leading if furniture.footer_note else 0.0
    frame_bottom = BOTTOM_EDGE + marking_height + footer_note + furniture.footer_height + _GAP
    if frame_top - frame_bottom < PAGE_HEIGHT / 3:
        raise InvalidInput(
            "The page headings are too long to leave room for the document itself. Shorten "
            "the case reference or names shown at the top of each page."
        )
    return _Zones(header_height, frame_top, frame_bottom)


def _painter(furniture: Furniture, zones: _Zones) -> Callable[[CountingCanvas, int, int], None]:
    font = fonts()
    style = styles()
    top = PAGE_HEIGHT - TOP_EDGE - _MARKING_HEIGHT

    def draw_repeated(canvas: CountingCanvas) -> None:
        canvas.setFont(font.bold, _MARKING_SIZE)
        canvas.drawCentredString(PAGE_WIDTH / 2, top + _MARKING_HEIGHT - 9, furniture.marking.value)
        canvas.drawCentredString(PAGE_WIDTH / 2, BOTTOM_EDGE, furniture.marking.value)
        header = _header_paragraph(furniture)
        header.wrap(CONTENT_WIDTH - _PAGE_NUMBER_WIDTH, PAGE_HEIGHT)
        header.drawOn(canvas, MARGIN_X, top - zones.header_paragraph_height)
        canvas.setStrokeColor(RULE_GREY)
        canvas.setLineWidth(0.5)
        rule_y = zones.frame_top + _GAP / 2
        canvas.line(MARGIN_X, rule_y, PAGE_WIDTH - MARGIN_X, rule_y)
        footer_rule_y = zones.frame_bottom - _GAP / 2
        canvas.line(MARGIN_X, footer_rule_y, PAGE_WIDTH - MARGIN_X, footer_rule_y)
        if furniture.footer is not None:
            canvas.saveState()
            furniture.footer(canvas, footer_rule_y - 4)
            canvas.restoreState()
        if furniture.footer_note:
            canvas.setFont(font.regular, 7)
            canvas.setFillColor(RULE_GREY)
            note_y = BOTTOM_EDGE + _MARKING_HEIGHT
            canvas.drawString(MARGIN_X, note_y, furniture.footer_note)

    def paint(canvas: CountingCanvas, page_index: int, page_count: int) -> None:
        # Everything but the page number is the same on every page: drawn once into a
        # form the pages share, rather than laid out and encoded again for each page.
        # The form belongs to this canvas's own document.
        if not canvas.hasForm(_FURNITURE_FORM):
            canvas.beginForm(_FURNITURE_FORM)
            draw_repeated(canvas)
            canvas.endForm()
        canvas.doForm(_FURNITURE_FORM)
        canvas.setFont(font.bold, style.small.fontSize)
        canvas.drawRightString(
            PAGE_WIDTH - MARGIN_X,
            top - style.small.fontSize,
            f"Page {page_index + 1} of {page_count}",
        )

    return paint


def frame_height(furniture: Furniture) -> float:
    """The height available to content on each page of a document with this furniture."""
    zones = _zones(furniture)
    return zones.frame_top - zones.frame_bottom


def build_pdf(
    story: Sequence[Flowable],
    *,
    title: str,
    subject: str,
    origin: DocumentOrigin,
    furniture: Furniture,
    texts: Sequence[str],
    placement: SignaturePlacement | None = None,
) -> RenderedPdf:
    """Lay ``story`` out and return the PDF.

    ``texts`` is everything typed that the document prints, checked against the font.
    With ``placement``, the story must end in a :class:`SignatureSpace` on the last page.
    """
    zones = _zones(furniture)
    buffer = io.BytesIO()
    frame = Frame(
        MARGIN_X,
        zones.frame_bottom,
        CONTENT_WIDTH,
        zones.frame_top - zones.frame_bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="content",
    )
    document = BaseDocTemplate(
        buffer,
        pagesize=A4,
        pageTemplates=[PageTemplate(id="page", frames=[frame])],
        title=title,
        author=origin.author,
        subject=subject,
        creator=origin.software,
        invariant=1,
        pageCompression=1,
        # Every page's preamble selects this font; the default would be an unembedded
        # Helvetica.
        initialFontName=fonts().regular,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
    )
    made: list[CountingCanvas] = []
    paint = _painter(furniture, zones)

    def canvasmaker(*args: Any, **kwargs: Any) -> CountingCanvas:
        canvas = CountingCanvas(
            *args, painter=paint, created_utc_ms=origin.created_utc_ms, **kwargs
        )
        made.append(canvas)
        return canvas

    document.build(list(story), canvasmaker=canvasmaker)
    page_count = made[-1].page_count
    box = None
    if placement is not None:
        box = placement.box
        if box is None or box.page_index != page_count - 1:
            raise LayoutError(
                "The space for the officer's signature did not land on the last page. This is "
                "a fault in RVR Desktop; report it to IT support."
            )
    return RenderedPdf(
        data=buffer.getvalue(),
        page_count=page_count,
        signature_box=box,
        unsupported_characters=unsupported_characters(*texts, *furniture.header_lines),
    )
