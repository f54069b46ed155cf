"""Write a bag (RFC 8493) as a folder or a stored .zip, streaming, atomically, cancellably.

Payload files are streamed in and hashed with SHA-256 as they are written, so several GiB
of attachments pass through a fixed amount of memory. :meth:`BagWriter.finish` writes the
tag files and the signature of the tag manifest, then renames the finished bag into
place. Any failure, a full disk or a cancel removes the temporary copy, so no partial
bundle is ever left under the final name or beside it.

    with BagWriter(target, BundleLayout.ZIP, total_bytes=n, progress=cb, cancel=token) as bag:
        bag.add_payload("exhibits/JS-1 photo.jpg", stream, expected_size=size)
        with bag.payload_file("statement/MG11.pdf") as sink:
            render_into(sink)
        written = bag.finish([("Case-Reference", "INC-1")], sign=cms_sign)
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from rvr_desktop.evidence.bundle.errors import (
    BundleWriterClosed,
    InvalidBagInfo,
    PayloadSourceMismatch,
    UnsafeBundlePath,
)
from rvr_desktop.evidence.bundle.layout import (
    ARCHIVE_TIMESTAMPS_DIR,
    BAG_INFO_TXT,
    BAGGING_DATE,
    BAGIT_TXT,
    MANIFEST_TXT,
    PAYLOAD_OXUM,
    PAYLOAD_PREFIX,
    SIGNATURE_P7S,
    TAGMANIFEST_TXT,
    VALIDATION_DIR,
    BundleLayout,
)
from rvr_desktop.evidence.bundle.lookalikes import LookalikeIndex
from rvr_desktop.evidence.bundle.names import collision_key, path_problem
from rvr_desktop.evidence.bundle.sinks import BagSink, FileTarget, FolderSink, ZipSink
from rvr_desktop.evidence.bundle.tagfiles import (
    bag_info_problem,
    format_bag_info,
    format_bagit_txt,
    format_manifest,
)
from rvr_desktop.evidence.fsutil import translate_os_errors
from rvr_desktop.evidence.progress import CancelToken, ProgressCallback, no_progress

COPY_CHUNK = 1 << 20

Signer = Callable[[bytes], bytes]
"""Given the tag manifest's bytes, returns a detached CMS signature in DER."""
AfterSigning = Callable[[bytes, bytes], Sequence[tuple[str, bytes]]]
"""Given the tag manifest and its signature, the tag files made after signing."""
_TAG_FOLDERS = (VALIDATION_DIR + "/", ARCHIVE_TIMESTAMPS_DIR + "/")


@dataclass(frozen=True)
class PayloadEntry:
    path: str
    """Path from the bag's root, starting with data/."""
    size: int
    sha256: str


@dataclass(frozen=True)
class WrittenBag:
    path: Path
    layout: BundleLayout
    payload: tuple[PayloadEntry, ...]
    """In the order they were added."""
    payload_bytes: int
    tag_manifest_sha256: str
    """SHA-256 of tagmanifest-sha256.txt: the bytes the signature covers."""
    signed: bool


@dataclass(frozen=True)
class ReservedPayload:
    """A payload file created empty for another process to fill (folder bags only)."""

    path: str
    """Path from the bag's root, starting with data/."""
    file: Path
    """Where its bytes go, inside the bag's temporary folder."""
    expected_size: int
    expected_sha256: str


def _check_source(
    path: str, size: int, digest: str, expected_size: int | None, expected_sha256: str | None
) -> None:
    if expected_size is not None and size != expected_size:
        raise PayloadSourceMismatch(
            path, f"the source gave {size} bytes, not the expected {expected_size}"
        )
    if expected_sha256 is not None and digest != expected_sha256.lower():
        raise PayloadSourceMismatch(
            path, f"its SHA-256 is {digest}, but {expected_sha256} was recorded"
        )


class PayloadSink:
    """Takes one payload file's bytes: hashes, counts, reports progress, obeys cancel."""

    def __init__(self, writer: BagWriter, path: str, target: FileTarget, expected_size: int | None):
        self._writer = writer
        self._path = path
        self._target = target
        self._expected_size = expected_size
        self._digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        view = memoryview(data).cast("B")
        self._writer._check_cancel()
        if self._expected_size is not None and self.size + len(view) > self._expected_size:
            raise PayloadSourceMismatch(
                self._path, f"the source gave more than the expected {self._expected_size} bytes"
            )
        with translate_os_errors(self._writer.final):
            self._target.write(view)
        self._digest.update(view)
        self.size += len(view)
        self._writer._advance(len(view))
        return len(view)

    def _close(self, expected_sha256: str | None) -> PayloadEntry:
        digest = self._digest.hexdigest()
        _check_source(self._path, self.size, digest, self._expected_size, expected_sha256)
        with translate_os_errors(self._writer.final):
            self._target.close()
        return PayloadEntry(self._path, self.size, digest)


