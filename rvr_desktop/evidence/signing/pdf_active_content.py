"""Find what in a PDF would run or open something when an evidence officer views it.

The PDFs RVR Desktop makes carry none of it: no JavaScript, no action on opening or on
any event, no launching of programs, no embedded files, no XFA or rich media. A PDF in a
bundle that does carry any of it was not made by us, and opening it could run an
attacker's code on the evidence officer's computer, so ``rvr-verify`` reports it.

Every object the cross-reference tables list is walked (object streams included, since
pyHanko reads them), not only those reachable from the pages: a viewer may act on any. A
PDF whose bytes plainly hold none of it (:mod:`pdf_quick_scan`) is not walked.
"""

from __future__ import annotations

import io
import itertools
from collections import defaultdict
from collections.abc import Iterator

from pyhanko.pdf_utils.generic import (
    ArrayObject,
    DictionaryObject,
    NumberObject,
    PdfObject,
    Reference,
    StreamObject,
    read_object,
)
from pyhanko.pdf_utils.misc import read_non_whitespace
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.xref import ObjStreamRef

from rvr_desktop.evidence.signing.pdf_quick_scan import (
    declared_objects,
    names_pattern,
    plainly_inert,
)

ACTIVE_KEYS = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/OpenAction",
        "/AA",
        "/Launch",
        "/EmbeddedFiles",
        "/EmbeddedFile",
        "/RichMedia",
        "/XFA",
    }
)
ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/RichMediaExecute"}
)
ACTIVE_NAMES = names_pattern(ACTIVE_KEYS | ACTIVE_ACTIONS)
"""What the byte scan looks for before the walk is spared."""
MAX_OBJECTS = 500_000
MAX_DEPTH = 64
MAX_VALUES_PER_STREAM = 500_000
"""Values one object stream may hold to be walked: a real one holds a few hundred small
objects, and 500,000 values cost the walk at most some 125 MB at a time."""
_VALUE_ENDS = (b" ", b"\n", b"\r", b"\t", b"\x00", b"\x0c", b"/", b"[", b"<", b"(")


class TooComplex(Exception):
    """The PDF holds more than the walk will parse; it cannot be shown to be harmless."""


def active_content(pdf: bytes) -> tuple[str, ...]:
    """What in ``pdf`` is active content, each as "object N: what"; empty when there is none.

    A file that cannot be read, or is too large to walk, is reported as a finding too:
    it cannot be shown to be harmless.
    """
    declared = declared_objects(pdf)
    if declared > MAX_OBJECTS:
        return (f"the PDF declares {declared:,} objects, more than the {MAX_OBJECTS:,} checked",)
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        if plainly_inert(pdf, reader, ACTIVE_NAMES):
            return ()
        refs: set[Reference] = set()
        for revision in range(reader.xrefs.total_revisions):
            refs |= set(reader.xrefs.explicit_refs_in_revision(revision))
            if len(refs) > MAX_OBJECTS:
                return (f"the PDF has more than {MAX_OBJECTS:,} objects to check",)
        found: list[str] = []
        # One object at a time: a hostile file's objects may cost 100 times their bytes.
        walked = itertools.chain(
            [("trailer", reader.trailer)], _objects(reader, sorted(refs, key=_order))
        )
        for where, value in walked:
            found += (f"{where}: {what}" for what in _findings(value, 0))
    except TooComplex as exc:
        return (f"the PDF is too complex to check: {exc}",)
    except Exception as exc:  # a hostile PDF may fail anywhere in the reader
        return (f"the PDF cannot be read to check it ({type(exc).__name__})",)
    return tuple(dict.fromkeys(found))


def _order(ref: Reference) -> tuple[int, int]:
    return ref.idnum, ref.generation


