"""The contemporaneous notes log, printed as a pocket notebook would read.

Every note shows its time (UK time, 24-hour, to the second, with GMT or BST) and the
call time elapsed. An amended note keeps its original text, struck through but legible (the
line is drawn over real text, which stays searchable), followed by the amendment with
its time and reason. Call events and clock warnings stand out as shaded bands.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from rvr_desktop.evidence.documents.build import (
    CONTENT_WIDTH,
    Furniture,
    build_pdf,
    reference_line,
)
from rvr_desktop.evidence.documents.model import (
    DocumentOrigin,
    LoggedEvent,
    LoggedNote,
    Marking,
    NotesLog,
    RenderedPdf,
)
from rvr_desktop.evidence.documents.styles import (
    EVENT_FILL,
    WARNING_FILL,
    markup,
    paragraphs,
    styles,
)
from rvr_desktop.evidence.documents.widgets import table_style, title_block
from rvr_desktop.evidence.documents.wrapping import WrappedParagraph
from rvr_desktop.evidence.records.timeline_entry import CallEvent

EVENT_NAMES: dict[CallEvent, str] = {
    CallEvent.SAFETY_GATE_PASSED: "SAFETY GATE PASSED",
    CallEvent.SAFETY_GATE_FAILED: "SAFETY GATE NOT PASSED",
    CallEvent.CALL_STARTED: "CALL STARTED",
    CallEvent.CALL_INTERRUPTED: "CALL INTERRUPTED",
    CallEvent.CALL_RESUMED: "CALL RESUMED",
    CallEvent.CALL_ENDED: "CALL ENDED",
    CallEvent.CLOCK_JUMP: "CLOCK WARNING: the computer's clock jumped",
    CallEvent.STATEMENT_READ_BACK: "STATEMENT READ BACK",
}
_INDENT = 18.0


def _when(shown: str, elapsed: str | None) -> str:
    return shown if elapsed is None else f"{shown} · call time {elapsed}"


def _struck(text: str, style: ParagraphStyle) -> list[Flowable]:
    return [WrappedParagraph(f"<strike>{chunk}</strike>", style) for chunk in paragraphs(text)]


def _plain(text: str, style: ParagraphStyle) -> list[Flowable]:
    return [WrappedParagraph(chunk, style) for chunk in paragraphs(text)]


def _note(note: LoggedNote) -> list[Flowable]:
    style = styles()
    indented = ParagraphStyle("rvr-amendment", parent=style.body, leftIndent=_INDENT)
    indented_struck = ParagraphStyle(
        "rvr-amendment-struck", parent=style.struck, leftIndent=_INDENT
    )
    indented_label = ParagraphStyle("rvr-amendment-label", parent=style.label, leftIndent=_INDENT)
    heading = WrappedParagraph(
        markup(f"Note {note.entry_id} · {_when(note.at.shown, note.elapsed)} · {note.author}"),
        style.label,
    )
    block: list[Flowable] = [Spacer(1, 4), heading]
    block += _struck(note.text, style.struck) if note.amendments else _plain(note.text, style.body)
    for position, amendment in enumerate(note.amendments):
        superseded = position + 1 < len(note.amendments)
        label = (
            f"Amendment {amendment.entry_id} · {_when(amendment.at.shown, amendment.elapsed)} · "
            f"{amendment.author} · Reason: {amendment.reason}"
        )
        block.append(WrappedParagraph(markup(label), indented_label))
        block += (
            _struck(amendment.text, indented_struck)
            if superseded
            else _plain(amendment.text, indented)
        )
    # The heading and the first lines stay together; long notes still split across pages.
    return [KeepTogether(block[:3]), *block[3:]]


def _event(event: LoggedEvent) -> Flowable:
    style = styles()
    name = EVENT_NAMES[event.kind]
    detail = f" · {event.text}" if event.text.strip() else ""
    cells = [
        [
            WrappedParagraph(markup(name), style.cell_bold),
            WrappedParagraph(markup(f"{_when(event.at.shown, event.elapsed)}{detail}"), style.cell),
        ]
    ]
    fill = WARNING_FILL if event.kind is CallEvent.CLOCK_JUMP else EVENT_FILL
    table = Table(cells, colWidths=[170, CONTENT_WIDTH - 170], hAlign="LEFT")
    table.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), fill),
                ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#7A869A")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def render_notes_log(log: NotesLog, origin: DocumentOrigin) -> RenderedPdf:
    style = styles()
    story: list[Flowable] = [
        *title_block(
            "Contemporaneous notes",
            f"Officer: {log.officer}. Times are UK time ({log.time_zone}: GMT, or BST in "
            "summer), 24-hour, to the second; call time is the time elapsed since the call "
            "started. Entries are in "
            "the order they were recorded. Amended text is struck through but left legible; the "
            "amendment, its time and its reason follow it.",
        )
    ]
    texts = [log.case_reference, log.officer, log.time_zone]
    for entry in log.entries:
        if isinstance(entry, LoggedNote):
            story += _note(entry)
            texts += [entry.author, entry.text]
            texts += [part for a in entry.amendments for part in (a.author, a.text, a.reason)]
        else:
            story += [Spacer(1, 5), _event(entry)]
            texts.append(entry.text)
    if not log.entries:
        story.append(WrappedParagraph("No notes were recorded for this case.", style.body))
    story += [Spacer(1, 10), WrappedParagraph("END OF NOTES", style.centre)]
    return build_pdf(
        story,
        title=f"Contemporaneous notes, case {log.case_reference}",
        subject=f"Case {log.case_reference}",
        origin=origin,
        furniture=Furniture(
            header_lines=(reference_line(log.case_reference), f"Notes of: {log.officer}"),
            marking=Marking.OFFICIAL_SENSITIVE,
            footer_note=f"Contemporaneous notes · {origin.software}",
        ),
        texts=texts,
    )
