"""Where a new bag's files go: a hidden temporary folder or .zip beside the final name.

Only :meth:`BagSink.commit` makes the bundle visible, by renaming the finished temporary
folder or file into place, and it never replaces anything already there. Until then a
crash, a full disk or a cancel leaves nothing that could pass for a bundle, and
:meth:`BagSink.discard` removes the temporary copy.

Large files are flushed to the disk while they are still being written
(:class:`_WriteBehind`): without that the kernel holds a whole exhibit in memory and
writes it only at the final fsync, so the export waits for the disk after it has
finished decrypting, instead of the two overlapping. Every file still gets its own fsync
before the rename; the early flushes only make that last one short.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import threading
import time
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO

from rvr_desktop.evidence.bundle.errors import BundleAlreadyExists
from rvr_desktop.evidence.fsutil import fsync_dir, open_private_new, private_temp_path

# zipfile cannot add zip64 headers once a member is written, so a member of unknown size,
# or one that may pass 2 GiB, gets them from the start; smaller ones keep plain headers,
# which every unzip tool reads.
_ZIP64_ABOVE = 1 << 31
_EXISTS_ERRNOS = {errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR, errno.EISDIR}
WRITE_BEHIND_BYTES = 16 << 20
"""Unflushed bytes of one file after which a flush to the disk is started in the background."""
# fdatasync skips the times a file was touched, which nothing here needs; where it does
# not exist (macOS, Windows), fsync does the same job.
_datasync = getattr(os, "fdatasync", os.fsync)


class _WriteBehind:
    """Flushes a file being written to the disk in the background, one flush at a time.

    :meth:`wrote` never waits: when a flush is still running the next one is simply
    started later. A failed flush is kept and raised by :meth:`finish` (or the next
    :meth:`wrote`): after a failed fsync the kernel may report the next one as a
    success for pages it dropped, so the first failure is the one that counts.
    """

    def __init__(self, pool: ThreadPoolExecutor, fd: int, every: int) -> None:
        self._pool = pool
        self._fd = fd
        self._every = every
        self._unflushed = 0
        self._running: Future[None] | None = None
        self._error: OSError | None = None
        self._lock = threading.Lock()

    def wrote(self, count: int) -> None:
        self._unflushed += count
        if self._unflushed < self._every:
            return
        running = self._running
        if running is not None and not running.done():
            return
        self._raise_failure()
        self._unflushed = 0
        self._running = self._pool.submit(self._flush)

    def _flush(self) -> None:
        try:
            _datasync(self._fd)
        except OSError as exc:
            with self._lock:
                self._error = self._error or exc

    def _raise_failure(self) -> None:
        with self._lock:
            if self._error is not None:
                raise self._error

    def finish(self) -> None:
        """Wait for the flush under way (before the file's own fsync or its closing)."""
        running, self._running = self._running, None
        if running is not None:
            running.result()
        self._raise_failure()


class FileTarget(ABC):
    @abstractmethod
    def write(self, data: memoryview | bytes) -> None: ...

    @abstractmethod
    def close(self) -> None:
        """Make the file complete (and durable, for a folder)."""


class BagSink(ABC):
    def __init__(self, final: Path, write_behind: int | None = None) -> None:
        self.final = final
        self.temp = private_temp_path(final)
        if os.path.lexists(final):
            raise BundleAlreadyExists(final)
        self._write_behind = WRITE_BEHIND_BYTES if write_behind is None else write_behind
        self._flusher: ThreadPoolExecutor | None = None

    def _behind(self, fd: int) -> _WriteBehind:
        """Background flushing for one open file (one flusher thread for the whole bag)."""
        if self._flusher is None:
            self._flusher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bag-flush")
        return _WriteBehind(self._flusher, fd, self._write_behind)

    def _stop_flusher(self) -> None:
        if self._flusher is not None:
            self._flusher.shutdown(wait=True)
            self._flusher = None

    @abstractmethod
    def open_file(self, path: str, expected_size: int | None) -> FileTarget: ...

    @abstractmethod
    def commit(self) -> None: ...

    @abstractmethod
    def discard(self) -> None: ...


class FolderSink(BagSink):
    def __init__(self, final: Path, write_behind: int | None = None) -> None:
        super().__init__(final, write_behind)
        os.mkdir(self.temp, 0o700)
        os.chmod(self.temp, 0o700)
        self._folders: list[Path] = [self.temp]
        self._current: _FolderFile | None = None

    def open_file(self, path: str, expected_size: int | None) -> FileTarget:
        handle = os.fdopen(open_private_new(self._new_file_path(path)), "wb")
        self._current = _FolderFile(handle, self._behind(handle.fileno()))
        return self._current

    def reserve_file(self, path: str) -> Path:
        """Create the bag's file ``path`` empty, for another process to fill with
        :func:`reserved_file_target`; returns where it is."""
        target = self._new_file_path(path)
        os.close(open_private_new(target))
        return target

    def _new_file_path(self, path: str) -> Path:
        folder = self.temp
        *parents, name = path.split("/")
        for part in parents:
            folder = folder / part
            if folder not in self._folders:
                os.mkdir(folder, 0o700)
                self._folders.append(folder)
        return folder / name

    def commit(self) -> None:
        self._stop_flusher()
        for folder in reversed(self._folders):
            fsync_dir(folder)
        if os.path.lexists(self.final):
            raise BundleAlreadyExists(self.final)
        try:
            # rename() would silently replace an empty folder created in the meantime;
            # nothing is lost then, and a folder with content makes it fail.
            os.rename(self.temp, self.final)
        except OSError as exc:
            if exc.errno in _EXISTS_ERRNOS:
                raise BundleAlreadyExists(self.final) from exc
            raise
        fsync_dir(self.final.parent)

    def discard(self) -> None:
        if self._current is not None:
            self._current.drop()
        self._stop_flusher()
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(self.temp)


class _FolderFile(FileTarget):
    def __init__(self, handle: IO[bytes], behind: _WriteBehind) -> None:
        self._handle = handle
        self._behind = behind

    def write(self, data: memoryview | bytes) -> None:
        self._handle.write(data)
        self._behind.wrote(len(data))

    def close(self) -> None:
        with self._handle:
            self._handle.flush()
            self._behind.finish()
            os.fsync(self._handle.fileno())

    def drop(self) -> None:
        """Close without caring whether buffered bytes reach the disk: the file is going."""
        # A background flush must not outlive the file it flushes.
        with contextlib.suppress(OSError):
            self._behind.finish()
        with contextlib.suppress(OSError):
            self._handle.close()


@contextlib.contextmanager
def reserved_file_target(target: Path) -> Iterator[FileTarget]:
    """A file made by :meth:`FolderSink.reserve_file`, opened for writing from its start
    (in whichever process fills it) and durable when the ``with`` block ends cleanly."""
    flags = os.O_WRONLY | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bag-flush") as flusher:
        handle = os.fdopen(os.open(target, flags), "wb")
        file = _FolderFile(handle, _WriteBehind(flusher, handle.fileno(), WRITE_BEHIND_BYTES))
        try:
            yield file
        except BaseException:
            file.drop()
            raise
        file.close()


class ZipSink(BagSink):
    """A .zip with every member stored (not compressed), in the order written."""

    def __init__(self, final: Path, write_behind: int | None = None) -> None:
        super().__init__(final, write_behind)
        # Unbuffered, so discarding after a full disk has no buffer left to flush (and fail).
        self._file = os.fdopen(open_private_new(self.temp), "w+b", buffering=0)
        self.behind = self._behind(self._file.fileno())
        self._zip = zipfile.ZipFile(self._file, "w", zipfile.ZIP_STORED, allowZip64=True)
        self._member: IO[bytes] | None = None
        self._stamp = time.gmtime()[:6]

    def open_file(self, path: str, expected_size: int | None) -> FileTarget:
        info = zipfile.ZipInfo(path, date_time=self._stamp)
        info.compress_type = zipfile.ZIP_STORED
        info.create_system = 3  # Unix, so the mode below is read as a regular file, 0600
        info.external_attr = (0o100600 & 0xFFFF) << 16
        info.file_size = expected_size or 0
        big = expected_size is None or expected_size >= _ZIP64_ABOVE
        self._member = self._zip.open(info, "w", force_zip64=big)
        return _ZipFile(self, self._member)

    def member_closed(self) -> None:
        self._member = None

    def commit(self) -> None:
        self._zip.close()
        self._file.flush()
        self.behind.finish()
        self._stop_flusher()
        os.fsync(self._file.fileno())
        self._file.close()
        try:
            os.link(self.temp, self.final)  # fails if the name exists: never replaces
        except FileExistsError:
            raise BundleAlreadyExists(self.final) from None
        except OSError as exc:  # a filesystem without hard links
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            if os.path.lexists(self.final):
                raise BundleAlreadyExists(self.final) from exc
            os.rename(self.temp, self.final)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.temp)
        fsync_dir(self.final.parent)

    def discard(self) -> None:
        # A background flush must not outlive the file it flushes.
        with contextlib.suppress(OSError):
            self.behind.finish()
        self._stop_flusher()
        # Close the file first so zipfile cannot write its directory into it on the way out.
        with contextlib.suppress(OSError):
            self._file.close()
        for closing in (self._member, self._zip):
            if closing is not None:
                with contextlib.suppress(ValueError, OSError):
                    closing.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.temp)


class _ZipFile(FileTarget):
    def __init__(self, sink: ZipSink, member: IO[bytes]) -> None:
        self._sink = sink
        self._member = member

    def write(self, data: memoryview | bytes) -> None:
        self._member.write(data)
        self._sink.behind.wrote(len(data))

    def close(self) -> None:
        self._member.close()
        self._sink.member_closed()
