"""Properties every document shares: embedded fonts, metadata, real text, repeatability."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from documents import samples
from documents.pdftext import font_descriptors, page_texts, reader
from rvr_desktop.evidence.documents import (
    ExhibitList,
    ExhibitStatement,
    RenderedPdf,
    Witness,
    render_exhibit_list,
    render_exhibit_statement,
    render_form,
    render_notes_log,
    render_restricted_details,
    render_statement,
    render_verification_report,
)
from rvr_desktop.evidence.documents import fonts as fonts_module
from rvr_desktop.evidence.documents.fonts import FontMissing, font_path

DOCUMENTS: dict[str, Callable[[], RenderedPdf]] = {
    "statement": lambda: render_statement(samples.statement(), samples.ORIGIN),
    "restricted": lambda: render_restricted_details(samples.restricted(), samples.ORIGIN),
    "notes": lambda: render_notes_log(samples.notes_log(), samples.ORIGIN),
    "dash": lambda: render_form(samples.dash_form(), samples.ORIGIN),
    "exhibit list": lambda: render_exhibit_list(
        ExhibitList(samples.CASE, samples.exhibits()), samples.ORIGIN
    ),
    "exhibit statement": lambda: render_exhibit_statement(
        ExhibitStatement(
            samples.CASE,
            Witness("PC Sam Jones", None, "Police officer"),
            "I am a police constable.",
            samples.exhibits(),
            samples.taker(),
        ),
        samples.ORIGIN,
    ),
    "verification": lambda: render_verification_report(
        samples.verification_report(), samples.ORIGIN
    ),
}


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_every_font_is_embedded_truetype(kind: str) -> None:
    fonts = font_descriptors(DOCUMENTS[kind]().data)
    assert fonts, "no fonts found: the check would pass vacuously"
    for font in fonts:
        descriptor = font["descriptor"]
        assert descriptor is not None, f"{font['base']} is not embedded"
        assert "/FontFile2" in descriptor, f"{font['base']} has no embedded TrueType program"
        assert "DejaVuSans" in font["base"]


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_metadata_is_set_from_the_input(kind: str) -> None:
    metadata = reader(DOCUMENTS[kind]().data).metadata
    assert metadata is not None
    assert metadata.title
    assert metadata.author == samples.ORIGIN.author
    assert metadata.subject
    assert metadata.creator == samples.ORIGIN.software
    created = datetime.fromtimestamp(samples.ORIGIN.created_utc_ms // 1000, tz=UTC)
    assert metadata.creation_date == created


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_same_input_gives_the_same_bytes(kind: str) -> None:
    assert DOCUMENTS[kind]().data == DOCUMENTS[kind]().data


POPPLER_PHRASES = {
    "statement": "is true to the best of my knowledge and belief",
    "restricted": "17 Quillwort Terrace, Northtown NT4 9ZQ",
    "notes": samples.ORIGINAL_NOTE,
    "dash": "Escalating threats to kill; recent separation",
    "exhibit list": "9f2b5c0e1d7a4b3c8e6f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f",
    "exhibit statement": "I produce the following exhibits:",
    "verification": "The bundle is intact and was signed by a trusted officer certificate.",
}


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_text_is_real_text_for_poppler_too(kind: str, tmp_path: Path) -> None:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext is not None, "pdftotext (poppler-utils) is needed: run ./dev test once"
    source = tmp_path / "doc.pdf"
    source.write_bytes(DOCUMENTS[kind]().data)
    out = subprocess.run([pdftotext, str(source), "-"], check=True, capture_output=True, text=True)
    assert POPPLER_PHRASES[kind] in " ".join(out.stdout.split())


def test_statement_metadata_names_the_witness_and_case() -> None:
    metadata = reader(DOCUMENTS["statement"]().data).metadata
    assert metadata is not None
    assert metadata.title == "MG11 witness statement of Alex Morgan"
    assert metadata.subject == f"Case {samples.CASE}"


def test_a_later_creation_time_changes_only_what_it_should() -> None:
    later = samples.ORIGIN.__class__(
        samples.ORIGIN.author, samples.ORIGIN.created_utc_ms + 86_400_000, samples.ORIGIN.software
    )
    first = render_statement(samples.statement("Text."), samples.ORIGIN)
    second = render_statement(samples.statement("Text."), later)
    assert first.data != second.data
    assert page_texts(first.data) == page_texts(second.data)


def test_rendered_pdf_saves_privately(tmp_path: Path) -> None:
    target = tmp_path / "statement.pdf"
    rendered = DOCUMENTS["statement"]()
    rendered.save(target)
    assert target.read_bytes() == rendered.data
    assert target.stat().st_mode & 0o777 == 0o600


def test_fonts_are_found_in_a_frozen_build(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert font_path("DejaVuSans.ttf").is_file()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert font_path("DejaVuSans.ttf") == tmp_path / "resources" / "fonts" / "DejaVuSans.ttf"


def test_a_missing_font_says_to_reinstall(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(fonts_module, "font_path", lambda name: tmp_path / name)
    with pytest.raises(FontMissing, match="Reinstall RVR Desktop"):
        fonts_module._register.__wrapped__()
