"""The BagIt tag files as bytes: written exactly one way, read strictly (RFC 8493).

bagit-python skips manifest lines it cannot parse and tolerates much else; a check of
evidence cannot. Here every line must match the grammar, or the whole file is refused
with its name and line number. Written files are UTF-8 with LF line ends and no BOM.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from rvr_desktop.evidence.bundle.errors import MalformedBag
from rvr_desktop.evidence.bundle.layout import (
    BAG_INFO_TXT,
    BAGGING_DATE,
    BAGIT_TXT,
    BAGIT_VERSION,
    PAYLOAD_OXUM,
    PAYLOAD_PREFIX,
    TAG_ENCODING,
)
from rvr_desktop.evidence.bundle.lookalikes import LookalikeIndex
from rvr_desktop.evidence.bundle.names import collision_key, path_problem

_MANIFEST_LINE = re.compile(r"([0-9A-Fa-f]{64})[ \t]+(.+)", re.DOTALL)
_PERCENT = re.compile(r"%(0[Aa]|0[Dd]|25)|%")
_PERCENT_DECODED = {"0a": "\n", "0d": "\r", "25": "%"}
_TAG_LINE = re.compile(r"([^:]+):[ \t](.*)", re.DOTALL)
_OXUM = re.compile(r"([0-9]{1,20})\.([0-9]{1,12})")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class BagDeclaration:
    """The contents of bagit.txt."""

    version: str
    encoding: str


@dataclass(frozen=True)
class BagInfo:
    """bag-info.txt as ordered (label, value) pairs; a label may repeat (RFC 8493 2.2.2)."""

    entries: tuple[tuple[str, str], ...]

    def values(self, label: str) -> tuple[str, ...]:
        """Every value under ``label``; labels are compared ignoring case."""
        wanted = label.casefold()
        return tuple(v for k, v in self.entries if k.casefold() == wanted)

    def single(self, label: str) -> str | None:
        """The one value under ``label``, None if absent; refused if the label repeats."""
        found = self.values(label)
        if len(found) > 1:
            raise MalformedBag(BAG_INFO_TXT, f"the label {label!r} appears {len(found)} times")
        return found[0] if found else None

    def payload_oxum(self) -> tuple[int, int] | None:
        """Payload-Oxum as (total bytes, number of files), None if absent."""
        value = self.single(PAYLOAD_OXUM)
        if value is None:
            return None
        match = _OXUM.fullmatch(value)
        if not match:
            raise MalformedBag(BAG_INFO_TXT, f"Payload-Oxum {value!r} is not 'bytes.files'")
        return int(match.group(1)), int(match.group(2))


@dataclass(frozen=True)
class ManifestEntry:
    path: str
    """The file's path from the bag's root, percent-decoding already applied."""
    sha256: str
    """Lowercase hex."""
    line: int
    """1-based line number in the manifest, for messages."""


@dataclass(frozen=True)
class Manifest:
    file: str
    """The manifest's own name, such as manifest-sha256.txt."""
    entries: tuple[ManifestEntry, ...]

    def by_path(self) -> dict[str, ManifestEntry]:
        return {entry.path: entry for entry in self.entries}


# ---------------------------------------------------------------- writing


def format_bagit_txt() -> bytes:
    return f"BagIt-Version: {BAGIT_VERSION}\nTag-File-Character-Encoding: {TAG_ENCODING}\n".encode()


def bag_info_problem(label: str, value: str) -> str | None:
    """Why (label, value) cannot be written to bag-info.txt exactly as given, or None."""
    if not label or label != label.strip() or ":" in label:
        return f"the label {label!r} is empty, has a colon, or starts or ends with a space"
    if label.casefold() in (PAYLOAD_OXUM.casefold(), BAGGING_DATE.casefold()):
        return f"{label} is written by the bundle writer itself"
    if not value or value != value.strip():
        return f"the value of {label!r} is empty or starts or ends with a space"
    for text in (label, value):
        if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in text):
            return f"{label!r} contains a line break or control character"
    return None


def format_bag_info(entries: Sequence[tuple[str, str]]) -> bytes:
    """bag-info.txt with one line per entry; check entries with bag_info_problem first."""
    return "".join(f"{label}: {value}\n" for label, value in entries).encode("utf-8")


def format_manifest(entries: Iterable[tuple[str, str]]) -> bytes:
    """Lines of 'sha256  path', sorted by path; also readable by `sha256sum -c`.

    Paths come from the writer's checked names, which exclude CR, LF and '%', so no
    percent-encoding is ever needed (bagit-python does not decode %25).
    """
    return "".join(f"{digest}  {path}\n" for path, digest in sorted(entries)).encode("utf-8")


# ---------------------------------------------------------------- reading


