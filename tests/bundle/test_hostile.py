"""Hostile bundles are refused with a message naming the entry, and nothing is ever written."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import struct
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bundle.helpers import RawEntry, build_zip, deflate, overlapping_entries_zip, write_bag
from rvr_desktop.evidence.bundle.archive import ReadLimits, open_bag_source
from rvr_desktop.evidence.bundle.bagit_reader import check_payload, check_tag_files, load_bag
from rvr_desktop.evidence.bundle.errors import HostileBundle, MalformedBag
from rvr_desktop.evidence.bundle.layout import BundleLayout

TAGS = {
    b"bagit.txt": b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
    b"bag-info.txt": b"Case-Reference: INC-1\n",
}


class Inbox:
    """Where hostile bundles arrive; also watches the temp folder and the working folder."""

    def __init__(self, root: Path) -> None:
        self.folder = root / "inbox"
        self.temp = root / "system-temp"
        self.cwd = root / "cwd"
        for folder in (self.folder, self.temp, self.cwd):
            folder.mkdir()

    def put(self, data: bytes, name: str = "bundle.zip") -> Path:
        path = self.folder / name
        path.write_bytes(data)
        return path

    def snapshot(self) -> list[str]:
        return sorted(
            str(p.relative_to(self.folder.parent))
            for folder in (self.folder, self.temp, self.cwd)
            for p in folder.rglob("*")
        )


@pytest.fixture
def inbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    box = Inbox(tmp_path)
    monkeypatch.setenv("TMPDIR", str(box.temp))
    monkeypatch.setattr(tempfile, "tempdir", str(box.temp))
    monkeypatch.chdir(box.cwd)
    yield box
    assert list(box.temp.iterdir()) == [], "something was written to the temp folder"
    assert list(box.cwd.iterdir()) == [], "something was written to the working folder"


def verify_everything(path: Path, limits: ReadLimits | None = None) -> None:
    """What rvr-verify will do with the primitives: open, load, check tags and payload."""
    with open_bag_source(path, limits or ReadLimits()) as source:
        bag = load_bag(source)
        check_tag_files(source, bag)
        check_payload(source, bag.manifest)


def assert_refused(inbox: Inbox, path: Path, entry: str, problem: str, **limits: int) -> str:
    before = inbox.snapshot()
    with pytest.raises(HostileBundle) as refused:
        verify_everything(path, ReadLimits(**limits))
    message = str(refused.value)
    assert entry in message, message
    assert re.search(problem, message), message
    assert "Nothing from it was written to disk" in message
    assert inbox.snapshot() == before
    return message


def bag_entries(*extra: RawEntry, payload: dict[bytes, bytes] | None = None) -> list[RawEntry]:
    """A complete, honest bag as raw entries, plus whatever hostile entries are given."""
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


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_raw_builder_makes_a_bag_that_verifies(inbox: Inbox) -> None:
    """So that each refusal below is caused by its one hostile entry."""
    verify_everything(inbox.put(build_zip(bag_entries())))


@pytest.mark.parametrize(
    ("name", "shown", "problem"),
    [
        (b"data/../../evil.txt", "data/../../evil.txt", "outside the bundle"),
        (b"../evil.txt", "../evil.txt", "outside the bundle"),
        (b"/etc/cron.d/evil", "/etc/cron.d/evil", "absolute path"),
        (b"C:/Windows/evil.dll", "C:/Windows/evil.dll", "absolute path"),
        (b"data\\..\\..\\evil.txt", "data\\\\..\\\\..\\\\evil.txt", "backslash"),
        (b"data/a\x1b[2J.txt", "data/a\\x1b[2J.txt", "control character U\\+001B"),
        (b"data/aux.txt", "data/aux.txt", "reserved device name"),
        (b"data/COM1", "data/COM1", "reserved device name"),
        (b"data//b.txt", "data//b.txt", "empty folder name"),
        (b"data/nul\x00.txt", "data/nul\\x00.txt", "control character U\\+0000"),
        (b"data/x" + b"y" * 300, "data/xyyy", "longer than 255 bytes"),
    ],
)
def test_zip_entry_with_a_dangerous_name_is_refused(
    inbox: Inbox, name: bytes, shown: str, problem: str
) -> None:
    path = inbox.put(build_zip(bag_entries(RawEntry(name, b"gotcha"))))
    assert_refused(inbox, path, shown, problem)


def test_symbolic_link_entry_is_refused(inbox: Inbox) -> None:
    link = RawEntry(b"data/passwd", b"/etc/passwd", external_attr=(stat.S_IFLNK | 0o777) << 16)
    assert_refused(inbox, inbox.put(build_zip(bag_entries(link))), "data/passwd", "symbolic link")


def test_device_or_pipe_entry_is_refused(inbox: Inbox) -> None:
    fifo = RawEntry(b"data/pipe", b"", external_attr=(stat.S_IFIFO | 0o644) << 16)
    assert_refused(inbox, inbox.put(build_zip(bag_entries(fifo))), "data/pipe", "pipe")


def test_duplicate_names_are_refused(inbox: Inbox) -> None:
    twin = RawEntry(b"data/a.txt", b"the other evidence\n")
    assert_refused(inbox, inbox.put(build_zip(bag_entries(twin))), "data/a.txt", "same name")


def test_names_differing_only_in_case_are_refused(inbox: Inbox) -> None:
    twin = RawEntry(b"data/A.TXT", b"the other evidence\n")
    path = inbox.put(build_zip(bag_entries(twin)))
    assert_refused(inbox, path, "data/A.TXT", "same name as 'data/a.txt' ignoring case")


def test_a_file_that_is_also_a_folder_is_refused(inbox: Inbox) -> None:
    inner = RawEntry(b"data/a.txt/inner.txt", b"x")
    assert_refused(
        inbox, inbox.put(build_zip(bag_entries(inner))), "data/a.txt/inner.txt", "also a file"
    )


def test_names_not_in_nfc_are_refused(inbox: Inbox) -> None:
    nfd = RawEntry("data/cafe\u0301.txt".encode(), b"x", flags=0x800)
    assert_refused(inbox, inbox.put(build_zip(bag_entries(nfd))), "data/cafe", "normal form NFC")


def test_a_non_utf8_name_without_the_utf8_flag_is_refused(inbox: Inbox) -> None:
    """Without flag 11 the bytes could be cp437; we accept only names that are valid UTF-8."""
    cp437 = RawEntry(b"data/caf\x82.txt", b"x")
    path = inbox.put(build_zip(bag_entries(cp437)))
    assert_refused(inbox, path, "data/caf\\x82.txt", "not valid UTF-8")


def test_a_utf8_name_without_the_utf8_flag_is_read_as_utf8(inbox: Inbox) -> None:
    """Macs and Info-ZIP write UTF-8 names without setting flag 11."""
    payload = {"data/café.txt".encode(): b"evidence\n"}
    with open_bag_source(inbox.put(build_zip(bag_entries(payload=payload)))) as source:
        assert "data/café.txt" in [m.path for m in source.list_files()]
        assert check_payload(source, load_bag(source).manifest).intact


def test_an_invalid_name_with_the_utf8_flag_set_is_refused(inbox: Inbox) -> None:
    bad = RawEntry(b"data/\xff\xfe.txt", b"x", flags=0x800)
    assert_refused(inbox, inbox.put(build_zip(bag_entries(bad))), "bundle.zip", "not valid UTF-8")


def test_a_second_name_for_other_programs_is_refused(inbox: Inbox) -> None:
    other = b"data/other.txt"
    extra = struct.pack("<HHB", 0x7075, 5 + len(other), 1) + b"\0\0\0\0" + other
    two_names = RawEntry(b"data/b.txt", b"x", extra=extra)
    path = inbox.put(build_zip(bag_entries(two_names)))
    assert_refused(inbox, path, "data/b.txt", "second, different name")


def test_encrypted_entries_are_refused(inbox: Inbox) -> None:
    locked = RawEntry(b"data/b.txt", b"\x00" * 20, flags=0x1)
    assert_refused(inbox, inbox.put(build_zip(bag_entries(locked))), "data/b.txt", "encrypted")


def test_unsupported_compression_is_refused(inbox: Inbox) -> None:
    bzip2 = RawEntry(b"data/b.txt", b"BZh9", method=12)
    assert_refused(inbox, inbox.put(build_zip(bag_entries(bzip2))), "data/b.txt", "method 12")


def test_member_declared_small_that_inflates_huge_stops_at_one_byte_over(inbox: Inbox) -> None:
    bomb = RawEntry(b"data/a.txt", deflate(b"\0" * (16 << 20)), method=8, file_size=9)
    entries = [e for e in bag_entries() if e.name != b"data/a.txt"] + [bomb]
    path = inbox.put(build_zip(entries))
    assert_refused(inbox, path, "data/a.txt", "inflates to more bytes than it declares")
    with (
        open_bag_source(path) as source,
        source.open_member("data/a.txt") as stream,
        pytest.raises(HostileBundle, match="zip bomb"),
    ):
        stream.read()


def test_a_manifest_that_is_a_zip_bomb_is_refused(inbox: Inbox) -> None:
    honest = bag_entries()
    manifest = next(e for e in honest if e.name == b"manifest-sha256.txt")
    bomb = RawEntry(
        b"manifest-sha256.txt",
        deflate(manifest.data + b"0" * (64 << 20)),
        method=8,
        file_size=len(manifest.data),
    )
    path = inbox.put(build_zip([e for e in honest if e is not manifest] + [bomb]))
    assert_refused(inbox, path, "manifest-sha256.txt", "inflates to more bytes")


def test_a_member_with_an_enormous_compression_ratio_is_refused_unread(inbox: Inbox) -> None:
    bomb = RawEntry(b"data/zeros.bin", deflate(b"\0" * (8 << 20)), method=8, file_size=8 << 20)
    path = inbox.put(build_zip(bag_entries(bomb)))
    assert_refused(inbox, path, "data/zeros.bin", r"more than 200 times\): a zip bomb")


def test_a_deflated_member_holding_less_than_declared_is_refused(inbox: Inbox) -> None:
    short = RawEntry(b"data/a.txt", deflate(b"evidence"), method=8, file_size=9)
    entries = [e for e in bag_entries() if e.name != b"data/a.txt"] + [short]
    assert_refused(
        inbox, inbox.put(build_zip(entries)), "data/a.txt", "fewer bytes than it declares"
    )


def test_overlapping_entries_are_refused(inbox: Inbox) -> None:
    """The CVE-2024-0450 shape: a second entry whose header lies inside the first's data."""
    path = inbox.put(overlapping_entries_zip(bag_entries(payload={})))
    assert_refused(inbox, path, "data/b.txt", "overlap")


