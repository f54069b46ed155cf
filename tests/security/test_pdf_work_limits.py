"""A few hostile bytes cannot make the verifier build millions of entries: every PDF is
checked for the objects it declares before a parser is trusted with it."""

from __future__ import annotations

import pytest

from rvr_desktop.evidence.signing.pdf_active_content import MAX_OBJECTS, active_content
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
