"""A bag inside a .zip, read without extracting and without trusting Python's zipfile.

zipfile only parses the central directory, after we have checked from the end record
that the directory is of a bounded size. Everything else is ours: names must be UTF-8
and safe, no two may collide (ignoring case), no entry may be a link or device, be
encrypted or use a method other than stored or deflate, and no two entries may share
bytes (Python 3.11.7 predates the fix for CVE-2024-0450). The entries must also follow
one another from the first byte to the directory with nothing before or between them
(only the data descriptors some zip tools write): zipfile quietly skips bytes put in
front of an archive, such as a shell script or a self-extractor stub, and we never write
any. Members are read from their offsets and inflated with a cap of the declared size
plus one byte.

CRC-32 values are not checked: the SHA-256 manifests and the signature cover every byte
we rely on, and a CRC failure would only turn a changed file into a less useful error.
"""

from __future__ import annotations

import errno
import io
import itertools
import os
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from rvr_desktop.evidence.bundle.errors import BundleUnreadable, HostileBundle
from rvr_desktop.evidence.bundle.layout import BundleLayout
from rvr_desktop.evidence.bundle.names import collision_key, path_problem
from rvr_desktop.evidence.bundle.source import READ_CHUNK, BagMember, BagSource, ReadLimits

_END = struct.Struct("<4s4H2LH")
_END_SIGNATURE = b"PK\x05\x06"
_END64_LOCATOR = struct.Struct("<4sLQL")
_END64 = struct.Struct("<4sQ2H2L4Q")
_END64_SIGNATURE = b"PK\x06\x06"
_LOCAL = struct.Struct("<4s5H3L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_MAX_COMMENT = 0xFFFF

_FLAG_ENCRYPTED = 0x1
_FLAG_DATA_DESCRIPTOR = 0x8
_FLAG_STRONG_ENCRYPTION = 0x40
_FLAG_UTF8 = 0x800
_FLAG_MASKED_DIRECTORY = 0x2000
_UNICODE_PATH_EXTRA = 0x7075
_DOS_DIRECTORY = 0x10
_MACOS_METADATA = "__MACOSX"
_DESCRIPTOR_SIGNATURE = b"PK\x07\x08"
# A data descriptor: CRC-32 and the two sizes (4 or 8 bytes each, Zip64), optionally after
# its own signature.
_DESCRIPTOR_SIZES = (12, 16, 20, 24)

# What zipfile may raise on a damaged or crafted archive.
_ZIPFILE_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    ValueError,
    OSError,
    EOFError,
    struct.error,
    NotImplementedError,
    OverflowError,
    IndexError,
    KeyError,
)


@dataclass(frozen=True)
class _Entry:
    member: BagMember
    data_offset: int
    compressed_size: int
    deflated: bool


@dataclass(frozen=True)
class _Raw:
    """One central-directory entry after our checks, before the top folder is removed."""

    name: str
    raw_name: bytes
    info: zipfile.ZipInfo
    is_dir: bool


