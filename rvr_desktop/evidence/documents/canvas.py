"""A canvas that finishes every page only once the page count is known.

'Page 3 of 20' and the declaration's 'consisting of 20 pages' need the total before
the first page is complete. Laying the document out twice would double the cost, so
this canvas keeps each laid-out page open, and when the document ends it draws the
page furniture (headers, footers, deferred text) onto each page and only then writes
them. One layout pass, whatever the length.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

PagePainter = Callable[["CountingCanvas", int, int], None]
"""Draws a page's furniture: ``painter(canvas, page_index, page_count)``."""

CountedDrawing = Callable[["CountingCanvas", int], None]
"""Draws something that needs the page count: ``draw(canvas, page_count)``."""


def pdf_date(utc_ms: int) -> str:
    """A PDF date string (ISO 32000 7.9.4) for a UTC time."""
    moment = time.gmtime(utc_ms // 1000)
    return time.strftime("D:%Y%m%d%H%M%S+00'00'", moment)


class CountingCanvas(Canvas):
    def __init__(
        self,
        *args: Any,
        painter: PagePainter,
        created_utc_ms: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._painter = painter
        self._held_pages: list[dict[str, Any]] = []
        self._counted: list[CountedDrawing] = []
        creation = pdf_date(created_utc_ms)
        self.setDateFormatter(lambda *_parts: creation)

    def after_count(self, draw: CountedDrawing) -> None:
        """Draw on the current page once the page count is known (absolute coordinates)."""
        self._counted.append(draw)

    def showPage(self) -> None:
        # The held state keeps this page's content and deferred drawings; the next page
        # starts with its own empty list.
        self._held_pages.append(dict(self.__dict__))
        self._counted = []
        self._startPage()  # type: ignore[attr-defined]  # reportlab internal, not in stubs

    def save(self) -> None:
        page_count = len(self._held_pages)
        for index, state in enumerate(self._held_pages):
            self.__dict__.update(state)
            for draw in self._counted:
                self.saveState()
                draw(self, page_count)
                self.restoreState()
            self.saveState()
            self._painter(self, index, page_count)
            self.restoreState()
            super().showPage()
            self._flate_only(self._doc.Pages[-1])  # type: ignore[attr-defined]
        super().save()

    @staticmethod
    def _flate_only(page: Any) -> None:
        """Compress the page's content with Flate alone, without reportlab's ASCII85 layer.

        ASCII85 only makes a binary stream printable: it adds a quarter to the size and,
        in pure Python, cost more than the compression itself. reportlab chooses it by a
        process-wide setting; this sets the filters on this document's page instead.
        """
        page.Contents = pdfdoc.PDFStream(content=page.stream, filters=[pdfdoc.PDFZCompress])
        # Already compressed as asked: reportlab would otherwise reset the filters.
        page.compression = 0

    @property
    def page_count(self) -> int:
        """Pages laid out so far (all of them, once the document has been built)."""
        return len(self._held_pages)
