"""Exhibits: the exhibit list, and the officer's own statement that produces them.

Each exhibit carries its reference (e.g. JS/1), description, source, who produced it
and when, and the SHA-256 of the file as held in the evidence bundle, so anyone can
check that the file before them is the one exhibited.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, Table

from rvr_desktop.evidence.documents.build import (
    Furniture,
    build_pdf,
    reference_line,
)
from rvr_desktop.evidence.documents.model import (
    DocumentOrigin,
    Exhibit,
    ExhibitList,
    ExhibitStatement,
    Marking,
    RenderedPdf,
    Statement,
)
from rvr_desktop.evidence.documents.statement import render_statement
from rvr_desktop.evidence.documents.styles import styles
from rvr_desktop.evidence.documents.widgets import (
    GRID,
    column_widths,
    table_style,
    title_block,
    value_markup,
)
from rvr_desktop.evidence.documents.wrapping import WrappedParagraph
from rvr_desktop.evidence.errors import InvalidInput

_COLUMNS = ("Exhibit", "Description", "Source", "Produced by", "When")


def _check_unique(exhibits: tuple[Exhibit, ...]) -> None:
    seen: set[str] = set()
    for exhibit in exhibits:
        if exhibit.reference in seen:
            raise InvalidInput(
                f"Two exhibits share the reference {exhibit.reference}. Give each exhibit its "
                "own reference."
            )
        seen.add(exhibit.reference)


def _exhibit_table(exhibits: tuple[Exhibit, ...]) -> Table:
    style = styles()
    data: list[list[Flowable | str]] = [[WrappedParagraph(c, style.cell_bold) for c in _COLUMNS]]
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BOX", (0, 0), (-1, -1), 0.4, GRID),
        ("LINEBELOW", (0, 0), (-1, 0), 0.4, GRID),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    rows = [
        (
            exhibit.reference,
            exhibit.description,
            exhibit.source,
            exhibit.produced_by,
            exhibit.produced_at.shown,
        )
        for exhibit in exhibits
    ]
    for exhibit, cells in zip(exhibits, rows, strict=True):
        data.append([WrappedParagraph(value_markup(cell), style.cell) for cell in cells])
        data.append(
            [WrappedParagraph(f"SHA-256: {exhibit.sha256}", style.mono_small), "", "", "", ""]
        )
        hash_row = len(data) - 1
        commands += [
            ("SPAN", (0, hash_row), (-1, hash_row)),
            ("LINEBELOW", (0, hash_row), (-1, hash_row), 0.4, GRID),
        ]
    widths = column_widths(_COLUMNS, rows)
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(table_style(commands))
    return table


def render_exhibit_list(exhibits: ExhibitList, origin: DocumentOrigin) -> RenderedPdf:
    _check_unique(exhibits.exhibits)
    style = styles()
    story: list[Flowable] = [
        *title_block(
            "Exhibit list",
            "SHA-256 is the fingerprint of each exhibit file as held in the evidence bundle.",
        )
    ]
    if exhibits.exhibits:
        story.append(_exhibit_table(exhibits.exhibits))
    else:
        story.append(WrappedParagraph("No exhibits were produced in this case.", style.body))
    texts = [exhibits.case_reference]
    for e in exhibits.exhibits:
        texts += [e.reference, e.description, e.source, e.produced_by]
    return build_pdf(
        story,
        title=f"Exhibit list, case {exhibits.case_reference}",
        subject=f"Case {exhibits.case_reference}",
        origin=origin,
        furniture=Furniture(
            header_lines=(reference_line(exhibits.case_reference), "Exhibit list"),
            marking=Marking.OFFICIAL_SENSITIVE,
            footer_note=f"Exhibit list · {origin.software}",
        ),
        texts=texts,
    )


def exhibit_statement_text(statement: ExhibitStatement) -> str:
    """The officer's statement: their introduction, then each exhibit produced."""
    if not statement.exhibits:
        raise InvalidInput(
            "There are no exhibits to produce. Add the exhibits before writing the producing "
            "statement."
        )
    _check_unique(statement.exhibits)
    lines = [statement.introduction.strip(), "I produce the following exhibits:"]
    for exhibit in statement.exhibits:
        lines.append(
            f"{exhibit.reference}: {exhibit.description}. Source: {exhibit.source}. Produced by "
            f"{exhibit.produced_by} at {exhibit.produced_at.shown}. SHA-256 of the exhibit "
            f"file: {exhibit.sha256}."
        )
    lines.append(
        "Each SHA-256 above is the fingerprint of the exhibit file as held in the evidence "
        "bundle; any change to a file would change its fingerprint."
    )
    return "\n\n".join(line for line in lines if line)


def render_exhibit_statement(statement: ExhibitStatement, origin: DocumentOrigin) -> RenderedPdf:
    """The producing officer's MG11, signed digitally by the officer on its last page."""
    mg11 = Statement(
        case_reference=statement.case_reference,
        witness=statement.officer,
        text=exhibit_statement_text(statement),
        taken_by=statement.taken_by,
        urn=statement.urn,
    )
    return render_statement(mg11, origin, own_statement=True)