class ZipBagSource(BagSource):
    layout = BundleLayout.ZIP

    def __init__(self, path: Path, limits: ReadLimits) -> None:
        self._zip_name = path.name
        self._entries: dict[str, _Entry] = {}
        self._ignored: tuple[str, ...] = ()
        raw = _open_regular(path)
        with io.BufferedReader(raw) as handle:
            st = os.fstat(handle.fileno())
            self._identity = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
            members = self._read_directory(handle, st.st_size, limits)
        super().__init__(path, limits, members)

    @property
    def ignored_entries(self) -> tuple[str, ...]:
        return self._ignored

    # ------------------------------------------------------------ listing

    def _read_directory(self, handle: BinaryIO, size: int, limits: ReadLimits) -> list[BagMember]:
        _check_directory_bounds(handle, size, limits, self._zip_name)
        try:
            with zipfile.ZipFile(handle) as archive:
                infos = archive.infolist()
                directory_start = archive.start_dir
        except UnicodeDecodeError:
            raise HostileBundle(self._zip_name, "an entry's name is not valid UTF-8") from None
        except _ZIPFILE_ERRORS as exc:
            raise HostileBundle(self._zip_name, f"it is not a readable zip file ({exc})") from exc
        if len(infos) > limits.max_members:
            raise HostileBundle(self._zip_name, f"it has more than {limits.max_members} entries")
        raws = [_checked_entry(info, limits) for info in infos]
        _check_no_overlap(handle, raws, directory_start)
        _check_nothing_before_or_between(handle, raws, directory_start, self._zip_name)
        return self._bag_members(raws, limits, handle)

    def _bag_members(
        self, raws: list[_Raw], limits: ReadLimits, handle: BinaryIO
    ) -> list[BagMember]:
        prefix = _top_folder(raws)
        seen: dict[str, str] = {}
        members: list[BagMember] = []
        ignored: list[str] = []
        total = 0
        for raw in raws:
            if raw.name.split("/", 1)[0] == _MACOS_METADATA:
                ignored.append(raw.name)  # a Mac's resource forks, beside the bag in any zip
                continue
            if raw.name == prefix:
                continue
            rel = raw.name[len(prefix) :].rstrip("/") if raw.is_dir else raw.name[len(prefix) :]
            key = collision_key(rel)
            if key in seen:
                raise HostileBundle(
                    raw.name, f"it has the same name as {seen[key]!r} ignoring case"
                )
            seen[key] = raw.name
            if raw.is_dir:
                continue
            total += raw.info.file_size
            if total > limits.max_total_bytes:
                raise HostileBundle(
                    raw.name, f"the zip declares more than {limits.max_total_bytes} bytes"
                )
            member = BagMember(rel, raw.info.file_size)
            members.append(member)
            self._entries[rel] = _Entry(
                member,
                _data_offset(handle, raw),
                raw.info.compress_size,
                raw.info.compress_type == zipfile.ZIP_DEFLATED,
            )
        files = {collision_key(m.path) for m in members}
        for m in members:
            parts = m.path.split("/")
            for depth in range(1, len(parts)):
                if collision_key("/".join(parts[:depth])) in files:
                    raise HostileBundle(m.path, "a folder in its path is also a file")
        self._ignored = tuple(ignored)
        return members

    # ------------------------------------------------------------ reading

    def _open_raw(self, member: BagMember) -> io.RawIOBase:
        entry = self._entries[member.path]
        handle = _open_regular(self.location)
        try:
            st = os.fstat(handle.fileno())
            if (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) != self._identity:
                raise HostileBundle(self._zip_name, "it changed while it was being read")
            handle.seek(entry.data_offset)
            return _MemberStream(handle, entry)
        except BaseException:
            handle.close()
            raise

    def close(self) -> None:
        """Each member stream opens and closes its own handle; nothing is held open."""


