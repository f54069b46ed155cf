"""The byte scan that spares the verifier a full walk of each PDF must never clear one the
walk would flag: each PDF here hides active content from a naive scan in its own way."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils.generic import DictionaryObject, NameObject, TextStringObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PdfFileWriter

from rvr_desktop.evidence.signing.pdf_active_content import (
    ACTIVE_ACTIONS,
    ACTIVE_KEYS,
    ACTIVE_NAMES,
    active_content,
)
from rvr_desktop.evidence.signing.pdf_quick_scan import plainly_inert
from tests.signing.pdfs import statement_pdf


def _pdf(*bodies: bytes, listed_at: dict[int, bytes] | None = None) -> bytes:
    """A PDF of numbered objects (1 is the catalog) with a correct cross-reference table.
    ``listed_at`` lists an object at the offset of a marker instead of where it is written."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    for number, marker in (listed_at or {}).items():
        offsets[number - 1] = bytes(out).index(marker)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(bodies) + 1,
        xref,
    )
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


_PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"


def _cleared(pdf: bytes) -> bool:
    return plainly_inert(pdf, PdfFileReader(io.BytesIO(pdf), strict=False), ACTIVE_NAMES)


def test_a_plain_pdf_with_active_looking_words_inside_its_streams_is_cleared() -> None:
    """Stream data is skipped only where its extent is certain; the words in it are text."""
    content = b"BT /F1 12 Tf (press /JavaScript or /OpenAction /J#53) Tj ET"
    pdf = _pdf(b"<< /Type /Catalog /Pages 2 0 R >>", _PAGES, _stream(content))
    assert _cleared(pdf)
    assert active_content(pdf) == ()


def test_a_reportlab_statement_is_cleared() -> None:
    assert _cleared(statement_pdf(pages=3))


@pytest.mark.parametrize(
    "entry",
    [f"{key} 2 0 R" for key in sorted(ACTIVE_KEYS)]
    + [f"/S {action}" for action in sorted(ACTIVE_ACTIONS)],
)
def test_every_key_and_action_the_walk_reports_stops_the_scan(entry: str) -> None:
    catalog = b"<< /Type /Catalog /Pages 2 0 R /Extra << %s >> >>" % entry.encode()
    pdf = _pdf(catalog, _PAGES)
    assert not _cleared(pdf)
    assert active_content(pdf) != ()


def test_an_open_action_added_by_incremental_update_is_walked_and_reported() -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(statement_pdf()))
    writer.root[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("x")}
    )
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    assert not _cleared(out.getvalue())
    assert any("OpenAction" in finding for finding in active_content(out.getvalue()))


def test_a_key_spelt_with_hex_escapes_is_walked_and_reported() -> None:
    pdf = _pdf(b"<< /Type /Catalog /Pages 2 0 R /Open#41ction 3 0 R >>", _PAGES, b"<< >>")
    assert not _cleared(pdf)
    assert any("OpenAction" in finding for finding in active_content(pdf))


def _catalog_hiding(keys: bytes, before: bytes, after: bytes) -> bytes:
    """A PDF whose catalog seems to hold stream data of exactly ``keys``."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R /Length %d " % len(keys)
    return _pdf(catalog + before + b"\nstream\n" + keys + b"\nendstream" + after, _PAGES, b"<< >>")


def test_a_fake_stream_keyword_inside_a_string_does_not_hide_the_keys_after_it() -> None:
    """Strings that look like the start and end of stream data, with a length to match:
    to a parser this is one dictionary with an /OpenAction between two strings."""
    pdf = _catalog_hiding(b") /OpenAction 3 0 R /Note (", b"/Title (>>", b") >>")
    assert not _cleared(pdf)
    assert any("OpenAction" in finding for finding in active_content(pdf))


def test_a_dictionary_left_open_before_its_stream_is_walked() -> None:
    """The walk cannot read it (so reports it); the scan must not clear what it skips."""
    pdf = _catalog_hiding(b"/OpenAction 3 0 R", b"/A << /B 1 >>", b" >>")
    assert not _cleared(pdf)
    assert active_content(pdf) != ()


def test_a_dictionary_holding_a_hex_string_has_its_stream_read_whole() -> None:
    """ "<aa>>" may close a string, or a string and the dictionary: not a dictionary whose
    end the scan can be sure of, so what follows is read, not skipped."""
    pdf = _catalog_hiding(b"/OpenAction 3 0 R", b"/T <aa>>", b" >>")
    assert not _cleared(pdf)


def test_an_object_listed_inside_another_objects_stream_data_is_scanned() -> None:
    """The cross-reference table may point into stream data; the walk reads the object
    there, so the scan must read those bytes too."""
    inner = b"4 0 obj\n<< /S /JavaScript /JS 5 0 R >>\nendobj\n"
    pdf = _pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        _PAGES,
        _stream(b"0 0 m\n" + inner),
        b"<< >>",  # written here, but listed inside object 3's data
        b"(app.alert)",
        listed_at={4: inner},
    )
    assert not _cleared(pdf)
    assert any("JavaScript" in finding for finding in active_content(pdf))


def test_stream_data_running_over_the_trailer_does_not_hide_it() -> None:
    """The last object's stream claims the cross-reference table and the trailer (with an
    /OpenAction) as its data, with an endstream after them: the walk reads that trailer."""
    pdf = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate([b"<< /Type /Catalog /Pages 2 0 R >>", _PAGES], start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    offsets.append(len(pdf))
    head = b"3 0 obj\n<< /Length %010d >>\nstream\n"  # fixed width: the offsets stay put
    xref_at = len(pdf) + len(head % 0)
    table = b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    trailer = (
        b"trailer\n<< /Size 4 /Root 1 0 R /OpenAction << /S /JavaScript /JS (x) >> >>\n"
        b"startxref\n%d\n%%%%EOF\n" % xref_at
    )
    pdf += head % len(table + trailer) + table + trailer + b"endstream\nendobj\n"
    assert not _cleared(bytes(pdf))
    assert active_content(bytes(pdf)) != ()


@pytest.mark.parametrize(
    "stream",
    [
        pytest.param(b"<< /Length 5 0 R >>\nstream\n/OpenAction\nendstream", id="indirect length"),
        pytest.param(b"<< /Length 4 >>\nstream\n/OpenAction\nendstream", id="length too short"),
    ],
)
def test_a_stream_whose_extent_is_in_doubt_is_read_whole(stream: bytes) -> None:
    pdf = _pdf(b"<< /Type /Catalog /Pages 2 0 R >>", _PAGES, stream, b"11")
    assert not _cleared(pdf)


def test_an_action_inside_an_object_stream_is_walked_and_reported() -> None:
    """Compressed objects are out of a byte scan's sight: such a PDF is always walked."""
    writer = PdfFileWriter(stream_xrefs=True)
    object_stream = writer.prepare_object_stream()
    action = writer.add_object(
        DictionaryObject(
            {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("x")}
        ),
        obj_stream=object_stream,
    )
    writer.root[NameObject("/Names")] = DictionaryObject({NameObject("/Run"): action})
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    pdf = out.getvalue()
    assert b"/Launch" not in pdf  # compressed: invisible to the bytes
    assert not _cleared(pdf)
    assert any("Launch" in finding for finding in active_content(pdf))
