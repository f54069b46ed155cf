"""The MG11 statement, read back from the PDF as a reader (or a court) would see it."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

import pytest
from pypdf.generic import ContentStream

from documents import samples
from documents.pdftext import page_texts, reader, xobject_subtypes
from rvr_desktop.evidence.documents import (
    InterpreterDeclaration,
    SigningMethod,
    Statement,
    StatementTaker,
    Witness,
    WitnessConfirmation,
    declaration_text,
    render_statement,
)
from rvr_desktop.evidence.documents.statement import (
    END_MARK,
    SIGNATURE_BOX_HEIGHT,
    SIGNATURE_BOX_WIDTH,
)
from rvr_desktop.evidence.errors import InvalidInput

DECLARATION_WORDS = "is true to the best of my knowledge and belief"
# Golden figure for samples.long_statement_text() with the standard sample witness: a
# change of layout that moves it is a change to review, not noise.
LONG_STATEMENT_PAGES = 9


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def long_pdf() -> tuple[Statement, list[str], int]:
    statement = samples.statement()
    rendered = render_statement(statement, samples.ORIGIN)
    return statement, page_texts(rendered.data), rendered.page_count


def test_long_statement_carries_case_witness_and_page_x_of_y_on_every_page(
    long_pdf: tuple[Statement, list[str], int],
) -> None:
    _, pages, page_count = long_pdf
    assert page_count == LONG_STATEMENT_PAGES == len(pages)
    for number, text in enumerate(pages, start=1):
        assert samples.CASE in text
        assert "Alex Morgan" in text
        assert f"Page {number} of {page_count}" in text
        assert "Signature:" in text and "Signature witnessed by:" in text


def test_declaration_is_on_the_first_page_only_and_counts_the_pages(
    long_pdf: tuple[Statement, list[str], int],
) -> None:
    _, pages, page_count = long_pdf
    assert _flat(declaration_text(page_count)) in _flat(pages[0])
    assert f"consisting of {page_count} pages each signed by me" in _flat(pages[0])
    assert all(DECLARATION_WORDS not in _flat(text) for text in pages[1:])
    first = _flat(pages[0])
    assert "Statement of: Alex Morgan" in first
    assert "Age if under 18: Over 18" in first
    assert "Occupation: Care worker" in first


def test_no_line_of_the_statement_breaks_a_word(long_pdf: tuple[Statement, list[str], int]) -> None:
    statement, pages, _ = long_pdf
    printed = Counter(word for text in pages for word in text.split())
    wanted = Counter(statement.text.split())
    broken = {word: n for word, n in wanted.items() if printed[word] < n}
    assert broken == {}


def test_paragraphs_of_the_statement_each_start_a_new_line() -> None:
    text = (
        "First paragraph about the evening.\n\n"
        "Second paragraph: he left at about nine.\n\n\n"
        "Third paragraph, after the call."
    )
    pages = page_texts(render_statement(samples.statement(text), samples.ORIGIN).data)
    lines = [line.strip() for line in "\n".join(pages).splitlines()]
    for paragraph in text.split("\n\n"):
        if paragraph.strip():
            assert paragraph.strip() in lines


def test_a_word_longer_than_a_line_is_split_only_because_it_must_be() -> None:
    huge = "https://example.org/" + "a1b2c3d4" * 30
    text = f"The link she sent was {huge} and nothing else."
    pages = page_texts(render_statement(samples.statement(text), samples.ORIGIN).data)
    joined = "\n".join(pages)
    assert huge in re.sub(r"\s+", "", joined)
    for word in ("The", "link", "she", "sent", "was", "and", "nothing", "else."):
        assert word in joined.split()


def test_end_mark_and_statement_taken_by_block_are_on_the_last_page(
    long_pdf: tuple[Statement, list[str], int],
) -> None:
    statement, pages, _ = long_pdf
    last = _flat(pages[-1])
    assert END_MARK in last
    assert all(END_MARK not in text for text in pages[:-1])
    for expected in (
        "Statement taken by",
        "Name: PC Sam Jones",
        "Number: 4521",
        "Station: Northtown Police Station",
        f"Time and date started: {statement.taken_by.started.shown}",
        f"Time and date finished: {statement.taken_by.finished.shown}",
    ):
        assert expected in last


def test_signature_box_is_reserved_empty_on_the_last_page() -> None:
    rendered = render_statement(samples.statement(), samples.ORIGIN)
    box = rendered.signature_box
    assert box is not None
    assert box.page_index == rendered.page_count - 1
    assert (box.x2 - box.x1, box.y2 - box.y1) == (SIGNATURE_BOX_WIDTH, SIGNATURE_BOX_HEIGHT)
    page = reader(rendered.data).pages[box.page_index]
    assert 0 <= box.x1 < box.x2 <= float(page.mediabox.width)
    assert 0 <= box.y1 < box.y2 <= float(page.mediabox.height)

    inside: list[str] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
        y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
        if text.strip() and box.x1 <= x <= box.x2 and box.y1 <= y <= box.y2:
            inside.append(text)

    page.extract_text(visitor_text=visit)
    assert inside == []


def test_witness_confirmation_by_typed_name_is_shown_with_its_times() -> None:
    statement = samples.statement("Short statement.")
    confirmation = statement.confirmation
    assert confirmation is not None
    text = _flat("\n".join(page_texts(render_statement(statement, samples.ORIGIN).data)))
    assert (
        f"read back to the witness over the video call at {confirmation.read_back_at.shown}" in text
    )
    assert f"At {confirmation.confirmed_at.shown} the witness typed their name" in text
    assert "Name typed by the witness: Alex Morgan" in text
    assert "Signature: Alex Morgan (typed)" in text
    assert "Signature witnessed by: PC Sam Jones (4521)" in text


def test_drawn_signature_appears_on_every_page_as_an_image() -> None:
    base = samples.statement()
    assert base.confirmation is not None
    drawn = replace(
        base.confirmation,
        method=SigningMethod.DRAWN_SIGNATURE,
        drawn_signature_png=samples.tiny_png(),
    )
    rendered = render_statement(replace(base, confirmation=drawn), samples.ORIGIN)
    pages = reader(rendered.data).pages
    assert len(pages) > 1
    for page in pages:
        assert "/Image" in xobject_subtypes(page)
    assert "the witness drew their signature" in _flat(page_texts(rendered.data)[-1])


def test_confirmation_recorded_on_the_call_is_stated_on_each_signature_line() -> None:
    base = samples.statement()
    assert base.confirmation is not None
    spoken = replace(base.confirmation, method=SigningMethod.RECORDED_ON_CALL, typed_name="")
    pages = page_texts(render_statement(replace(base, confirmation=spoken), samples.ORIGIN).data)
    for text in pages:
        assert "Signature: Confirmed on the recorded video call" in _flat(text)
    assert "confirmed aloud on the recorded video call" in _flat(pages[-1])


def test_interpreter_declaration_is_printed_only_when_an_interpreter_was_used() -> None:
    plain = "\n".join(page_texts(render_statement(samples.statement("Text."), samples.ORIGIN).data))
    assert "Interpreter" not in plain
    interpreted = samples.statement("Text.", interpreter=samples.interpreter())
    text = _flat("\n".join(page_texts(render_statement(interpreted, samples.ORIGIN).data)))
    assert "Interpreter's declaration" in text
    assert (
        "I, Olena Kovalenko of Language Line ref 55120, interpreted between English and Ukrainian"
        in text
    )


def test_draft_statement_has_blank_signature_lines_and_no_confirmation() -> None:
    draft = samples.statement("Draft text.", confirmation=None)
    text = _flat("\n".join(page_texts(render_statement(draft, samples.ORIGIN).data)))
    assert "Witness confirmation" not in text
    assert "(typed)" not in text
    assert "PC Sam Jones (4521)" not in text


def test_one_page_statement_says_one_page() -> None:
    rendered = render_statement(samples.statement("Only a line."), samples.ORIGIN)
    assert rendered.page_count == 1
    assert "consisting of 1 page each signed by me" in _flat(page_texts(rendered.data)[0])


def test_witness_under_18_shows_their_age() -> None:
    young = samples.statement("Text.", witness=Witness("Jo Morgan", 15, "School pupil"))
    assert "Age if under 18: 15" in _flat(
        page_texts(render_statement(young, samples.ORIGIN).data)[0]
    )


def test_typed_markup_prints_literally() -> None:
    text = "He wrote <b>die</b> & then 'sorry' <br/> twice."
    pages = page_texts(render_statement(samples.statement(text), samples.ORIGIN).data)
    assert text in _flat("\n".join(pages))


@pytest.mark.parametrize(
    "name",
    [
        "Ελένη Παπαδοπούλου",
        "Дмитрий Иванович Смирнов",
        "Zoë Łukasiewicz-Ørsted",
        "Nguyễn Thị Hương",
    ],
)
def test_names_in_other_scripts_print_and_can_be_copied(name: str) -> None:
    statement = samples.statement("Short statement.", witness=Witness(name, None, "Teacher"))
    rendered = render_statement(statement, samples.ORIGIN)
    assert rendered.unsupported_characters == ()
    for text in page_texts(rendered.data):
        assert name in text


def test_characters_the_font_cannot_draw_are_reported() -> None:
    statement = samples.statement("Short statement.", witness=Witness("王秀英", None, "Chef"))
    rendered = render_statement(statement, samples.ORIGIN)
    assert rendered.unsupported_characters == ("王", "秀", "英")


def test_same_statement_renders_to_identical_bytes() -> None:
    statement = samples.statement()
    assert (
        render_statement(statement, samples.ORIGIN).data
        == render_statement(statement, samples.ORIGIN).data
    )


def test_officer_cannot_print_an_impossible_statement() -> None:
    with pytest.raises(InvalidInput, match="under 18"):
        Witness("Jo", 18, "Student")
    with pytest.raises(InvalidInput, match="no text"):
        samples.statement("   \n\n ")
    with pytest.raises(InvalidInput, match="before it started"):
        StatementTaker("PC A", "1", "X", samples.shown(100), samples.shown(50))
    with pytest.raises(InvalidInput, match="no typed name"):
        WitnessConfirmation(samples.shown(1), samples.shown(2), SigningMethod.TYPED_NAME, "")
    with pytest.raises(InvalidInput, match="not a PNG"):
        WitnessConfirmation(
            samples.shown(1), samples.shown(2), SigningMethod.DRAWN_SIGNATURE, "", b"GIF89a..."
        )
    damaged = samples.tiny_png()[:40]
    base = samples.statement("Text.")
    assert base.confirmation is not None
    broken = replace(
        base.confirmation, method=SigningMethod.DRAWN_SIGNATURE, drawn_signature_png=damaged
    )
    with pytest.raises(InvalidInput, match="could not be read"):
        render_statement(replace(base, confirmation=broken), samples.ORIGIN)
    assert InterpreterDeclaration("A", "B", "", samples.shown(0)).organisation == ""


def test_a_long_typed_name_is_shortened_on_signature_lines_but_printed_whole_once() -> None:
    long_name = "Alexandra Maria Konstantinopoulou-Fitzwilliam de la Cruz Hernández"
    base = samples.statement("Short statement.")
    assert base.confirmation is not None
    statement = replace(
        base,
        witness=Witness(long_name, None, "Care worker"),
        confirmation=replace(base.confirmation, typed_name=long_name),
    )
    text = _flat(page_texts(render_statement(statement, samples.ORIGIN).data)[0])
    assert f"Name typed by the witness: {long_name}" in text
    assert "… Signature witnessed by: PC Sam Jones (4521)" in text


def test_the_statutory_line_names_every_provision_the_statement_is_made_under() -> None:
    first = _flat(page_texts(render_statement(samples.statement("Text."), samples.ORIGIN).data)[0])
    assert (
        "WITNESS STATEMENT Criminal Justice Act 1967, s.9; Magistrates' Courts Act 1980, "
        "ss.5A(3)(a) and 5B; Criminal Procedure Rules, r.16.2"
    ) in first


def _rectangles_and_dashes(data: bytes, page_index: int) -> tuple[list[list[float]], list[object]]:
    page = reader(data).pages[page_index]
    operations = ContentStream(page.get_contents(), page.pdf).operations
    rectangles = [[float(v) for v in operands] for operands, op in operations if op == b"re"]
    dashes = [operands[0] for operands, op in operations if op == b"d" and operands[0]]
    return rectangles, dashes


def test_the_signature_box_is_outlined_once_on_whole_points_where_the_stamp_goes() -> None:
    rendered = render_statement(samples.statement(), samples.ORIGIN)
    box = rendered.signature_box
    assert box is not None
    # PDF signature fields are placed on whole points: the stamp lands exactly on the box.
    assert all(value == int(value) for value in box.box)
    rectangles, dashes = _rectangles_and_dashes(rendered.data, box.page_index)
    outline = [box.x1, box.y1, box.x2 - box.x1, box.y2 - box.y1]
    assert rectangles.count(outline) == 1
    assert dashes == []  # no dashed placeholder behind it
