"""The officer signs a rendered statement; evidence officers check it, and tampering shows."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pypdf import PdfReader
from pypdf.generic import ContentStream

from rvr_desktop.evidence.clock import document_time
from rvr_desktop.evidence.documents.model import SignatureBox
from rvr_desktop.evidence.signing._pyhanko import signer_for
from rvr_desktop.evidence.signing.cms import sign_detached
from rvr_desktop.evidence.signing.credential import SigningCredential
from rvr_desktop.evidence.signing.errors import (
    AlreadySigned,
    NotAPdf,
    SignatureBoxInvalid,
    SigningCertificateNotValid,
    TimestampServiceFailed,
)
from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.signing.pdf_sign import sign_pdf
from rvr_desktop.evidence.signing.pdf_validate import validate_pdf
from rvr_desktop.evidence.signing.training_pki import TrainingCertificateAuthority
from rvr_desktop.evidence.signing.trust import TrustStore
from signing.pdfs import (
    SIGNATURE_BOX,
    append_after_eof,
    append_incremental_update,
    flip_byte_inside_signed_range,
    statement_pdf,
)
from signing.tsa import local_tsa
from tests.core.clocks import FakeClock


def _stamp_lines(pdf: bytes, page_index: int = -1) -> list[str]:
    """The text lines of the signature box on a page, as its appearance stream shows them."""
    page = PdfReader(io.BytesIO(pdf)).pages[page_index]
    widgets = [a.get_object() for a in page.get("/Annots", [])]
    assert len(widgets) == 1
    lines: list[str] = []
    pending = [widgets[0]["/AP"]["/N"].get_object()]
    while pending:
        xobject = pending.pop()
        for operands, operator in ContentStream(xobject, None).operations:
            if operator == b"BDC" and isinstance(operands[1], dict):
                text = operands[1].get("/ActualText")
                if text is not None:
                    lines.append(str(text))
        pending.extend(
            x.get_object() for x in xobject.get("/Resources", {}).get("/XObject", {}).values()
        )
    return lines


def _stamp_strokes(pdf: bytes, page_index: int = -1) -> list[bytes]:
    """The painting operators of the signature box's appearance that stroke a path."""
    page = PdfReader(io.BytesIO(pdf)).pages[page_index]
    widget = page["/Annots"][0].get_object()
    strokes: list[bytes] = []
    pending = [widget["/AP"]["/N"].get_object()]
    while pending:
        xobject = pending.pop()
        strokes += [
            operator
            for _, operator in ContentStream(xobject, None).operations
            if operator in (b"S", b"s", b"B", b"B*", b"b", b"b*")
        ]
        pending.extend(
            x.get_object() for x in xobject.get("/Resources", {}).get("/XObject", {}).values()
        )
    return strokes


@pytest.fixture
def signed(
    statement: bytes, credential: SigningCredential, officer: OfficerProfile, clock: FakeClock
) -> bytes:
    return sign_pdf(statement, credential, officer, SIGNATURE_BOX, clock=clock)


def test_officer_signs_statement_and_it_checks_out_against_the_trusted_root(
    signed: bytes, statement: bytes, trust: TrustStore, now: datetime
) -> None:
    check = validate_pdf(signed, trust, at_time=now)

    assert check.problems == ()
    assert check.bottom_line
    assert (check.intact, check.valid, check.trusted) == (True, True, True)
    assert check.covers_whole_file and check.modification_free
    assert check.signature_count == 1
    assert check.signing_time == now
    assert check.timestamp_time is None and check.timestamp_ok is None
    assert check.signer is not None
    assert check.signer.common_name == "Alex Morgan (TEST)"
    assert check.signer.officer_number == "4417"
    assert check.trusted_root is not None
    assert check.trusted_root.certificate == trust.roots[0].certificate
    # the rendered bytes are untouched: signing only appends
    assert signed.startswith(statement)
    assert check.summary()["bottom_line"] is True


