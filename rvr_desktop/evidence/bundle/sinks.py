"""Where a new bag's files go: a hidden temporary folder or .zip beside the final name.

Only :meth:`BagSink.commit` makes the bundle visible, by renaming the finished temporary
folder or file into place, and it never replaces anything already there. Until then a
crash, a full disk or a cancel leaves nothing that could pass for a bundle, and
:meth:`BagSink.discard` removes the temporary copy.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import time
import zipfile
from abc import ABC, abstractmethod
from pathlib import Path
from typing import IO

from rvr_desktop.evidence.bundle.errors import BundleAlreadyExists
from rvr_desktop.evidence.fsutil import fsync_dir, open_private_new, private_temp_path

# zipfile cannot add zip64 headers once a member is written, so a member of unknown size,
# or one that may pass 2 GiB, gets them from the start; smaller ones keep plain headers,
# which every unzip tool reads.
_ZIP64_ABOVE = 1 << 31
_EXISTS_ERRNOS = {errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR, errno.EISDIR}


class FileTarget(ABC):
    @abstractmethod
    def write(self, data: memoryview | bytes) -> None: ...

    @abstractmethod
    def close(self) -> None:
        """Make the file complete (and durable, for a folder)."""


class BagSink(ABC):
    def __init__(self, final: Path) -> None:
        self.final = final
        self.temp = private_temp_path(final)
        if os.path.lexists(final):
            raise BundleAlreadyExists(final)

    @abstractmethod
    def open_file(self, path: str, expected_size: int | None) -> FileTarget: ...

    @abstractmethod
    def commit(self) -> None: ...

    @abstractmethod
    def discard(self) -> None: ...


class FolderSink(BagSink):
    def __init__(self, final: Path) -> None:
        super().__init__(final)
        os.mkdir(self.temp, 0o700)
        os.chmod(self.temp, 0o700)
        self._folders: list[Path] = [self.temp]
        self._current: _FolderFile | None = None

    def open_file(self, path: str, expected_size: int | None) -> FileTarget:
        folder = self.temp
        *parents, name = path.split("/")
        for part in parents:
            folder = folder / part
            if folder not in self._folders:
                os.mkdir(folder, 0o700)
                self._folders.append(folder)
        self._current = _FolderFile(os.fdopen(open_private_new(folder / name), "wb"))
        return self._current

    def commit(self) -> None:
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
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(self.temp)


class _FolderFile(FileTarget):
    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle

    def write(self, data: memoryview | bytes) -> None:
        self._handle.write(data)

    def close(self) -> None:
        with self._handle:
            self._handle.flush()
            os.fsync(self._handle.fileno())

    def drop(self) -> None:
        """Close without caring whether buffered bytes reach the disk: the file is going."""
        with contextlib.suppress(OSError):
            self._handle.close()


class ZipSink(BagSink):
    """A .zip with every member stored (not compressed), in the order written."""

    def __init__(self, final: Path) -> None:
        super().__init__(final)
        # Unbuffered, so discarding after a full disk has no buffer left to flush (and fail).
        self._file = os.fdopen(open_private_new(self.temp), "w+b", buffering=0)
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

    def close(self) -> None:
        self._member.close()
        self._sink.member_closed()