class BagWriter:
    """Builds one bag; use as a context manager so an exception abandons it cleanly."""

    def __init__(
        self,
        final: Path,
        layout: BundleLayout,
        *,
        total_bytes: int = 0,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
    ) -> None:
        """``total_bytes`` is the expected payload size for progress (0 if unknown)."""
        self.final = final
        self.layout = layout
        self._total = total_bytes
        self._progress = progress
        self._cancel = cancel
        self._done = 0
        self._entries: list[PayloadEntry] = []
        self._reserved: dict[str, int] = {}
        """Reserved files not yet filled: their index in ``_entries``."""
        self._progress_lock = threading.Lock()
        self._file_keys: dict[str, str] = {}
        self._folder_keys: set[str] = set()
        self._lookalikes = LookalikeIndex()
        self._busy = False
        self._closed = False
        with translate_os_errors(final):
            self._sink: BagSink = (
                FolderSink(final) if layout is BundleLayout.FOLDER else ZipSink(final)
            )

    # ------------------------------------------------------------ payload

    @contextmanager
    def payload_file(
        self,
        relative_path: str,
        *,
        expected_size: int | None = None,
        expected_sha256: str | None = None,
    ) -> Iterator[PayloadSink]:
        """A sink for one payload file at data/``relative_path``; its bytes are pushed in.

        When ``expected_size`` or ``expected_sha256`` is given, a source that delivers
        anything else stops the export (PayloadSourceMismatch).
        """
        with self._abandon_on_error():
            self._check_open()
            if self._busy:
                raise BundleWriterClosed()
            path = self._claim(relative_path)
            with translate_os_errors(self.final):
                target = self._sink.open_file(path, expected_size)
            self._busy = True
            sink = PayloadSink(self, path, target, expected_size)
            yield sink
            self._entries.append(sink._close(expected_sha256))
            self._busy = False

    def add_payload(
        self,
        relative_path: str,
        source: BinaryIO,
        *,
        expected_size: int | None = None,
        expected_sha256: str | None = None,
    ) -> PayloadEntry:
        """Copy ``source`` to its end into data/``relative_path``."""
        with self.payload_file(
            relative_path, expected_size=expected_size, expected_sha256=expected_sha256
        ) as sink:
            while chunk := source.read(COPY_CHUNK):
                sink.write(chunk)
        return self._entries[-1]

    def add_payload_bytes(self, relative_path: str, data: bytes) -> PayloadEntry:
        with self.payload_file(relative_path, expected_size=len(data)) as sink:
            for start in range(0, len(data), COPY_CHUNK):
                sink.write(memoryview(data)[start : start + COPY_CHUNK])
        return self._entries[-1]

    def reserve_payload_file(
        self, relative_path: str, *, expected_size: int, expected_sha256: str
    ) -> ReservedPayload | None:
        """Create data/``relative_path`` empty for another process to fill, keeping its
        place in the manifest; None for a zip, which only this writer can write into.

        The file must be written with ``sinks.reserved_file_target`` and then recorded
        with :meth:`fill_reserved` before :meth:`finish`.
        """
        with self._abandon_on_error():
            self._check_open()
            if not isinstance(self._sink, FolderSink):
                return None
            path = self._claim(relative_path)
            with translate_os_errors(self.final):
                file = self._sink.reserve_file(path)
            self._reserved[path] = len(self._entries)
            self._entries.append(PayloadEntry(path, expected_size, expected_sha256))
            return ReservedPayload(path, file, expected_size, expected_sha256)

    def fill_reserved(self, reserved: ReservedPayload, size: int, sha256: str) -> PayloadEntry:
        """Record that ``reserved`` now durably holds ``size`` bytes with SHA-256 ``sha256``;
        other bytes than the expected stop the export (PayloadSourceMismatch)."""
        with self._abandon_on_error():
            self._check_open()
            index = self._reserved.pop(reserved.path)
            _check_source(
                reserved.path, size, sha256, reserved.expected_size, reserved.expected_sha256
            )
            entry = PayloadEntry(reserved.path, size, sha256.lower())
            self._entries[index] = entry
            return entry

    def advance(self, count: int) -> None:
        """Count ``count`` more payload bytes written by another process; from any thread."""
        self._advance(count)

    # ------------------------------------------------------------ finishing

    def finish(
        self,
        bag_info: Sequence[tuple[str, str]],
        sign: Signer | None,
        *,
        bagging_date: date | None = None,
        listed_tag_files: Sequence[tuple[str, bytes]] = (),
        after_signing: AfterSigning | None = None,
    ) -> WrittenBag:
        """Write the tag files and the signature, then move the bag into place.

        ``bag_info`` is written in the given order, followed by Bagging-Date (today, UTC,
        unless given) and Payload-Oxum. ``sign`` receives the exact bytes of
        tagmanifest-sha256.txt; its DER result becomes tagmanifest-sha256.txt.p7s.
        ``listed_tag_files`` are further tag files the tag manifest lists (so the signature
        covers them); ``after_signing`` receives the tag manifest and the signature and
        returns tag files that cannot be listed because they are made after it (archive
        time-stamps), written before the bag is moved into place.
        """
        with self._abandon_on_error():
            self._check_open()
            if self._busy:
                raise BundleWriterClosed()
            for path in self._reserved:
                raise PayloadSourceMismatch(path, "it was set aside but never written")
            for label, value in bag_info:
                problem = bag_info_problem(label, value)
                if problem:
                    raise InvalidBagInfo(label, problem)
            day = bagging_date or datetime.now(UTC).date()
            payload_bytes = sum(e.size for e in self._entries)
            info = [
                *bag_info,
                (BAGGING_DATE, day.isoformat()),
                (PAYLOAD_OXUM, f"{payload_bytes}.{len(self._entries)}"),
            ]
            tag_files = [
                (BAGIT_TXT, format_bagit_txt()),
                (BAG_INFO_TXT, format_bag_info(info)),
                (MANIFEST_TXT, format_manifest((e.path, e.sha256) for e in self._entries)),
                *((self._claim_tag(name), data) for name, data in listed_tag_files),
            ]
            tag_manifest = format_manifest(
                (name, hashlib.sha256(data).hexdigest()) for name, data in tag_files
            )
            tag_files.append((TAGMANIFEST_TXT, tag_manifest))
            if sign is not None:
                signature = sign(tag_manifest)
                if not isinstance(signature, bytes) or not signature:
                    raise TypeError("the signer must return the DER bytes of a CMS signature")
                tag_files.append((SIGNATURE_P7S, signature))
                if after_signing is not None:
                    tag_files += [
                        (self._claim_tag(name), data)
                        for name, data in after_signing(tag_manifest, signature)
                    ]
            with translate_os_errors(self.final):
                for name, data in tag_files:
                    target = self._sink.open_file(name, len(data))
                    target.write(data)
                    target.close()
            self._check_cancel()
            with translate_os_errors(self.final):
                self._sink.commit()
            self._closed = True
            return WrittenBag(
                path=self.final,
                layout=self.layout,
                payload=tuple(self._entries),
                payload_bytes=payload_bytes,
                tag_manifest_sha256=hashlib.sha256(tag_manifest).hexdigest(),
                signed=sign is not None,
            )

    def abort(self) -> None:
        """Remove everything written so far; safe to call more than once."""
        if not self._closed:
            self._closed = True
            self._sink.discard()

    def __enter__(self) -> BagWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.abort()  # a finished bag is already closed; anything else is abandoned

    # ------------------------------------------------------------ internals

    @contextmanager
    def _abandon_on_error(self) -> Iterator[None]:
        try:
            yield
        except BaseException:
            self.abort()
            raise

    def _check_open(self) -> None:
        if self._closed:
            raise BundleWriterClosed()

    def _check_cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.raise_if_cancelled("The export")

    def _advance(self, count: int) -> None:
        with self._progress_lock:  # files written by other processes report from threads
            self._done += count
            self._progress(self._done, self._total)

    def _claim_tag(self, path: str) -> str:
        """A tag file in one of the bundle's own tag folders: made by us, never a user's name."""
        if not path.startswith(_TAG_FOLDERS) or path_problem(path) or "%" in path:
            raise UnsafeBundlePath(path, "it is not a tag file of an RVR bundle")
        return path

    def _claim(self, relative_path: str) -> str:
        """The bag path for a new payload file, refused if unsafe or already taken."""
        path = PAYLOAD_PREFIX + relative_path
        problem = path_problem(relative_path) or path_problem(path)
        if problem is None and "%" in relative_path:
            problem = "it contains '%', which BagIt tools decode inconsistently"
        if problem:
            raise UnsafeBundlePath(relative_path, problem)
        key = collision_key(path)
        if key in self._file_keys:
            raise UnsafeBundlePath(
                relative_path, f"{self._file_keys[key]!r} is already in the bundle (ignoring case)"
            )
        if key in self._folder_keys:
            raise UnsafeBundlePath(relative_path, "a folder of that name is already in the bundle")
        parts = path.split("/")
        ancestors = [collision_key("/".join(parts[:n])) for n in range(1, len(parts))]
        if any(a in self._file_keys for a in ancestors):
            raise UnsafeBundlePath(relative_path, "a folder in its path is already a file")
        lookalike = self._lookalikes.add(path)
        if lookalike is not None:
            raise UnsafeBundlePath(relative_path, f"{lookalike[0]!r}: {lookalike[1]}")
        self._file_keys[key] = path
        self._folder_keys.update(ancestors)
        return path