def test_signature_box_is_visible_on_the_last_page_with_officer_number_and_time(
    signed: bytes, signing_ms: int
) -> None:
    last = PdfReader(io.BytesIO(signed)).pages[-1]
    rect = [float(v) for v in last["/Annots"][0].get_object()["/Rect"]]

    assert rect == [330.0, 40.0, 560.0, 110.0]
    assert _stamp_lines(signed) == [
        "Digitally signed by Alex Morgan",
        "PC 4417, Riverside",
        document_time(signing_ms, seconds=True),
        "TEST IDENTITY - NOT FOR EVIDENCE",
    ]
    assert "/Annots" not in PdfReader(io.BytesIO(signed)).pages[0]


def test_the_stamp_draws_no_border_of_its_own_over_the_box_the_document_outlines(
    signed: bytes,
) -> None:
    # The rendered statement outlines the box; a second border from the stamp would sit a
    # fraction of a point off it and show as a doubled line.
    assert _stamp_lines(signed)  # the stamp is there, with its text
    assert _stamp_strokes(signed) == []


def test_names_in_other_scripts_print_as_themselves_in_the_box(
    authority: TrainingCertificateAuthority, statement: bytes, clock: FakeClock, now: datetime
) -> None:
    officer = OfficerProfile(name="Łukasz Żółć-Петрова", collar_number="88")
    credential = authority.issue_officer(officer, now=now)

    signed = sign_pdf(statement, credential, officer, SIGNATURE_BOX, clock=clock)

    assert _stamp_lines(signed)[0] == "Digitally signed by Łukasz Żółć-Петрова"
    assert b"DejaVuSans" in signed  # the embedded font has these glyphs; Courier has not


def test_officers_signing_in_turn_each_get_their_own_stamp_and_a_signature_that_checks_out(
    authority: TrainingCertificateAuthority,
    credential: SigningCredential,
    officer: OfficerProfile,
    statement: bytes,
    trust: TrustStore,
    clock: FakeClock,
    now: datetime,
) -> None:
    # The space for a signature is sized once per signer and the stamp's font made once
    # per officer: a later signature, or another officer's, must not be cut to fit
    # the first, nor show the first one's name or time.
    colleague = OfficerProfile(
        name="Bartholomew Featherstonehaugh-Wolstenholme", collar_number="90210", rank="DC"
    )
    colleague_credential = authority.issue_officer(colleague, now=now)
    first = sign_pdf(statement, credential, officer, SIGNATURE_BOX, clock=clock)
    clock.advance(61)
    theirs = sign_pdf(statement, colleague_credential, colleague, SIGNATURE_BOX, clock=clock)
    clock.advance(61)
    again = sign_pdf(statement, credential, officer, SIGNATURE_BOX, clock=clock)

    stamps = [_stamp_lines(pdf)[:3] for pdf in (first, theirs, again)]
    assert stamps == [
        ["Digitally signed by Alex Morgan", "PC 4417, Riverside", _shown(now)],
        [
            "Digitally signed by Bartholomew Featherstonehaugh-Wolstenholme",
            "DC 90210",
            _shown(now + timedelta(seconds=61)),
        ],
        [
            "Digitally signed by Alex Morgan",
            "PC 4417, Riverside",
            _shown(now + timedelta(seconds=122)),
        ],
    ]
    for pdf, moment in ((first, 0), (theirs, 61), (again, 122)):
        check = validate_pdf(pdf, trust, at_time=now + timedelta(seconds=moment))
        assert check.problems == ()
        assert check.bottom_line and check.covers_whole_file and check.modification_free


def test_the_font_embedded_for_the_stamp_can_draw_every_character_it_shows(
    authority: TrainingCertificateAuthority, statement: bytes, clock: FakeClock, now: datetime
) -> None:
    # The stamp's font program is made once per officer, not cut again for each
    # signature: it must still hold every glyph the stamp uses, outlines included.
    officer = OfficerProfile(name="Łukasz Żółć-Петрова", collar_number="88")
    credential = authority.issue_officer(officer, now=now)

    signed = sign_pdf(statement, credential, officer, SIGNATURE_BOX, clock=clock)

    program = _stamp_font_program(signed)
    glyphs = program.getGlyphSet()
    cmap = program.getBestCmap()
    for character in set("".join(_stamp_lines(signed))) - {" "}:
        assert ord(character) in cmap, character
        assert glyphs[cmap[ord(character)]].width > 0, character
        assert program["glyf"][cmap[ord(character)]].numberOfContours != 0, character


