"""Small shared pieces of page content: label/value tables, headings, the title block."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from rvr_desktop.evidence.documents.build import CONTENT_WIDTH
from rvr_desktop.evidence.documents.fonts import fonts
from rvr_desktop.evidence.documents.model import LabelValue
from rvr_desktop.evidence.documents.styles import RULE_GREY, markup, styles
from rvr_desktop.evidence.documents.wrapping import WrappedParagraph

EMPTY_VALUE = "—"
"""Printed for an empty answer, so a blank can never be filled in later."""

GRID = colors.HexColor("#B0B0B0")


def table_style(commands: Sequence[tuple[Any, ...]]) -> TableStyle:
    """A table style whose cells default to the embedded font (reportlab's is Helvetica)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts().regular), *commands])


def title_block(title: str, subtitle: str = "") -> list[Flowable]:
    style = styles()
    block: list[Flowable] = [WrappedParagraph(markup(title), style.title)]
    if subtitle:
        block.append(WrappedParagraph(markup(subtitle), style.subtitle))
    else:
        block.append(Spacer(1, 8))
    return block


def heading(text: str) -> WrappedParagraph:
    return WrappedParagraph(markup(text), styles().heading)


def value_markup(value: str) -> str:
    return markup(value) if value.strip() else EMPTY_VALUE


def label_value_table(
    rows: Sequence[LabelValue], *, label_width: float = 170.0, width: float = CONTENT_WIDTH
) -> Table:
    """Rows of (label, value); long values wrap within their cell."""
    style = styles()
    data = [
        [
            WrappedParagraph(markup(row.label), style.cell_bold),
            WrappedParagraph(value_markup(row.value), style.cell),
        ]
        for row in rows
    ]
    # A row may run over pages: one answer (a victim's personal statement) can be longer
    # than a page, and a row that cannot split stops the whole export.
    table = Table(data, colWidths=[label_width, width - label_width], hAlign="LEFT", splitInRow=1)
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, GRID),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


_CELL_PADDING = 12.0
"""reportlab's default left and right padding of a table cell, together."""


def _words_and_lines(text: str, font: str, size: float) -> tuple[float, float]:
    """The widest single word and the widest whole line of ``text``."""
    words = text.split() or [""]
    lines = text.splitlines() or [""]
    return (
        max(stringWidth(word, font, size) for word in words),
        max(stringWidth(line, font, size) for line in lines),
    )


def column_widths(
    columns: Sequence[str], rows: Sequence[Sequence[str]], total: float = CONTENT_WIDTH
) -> list[float]:
    """Widths for a grid of text, as a browser lays out a table of automatic width.

    Every column gets at least its widest word (so words break only when nothing else
    fits) and shares the rest of ``total`` in proportion to how much more its longest
    line needs; a table whose text all fits is widened in proportion to it.
    """
    style = styles()
    narrowest: list[float] = []
    widest: list[float] = []
    for index, title in enumerate(columns):
        measured = [_words_and_lines(title, style.cell_bold.fontName, style.cell_bold.fontSize)]
        measured += [
            _words_and_lines(row[index] or EMPTY_VALUE, style.cell.fontName, style.cell.fontSize)
            for row in rows
        ]
        narrowest.append(max(word for word, _ in measured) + _CELL_PADDING)
        widest.append(max(line for _, line in measured) + _CELL_PADDING)
    if not columns:
        return []
    if sum(widest) <= total:
        return [total * width / sum(widest) for width in widest]
    if sum(narrowest) <= total:
        spare = total - sum(narrowest)
        wanted = [wide - narrow for wide, narrow in zip(widest, narrowest, strict=True)]
        return [
            narrow + spare * want / sum(wanted)
            for narrow, want in zip(narrowest, wanted, strict=True)
        ]
    return [total * width / sum(narrowest) for width in narrowest]


def grid_table(
    columns: Sequence[str], rows: Sequence[Sequence[str]], col_widths: Sequence[float] | None = None
) -> Table:
    """A small table with a header row that repeats on each page it spans.

    Without ``col_widths`` the columns are sized to their text (:func:`column_widths`).
    """
    style = styles()
    data = [[WrappedParagraph(markup(c), style.cell_bold) for c in columns]]
    data += [[WrappedParagraph(value_markup(cell), style.cell) for cell in row] for row in rows]
    widths = list(col_widths) if col_widths else column_widths(columns, rows)
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT", splitInRow=1)
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.3, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def rule() -> Flowable:
    table = Table([[""]], colWidths=[CONTENT_WIDTH], rowHeights=[4])
    table.setStyle(table_style([("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE_GREY)]))
    return table
