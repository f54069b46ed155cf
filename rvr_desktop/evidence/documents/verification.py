"""The verification report that `rvr-verify --report` writes for an evidence officer.

It states the verdict first, then each check with PASS, FAIL or INDETERMINATE and the
reason, the files and their SHA-256, and the facts of the check (signer, when, which
software version). It only prints what the verifier found.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable, Spacer, Table

from rvr_desktop.evidence.documents.build import CONTENT_WIDTH, Furniture, build_pdf
from rvr_desktop.evidence.documents.model import (
    CheckOutcome,
    DocumentOrigin,
    Marking,
    RenderedPdf,
    VerificationReport,
)
from rvr_desktop.evidence.documents.styles import markup, styles
from rvr_desktop.evidence.documents.widgets import (
    GRID,
    heading,
    label_value_table,
    table_style,
    title_block,
)
from rvr_desktop.evidence.documents.wrapping import WrappedParagraph

OUTCOME_FILL: dict[CheckOutcome, colors.Color] = {
    CheckOutcome.PASS: colors.HexColor("#DFF0D8"),
    CheckOutcome.FAIL: colors.HexColor("#F8D7DA"),
    CheckOutcome.INDETERMINATE: colors.HexColor("#FFF1CC"),
}


# Wide enough for the longest outcome, INDETERMINATE, in the title style.
_VERDICT_WIDTH = 190


def _verdict_box(report: VerificationReport) -> Table:
    style = styles()
    table = Table(
        [
            [
                WrappedParagraph(report.verdict_outcome.value, style.title),
                WrappedParagraph(markup(report.verdict), style.body),
            ]
        ],
        colWidths=[_VERDICT_WIDTH, CONTENT_WIDTH - _VERDICT_WIDTH],
        hAlign="LEFT",
    )
    table.setStyle(
        table_style(
            [
                ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
                ("BACKGROUND", (0, 0), (-1, -1), OUTCOME_FILL[report.verdict_outcome]),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _checks_table(report: VerificationReport) -> Table:
    style = styles()
    data = [[WrappedParagraph(h, style.cell_bold) for h in ("Check", "Result", "Reason")]]
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.3, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
    ]
    for row_index, check in enumerate(report.checks, start=1):
        data.append(
            [
                WrappedParagraph(markup(check.name), style.cell),
                WrappedParagraph(check.outcome.value, style.cell_bold),
                WrappedParagraph(markup(check.reason), style.cell),
            ]
        )
        commands.append(("BACKGROUND", (1, row_index), (1, row_index), OUTCOME_FILL[check.outcome]))
    table = Table(data, colWidths=[140, 105, CONTENT_WIDTH - 245], repeatRows=1, hAlign="LEFT")
    table.setStyle(table_style(commands))
    return table


def _files_table(report: VerificationReport) -> Table:
    style = styles()
    data: list[list[Flowable | str]] = [
        [WrappedParagraph(h, style.cell_bold) for h in ("File", "Size (bytes)", "Result")]
    ]
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BOX", (0, 0), (-1, -1), 0.3, GRID),
        ("LINEBELOW", (0, 0), (-1, 0), 0.3, GRID),
    ]
    for row in report.files:
        data.append(
            [
                WrappedParagraph(markup(row.path), style.cell),
                WrappedParagraph(f"{row.size_bytes:,}", style.cell),
                WrappedParagraph(row.outcome.value, style.cell_bold),
            ]
        )
        data.append([WrappedParagraph(f"SHA-256: {markup(row.sha256)}", style.mono_small), "", ""])
        last = len(data) - 1
        commands += [
            ("SPAN", (0, last), (-1, last)),
            ("LINEBELOW", (0, last), (-1, last), 0.3, GRID),
            ("BACKGROUND", (2, last - 1), (2, last - 1), OUTCOME_FILL[row.outcome]),
        ]
    table = Table(data, colWidths=[CONTENT_WIDTH - 195, 90, 105], repeatRows=1, hAlign="LEFT")
    table.setStyle(table_style(commands))
    return table


def render_verification_report(report: VerificationReport, origin: DocumentOrigin) -> RenderedPdf:
    style = styles()
    story: list[Flowable] = [*title_block(report.title), _verdict_box(report), Spacer(1, 8)]
    if report.facts:
        story += [heading("About this check"), label_value_table(report.facts)]
    story.append(heading("Checks"))
    if report.checks:
        story.append(_checks_table(report))
    else:
        story.append(WrappedParagraph("No checks were run.", style.body))
    story.append(heading("Files"))
    if report.files:
        story.append(_files_table(report))
    else:
        story.append(WrappedParagraph("No files were examined.", style.body))
    texts = [report.title, report.verdict]
    texts += [part for check in report.checks for part in (check.name, check.reason)]
    texts += [row.path for row in report.files]
    texts += [part for fact in report.facts for part in (fact.label, fact.value)]
    return build_pdf(
        story,
        title=report.title,
        subject=f"Verification: {report.verdict_outcome.value}",
        origin=origin,
        furniture=Furniture(
            header_lines=(report.title, f"Verdict: {report.verdict_outcome.value}"),
            marking=Marking.OFFICIAL_SENSITIVE,
            footer_note=f"Verification report · {origin.software}",
        ),
        texts=texts,
    )