def _shown(moment: datetime) -> str:
    return document_time(int(moment.timestamp()) * 1000, seconds=True)


def _stamp_font_program(pdf: bytes) -> TTFont:
    """The TrueType program embedded for the text of the signature box."""
    widget = PdfReader(io.BytesIO(pdf)).pages[-1]["/Annots"][0].get_object()
    pending = [widget["/AP"]["/N"].get_object()]
    while pending:
        xobject = pending.pop()
        resources = xobject.get("/Resources", {})
        for font in resources.get("/Font", {}).values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            data = descendant["/FontDescriptor"].get_object()["/FontFile2"].get_object()
            return TTFont(io.BytesIO(data.get_data()))
        pending.extend(x.get_object() for x in resources.get("/XObject", {}).values())
    raise AssertionError("the signature box has no font")


def test_same_signature_is_untrusted_when_the_root_is_not_in_the_trust_store(
    signed: bytes, now: datetime
) -> None:
    check = validate_pdf(signed, TrustStore.empty(), at_time=now)

    assert check.intact and check.valid and check.covers_whole_file
    assert not check.trusted
    assert not check.bottom_line
    assert check.trusted_root is None
    assert any("trusted root" in p and "no trusted roots" in p for p in check.problems)


def test_changing_one_byte_of_the_statement_fails_the_check(
    signed: bytes, trust: TrustStore, now: datetime
) -> None:
    check = validate_pdf(flip_byte_inside_signed_range(signed), trust, at_time=now)

    assert not check.intact
    assert not check.bottom_line
    assert "The signed content has been changed since it was signed." in check.problems


def test_bytes_appended_after_eof_fail_the_check(
    signed: bytes, trust: TrustStore, now: datetime
) -> None:
    check = validate_pdf(append_after_eof(signed), trust, at_time=now)

    # pyHanko alone calls this intact, valid and trusted; the whole-file rule catches it
    assert check.intact and check.valid and check.trusted
    assert not check.covers_whole_file
    assert not check.bottom_line
    assert any("added after signing" in p for p in check.problems)


def test_an_incremental_update_after_signing_fails_the_check(
    signed: bytes, trust: TrustStore, now: datetime, tmp_path: Path
) -> None:
    path = tmp_path / "statement.pdf"
    path.write_bytes(signed)
    append_incremental_update(path)
    tampered = path.read_bytes()
    assert tampered.startswith(signed)

    check = validate_pdf(tampered, trust, at_time=now)

    assert not check.modification_free
    assert not check.covers_whole_file
    assert not check.bottom_line
    assert any("update was appended" in p for p in check.problems)


def test_a_statement_signed_with_a_timestamp_service_is_pades_b_t(
    statement: bytes,
    credential: SigningCredential,
    officer: OfficerProfile,
    clock: FakeClock,
    trust: TrustStore,
    now: datetime,
) -> None:
    with local_tsa(now + timedelta(seconds=2)) as tsa:
        signed = sign_pdf(
            statement, credential, officer, SIGNATURE_BOX, clock=clock, timestamp_url=tsa.url
        )
        with_tsa_root = trust.adding(TrustStore.from_pem(tsa.root_pem, "tsa root").roots)

        check = validate_pdf(signed, with_tsa_root, at_time=now)
        without_tsa_root = validate_pdf(signed, trust, at_time=now)

    assert check.problems == ()
    assert check.bottom_line
    assert check.timestamp_time == now + timedelta(seconds=2)
    assert check.timestamp_ok is True
    assert without_tsa_root.timestamp_ok is False
    assert not without_tsa_root.bottom_line
    assert any("time-stamp" in p for p in without_tsa_root.problems)


