"""A byte scan that shows a PDF carries no active content without parsing every object.

Walking every object with pyHanko's pure-Python parser costs about 45 ms for an exhibit list
of a few hundred objects, and the verifier walks every PDF in a bundle. Every dictionary key
the walk could find is a name written in the file's bytes, except inside stream data, which
the walk never reads. So when the bytes outside stream data hold none of the names the walk
looks for, and no name spelt with ``#`` escapes, the walk would find nothing.

The scan only ever says "plainly inert" or "look properly": anything it cannot account for
(object streams, encryption, a stream whose extent is in doubt, a suspicious name anywhere,
even inside a string) sends the PDF to the full walk. Stream data is skipped only where its
extent is beyond doubt: after a dictionary free of strings and comments (so its ``>>
stream`` is the one a parser finds), ``endstream`` right after ``/Length`` bytes, and
neither an object the cross-reference table lists nor the table and its trailer starting
inside. Whatever a parser made of a mistaken length, it would read stream data there,
never a dictionary key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pyhanko.pdf_utils.reader import PdfFileReader

_NAME_CHAR = rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]"
_ESCAPED_NAME = re.compile(rb"/" + _NAME_CHAR + rb"*#")
"""A name with a ``#xx`` escape, which could spell any key."""

_SPACE = rb"[\x00\t\n\x0c\r ]"
_STREAM_START = re.compile(rb">>" + _SPACE + rb"*stream(?:\r\n|\n)")
_LENGTH = re.compile(rb"/Length" + _SPACE + rb"+(\d+)")
_STREAM_END = re.compile(rb"(?:\r\n|\n|\r)?endstream")


_SIZE = re.compile(rb"/Size" + _SPACE + rb"*(\d{1,12})(?!\d)")
_INDEX = re.compile(rb"/Index" + _SPACE + rb"*\[([\d\x00\t\n\x0c\r ]{0,100000})\]")


def declared_objects(pdf: bytes) -> int:
    """The most objects any cross-reference section of ``pdf`` declares (its /Size, or the
    counts of its /Index ranges), read from the bytes before a parser is trusted with them.

    A reader makes one entry per declared object, and a cross-reference stream whose
    entries are zero bytes wide (/W [0 0 0]) declares millions in a file of 133 bytes: 10
    million took pyHanko 138 s and 3.6 GB before any limit of ours could apply.
    """
    most = max((int(size[1]) for size in _SIZE.finditer(pdf)), default=0)
    for index in _INDEX.finditer(pdf):
        numbers = [int(n) for n in index[1].split()]
        most = max(most, sum(numbers[1::2]))
    return most


def names_pattern(names: Iterable[str]) -> re.Pattern[bytes]:
    """What :func:`plainly_inert` looks for: each of ``names`` (the keys and actions the
    walk reports, such as ``/JS``) and the two names that make the bytes unreadable to a
    scan (``/Encrypt``, ``/ObjStm``), each as a whole name, so a font called
    ``/AAAAAA+DejaVuSans`` is not ``/AA``."""
    spelled = sorted({*names, "/Encrypt", "/ObjStm"})
    alternatives = b"|".join(re.escape(name.encode("ascii")[1:]) for name in spelled)
    return re.compile(rb"/(?:" + alternatives + rb")(?!" + _NAME_CHAR + rb")")


def plainly_inert(pdf: bytes, reader: PdfFileReader, suspect_names: re.Pattern[bytes]) -> bool:
    """True when ``pdf`` (read by ``reader``) holds none of ``suspect_names`` (from
    :func:`names_pattern`) outside stream data, so the full walk in
    :mod:`pdf_active_content` would report nothing; False means "walk it", never "it is
    active"."""
    offsets = _object_offsets(reader)
    if offsets is None:
        return False
    start = 0
    for data_start, data_end in _stream_data(pdf, offsets):
        if _suspect(pdf, start, data_start, suspect_names):
            return False
        start = data_end
    return not _suspect(pdf, start, len(pdf), suspect_names)


def _suspect(pdf: bytes, start: int, end: int, names: re.Pattern[bytes]) -> bool:
    return bool(names.search(pdf, start, end) or _ESCAPED_NAME.search(pdf, start, end))


def _object_offsets(reader: PdfFileReader) -> list[int] | None:
    """Where every object the cross-reference tables list begins, and where each
    cross-reference section does (its trailer follows), in order: no skipped stream data
    may run over one. None when an object lives in an object stream (its bytes are
    compressed, so the scan cannot see them)."""
    offsets: set[int] = set()
    xrefs = reader.xrefs
    for revision in range(xrefs.total_revisions):
        offsets.add(xrefs.get_startxref_for_revision(revision))
        for ref in xrefs.explicit_refs_in_revision(revision):
            where = xrefs.get_historical_ref(ref, revision)
            if not isinstance(where, int):
                return None
            offsets.add(where)
    return sorted(offsets)


def _stream_data(pdf: bytes, offsets: list[int]) -> list[tuple[int, int]]:
    """The byte ranges of stream data whose extent is beyond doubt, in file order."""
    ranges: list[tuple[int, int]] = []
    for index, offset in enumerate(offsets):
        limit = offsets[index + 1] if index + 1 < len(offsets) else len(pdf)
        found = _STREAM_START.search(pdf, offset, limit)
        if found is None:
            continue
        head = pdf[offset : found.start() + 2]
        if not _plain_dictionary(head):
            continue
        length = _LENGTH.search(head)
        if length is None:
            continue
        data_start = found.end()
        data_end = data_start + int(length[1])
        # Beyond the next object or trailer, the skip would hide what the walk reads.
        if data_end > limit or not _STREAM_END.match(pdf, data_end):
            continue
        ranges.append((data_start, data_end))
    return ranges


def _plain_dictionary(head: bytes) -> bool:
    """An object header and one balanced dictionary with no strings or comments, so the
    ``>> stream`` found is the one a parser finds."""
    if b"(" in head or b"%" in head:
        return False
    opened = head.count(b"<<")
    if opened == 0 or opened != head.count(b">>"):
        return False
    # Nor hex strings: "<aa>>" closes a string and, to a lenient parser, perhaps the
    # dictionary, so the brackets would not say where it ends.
    return b"<" not in head.replace(b"<<", b"") and b">" not in head.replace(b">>", b"")
