"""No word is broken in the middle without a hyphen, in any document.

A reader who sees 'inde' at the end of a line and 'pendent' on the next cannot tell
whether that is one word or two; a file name split anywhere cannot be typed back in.
"""

from __future__ import annotations

import ast
import itertools
import re
from dataclasses import replace
from pathlib import Path

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from documents import samples
from documents.pdftext import broken_words, page_texts, vocabulary_of
from rvr_desktop.evidence.documents import (
    Exhibit,
    ExhibitList,
    FormSection,
    FormTable,
    render_exhibit_list,
    render_form,
    wrapping,
)
from rvr_desktop.evidence.documents.fonts import fonts
from rvr_desktop.evidence.documents.wrapping import HASH_GROUP, break_word

SIZE = 8.5
SHA256 = "c8f39c14bae832d07206104ef2c965b97b49adcc911439c51452b2eb4780c25b"


def _width(text: str) -> float:
    return float(stringWidth(text, fonts().regular, SIZE))


def _rejoin(pieces: list[str]) -> str:
    """The word back from its pieces, whether each break was at a separator or hyphenated."""
    return "".join(pieces)


@pytest.mark.parametrize(
    "name", ["call-capture-bruising.png", "messages-from-partner.txt", "JS_1/photo_of_arm.jpeg"]
)
def test_a_file_name_breaks_only_at_its_own_separators(name: str) -> None:
    pieces = break_word(f"({name})", 70, fonts().regular, SIZE)
    assert len(pieces) > 1
    assert _rejoin(pieces) == f"({name})"
    for piece, following in itertools.pairwise(pieces):
        assert piece[-1] in "/-_" or following.startswith("."), pieces
        assert _width(piece) <= 70


def test_a_long_hash_breaks_between_fixed_groups() -> None:
    pieces = break_word(SHA256 + ".", 150, fonts().regular, SIZE)
    assert _rejoin(pieces) == SHA256 + "."
    assert len(pieces) > 1
    for piece in pieces[:-1]:
        assert len(piece) % HASH_GROUP == 0
    assert all(_width(piece) <= 150 for piece in pieces)


@pytest.mark.parametrize("word", ["independent", "(organisation,", "Supercalifragilistic"])
def test_an_ordinary_word_wider_than_its_column_breaks_with_a_hyphen(word: str) -> None:
    pieces = break_word(word, _width(word) * 0.6, fonts().regular, SIZE)
    assert len(pieces) > 1
    assert all(piece.endswith("-") for piece in pieces[:-1])
    assert "".join(piece.removesuffix("-") for piece in pieces[:-1]) + pieces[-1] == word
    # at least two letters either side of every break: never 'i-ndependent'
    assert all(len(piece.strip("(-")) >= 2 for piece in pieces)


def test_a_word_that_fits_is_left_alone() -> None:
    assert break_word("independent", 500, fonts().regular, SIZE) == ["independent"]


def _printed_lines(data: bytes) -> list[str]:
    return [line for page in page_texts(data) for line in page.splitlines()]


def test_a_form_table_with_many_narrow_columns_breaks_no_word_without_a_hyphen() -> None:
    columns = (
        "Service",
        "Outcome",
        "To whom (organisation, and person if known)",
        "When the referral was made",
        "Reason given for declining",
        "What is owed next (e.g. confirmation of contact)",
        "Owed by",
        "Notes",
        "Reference",
    )
    row = (
        "IDVA (independent domestic violence adviser)",
        "Referral made",
        "Local IDVA service, duty worker",
        "16 October 2026, 15:20 BST",
        "Wants to think about it; leaflet sent.",
        "IDVA to confirm first contact",
        "19 October 2026",
        "Multi-agency safeguarding arrangements",
        "call-capture-bruising.png",
    )
    form = replace(
        samples.dash_form(),
        risk=None,
        sections=(FormSection("Referrals", (FormTable("Referrals", columns, (row,)),)),),
    )
    lines = _printed_lines(render_form(form, samples.ORIGIN).data)
    vocabulary = vocabulary_of(*columns, *row)
    assert broken_words(lines, vocabulary) == []
    # Each word is on the page whole, or split at a hyphen the renderer added.
    printed = re.sub(r"-\n", "", "\n".join(lines))
    for word in ("independent", "(organisation,", "confirmation", "arrangements"):
        assert word in printed


def test_the_check_for_broken_words_notices_a_word_cut_without_a_hyphen() -> None:
    vocabulary = vocabulary_of("IDVA (independent domestic violence adviser)")
    assert broken_words(["IDVA (inde", "pendent domestic"], vocabulary) == ["(inde | pendent"]
    assert broken_words(["IDVA (inde-", "pendent domestic"], vocabulary) == []


def test_the_exhibit_list_splits_file_names_only_at_their_separators() -> None:
    names = (
        "call-capture-bruising-to-the-left-upper-arm-shown-on-the-video-call.png",
        "messages_from_partner_since_seven_this_morning_copied_by_the_victim.txt",
    )
    exhibits = tuple(
        replace(
            exhibit,
            source=f"Capture of the video call screen ({name})",
            description="Capture of the video call: bruising to left upper arm",
        )
        for exhibit, name in zip(samples.exhibits(), names, strict=True)
    )
    data = render_exhibit_list(ExhibitList(samples.CASE, exhibits), samples.ORIGIN).data
    lines = _printed_lines(data)
    vocabulary = vocabulary_of(*names, *(part for n in names for part in re.split(r"[-.]", n)))
    assert broken_words(lines, vocabulary) == []
    flat = "".join("\n".join(lines).split())
    for name in names:
        assert name in flat


def test_a_hash_in_a_narrow_cell_is_printed_in_whole_groups() -> None:
    exhibit = Exhibit(
        "SJ/9", SHA256, "Hash as a description", "PC Sam Jones", samples.shown(0), SHA256
    )
    data = render_exhibit_list(ExhibitList(samples.CASE, (exhibit,)), samples.ORIGIN).data
    for line in _printed_lines(data):
        for word in line.split():
            if re.fullmatch(r"[0-9a-f]{9,}", word) and word != SHA256:
                assert len(word) % HASH_GROUP == 0 or SHA256.endswith(word), line


def test_every_paragraph_of_the_documents_breaks_words_by_these_rules() -> None:
    """reportlab's own Paragraph cuts an over-wide word anywhere: no document may use it."""
    package = Path(wrapping.__file__).parent
    offenders = []
    for module in sorted(package.glob("*.py")):
        if module.name == "wrapping.py":
            continue
        tree = ast.parse(module.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and any(a.name == "Paragraph" for a in node.names):
                offenders.append(module.name)
    assert offenders == []
