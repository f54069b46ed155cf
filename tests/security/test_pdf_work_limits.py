"""A few hostile bytes cannot make the verifier work for minutes or hold gigabytes: what a
PDF declares is checked before a parser is trusted with it, and its objects are walked
one at a time, each object stream read once."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from pyhanko.pdf_utils.writer import PdfFileWriter

from rvr_desktop.evidence.signing.pdf_active_content import (
    MAX_OBJECTS,
    MAX_VALUES_PER_STREAM,
    active_content,
)
from rvr_desktop.evidence.signing.pdf_quick_scan import declared_objects
from rvr_desktop.evidence.signing.pdf_validate import validate_pdf
from rvr_desktop.evidence.signing.trust import TrustStore
from tests.signing.pdfs import statement_pdf

TEN_MILLION = 10_000_000


def _zero_width_xref(size_and_index: bytes) -> bytes:
    """A 140-byte PDF whose one cross-reference stream has entries zero bytes wide, so
    its declared size alone says how many entries a reader makes (from nothing)."""
    head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    xref = (
        b"1 0 obj\n<< /Type /XRef " + size_and_index + b" /W [0 0 0] /Root 1 0 R /Length 0 >>"
        b"\nstream\n\nendstream\nendobj\n"
    )
    return head + xref + b"startxref\n%d\n%%%%EOF\n" % len(head)


HOSTILE = [
    pytest.param(b"/Size %d" % TEN_MILLION, id="size"),
    pytest.param(b"/Size 5 /Index [0 3 7 %d]" % TEN_MILLION, id="index"),
]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("declaration", HOSTILE)
def test_an_exhibit_declaring_millions_of_objects_is_reported_unparsed(declaration: bytes) -> None:
    pdf = _zero_width_xref(declaration)
    assert len(pdf) < 200
    (finding,) = active_content(pdf)
    assert "objects, more than the 500,000 checked" in finding


@pytest.mark.timeout(60)
@pytest.mark.parametrize("declaration", HOSTILE)
def test_a_statement_declaring_millions_of_objects_fails_unparsed(declaration: bytes) -> None:
    check = validate_pdf(_zero_width_xref(declaration), TrustStore.empty())
    assert not check.intact
    assert any("it was not made by RVR Desktop" in problem for problem in check.problems)


def test_an_ordinary_pdf_declares_what_it_holds() -> None:
    declared = declared_objects(statement_pdf(pages=3))
    assert 0 < declared < 50 < MAX_OBJECTS


def _objects_in_one_stream(count: int, *, last: DictionaryObject | None = None) -> bytes:
    """A PDF with ``count`` small dictionaries in one object stream (``last`` the final
    one), written by pyHanko as any producer using object streams would."""
    writer = PdfFileWriter(stream_xrefs=True)
    stream = writer.prepare_object_stream()
    for number in range(count):
        plain = DictionaryObject({NameObject("/K"): NumberObject(number)})
        writer.add_object(last if last is not None and number == count - 1 else plain, stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_active_content_inside_an_object_stream_is_found() -> None:
    script = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("x")}
    )
    findings = active_content(_objects_in_one_stream(300, last=script))
    assert any("JavaScript" in finding for finding in findings), findings


@pytest.mark.timeout(60)
def test_a_stream_of_twenty_thousand_objects_is_walked_in_linear_time() -> None:
    """Read one by one through pyHanko, they took some 12 minutes: each read scanned the
    stream's header from its start."""
    assert active_content(_objects_in_one_stream(20_000)) == ()


def test_an_object_stream_of_millions_of_values_is_too_complex_to_parse() -> None:
    """4 MiB of "0 0 0 ..." parsed cost a gigabyte; the values are counted first."""
    writer = PdfFileWriter(stream_xrefs=True)
    zeros = ArrayObject([NumberObject(0)] * (MAX_VALUES_PER_STREAM + 1))
    writer.add_object(zeros, writer.prepare_object_stream())
    out = io.BytesIO()
    writer.write(out)
    (finding,) = active_content(out.getvalue())
    assert "too complex to check" in finding and "values" in finding
