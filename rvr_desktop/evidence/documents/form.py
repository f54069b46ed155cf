"""Any filled form (DASH, safeguarding, referrals, restricted details) from one structure.

The forms engine maps a template and its answers to a :class:`PrintableForm`: a title,
the template's id and version, sections of label/value rows and repeating-group tables,
and for DASH a risk-level box. This module only prints what it is given.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Spacer, Table

from rvr_desktop.evidence.documents.build import (
    CONTENT_WIDTH,
    Furniture,
    build_pdf,
    reference_line,
)
from rvr_desktop.evidence.documents.model import (
    DocumentOrigin,
    FormTable,
    LabelValue,
    Marking,
    PrintableForm,
    RenderedPdf,
    RiskSummary,
)
from rvr_desktop.evidence.documents.styles import markup, styles
from rvr_desktop.evidence.documents.widgets import (
    grid_table,
    heading,
    label_value_table,
    table_style,
    title_block,
)
from rvr_desktop.evidence.documents.wrapping import WrappedParagraph

RISK_BOX_FILL = colors.HexColor("#F3F3F3")


def _threshold_text(risk: RiskSummary) -> str:
    ordered = sorted(risk.thresholds, key=lambda t: t.minimum_yes)
    parts = []
    for index, threshold in enumerate(ordered):
        upper = ordered[index + 1].minimum_yes - 1 if index + 1 < len(ordered) else None
        span = (
            f"{threshold.minimum_yes} or more"
            if upper is None
            else f"{threshold.minimum_yes} to {upper}"
        )
        parts.append(f"{threshold.level}: {span} 'yes' answers")
    return "; ".join(parts)


def risk_box(risk: RiskSummary) -> Flowable:
    style = styles()
    rows = [
        [
            WrappedParagraph("Risk level", style.cell_bold),
            WrappedParagraph(markup(risk.level), style.title),
        ],
        [
            WrappedParagraph("'Yes' answers", style.cell_bold),
            WrappedParagraph(str(risk.yes_count), style.cell),
        ],
        [
            WrappedParagraph("Thresholds", style.cell_bold),
            WrappedParagraph(markup(_threshold_text(risk)), style.cell),
        ],
    ]
    # Judgement only when the officer used it: the referral a level asks for is not one.
    for label, text in (
        ("Professional judgement", risk.judgement_reason),
        ("Next step", risk.referral_prompt),
    ):
        if text.strip():
            rows.append(
                [
                    WrappedParagraph(label, style.cell_bold),
                    WrappedParagraph(markup(text), style.cell),
                ]
            )
    table = Table(rows, colWidths=[130, CONTENT_WIDTH - 130], hAlign="LEFT")
    table.setStyle(
        table_style(
            [
                ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
                ("BACKGROUND", (0, 0), (-1, -1), RISK_BOX_FILL),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _same_words(first: str, second: str) -> bool:
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


def _answered_columns(group: FormTable) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The table without the columns no row answers (questions hidden in every row, or
    optional and left empty in every row): they would print only dashes."""
    keep = [i for i in range(len(group.columns)) if any(row[i].strip() for row in group.rows)]
    return (
        tuple(group.columns[i] for i in keep),
        [tuple(row[i] for i in keep) for row in group.rows],
    )


def _table_block(group: FormTable, section_title: str) -> list[Flowable]:
    style = styles()
    block: list[Flowable] = [Spacer(1, 4)]
    # A section holding one repeating group often shares its name ('Referrals'): the
    # section's heading already says it, so the table's own title is not printed again.
    if not _same_words(group.title, section_title):
        title_style = ParagraphStyle(
            "rvr-table-title", parent=style.label, spaceAfter=2, keepWithNext=1
        )
        block.append(WrappedParagraph(markup(group.title), title_style))
    columns, rows = _answered_columns(group)
    if columns:
        block.append(grid_table(columns, rows))
    else:
        block.append(WrappedParagraph("None recorded.", style.cell))
    return [*block, Spacer(1, 6)]


def form_story(form: PrintableForm) -> list[Flowable]:
    subtitle = f"Form {form.template_id}, version {form.template_version}"
    story: list[Flowable] = [*title_block(form.title, subtitle)]
    facts = [LabelValue("Case reference", form.case_reference)]
    if form.urn.strip():
        facts.append(LabelValue("Unique reference number (URN)", form.urn))
    if form.completed_by:
        facts.append(LabelValue("Completed by", form.completed_by))
    if form.completed_at is not None:
        facts.append(LabelValue("Completed at", form.completed_at.shown))
    story += [label_value_table(facts), Spacer(1, 6)]
    if form.risk is not None:
        story += [heading("Risk assessment"), risk_box(form.risk), Spacer(1, 6)]
    for section in form.sections:
        story.append(heading(section.title))
        rows: list[LabelValue] = []
        for item in section.items:
            if isinstance(item, LabelValue):
                rows.append(item)
                continue
            if rows:
                story.append(label_value_table(rows))
                rows = []
            story += _table_block(item, section.title)
        if rows:
            story.append(label_value_table(rows))
    return story


def form_texts(form: PrintableForm) -> list[str]:
    texts = [form.title, form.case_reference, form.urn, form.completed_by]
    for section in form.sections:
        texts.append(section.title)
        for item in section.items:
            if isinstance(item, LabelValue):
                texts += [item.label, item.value]
            else:
                texts += [item.title, *item.columns, *(cell for row in item.rows for cell in row)]
    if form.risk is not None:
        texts += [form.risk.level, form.risk.judgement_reason, form.risk.referral_prompt]
    return texts


def render_form(form: PrintableForm, origin: DocumentOrigin) -> RenderedPdf:
    furniture = Furniture(
        header_lines=(reference_line(form.case_reference, form.urn), form.title),
        marking=Marking.of(draft=form.draft),
        footer_note=f"{form.template_id} v{form.template_version} · {origin.software}",
    )
    return build_pdf(
        form_story(form),
        title=form.title,
        subject=f"Case {form.case_reference}",
        origin=origin,
        furniture=furniture,
        texts=form_texts(form),
    )
