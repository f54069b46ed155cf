"""Hostile bundles, each built to carry one attack, with the reason rvr-verify must give.

Zip attacks are built entry by entry with the raw builder from tests/bundle/helpers.py,
which can lie in every header field. Folder attacks start from a real signed demo
bundle, so the one hostile file is the only thing wrong with it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.bundle.helpers import RawEntry, build_zip, overlapping_entries_zip

TAGS = {
    b"bagit.txt": b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
    b"bag-info.txt": b"RVR-Case-Reference: INC-1\nRVR-Bundle-Format: rvr-evidence-bundle 1\n",
}
GIB = 1 << 30


@dataclass(frozen=True)
class Hostile:
    name: str
    """What the attack is, for the test's id and the failure message."""
    build: Callable[[Path, Path], Path]
    """(an empty folder to build in, a pristine signed demo bundle) -> the hostile bundle."""
    reason: str
    """Text the refusal printed by rvr-verify must contain."""


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def bag_entries(*extra: RawEntry, payload: dict[bytes, bytes] | None = None) -> list[RawEntry]:
    """A complete, honest (unsigned) bag as raw zip entries, plus the hostile ones given."""
    payload = {b"data/a.txt": b"evidence\n"} if payload is None else payload
    manifest = b"".join(f"{sha(d)}  {n.decode()}\n".encode() for n, d in sorted(payload.items()))
    tags = {**TAGS, b"manifest-sha256.txt": manifest}
    tagmanifest = b"".join(f"{sha(d)}  {n.decode()}\n".encode() for n, d in sorted(tags.items()))
    return [
        *(RawEntry(n, d) for n, d in tags.items()),
        RawEntry(b"tagmanifest-sha256.txt", tagmanifest),
        *(RawEntry(n, d) for n, d in payload.items()),
        *extra,
    ]


def _zip_with(*extra: RawEntry) -> Callable[[Path, Path], Path]:
    def build(folder: Path, _demo: Path) -> Path:
        path = folder / "bundle.zip"
        path.write_bytes(build_zip(bag_entries(*extra)))
        return path

    return build


def _zip_replacing(name: bytes, hostile: RawEntry) -> Callable[[Path, Path], Path]:
    def build(folder: Path, _demo: Path) -> Path:
        path = folder / "bundle.zip"
        path.write_bytes(build_zip([e for e in bag_entries() if e.name != name] + [hostile]))
        return path

    return build


def _deflate_zeros(size: int) -> bytes:
    """A deflate stream of ``size`` zero bytes, built in 64 MiB steps to spare memory."""
    packer = zlib.compressobj(1, zlib.DEFLATED, -zlib.MAX_WBITS)
    chunk = bytes(min(size, 64 << 20))
    parts = [
        packer.compress(chunk[: min(len(chunk), size - done)])
        for done in range(0, size, len(chunk))
    ]
    return b"".join(parts) + packer.flush()


def _ratio_bomb(folder: Path, _demo: Path) -> Path:
    """1 GiB of zeros in a few MB, declared honestly: refused from the directory alone."""
    bomb = RawEntry(b"data/zeros.bin", _deflate_zeros(GIB), method=8, file_size=GIB)
    path = folder / "bundle.zip"
    path.write_bytes(build_zip(bag_entries(bomb)))
    return path


def _lying_size_bomb(folder: Path, _demo: Path) -> Path:
    """Declares 9 bytes, inflates to 256 MiB: reading stops one byte past the declared size."""
    bomb = RawEntry(b"data/a.txt", _deflate_zeros(256 << 20), method=8, file_size=9)
    return _zip_replacing(b"data/a.txt", bomb)(folder, _demo)


def _overlapping_entries(folder: Path, _demo: Path) -> Path:
    path = folder / "bundle.zip"
    path.write_bytes(overlapping_entries_zip(bag_entries(payload={})))
    return path


