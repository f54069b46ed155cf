"""Small shared pieces of page content: label/value tables, headings, the title block."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from rvr_desktop.evidence.documents.build import CONTENT_WIDTH
from rvr_desktop.evidence.documents.fonts import fonts
from rvr_desktop.evidence.documents.model import LabelValue
from rvr_desktop.evidence.documents.styles import RULE_GREY, markup, styles

EMPTY_VALUE = "—"
"""Printed for an empty answer, so a blank can never be filled in later."""

GRID = colors.HexColor("#B0B0B0")


def table_style(commands: Sequence[tuple[Any, ...]]) -> TableStyle:
    """A table style whose cells default to the embedded font (reportlab's is Helvetica)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts().regular), *commands])


def title_block(title: str, subtitle: str = "") -> list[Flowable]:
    style = styles()
    block: list[Flowable] = [Paragraph(markup(title), style.title)]
    if subtitle:
        block.append(Paragraph(markup(subtitle), style.subtitle))
    else:
        block.append(Spacer(1, 8))
    return block


def heading(text: str) -> Paragraph:
    return Paragraph(markup(text), styles().heading)


def value_markup(value: str) -> str:
    return markup(value) if value.strip() else EMPTY_VALUE


def label_value_table(
    rows: Sequence[LabelValue], *, label_width: float = 170.0, width: float = CONTENT_WIDTH
) -> Table:
    """Rows of (label, value); long values wrap within their cell."""
    style = styles()
    data = [
        [
            Paragraph(markup(row.label), style.cell_bold),
            Paragraph(value_markup(row.value), style.cell),
        ]
        for row in rows
    ]
    table = Table(data, colWidths=[label_width, width - label_width], hAlign="LEFT")
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


def grid_table(
    columns: Sequence[str], rows: Sequence[Sequence[str]], col_widths: Sequence[float] | None = None
) -> Table:
    """A small table with a header row that repeats on each page it spans."""
    style = styles()
    data = [[Paragraph(markup(c), style.cell_bold) for c in columns]]
    data += [[Paragraph(value_markup(cell), style.cell) for cell in row] for row in rows]
    widths = (
        list(col_widths) if col_widths else [CONTENT_WIDTH / max(len(columns), 1)] * len(columns)
    )
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
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
