"""What every bag source offers: a listing and bounded streams of its members.

Nothing is ever extracted: members are read as streams that end at the size recorded
when the bag was listed (a zip member that inflates past its declared size is refused
at that size plus one byte). Every problem raises :class:`HostileBundle` naming the entry.
"""

from __future__ import annotations

import io
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from rvr_desktop.evidence.bundle.errors import HostileBundle
from rvr_desktop.evidence.bundle.layout import BundleLayout
from rvr_desktop.evidence.bundle.lookalikes import first_lookalike
from rvr_desktop.evidence.bundle.names import MAX_PATH_BYTES
from rvr_desktop.evidence.errors import InvalidInput


@dataclass(frozen=True)
class BagMember:
    path: str
    """Path from the bag's root with '/' separators (a zip's top folder already removed)."""
    size: int
    """Size in bytes when the bag was listed (a zip member's declared size)."""


@dataclass(frozen=True)
class ReadLimits:
    """Bounds on what a bundle may make us read; a bundle beyond any of them is refused."""

    max_members: int = 100_000
    """Files and folders together."""
    max_total_bytes: int = 1 << 40
    """Sum of the sizes of all members (for a zip, the declared uncompressed sizes)."""
    max_ratio: int = 200
    """Largest uncompressed-to-compressed ratio of a zip member ..."""
    ratio_applies_above: int = 1 << 20
    """... once its declared size exceeds this many bytes (tiny files compress oddly)."""
    max_name_bytes: int = MAX_PATH_BYTES + 256
    """Longest raw name in a zip, top folder included."""
    max_directory_bytes: int = 64 << 20
    """Largest zip central directory, checked before Python's zipfile reads it."""
    max_manifest_bytes: int = 64 << 20
    """Largest manifest-sha256.txt or tagmanifest-sha256.txt."""
    max_tag_file_bytes: int = 1 << 20
    """Largest other tag file read into memory (bagit.txt, bag-info.txt, the signature)."""


DEFAULT_LIMITS = ReadLimits()

READ_CHUNK = 1 << 20
SMALL_READ_BUFFER = 64 << 10


class BagSource(ABC):
    """The files of one bag. Close it (or use ``with``) to release the open file."""

    layout: BundleLayout
    location: Path
    limits: ReadLimits

    def __init__(self, location: Path, limits: ReadLimits, members: list[BagMember]) -> None:
        self.location = location
        self.limits = limits
        lookalike = first_lookalike(m.path for m in members)
        if lookalike is not None:
            raise HostileBundle(*lookalike)
        self._members = {m.path: m for m in sorted(members, key=lambda m: m.path)}
        self._kept: dict[str, bytes] = {}

    @property
    def ignored_entries(self) -> tuple[str, ...]:
        """Entries deliberately not read (a Mac's __MACOSX folder in a zip), for the report."""
        return ()

    def list_files(self) -> list[BagMember]:
        """Every regular file, sorted by path; folders are implied by the paths."""
        return list(self._members.values())

    def member(self, path: str) -> BagMember | None:
        return self._members.get(path)

    def keep(self, path: str, data: bytes) -> None:
        """Remember a member's bytes, just read whole and hashed: later reads of it get
        these very bytes, so every check judges what was hashed and nothing is read twice.
        The caller bounds how much it keeps."""
        self._kept[path] = data

    def open_member(self, path: str) -> io.BufferedReader:
        """A stream of exactly the member's listed size; read it to the end (b'').

        The end-of-stream read is where a zip member's extra bytes or a folder file that
        changed meanwhile are detected, raising HostileBundle.
        """
        member = self._members.get(path)
        if member is None:
            raise InvalidInput(f"The bundle has no file {path!r}.")
        kept = self._kept.get(path)
        if kept is not None:
            return io.BufferedReader(io.BytesIO(kept))
        # A buffer smaller than READ_CHUNK lets chunk-sized reads go straight to the caller.
        return io.BufferedReader(self._open_raw(member), buffer_size=SMALL_READ_BUFFER)

    def read_whole_into(self, path: str, buffer: bytearray) -> int:
        """Read the whole member into ``buffer`` and return its size, which must be less
        than the buffer's (the spare byte shows a file that grew). A member that is not
        its listed size raises HostileBundle."""
        member = self._checked_fit(path, buffer)
        got = 0
        view = memoryview(buffer)[: member.size + 1]
        with self.open_member(path) as stream:
            while got < len(view) and (count := stream.readinto(view[got:])):
                got += count
        return got

    def _checked_fit(self, path: str, buffer: bytearray) -> BagMember:
        member = self._members.get(path)
        if member is None:
            raise InvalidInput(f"The bundle has no file {path!r}.")
        if member.size >= len(buffer):
            raise ValueError(f"{path} ({member.size} bytes) needs a larger buffer")
        return member

    def read_small(self, path: str, limit: int) -> bytes:
        """The whole member, refused if its listed size is over ``limit`` bytes."""
        member = self._members.get(path)
        if member is None:
            raise InvalidInput(f"The bundle has no file {path!r}.")
        if member.size > limit:
            raise HostileBundle(path, f"it is {member.size} bytes, over the limit of {limit}")
        kept = self._kept.get(path)
        if kept is not None:
            return kept
        with self.open_member(path) as stream:
            data = stream.read(limit + 1)
            if len(data) != member.size or stream.read(1):
                raise HostileBundle(path, "it changed size while it was being read")
        return data

    @abstractmethod
    def _open_raw(self, member: BagMember) -> io.RawIOBase: ...

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> BagSource:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