def _directory_bomb(folder: Path, _demo: Path) -> Path:
    """A Zip64 end record declaring a billion entries in a zip of a few hundred bytes."""
    data = build_zip(bag_entries())
    end_at = data.rindex(b"PK\x05\x06")
    directory_size, directory_at = struct.unpack_from("<2L", data, end_at + 12)
    end64 = struct.pack(
        "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, 10**9, 10**9, directory_size, directory_at
    )
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, end_at, 1)
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, directory_size, directory_at, 0
    )
    path = folder / "bundle.zip"
    path.write_bytes(data[:end_at] + end64 + locator + end)
    return path


def _million_lines() -> bytes:
    return "".join(f"{i:064x}  data/f{i}\n" for i in range(1_000_000)).encode()


def _million_line_manifest_folder(folder: Path, demo: Path) -> Path:
    bundle = _copy(folder, demo)
    (bundle / "manifest-sha256.txt").write_bytes(_million_lines())
    return bundle


def _million_line_manifest_zip(folder: Path, _demo: Path) -> Path:
    return _zip_replacing(
        b"manifest-sha256.txt", RawEntry(b"manifest-sha256.txt", _million_lines())
    )(folder, _demo)


def _copy(folder: Path, demo: Path) -> Path:
    bundle = folder / demo.name
    shutil.copytree(demo, bundle)
    return bundle