def _objects(reader: PdfFileReader, refs: list[Reference]) -> Iterator[tuple[str, PdfObject]]:
    """Every listed object; those in object streams read a stream at a time.

    pyHanko reads an object from an object stream by scanning the stream's header from
    its start, so reading each of N objects in turn costs N squared (4,000 objects in
    one stream took 30 s), and keeps every object read. Here each stream's header is read
    once, and its objects are dropped once looked at.
    """
    in_streams: dict[int, list[int]] = defaultdict(list)
    for ref in refs:
        where = reader.xrefs[ref]
        if isinstance(where, ObjStreamRef):
            in_streams[where.obj_stream_id].append(ref.idnum)
        else:
            yield f"object {ref.idnum}", reader.get_object(ref)  # type: ignore[no-untyped-call]
            reader.resolved_objects.pop((ref.generation, ref.idnum), None)  # looked at: drop it
    for stream_id, wanted in sorted(in_streams.items()):
        yield from _objects_in_stream(reader, stream_id, set(wanted))


def _objects_in_stream(
    reader: PdfFileReader, stream_id: int, wanted: set[int]
) -> Iterator[tuple[str, PdfObject]]:
    stream = reader.get_object(Reference(stream_id, 0, reader))  # type: ignore[no-untyped-call]
    if not isinstance(stream, StreamObject) or stream.get("/Type") != "/ObjStm":
        raise ValueError(f"object {stream_id} is listed as an object stream but is not one")
    count, first = int(stream["/N"]), int(stream["/First"])
    if not 0 <= count <= MAX_OBJECTS:
        raise ValueError(f"object stream {stream_id} declares {count} objects")
    decoded = stream.data
    # Each value parsed costs some 250 bytes whatever its size in the stream: a 4 MiB
    # stream of "0 0 0 ..." took a gigabyte. Values are counted (from the bytes that end
    # them, an upper bound) before any is parsed.
    values = sum(decoded.count(mark) for mark in _VALUE_ENDS)
    if values > MAX_VALUES_PER_STREAM:
        raise TooComplex(f"object stream {stream_id} holds up to {values:,} values")
    data = io.BytesIO(decoded)
    offsets: dict[int, int] = {}
    for _ in range(count):
        number = _next_number(data)
        offsets[number] = first + _next_number(data)
    for number in sorted(wanted):
        if number not in offsets:
            raise ValueError(f"object {number} is not in object stream {stream_id}")
        data.seek(offsets[number])
        yield f"object {number}", read_object(data, Reference(number, 0, reader))


def _next_number(data: io.BytesIO) -> int:
    read_non_whitespace(data, seek_back=True)  # type: ignore[no-untyped-call]
    return int(NumberObject.read_from_stream(data))  # type: ignore[no-untyped-call]


def _findings(value: PdfObject, depth: int) -> Iterator[str]:
    """Active keys and actions in ``value`` and the direct objects inside it."""
    if depth > MAX_DEPTH:
        yield "objects nested too deeply to check"
        return
    if isinstance(value, DictionaryObject):
        for key in sorted(ACTIVE_KEYS.intersection(str(k) for k in value)):
            yield {
                "/JS": "JavaScript",
                "/JavaScript": "JavaScript",
                "/OpenAction": "an action run on opening (/OpenAction)",
                "/AA": "actions run on events (/AA)",
                "/Launch": "a program launch (/Launch)",
                "/EmbeddedFiles": "embedded files",
                "/EmbeddedFile": "an embedded file",
                "/RichMedia": "rich media",
                "/XFA": "an XFA form",
            }[key]
        action = value.raw_get("/S") if "/S" in value else None
        if action is not None and str(action) in ACTIVE_ACTIONS:
            yield f"a {str(action)[1:]} action"
        for item in value.values():  # references resolve: visited as objects of their own
            if isinstance(item, DictionaryObject | ArrayObject):
                yield from _findings(item, depth + 1)
    elif isinstance(value, ArrayObject):
        for item in value:
            if isinstance(item, DictionaryObject | ArrayObject):
                yield from _findings(item, depth + 1)
