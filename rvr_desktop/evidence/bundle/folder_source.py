"""A bag in a folder, walked without following any link and read only from the files listed.

Every entry is examined with lstat: a symbolic link, a Windows junction or reparse point,
a device or a pipe anywhere in the tree refuses the whole bundle. A file is opened
without following links and must still be the very file (device and inode) that was
listed, so swapping a folder for a link between listing and reading leads nowhere.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable
from pathlib import Path

from rvr_desktop.evidence.bundle import listed_files
from rvr_desktop.evidence.bundle.errors import BundleUnreadable, HostileBundle
from rvr_desktop.evidence.bundle.hash_processes import PROCESSES_FROM_FILES
from rvr_desktop.evidence.bundle.layout import PAYLOAD_PREFIX, BundleLayout
from rvr_desktop.evidence.bundle.listed_files import FileRefused, ListedFile
from rvr_desktop.evidence.bundle.names import collision_key, path_problem
from rvr_desktop.evidence.bundle.source import READ_CHUNK, BagMember, BagSource, ReadLimits

_REPARSE_POINT = 0x400  # FILE_ATTRIBUTE_REPARSE_POINT: junctions and other Windows links


class FolderBagSource(BagSource):
    layout = BundleLayout.FOLDER

    def __init__(
        self,
        root: Path,
        limits: ReadLimits,
        on_many_small_files: Callable[[], object] | None = None,
    ) -> None:
        """Walk ``root``; ``on_many_small_files`` is called once, during the walk, as
        soon as it has listed enough small payload files to be hashed in worker
        processes (:meth:`.hash_processes.WorkersAhead.start`, which never raises, starts
        them then). Whatever it raises ends the walk."""
        self._identities: dict[str, tuple[int, int]] = {}
        super().__init__(root, limits, self._walk(root, limits, on_many_small_files))

    def _walk(
        self, root: Path, limits: ReadLimits, on_many_small_files: Callable[[], object] | None
    ) -> list[BagMember]:
        members: list[BagMember] = []
        seen: dict[str, str] = {}
        total = 0
        small_left = PROCESSES_FROM_FILES if on_many_small_files is not None else -1
        pending: list[tuple[str, str]] = [(str(root), "")]
        while pending:
            folder, prefix = pending.pop()
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError as exc:
                raise BundleUnreadable(Path(folder), exc.strerror or type(exc).__name__) from exc
            for entry in entries:
                rel = _checked_name(prefix, entry.name)
                key = collision_key(rel)
                if key in seen:
                    raise HostileBundle(rel, f"it has the same name as {seen[key]!r} ignoring case")
                seen[key] = rel
                if len(seen) > limits.max_members:
                    raise HostileBundle(
                        rel, f"the bundle has more than {limits.max_members} entries"
                    )
                # os.lstat, not DirEntry.stat: on Windows the latter leaves st_ino at 0.
                st = os.lstat(entry.path)
                if (
                    stat.S_ISLNK(st.st_mode)
                    or getattr(st, "st_file_attributes", 0) & _REPARSE_POINT
                ):
                    raise HostileBundle(rel, "it is a symbolic link or junction")
                if stat.S_ISDIR(st.st_mode):
                    pending.append((entry.path, rel + "/"))
                elif stat.S_ISREG(st.st_mode):
                    total += st.st_size
                    if total > limits.max_total_bytes:
                        raise HostileBundle(
                            rel, f"the bundle holds more than {limits.max_total_bytes} bytes"
                        )
                    members.append(BagMember(rel, st.st_size))
                    self._identities[rel] = (st.st_dev, st.st_ino)
                    if (
                        small_left > 0
                        and st.st_size < READ_CHUNK
                        and rel.startswith(PAYLOAD_PREFIX)
                    ):
                        small_left -= 1
                        if small_left == 0 and on_many_small_files is not None:
                            on_many_small_files()
                else:
                    raise HostileBundle(rel, "it is a device, pipe or socket, not a file")
        return members

    def _open_raw(self, member: BagMember) -> io.RawIOBase:
        fd = self._open_listed(member)
        try:
            return _ExactSizeFile(io.FileIO(fd, "r", closefd=True), member)
        except BaseException:
            os.close(fd)
            raise

    def read_whole_into(self, path: str, buffer: bytearray) -> int:
        # The many small files of a case (screen captures) are read straight into the
        # buffer, without the stream's layers: the same checks at a fraction of the cost.
        member = self._checked_fit(path, buffer)
        try:
            return listed_files.read_listed_file(self.listed_file(member), buffer)
        except FileRefused as exc:
            raise HostileBundle(member.path, exc.problem) from None

    def listed_file(self, member: BagMember) -> ListedFile:
        """Where ``member`` is on disk and which file it must still be, for a reader in
        another process (:mod:`.hash_processes`)."""
        full = os.path.join(self.location, *member.path.split("/"))
        return ListedFile(full, member.size, self._identities[member.path])

    def _open_listed(self, member: BagMember) -> int:
        try:
            return listed_files.open_listed_file(self.listed_file(member))
        except FileRefused as exc:
            raise HostileBundle(member.path, exc.problem) from None

    def close(self) -> None:
        """Nothing stays open between reads of a folder."""


def _checked_name(prefix: str, name: str) -> str:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raw = os.fsencode(name)
        raise HostileBundle(prefix + repr(raw)[2:-1], "its name is not valid UTF-8") from None
    rel = prefix + name
    problem = path_problem(rel)
    if problem:
        raise HostileBundle(rel, f"unsafe name: {problem}")
    return rel


class _ExactSizeFile(io.RawIOBase):
    """Reads at most the listed size, and reports a file that grew or shrank since listing."""

    def __init__(self, handle: io.FileIO, member: BagMember) -> None:
        self._handle = handle
        self._member = member
        self._left = member.size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        if self._left == 0:
            if self._handle.read(1):
                raise HostileBundle(self._member.path, "it grew while it was being read")
            return 0
        got = self._handle.readinto(view[: min(len(view), self._left)])
        if not got:
            raise HostileBundle(self._member.path, "it shrank while it was being read")
        self._left -= got
        return got

    def close(self) -> None:
        self._handle.close()
        super().close()