def test_an_unreachable_timestamp_service_stops_signing_with_a_clear_error(
    statement: bytes, credential: SigningCredential, officer: OfficerProfile, clock: FakeClock
) -> None:
    with local_tsa(datetime.now().astimezone()) as tsa:
        dead_url = tsa.url
    with pytest.raises(TimestampServiceFailed, match="time-stamping service"):
        sign_pdf(statement, credential, officer, SIGNATURE_BOX, clock=clock, timestamp_url=dead_url)


def test_signature_box_on_a_named_page_and_impossible_boxes(
    credential: SigningCredential, officer: OfficerProfile, clock: FakeClock
) -> None:
    three_pages = statement_pdf(pages=3)
    box = SignatureBox(page_index=1, x1=72, y1=72, x2=300, y2=140)
    signed = sign_pdf(three_pages, credential, officer, box, clock=clock)
    reader = PdfReader(io.BytesIO(signed))
    assert "/Annots" in reader.pages[1] and "/Annots" not in reader.pages[2]

    with pytest.raises(SignatureBoxInvalid, match="page 3 does not exist"):
        sign_pdf(three_pages, credential, officer, replace(box, page_index=3), clock=clock)
    with pytest.raises(SignatureBoxInvalid, match="page -4 does not exist"):
        sign_pdf(three_pages, credential, officer, replace(box, page_index=-4), clock=clock)
    with pytest.raises(SignatureBoxInvalid, match="outside"):
        sign_pdf(three_pages, credential, officer, replace(box, x2=900), clock=clock)
    with pytest.raises(SignatureBoxInvalid, match="no width"):
        sign_pdf(three_pages, credential, officer, replace(box, x2=72), clock=clock)


def test_signing_refuses_a_non_pdf_and_an_already_signed_pdf(
    signed: bytes, credential: SigningCredential, officer: OfficerProfile, clock: FakeClock
) -> None:
    with pytest.raises(NotAPdf):
        sign_pdf(b"hello, not a PDF", credential, officer, SIGNATURE_BOX, clock=clock)
    with pytest.raises(NotAPdf):
        sign_pdf(b"%PDF-1.7\ngarbage", credential, officer, SIGNATURE_BOX, clock=clock)
    with pytest.raises(AlreadySigned):
        sign_pdf(signed, credential, officer, SIGNATURE_BOX, clock=clock)


def test_checking_an_unsigned_pdf_or_a_non_pdf_gives_a_clear_result(
    statement: bytes, trust: TrustStore
) -> None:
    unsigned = validate_pdf(statement, trust)
    not_pdf = validate_pdf(b"PK\x03\x04 a zip file", trust)
    damaged = validate_pdf(b"%PDF-1.7\n" + b"\x00" * 100, trust)

    assert unsigned.problems == ("The PDF has no signature.",)
    assert not_pdf.problems == ("The file is not a PDF.",)
    assert len(damaged.problems) == 1 and "cannot be read" in damaged.problems[0]
    for check in (unsigned, not_pdf, damaged):
        assert not check.bottom_line
        assert check.summary()["signer"] is None


def test_a_second_signature_added_later_fails_the_check(
    signed: bytes, authority: TrainingCertificateAuthority, now: datetime, trust: TrustStore
) -> None:
    intruder = authority.issue_officer(OfficerProfile("Someone Else", "999"), now=now)

    out = signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name="Second"),
        signer_for(intruder),
        new_field_spec=fields.SigFieldSpec("Second"),
    ).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(signed)))

    check = validate_pdf(out.getvalue(), trust, at_time=now)

    assert check.signature_count == 2
    assert not check.bottom_line
    assert check.signer is not None and check.signer.common_name == "Alex Morgan (TEST)"
    assert any("2 signatures" in p for p in check.problems)


def test_a_certificate_that_expired_since_import_cannot_sign(
    statement: bytes, credential: SigningCredential, officer: OfficerProfile, now: datetime
) -> None:
    years_on = FakeClock(int((now + timedelta(days=800)).timestamp() * 1000))

    with pytest.raises(SigningCertificateNotValid, match=r"expired on .* Nothing was signed"):
        sign_pdf(statement, credential, officer, SIGNATURE_BOX, clock=years_on)
    with pytest.raises(SigningCertificateNotValid):
        sign_detached(b"manifest", credential, clock=years_on)