def _with_file(relative: str, data: bytes = b"%PDF-1.7 forged\n") -> Callable[[Path, Path], Path]:
    def build(folder: Path, demo: Path) -> Path:
        bundle = _copy(folder, demo)
        target = bundle.joinpath(*relative.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return bundle

    return build


def _statement_renamed(look_alike: str) -> Callable[[Path, Path], Path]:
    def build(folder: Path, demo: Path) -> Path:
        bundle = _copy(folder, demo)
        statement = bundle / "data" / "statement" / "MG11-statement.pdf"
        statement.rename(statement.with_name(look_alike))
        return bundle

    return build


def _link_inside(folder: Path, demo: Path) -> Path:
    bundle = _copy(folder, demo)
    (bundle / "data" / "passwd").symlink_to("/etc/passwd")
    return bundle


def _bundle_is_a_link(folder: Path, demo: Path) -> Path:
    bundle = _copy(folder, demo)
    link = folder / "shortcut"
    link.symlink_to(bundle, target_is_directory=True)
    return link


def _pipe_inside(folder: Path, demo: Path) -> Path:
    bundle = _copy(folder, demo)
    os.mkfifo(bundle / "data" / "pipe")
    return bundle


def _non_utf8_in_folder(folder: Path, demo: Path) -> Path:
    bundle = _copy(folder, demo)
    raw = os.fsencode(bundle / "data") + b"/caf\xe9.txt"
    os.close(os.open(raw, os.O_CREAT | os.O_WRONLY, 0o600))
    return bundle


def _fetch_txt(folder: Path, demo: Path) -> Path:
    return _with_file("fetch.txt", b"https://example.invalid/x 1 data/x\n")(folder, demo)


CYRILLIC = {"a": "\u0430", "e": "\u0435", "s": "\u0455", "c": "\u0441", "o": "\u043e"}

HOSTILE: tuple[Hostile, ...] = (
    Hostile(
        "zip: '..' member name",
        _zip_with(RawEntry(b"data/../../evil.txt", b"x")),
        "outside the bundle",
    ),
    Hostile(
        "zip: absolute member name", _zip_with(RawEntry(b"/etc/cron.d/evil", b"x")), "absolute path"
    ),
    Hostile(
        "zip: drive-letter member name",
        _zip_with(RawEntry(b"C:/Windows/evil.dll", b"x")),
        "absolute path",
    ),
    Hostile(
        "zip: symbolic link entry",
        _zip_with(
            RawEntry(b"data/passwd", b"/etc/passwd", external_attr=(stat.S_IFLNK | 0o777) << 16)
        ),
        "data/passwd: it is a symbolic link",
    ),
    Hostile(
        "zip: duplicate names",
        _zip_with(RawEntry(b"data/a.txt", b"other\n")),
        "same name as 'data/a.txt'",
    ),
    Hostile(
        "zip: names differing in case",
        _zip_with(RawEntry(b"data/A.TXT", b"other\n")),
        "ignoring case",
    ),
    Hostile("zip: overlapping entries (CVE-2024-0450)", _overlapping_entries, "overlap"),
    Hostile("zip: ratio bomb, 1 GiB of zeros", _ratio_bomb, "a zip bomb"),
    Hostile(
        "zip: size bomb, 9 bytes declared, 256 MiB inside",
        _lying_size_bomb,
        "inflates to more bytes than it declares",
    ),
    Hostile(
        "zip: directory declaring a billion entries", _directory_bomb, "declares 1000000000 entries"
    ),
    Hostile("zip: manifest of a million lines", _million_line_manifest_zip, "over the limit"),
    Hostile("folder: manifest of a million lines", _million_line_manifest_folder, "over the limit"),
    Hostile(
        "zip: non-UTF-8 name, UTF-8 flag set",
        _zip_with(RawEntry(b"data/\xff\xfe.txt", b"x", flags=0x800)),
        "not valid UTF-8",
    ),
    Hostile(
        "zip: non-UTF-8 name, no flag",
        _zip_with(RawEntry(b"data/caf\x82.txt", b"x")),
        "its name is not valid UTF-8",
    ),
    Hostile("folder: non-UTF-8 name", _non_utf8_in_folder, "its name is not valid UTF-8"),
    Hostile(
        "zip: right-to-left override in a name",
        _zip_with(RawEntry("data/exe\u202egpj.txt".encode(), b"x", flags=0x800)),
        "U+202E",
    ),
    Hostile(
        "folder: extra MG11-statеment.pdf (Cyrillic е)",
        _with_file(f"data/statement/MG11-stat{CYRILLIC['e']}ment.pdf"),
        "it looks like 'MG11-statement.pdf'",
    ),
    Hostile(
        "folder: the statement renamed MG11-statеment.pdf",
        _statement_renamed(f"MG11-stat{CYRILLIC['e']}ment.pdf"),
        "it looks like 'MG11-statement.pdf'",
    ),
    Hostile(
        "folder: MGl1-statement.pdf beside the statement",
        _with_file("data/statement/MGl1-statement.pdf"),
        "it looks like 'data/statement/MG11-statement.pdf'",
    ),
    Hostile(
        "folder: wholly Cyrillic саѕе.json",
        _with_file(
            f"data/{CYRILLIC['c']}{CYRILLIC['a']}{CYRILLIC['s']}{CYRILLIC['e']}.json", b"{}"
        ),
        "it looks like 'data/case.json'",
    ),
    Hostile(
        "folder: look-alike folder data/ｓtatement/",
        _with_file("data/\uff53tatement/MG11-statement.pdf"),
        "it looks like 'data/statement'",
    ),
    Hostile(
        "folder: exhibit name mixing scripts",
        _with_file(f"data/exhibits/JS-1/ph{CYRILLIC['o']}to.png", b"\x89PNG"),
        "mixes Cyrillic and Latin letters",
    ),
    Hostile(
        "zip: wholly Cyrillic саѕе.json",
        _zip_with(
            RawEntry(
                f"data/{CYRILLIC['c']}{CYRILLIC['a']}{CYRILLIC['s']}{CYRILLIC['e']}.json".encode(),
                b"{}",
                flags=0x800,
            )
        ),
        "it looks like 'data/case.json'",
    ),
    Hostile("folder: symbolic link inside", _link_inside, "data/passwd: it is a symbolic link"),
    Hostile("folder: the bundle is a symbolic link", _bundle_is_a_link, "it is a symbolic link"),
    Hostile("folder: a pipe inside", _pipe_inside, "data/pipe: it is a device, pipe or socket"),
    Hostile("folder: fetch.txt asking for downloads", _fetch_txt, "downloaded from elsewhere"),
)