@pytest.mark.parametrize("offset", [1 << 63, (1 << 63) - 1, 1 << 40])
def test_a_zip64_header_offset_beyond_the_zip_is_refused(inbox: Inbox, offset: int) -> None:
    zip64_offset = struct.pack("<HHQ", 1, 8, offset)
    hostile = RawEntry(b"data/b.txt", b"more\n", header_offset=0xFFFFFFFF, extra=zip64_offset)
    path = inbox.put(build_zip(bag_entries(hostile)))
    assert_refused(inbox, path, "data/b.txt", "places its header outside the zip's entries")


def test_a_local_header_naming_another_file_is_refused(inbox: Inbox) -> None:
    liar = RawEntry(b"data/b.txt", b"x", local_name=b"data/c.txt")
    path = inbox.put(build_zip(bag_entries(liar)))
    assert_refused(inbox, path, "data/b.txt", "different name")


def test_too_many_entries_are_refused_before_the_directory_is_read(inbox: Inbox) -> None:
    path = inbox.put(build_zip(bag_entries()))
    assert_refused(inbox, path, "bundle.zip", "declares 5 entries; the limit is 3", max_members=3)


def test_an_oversized_directory_is_refused_before_it_is_read(inbox: Inbox) -> None:
    path = inbox.put(build_zip(bag_entries()))
    assert_refused(inbox, path, "bundle.zip", "its directory is", max_directory_bytes=100)


