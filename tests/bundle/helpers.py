"""Bags for the bundle tests, and a raw zip builder that can lie in every header field."""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rvr_desktop.evidence.bundle.archive import BagSource
from rvr_desktop.evidence.bundle.bagit_writer import BagWriter, WrittenBag
from rvr_desktop.evidence.bundle.layout import BundleLayout

PAYLOAD = {
    "statement/MG11 statement.pdf": b"%PDF-1.7 pretend statement\n" * 100,
    "exhibits/JS-1 Zoë's café photo.jpg": bytes(range(256)) * 40,
    "notes/empty.txt": b"",
    "audit.json": b'{"head": "abc"}\n',
}
BAG_INFO = [
    ("Case-Reference", "INC-2026-0042"),
    ("Officer", "PC 1234 Jane Smith"),
    ("Export-Time", "2026-11-28T10:15:00Z"),
    ("Software-Version", "RVR Desktop 0.1.0"),
    ("Audit-Chain-Head", "9f" * 32),
]
FAKE_SIGNATURE = b"0\x82\x00\x04fake"


def fake_signer(seen: list[bytes] | None = None) -> Callable[[bytes], bytes]:
    def sign(data: bytes) -> bytes:
        if seen is not None:
            seen.append(data)
        return FAKE_SIGNATURE

    return sign


def write_bag(target: Path, layout: BundleLayout = BundleLayout.FOLDER) -> WrittenBag:
    with BagWriter(target, layout) as writer:
        for path, data in PAYLOAD.items():
            writer.add_payload_bytes(path, data)
        return writer.finish(BAG_INFO, sign=fake_signer())


def copy_out(source: BagSource, folder: Path) -> None:
    """What a test does to show a zip to bagit-python: copy each member via our reader."""
    for member in source.list_files():
        out = folder.joinpath(*member.path.split("/"))
        out.parent.mkdir(parents=True, exist_ok=True)
        with source.open_member(member.path) as stream:
            out.write_bytes(stream.read())


def rehash_tag_manifest(folder: Path) -> None:
    """Rewrite the tag manifest as a forger would after editing a tag file."""
    lines = []
    for name in ("bag-info.txt", "bagit.txt", "manifest-sha256.txt"):
        digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        lines.append(f"{digest}  {name}\n")
    (folder / "tagmanifest-sha256.txt").write_text("".join(lines), encoding="utf-8")


def flip_byte(path: Path, offset: int = 0) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@dataclass
class RawEntry:
    """One zip entry, every field settable; sizes default to the truth."""

    name: bytes
    data: bytes = b""
    method: int = 0
    file_size: int | None = None
    flags: int = 0
    external_attr: int = 0o100644 << 16
    create_system: int = 3
    header_offset: int | None = None
    """Point the directory entry at another entry's header (for overlap tests)."""
    local_name: bytes | None = None
    extra: bytes = b""
    crc: int = field(default=0)


def build_zip(entries: list[RawEntry], *, declared_entries: int | None = None) -> bytes:
    """Local headers and data, then the central directory, then the end record."""
    out = bytearray()
    offsets = []
    for e in entries:
        usize = len(e.data) if e.file_size is None else e.file_size
        local_name = e.name if e.local_name is None else e.local_name
        offsets.append(len(out))
        out += struct.pack(
            "<4s5H3L2H",
            b"PK\x03\x04",
            20,
            e.flags,
            e.method,
            0,
            0x21,
            e.crc,
            len(e.data),
            usize,
            len(local_name),
            0,
        )
        out += local_name + e.data
    directory_start = len(out)
    for e, offset in zip(entries, offsets, strict=True):
        usize = len(e.data) if e.file_size is None else e.file_size
        at = offset if e.header_offset is None else e.header_offset
        out += struct.pack(
            "<4s4B4HL2L5H2L",
            b"PK\x01\x02",
            20,
            e.create_system,
            20,
            0,
            e.flags,
            e.method,
            0,
            0x21,
            e.crc,
            len(e.data),
            usize,
            len(e.name),
            len(e.extra),
            0,
            0,
            0,
            e.external_attr,
            at,
        )
        out += e.name + e.extra
    count = len(entries) if declared_entries is None else declared_entries
    out += struct.pack(
        "<4s4H2LH",
        b"PK\x05\x06",
        0,
        0,
        min(count, 0xFFFF),
        min(count, 0xFFFF),
        len(out) - directory_start,
        directory_start,
        0,
    )
    return bytes(out)


def overlapping_entries_zip(tags: list[RawEntry]) -> bytes:
    """The CVE-2024-0450 shape: a second entry whose header lies inside the first's data."""
    inner_name, inner_data = b"data/b.txt", b"shared kernel"
    header = struct.pack(
        "<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0x21, 0, len(inner_data), len(inner_data),
        len(inner_name), 0,
    )  # fmt: skip
    inner = header + inner_name + inner_data
    entries = [*tags, RawEntry(b"data/a.txt", inner), RawEntry(inner_name, b"")]
    data = build_zip(entries)
    entries[-1] = RawEntry(inner_name, inner_data, header_offset=data.index(inner))
    return build_zip(entries)
