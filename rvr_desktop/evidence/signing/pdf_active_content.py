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
from collections.abc import Iterator

from pyhanko.pdf_utils.generic import ArrayObject, DictionaryObject, PdfObject, Reference
from pyhanko.pdf_utils.reader import PdfFileReader

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
        for where, value in [
            ("trailer", reader.trailer),
            *_objects(reader, sorted(refs, key=_order)),
        ]:
            found += (f"{where}: {what}" for what in _findings(value, 0))
    except Exception as exc:  # a hostile PDF may fail anywhere in the reader
        return (f"the PDF cannot be read to check it ({type(exc).__name__})",)
    return tuple(dict.fromkeys(found))


def _order(ref: Reference) -> tuple[int, int]:
    return ref.idnum, ref.generation


def _objects(reader: PdfFileReader, refs: list[Reference]) -> Iterator[tuple[str, PdfObject]]:
    for ref in refs:
        yield f"object {ref.idnum}", reader.get_object(ref)  # type: ignore[no-untyped-call]


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