def test_a_huge_manifest_is_refused_unread(inbox: Inbox) -> None:
    big = RawEntry(b"manifest-sha256.txt", b"0" * 5000)
    entries = [e for e in bag_entries() if e.name != b"manifest-sha256.txt"] + [big]
    path = inbox.put(build_zip(entries))
    assert_refused(
        inbox,
        path,
        "manifest-sha256.txt",
        "5000 bytes, over the limit of 4096",
        max_manifest_bytes=4096,
    )


def test_a_truncated_zip_is_refused(inbox: Inbox, tmp_path: Path) -> None:
    whole = write_bag(tmp_path / "bag.zip", BundleLayout.ZIP).path.read_bytes()
    path = inbox.put(whole[: len(whole) // 2])
    assert_refused(inbox, path, "bundle.zip", "not a zip file")


def test_something_that_is_not_a_zip_is_refused(inbox: Inbox) -> None:
    path = inbox.put(b"%PDF-1.7 definitely not a zip", "bundle.pdf")
    assert_refused(inbox, path, "bundle.pdf", "not a zip file")


def test_a_folder_entry_claiming_data_is_refused(inbox: Inbox) -> None:
    folder = RawEntry(b"data/sub/", b"", file_size=0)
    folder_with_data = RawEntry(b"data/other/", b"hidden")
    path = inbox.put(build_zip(bag_entries(folder, folder_with_data)))
    assert_refused(inbox, path, "data/other/", "folder entry that claims to hold data")


def test_extra_bytes_hidden_after_a_deflate_stream_are_refused(inbox: Inbox) -> None:
    padded = RawEntry(b"data/a.txt", deflate(b"evidence\n") + b"hidden", method=8, file_size=9)
    entries = [e for e in bag_entries() if e.name != b"data/a.txt"] + [padded]
    assert_refused(inbox, inbox.put(build_zip(entries)), "data/a.txt", "stray bytes")


def test_damaged_deflate_data_is_refused(inbox: Inbox) -> None:
    broken = RawEntry(b"data/a.txt", b"\xff\xff\xff\xff" * 4, method=8, file_size=9)
    entries = [e for e in bag_entries() if e.name != b"data/a.txt"] + [broken]
    assert_refused(inbox, inbox.put(build_zip(entries)), "data/a.txt", "damaged")


# ------------------------------------------------------------------ hostile folders


@pytest.fixture
def bag_folder(tmp_path: Path) -> Path:
    return write_bag(tmp_path / "INC-42").path


def test_a_symbolic_link_in_a_bag_folder_is_refused(bag_folder: Path, tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("secret", encoding="utf-8")
    (bag_folder / "data" / "link.txt").symlink_to(tmp_path / "secret")
    with pytest.raises(HostileBundle, match=r"data/link\.txt: it is a symbolic link"):
        verify_everything(bag_folder)


def test_a_linked_folder_in_a_bag_folder_is_refused_without_following_it(
    bag_folder: Path, tmp_path: Path
) -> None:
    (tmp_path / "elsewhere").mkdir()
    (bag_folder / "data" / "more").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(HostileBundle, match="data/more: it is a symbolic link"):
        verify_everything(bag_folder)


def test_a_bag_folder_that_is_itself_a_link_is_refused(bag_folder: Path, tmp_path: Path) -> None:
    (tmp_path / "shortcut").symlink_to(bag_folder, target_is_directory=True)
    with pytest.raises(HostileBundle, match="symbolic link"):
        verify_everything(tmp_path / "shortcut")


def test_a_pipe_in_a_bag_folder_is_refused_without_blocking(bag_folder: Path) -> None:
    os.mkfifo(bag_folder / "data" / "pipe")
    with pytest.raises(HostileBundle, match="data/pipe: it is a device, pipe or socket"):
        verify_everything(bag_folder)


def test_a_non_utf8_name_in_a_bag_folder_is_refused(bag_folder: Path) -> None:
    os.close(os.open(os.fsencode(bag_folder / "data") + b"/caf\xe9.txt", os.O_CREAT | os.O_WRONLY))
    with pytest.raises(HostileBundle, match=r"data/caf\\xe9\.txt: its name is not valid UTF-8"):
        verify_everything(bag_folder)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("A.TXT", "same name as 'data/A.TXT' ignoring case"),
        ("back\\slash", "backslash"),
        ("CON", "device"),
    ],
)
def test_names_a_windows_machine_could_not_hold_are_refused_in_folders(
    bag_folder: Path, name: str, problem: str
) -> None:
    (bag_folder / "data" / "a.txt").write_bytes(b"x")
    (bag_folder / "data" / name).write_bytes(b"y")
    with pytest.raises(HostileBundle, match=re.escape(problem)):
        verify_everything(bag_folder)


def test_fetch_txt_asking_for_remote_files_is_refused(bag_folder: Path) -> None:
    (bag_folder / "fetch.txt").write_text("http://example.com/x - data/x\n", encoding="utf-8")
    with pytest.raises(MalformedBag, match=r"fetch\.txt"):
        verify_everything(bag_folder)


def test_a_file_growing_while_it_is_checked_is_refused(bag_folder: Path) -> None:
    with open_bag_source(bag_folder) as source:
        bag = load_bag(source)
        with (bag_folder / "data" / "audit.json").open("ab") as grow:
            grow.write(b"more")
        with pytest.raises(HostileBundle, match=r"data/audit\.json: it grew"):
            check_payload(source, bag.manifest)


def _with_zip64_end(data: bytes, entries: int, directory_size: int) -> bytes:
    """The zip with a Zip64 end record declaring ``entries`` and ``directory_size``."""
    end_at = data.rindex(b"PK\x05\x06")
    _, directory_at = struct.unpack_from("<2L", data, end_at + 12)
    end64 = struct.pack(
        "<4sQ2H2L4Q",
        b"PK\x06\x06",
        44,
        45,
        45,
        0,
        0,
        entries,
        entries,
        directory_size,
        directory_at,
    )
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, end_at, 1)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return data[:end_at] + end64 + locator + end


def test_a_zip64_directory_declared_huge_is_refused_before_it_is_read(inbox: Inbox) -> None:
    """Found by the hostile-archive suite: the Zip64 fields were read one place off."""
    path = inbox.put(_with_zip64_end(build_zip(bag_entries()), 5, 1 << 40))
    assert_refused(inbox, path, "bundle.zip", "its directory is 1099511627776 bytes")


def test_a_zip64_end_declaring_a_billion_entries_is_refused(inbox: Inbox) -> None:
    path = inbox.put(_with_zip64_end(build_zip(bag_entries()), 10**9, 400))
    assert_refused(inbox, path, "bundle.zip", "declares 1000000000 entries")
