"""The MG11 witness statement.

Every page carries the case reference, the witness's name, 'Page X of Y', the witness's
signature line and 'signature witnessed by'. Page 1 carries the MG11 header fields and
the section 9 declaration. The statement flows over continuation pages, breaking lines
only between words, and ends with a clear end mark, the witness's confirmation, any
interpreter's declaration, the 'statement taken by' block and an empty box where the
officer's visible digital signature is stamped. Nothing from the restricted back page
is printed here.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table
from reportlab.platypus import Image as ImageFlowable

from rvr_desktop.evidence.documents.build import (
    MARGIN_X,
    PAGE_WIDTH,
    FooterPainter,
    Furniture,
    build_pdf,
    frame_height,
    reference_line,
)
from rvr_desktop.evidence.documents.canvas import CountingCanvas
from rvr_desktop.evidence.documents.flowables import (
    CountedParagraph,
    SignaturePlacement,
    SignatureSpace,
    StrikeUnusedSpace,
)
from rvr_desktop.evidence.documents.fonts import fonts
from rvr_desktop.evidence.documents.model import (
    SIGNING_METHOD_LABELS,
    DocumentOrigin,
    LabelValue,
    Marking,
    RenderedPdf,
    SigningMethod,
    Statement,
    WitnessConfirmation,
)
from rvr_desktop.evidence.documents.styles import RULE_GREY, markup, paragraphs, styles
from rvr_desktop.evidence.documents.widgets import heading, label_value_table, rule, title_block
from rvr_desktop.evidence.documents.wrapping import WrappedParagraph
from rvr_desktop.evidence.errors import InvalidInput

STATUTE_LINE = (
    "Criminal Justice Act 1967, s.9; Magistrates' Courts Act 1980, ss.5A(3)(a) and 5B; "
    "Criminal Procedure Rules, r.16.2"
)
"""The provisions under which the statement is admissible, printed under its title."""
END_MARK = "END OF STATEMENT"
SIGNATURE_BOX_WIDTH = 240.0
SIGNATURE_BOX_HEIGHT = 64.0
_FOOTER_HEIGHT = 26.0
_MARK_HEIGHT = 18.0
_DRAWN_SIGNATURE_MAX = (160.0, 48.0)


def declaration_text(page_count: int) -> str:
    """The section 9 / section 5B declaration, in our own words of the standard form."""
    pages = "page" if page_count == 1 else "pages"
    return (
        f"This statement, consisting of {page_count} {pages} each signed by me, is true to "
        "the best of my knowledge and belief, and I make it knowing that, if it is tendered "
        "in evidence, I shall be liable to prosecution if I have wilfully stated in it "
        "anything which I know to be false, or do not believe to be true."
    )


@dataclass(frozen=True)
class _SignatureMark:
    """What stands on the witness's signature line on every page."""

    text: str
    image: ImageReader | None


def _signature_mark(
    confirmation: WitnessConfirmation | None, own_statement: bool
) -> _SignatureMark:
    if own_statement:
        return _SignatureMark("Signed digitally: see the last page", None)
    if confirmation is None:
        return _SignatureMark("", None)
    if confirmation.drawn_signature_png is not None:
        return _SignatureMark("", _image(confirmation.drawn_signature_png))
    if confirmation.method is SigningMethod.TYPED_NAME:
        return _SignatureMark(f"{confirmation.typed_name} (typed)", None)
    return _SignatureMark("Confirmed on the recorded video call", None)


def _image(png: bytes) -> ImageReader:
    try:
        reader = ImageReader(io.BytesIO(png))
        reader.getSize()
    except Exception as exc:  # PIL raises many types for a damaged image
        raise InvalidInput(
            "The witness's drawn signature could not be read as an image. Ask the witness to "
            "sign again."
        ) from exc
    return reader