def _open_regular(path: Path) -> io.FileIO:
    """Open the zip without following a link or waiting on a pipe swapped in for it."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise HostileBundle(path.name, "it is a symbolic link") from exc
        raise BundleUnreadable(path, exc.strerror or type(exc).__name__) from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise HostileBundle(path.name, "it is not a regular file")
    return io.FileIO(fd, "r", closefd=True)


def _check_directory_bounds(handle: BinaryIO, size: int, limits: ReadLimits, zip_name: str) -> None:
    """Read the end record ourselves so a giant central directory is refused unread."""
    if size < _END.size:
        raise HostileBundle(zip_name, "it is too short to be a zip file")
    tail_size = min(size, _END.size + _MAX_COMMENT + _END64_LOCATOR.size + _END64.size)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = len(tail) - _END.size
    if tail[at : at + 4] != _END_SIGNATURE:
        at = tail.rfind(_END_SIGNATURE, 0, len(tail) - _END.size + 1)
    if at < 0:
        raise HostileBundle(zip_name, "it is not a zip file (no end-of-archive record)")
    fields = _END.unpack_from(tail, at)
    entries, directory_size = fields[4], fields[5]
    locator_at = at - _END64_LOCATOR.size
    if locator_at >= _END64.size and tail[locator_at : locator_at + 4] == b"PK\x06\x07":
        end64 = _END64.unpack_from(tail, locator_at - _END64.size)
        if end64[0] == _END64_SIGNATURE:
            entries, directory_size = end64[7], end64[8]  # as zipfile reads them
    if entries > limits.max_members:
        raise HostileBundle(
            zip_name, f"it declares {entries} entries; the limit is {limits.max_members}"
        )
    if directory_size > limits.max_directory_bytes:
        raise HostileBundle(
            zip_name,
            f"its directory is {directory_size} bytes; the limit is {limits.max_directory_bytes}",
        )


def _checked_entry(info: zipfile.ZipInfo, limits: ReadLimits) -> _Raw:
    raw_name = info.orig_filename.encode("utf-8" if info.flag_bits & _FLAG_UTF8 else "cp437")
    shown = repr(raw_name)[2:-1]
    if len(raw_name) > limits.max_name_bytes:
        raise HostileBundle(shown[:120] + "...", f"its name is over {limits.max_name_bytes} bytes")
    try:
        # Without the UTF-8 flag zipfile assumed cp437; Macs and Info-ZIP write UTF-8 without
        # the flag, so accept UTF-8 either way and refuse names that are not UTF-8 at all.
        name = raw_name.decode("utf-8")
    except UnicodeDecodeError:
        raise HostileBundle(shown, "its name is not valid UTF-8") from None
    _check_unicode_path_extra(info.extra, name)
    is_dir = name.endswith("/")
    problem = path_problem(name[:-1] if is_dir else name)
    if problem:
        raise HostileBundle(shown, f"unsafe name: {problem}")
    if info.flag_bits & (_FLAG_ENCRYPTED | _FLAG_STRONG_ENCRYPTION | _FLAG_MASKED_DIRECTORY):
        raise HostileBundle(name, "it is encrypted; bundles are never encrypted inside the zip")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise HostileBundle(
            name,
            f"it uses compression method {info.compress_type}; only stored or deflate are read",
        )
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise HostileBundle(name, "it is a symbolic link")
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise HostileBundle(name, "it is a device, pipe or socket, not a file")
    if (stat.S_ISDIR(mode) or info.external_attr & _DOS_DIRECTORY) and not is_dir:
        raise HostileBundle(name, "it is marked as a folder but its name does not end with '/'")
    if is_dir and info.file_size != 0:
        raise HostileBundle(name, "it is a folder entry that claims to hold data")
    if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
        raise HostileBundle(
            name,
            f"it is stored uncompressed but declares {info.file_size} bytes in "
            f"{info.compress_size}",
        )
    if info.file_size > limits.ratio_applies_above and info.file_size > limits.max_ratio * max(
        info.compress_size, 1
    ):
        raise HostileBundle(
            name,
            f"it would expand {info.compress_size} bytes to {info.file_size} (more than "
            f"{limits.max_ratio} times): a zip bomb",
        )
    return _Raw(name, raw_name, info, is_dir)


def _check_unicode_path_extra(extra: bytes, name: str) -> None:
    """An Info-ZIP Unicode Path field gives other tools a second name; it must agree."""
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, at)
        body = extra[at + 4 : at + 4 + length]
        if kind == _UNICODE_PATH_EXTRA:
            try:
                other = body[5:].decode("utf-8")
            except UnicodeDecodeError:
                other = None
            if other != name:
                raise HostileBundle(name, "it carries a second, different name for other programs")
        at += 4 + length


def _check_no_overlap(handle: BinaryIO, raws: list[_Raw], directory_start: int) -> None:
    for raw in raws:
        # Python's zipfile takes a Zip64 offset as given; seeking to 2**63 raises ValueError.
        if not 0 <= raw.info.header_offset < directory_start:
            raise HostileBundle(
                raw.name, "the directory places its header outside the zip's entries"
            )
    spans = sorted((raw.info.header_offset, _data_end(handle, raw), raw.name) for raw in raws)
    for (_, end, name), (next_start, _, next_name) in itertools.pairwise(spans):
        if next_start < end:
            raise HostileBundle(
                next_name, f"its bytes overlap those of {name!r}: an overlapping-entry zip bomb"
            )
    if spans and spans[-1][1] > directory_start:
        raise HostileBundle(spans[-1][2], "its data runs into the zip's directory")


def _check_nothing_before_or_between(
    handle: BinaryIO, raws: list[_Raw], directory_start: int, zip_name: str
) -> None:
    """Refuse bytes before the first entry, between entries or before the directory,
    except the data descriptor an entry's flags announce."""
    spans = sorted((raw.info.header_offset, _data_end(handle, raw), raw) for raw in raws)
    if spans and spans[0][0] > 0:
        raise HostileBundle(
            zip_name,
            f"{spans[0][0]:,} bytes come before its first entry (a script or self-extractor "
            "stub, perhaps); bundles never start with anything but their first file",
        )
    if not spans:
        if directory_start > 0:
            raise HostileBundle(zip_name, f"{directory_start:,} bytes come before its directory")
        return
    follows = [start for start, _, _ in spans[1:]] + [directory_start]
    for (_, end, raw), next_start in zip(spans, follows, strict=True):
        gap = next_start - end
        if gap == 0 or _is_data_descriptor(handle, raw, end, gap):
            continue
        after = "the zip's directory" if next_start == directory_start else "the next entry"
        raise HostileBundle(raw.name, f"{gap:,} unexplained bytes lie between it and {after}")


def _is_data_descriptor(handle: BinaryIO, raw: _Raw, at: int, size: int) -> bool:
    if not raw.info.flag_bits & _FLAG_DATA_DESCRIPTOR or size not in _DESCRIPTOR_SIZES:
        return False
    if size in (16, 24):
        handle.seek(at)
        return handle.read(4) == _DESCRIPTOR_SIGNATURE
    return True