def _decode_lines(data: bytes, file: str) -> Iterator[str]:
    """Strict UTF-8, no BOM, every line terminated by LF, CR or CRLF.

    The lines are made one at a time: a manifest may be 64 MiB of three-byte lines, and
    splitting it whole made 22 million strings (1.8 GB) before the first was looked at.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        raise MalformedBag(file, "it starts with a byte-order mark, which BagIt forbids", 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = _LINE_BREAK.subn("", data[: exc.start].decode("utf-8", "replace"))[1] + 1
        raise MalformedBag(file, "it is not valid UTF-8 text", line) from None
    if text and not text.endswith(("\n", "\r")):
        count = sum(1 for _ in _LINE_BREAK.finditer(text)) + 1
        raise MalformedBag(file, "the last line does not end with a line break", count)
    return _lines(text)


def _lines(text: str) -> Iterator[str]:
    start = 0
    for match in _LINE_BREAK.finditer(text):
        yield text[start : match.start()]
        start = match.end()


def parse_bagit_txt(data: bytes) -> BagDeclaration:
    lines = list(_decode_lines(data, BAGIT_TXT))  # at most the 1 MiB of a tag file
    if len(lines) != 2:
        raise MalformedBag(BAGIT_TXT, f"it must have exactly 2 lines, not {len(lines)}")
    version = _tag_line(lines[0], BAGIT_TXT, 1, "BagIt-Version")
    encoding = _tag_line(lines[1], BAGIT_TXT, 2, "Tag-File-Character-Encoding")
    if version != BAGIT_VERSION:
        raise MalformedBag(BAGIT_TXT, f"BagIt-Version is {version!r}; only 1.0 is supported", 1)
    if encoding.upper() != TAG_ENCODING:
        raise MalformedBag(BAGIT_TXT, f"the encoding is {encoding!r}; only UTF-8 is supported", 2)
    return BagDeclaration(version, encoding)


def _tag_line(line: str, file: str, number: int, label: str) -> str:
    match = _TAG_LINE.fullmatch(line)
    if not match or match.group(1) != label:
        raise MalformedBag(file, f"expected '{label}: ...' but found {line[:80]!r}", number)
    return match.group(2)


def parse_bag_info(data: bytes) -> BagInfo:
    """Labels and values; an indented line continues the previous value.

    RFC 8493 says the padding of a continued line is not part of the value but the line
    break is, so a continuation adds '\\n' and the line without its leading blanks.
    """
    entries: list[tuple[str, str]] = []
    for number, line in enumerate(_decode_lines(data, BAG_INFO_TXT), start=1):
        if any(unicodedata.category(ch) == "Cc" and ch != "\t" for ch in line):
            raise MalformedBag(BAG_INFO_TXT, "it contains a control character", number)
        if line.strip(" \t") == "":
            raise MalformedBag(BAG_INFO_TXT, "blank lines are not allowed", number)
        if line[0] in " \t":
            if not entries:
                raise MalformedBag(BAG_INFO_TXT, "the first line is indented", number)
            label, value = entries[-1]
            entries[-1] = (label, value + "\n" + line.lstrip(" \t"))
            continue
        match = _TAG_LINE.fullmatch(line)
        if not match:
            raise MalformedBag(
                BAG_INFO_TXT, f"expected 'Label: value' but found {line[:80]!r}", number
            )
        label = match.group(1)
        if label != label.strip(" \t"):
            raise MalformedBag(BAG_INFO_TXT, f"the label {label!r} has surrounding blanks", number)
        entries.append((label, match.group(2)))
    return BagInfo(tuple(entries))


def parse_manifest(data: bytes, file: str, *, payload: bool, max_entries: int) -> Manifest:
    """A manifest where every line is '<64 hex digits><blanks><path>'.

    ``payload`` manifests may only list files under data/; tag manifests only files
    outside it. Paths are percent-decoded (%0A, %0D, %25 only), then must pass the bundle
    name rules. A path listed twice, even differing only in case, is refused.
    """
    entries: list[ManifestEntry] = []
    seen: dict[str, int] = {}
    lookalikes = LookalikeIndex()
    for number, line in enumerate(_decode_lines(data, file), start=1):
        if number > max_entries:
            raise MalformedBag(file, f"it lists more than {max_entries} files", number)
        match = _MANIFEST_LINE.fullmatch(line)
        if not match:
            raise MalformedBag(
                file, f"expected '<SHA-256 in hex> <path>' but found {line[:80]!r}", number
            )
        path = _percent_decode(match.group(2), file, number)
        problem = path_problem(path)
        if problem:
            raise MalformedBag(file, f"the path {path!r} is unsafe: {problem}", number)
        if payload != path.startswith(PAYLOAD_PREFIX):
            where = "outside" if payload else "inside"
            raise MalformedBag(file, f"the path {path!r} is {where} the data/ folder", number)
        key = collision_key(path)
        if key in seen:
            raise MalformedBag(
                file, f"{path!r} is listed twice (also on line {seen[key]}, ignoring case)", number
            )
        seen[key] = number
        lookalike = lookalikes.add(path)
        if lookalike is not None:
            raise MalformedBag(file, f"{lookalike[0]!r}: {lookalike[1]}", number)
        entries.append(ManifestEntry(path, match.group(1).lower(), number))
    return Manifest(file, tuple(entries))


def _percent_decode(raw: str, file: str, number: int) -> str:
    def decode(match: re.Match[str]) -> str:
        code = match.group(1)
        if code is None:
            raise MalformedBag(file, "a '%' in a path must be written as %25", number)
        return _PERCENT_DECODED[code.lower()]

    return _PERCENT.sub(decode, raw)