def _draw_mark(
    canvas: CountingCanvas, mark: _SignatureMark, x: float, y: float, width: float
) -> None:
    if mark.image is not None:
        canvas.drawImage(
            mark.image,
            x,
            y,
            width=width,
            height=_MARK_HEIGHT,
            preserveAspectRatio=True,
            anchor="sw",
            mask="auto",
        )
    elif mark.text:
        canvas.setFont(fonts().regular, 8)
        canvas.drawString(x, y + 2, fit(mark.text, fonts().regular, 8, width))


def fit(text: str, font_name: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` (the full text is printed elsewhere)."""
    if stringWidth(text, font_name, size) <= width:
        return text
    while text and stringWidth(text + "…", font_name, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _footer(mark: _SignatureMark, witnessed_by: str) -> FooterPainter:
    font = fonts()
    half = (PAGE_WIDTH - 2 * MARGIN_X) / 2

    def paint(canvas: CountingCanvas, top: float) -> None:
        line_y = top - _FOOTER_HEIGHT + 6
        baseline = line_y + 3
        sig_x = MARGIN_X + 48
        witness_x = MARGIN_X + half + 112
        canvas.setStrokeColor(RULE_GREY)
        canvas.setLineWidth(0.5)
        canvas.line(sig_x, line_y, MARGIN_X + half - 12, line_y)
        canvas.line(witness_x, line_y, PAGE_WIDTH - MARGIN_X, line_y)
        # Label then value, left to right, so copied text reads in order.
        canvas.setFont(font.bold, 8)
        canvas.drawString(MARGIN_X, baseline, "Signature:")
        _draw_mark(canvas, mark, sig_x + 2, line_y + 1, half - 64)
        canvas.setFont(font.bold, 8)
        canvas.drawString(MARGIN_X + half, baseline, "Signature witnessed by:")
        if witnessed_by:
            canvas.setFont(font.regular, 8)
            room = PAGE_WIDTH - MARGIN_X - witness_x - 4
            canvas.drawString(witness_x + 2, baseline, fit(witnessed_by, font.regular, 8, room))

    return paint


def _header_fields(statement: Statement) -> Table:
    witness = statement.witness
    age = "Over 18" if witness.age_if_under_18 is None else str(witness.age_if_under_18)
    return label_value_table(
        [
            LabelValue("Statement of:", witness.name),
            LabelValue("Age if under 18:", age),
            LabelValue("Occupation:", witness.occupation),
        ],
        label_width=110,
    )


def _declaration(statement: Statement, mark: _SignatureMark, own_statement: bool) -> list[Flowable]:
    style = styles()
    if own_statement:
        signed = statement.taken_by.finished.shown
    elif statement.confirmation is not None:
        signed = statement.confirmation.confirmed_at.shown
    else:
        signed = ""
    mark_text = mark.text if mark.image is None else "(drawn signature: see foot of page)"
    return [
        Spacer(1, 6),
        CountedParagraph(lambda count: markup(declaration_text(count)), style.body),
        label_value_table(
            [LabelValue("Signature:", mark_text), LabelValue("Date:", signed)], label_width=110
        ),
        Spacer(1, 8),
        rule(),
        Spacer(1, 8),
    ]


def _confirmation_block(confirmation: WitnessConfirmation) -> list[Flowable]:
    style = styles()
    method = SIGNING_METHOD_LABELS[confirmation.method]
    block: list[Flowable] = [
        heading("Witness confirmation"),
        WrappedParagraph(
            markup(
                f"The statement was read back to the witness over the video call at "
                f"{confirmation.read_back_at.shown}. At {confirmation.confirmed_at.shown} the "
                f"witness {method} to confirm that it is true."
            ),
            style.body,
        ),
    ]
    if confirmation.typed_name.strip():
        block.append(
            label_value_table([LabelValue("Name typed by the witness:", confirmation.typed_name)])
        )
    if confirmation.drawn_signature_png is not None:
        reader = _image(confirmation.drawn_signature_png)
        width, height = reader.getSize()
        scale = min(_DRAWN_SIGNATURE_MAX[0] / width, _DRAWN_SIGNATURE_MAX[1] / height)
        picture = ImageFlowable(
            io.BytesIO(confirmation.drawn_signature_png),
            width * scale,
            height * scale,
            hAlign="LEFT",
        )
        block += [WrappedParagraph("Signature drawn by the witness:", style.label), picture]
    return block


def _interpreter_block(statement: Statement) -> list[Flowable]:
    interpreter = statement.interpreter
    if interpreter is None:
        return []
    organisation = f" of {interpreter.organisation}" if interpreter.organisation.strip() else ""
    text = (
        f"I, {interpreter.name}{organisation}, interpreted between English and "
        f"{interpreter.language} for the witness. I translated this statement to the witness in "
        f"{interpreter.language}, and the witness told me that it is true. I interpreted "
        "faithfully and accurately, to the best of my skill and ability, everything said "
        f"between the witness and the officer. Declared at {interpreter.declared_at.shown}."
    )
    return [heading("Interpreter's declaration"), WrappedParagraph(markup(text), styles().body)]


def _taken_by_block(statement: Statement) -> list[Flowable]:
    taker = statement.taken_by
    return [
        heading("Statement taken by"),
        label_value_table(
            [
                LabelValue("Name:", taker.name),
                LabelValue("Number:", taker.number),
                LabelValue("Station:", taker.station),
                LabelValue("Time and date started:", taker.started.shown),
                LabelValue("Time and date finished:", taker.finished.shown),
            ]
        ),
    ]


def render_statement(
    statement: Statement, origin: DocumentOrigin, *, own_statement: bool = False
) -> RenderedPdf:
    """Render an MG11 statement; ``own_statement`` for an officer's statement signed digitally."""
    style = styles()
    mark = _signature_mark(statement.confirmation, own_statement)
    taker = statement.taken_by
    witnessed_by = (
        "" if own_statement or statement.confirmation is None else f"{taker.name} ({taker.number})"
    )
    furniture = Furniture(
        header_lines=(
            reference_line(statement.case_reference, statement.urn),
            f"Statement of: {statement.witness.name}",
        ),
        # A statement the witness has not yet confirmed is a draft; the officer's own
        # statement is complete once rendered, and is signed digitally straight away.
        marking=Marking.of(draft=statement.confirmation is None and not own_statement),
        footer_note=f"MG11 · {origin.software}",
        footer_height=_FOOTER_HEIGHT,
        footer=_footer(mark, witnessed_by),
    )
    placement = SignaturePlacement()
    story: list[Flowable] = [
        *title_block("WITNESS STATEMENT", STATUTE_LINE),
        _header_fields(statement),
    ]
    story += _declaration(statement, mark, own_statement)
    story += [WrappedParagraph(text, style.body) for text in paragraphs(statement.text)]

    closing: list[Flowable] = [
        Spacer(1, 4),
        rule(),
        WrappedParagraph(END_MARK, style.centre),
        rule(),
    ]
    if statement.confirmation is not None:
        closing += _confirmation_block(statement.confirmation)
    closing += _interpreter_block(statement)
    closing += _taken_by_block(statement)
    closing += [
        Spacer(1, 8),
        WrappedParagraph(
            "Officer's digital signature (name, number and time are stamped when the statement "
            "is signed):",
            style.label,
        ),
        Spacer(1, 2),
        SignatureSpace(SIGNATURE_BOX_WIDTH, SIGNATURE_BOX_HEIGHT, placement),
    ]
    story += [StrikeUnusedSpace(closing, frame_height(furniture)), KeepTogether(closing)]

    confirmation = statement.confirmation
    texts = [
        statement.case_reference,
        statement.urn,
        statement.witness.name,
        statement.witness.occupation,
        statement.text,
        taker.name,
        taker.number,
        taker.station,
        confirmation.typed_name if confirmation else "",
    ]
    if statement.interpreter is not None:
        texts += [
            statement.interpreter.name,
            statement.interpreter.language,
            statement.interpreter.organisation,
        ]
    return build_pdf(
        story,
        title=f"MG11 witness statement of {statement.witness.name}",
        subject=f"Case {statement.case_reference}",
        origin=origin,
        furniture=furniture,
        texts=texts,
        placement=placement,
    )