def _data_offset(handle: BinaryIO, raw: _Raw) -> int:
    """Where the member's bytes start, after checking its local header agrees with the directory."""
    info = raw.info
    if info.header_offset < 0:
        raise HostileBundle(raw.name, "its header would lie before the start of the zip")
    handle.seek(info.header_offset)
    header = handle.read(_LOCAL.size)
    if len(header) != _LOCAL.size:
        raise HostileBundle(raw.name, "its local header lies beyond the end of the zip")
    sig, _, flags, method, _, _, _, csize, usize, name_len, extra_len = _LOCAL.unpack(header)
    if sig != _LOCAL_SIGNATURE:
        raise HostileBundle(raw.name, "the directory points at something that is not its header")
    if handle.read(name_len) != raw.raw_name:
        raise HostileBundle(raw.name, "its local header carries a different name")
    if method != info.compress_type or (flags & _FLAG_ENCRYPTED) != (
        info.flag_bits & _FLAG_ENCRYPTED
    ):
        raise HostileBundle(raw.name, "its local header disagrees with the directory")
    sizes_in_header = not flags & _FLAG_DATA_DESCRIPTOR and 0xFFFFFFFF not in (csize, usize)
    if sizes_in_header and (csize, usize) != (info.compress_size, info.file_size):
        raise HostileBundle(raw.name, "its local header declares other sizes than the directory")
    return int(info.header_offset) + _LOCAL.size + int(name_len) + int(extra_len)


def _data_end(handle: BinaryIO, raw: _Raw) -> int:
    return _data_offset(handle, raw) + int(raw.info.compress_size)


def _top_folder(raws: list[_Raw]) -> str:
    """'name/' when every entry sits in one top folder (as a desktop's compress makes), else ''."""
    tops = {raw.name.split("/", 1)[0] for raw in raws if "/" in raw.name}
    at_root = any("/" not in raw.name for raw in raws)
    tops.discard(_MACOS_METADATA)
    if at_root or len(tops) != 1:
        return ""
    return tops.pop() + "/"


class _MemberStream(io.RawIOBase):
    """Exactly the declared bytes of one member: never more, never silently fewer."""

    def __init__(self, handle: io.FileIO, entry: _Entry) -> None:
        self._handle = handle
        self._name = entry.member.path
        self._raw_left = entry.compressed_size
        self._out_left = entry.member.size
        self._inflater = zlib.decompressobj(-zlib.MAX_WBITS) if entry.deflated else None
        self._input = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        if self._inflater is None:
            return self._read_stored(view)
        try:
            return self._read_deflated(view, self._inflater)
        except zlib.error as exc:
            raise HostileBundle(self._name, f"its compressed data is damaged ({exc})") from exc

    def _read_stored(self, view: memoryview) -> int:
        if self._out_left == 0:
            return 0
        got = self._handle.readinto(view[: min(len(view), self._out_left)])
        if not got:
            raise HostileBundle(self._name, "the zip file ends inside this entry")
        self._out_left -= got
        return got

    def _next_input(self) -> bytes:
        if not self._input and self._raw_left:
            self._input = self._handle.read(min(READ_CHUNK, self._raw_left))
            if not self._input:
                raise HostileBundle(self._name, "the zip file ends inside this entry")
            self._raw_left -= len(self._input)
        return self._input

    def _read_deflated(self, view: memoryview, inflater: zlib._Decompress) -> int:
        while True:
            # Ask for one byte more than may remain, so a member that inflates past its
            # declared size is caught at that byte.
            want = min(len(view), self._out_left + 1) if self._out_left < len(view) else len(view)
            data = b""
            if not inflater.eof:
                data = inflater.decompress(self._next_input(), want)
                self._input = inflater.unconsumed_tail
            if len(data) > self._out_left:
                raise HostileBundle(
                    self._name, "it inflates to more bytes than it declares: a zip bomb"
                )
            if data:
                view[: len(data)] = data
                self._out_left -= len(data)
                return len(data)
            if inflater.eof:
                if self._out_left:
                    raise HostileBundle(self._name, "it holds fewer bytes than it declares")
                if inflater.unused_data or self._input or self._raw_left:
                    raise HostileBundle(self._name, "there are stray bytes after its data")
                return 0
            if not self._input and not self._raw_left:
                raise HostileBundle(self._name, "its compressed data ends too early")

    def close(self) -> None:
        self._handle.close()
        super().close()
