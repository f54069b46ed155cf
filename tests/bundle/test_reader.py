"""Checking a bundle: strict tag files, and every change, loss or addition named with its hashes."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import zipfile
from pathlib import Path

import bagit
import pytest

from bundle.helpers import PAYLOAD, flip_byte, rehash_tag_manifest, write_bag
from rvr_desktop.evidence.bundle.archive import ReadLimits, open_bag_source
from rvr_desktop.evidence.bundle.bagit_reader import (
    FileStatus,
    ManifestCheck,
    check_payload,
    check_payload_oxum,
    check_tag_files,
    load_bag,
)
from rvr_desktop.evidence.bundle.errors import HostileBundle, MalformedBag
from rvr_desktop.evidence.bundle.layout import BundleLayout
from rvr_desktop.evidence.bundle.tagfiles import parse_bag_info, parse_bagit_txt, parse_manifest
from rvr_desktop.evidence.progress import Cancelled, CancelToken

PHOTO = "data/exhibits/JS-1 Zoë's café photo.jpg"


@pytest.fixture
def bag_dir(tmp_path: Path) -> Path:
    return write_bag(tmp_path / "INC-42").path


def _checks(path: Path) -> tuple[ManifestCheck, ManifestCheck]:
    with open_bag_source(path) as source:
        bag = load_bag(source)
        return check_payload(source, bag.manifest), check_tag_files(source, bag)


def _only_failure(check: ManifestCheck) -> tuple[str, FileStatus, str]:
    assert not check.intact
    assert len(check.failures) == 1, check.failures
    failure = check.failures[0]
    return failure.path, failure.status, failure.message


@pytest.mark.parametrize("name", sorted(PAYLOAD))
def test_a_changed_byte_in_any_evidence_file_is_named_with_both_hashes(
    bag_dir: Path, name: str
) -> None:
    target = bag_dir / "data" / name
    original = hashlib.sha256(target.read_bytes()).hexdigest()
    if target.stat().st_size == 0:
        target.write_bytes(b"\0")
    else:
        flip_byte(target, target.stat().st_size // 2)
    now = hashlib.sha256(target.read_bytes()).hexdigest()
    payload, tags = _checks(bag_dir)
    path, status, message = _only_failure(payload)
    assert (path, status) == ("data/" + name, FileStatus.CHANGED)
    assert name in message and original in message and now in message
    assert tags.intact


def test_a_truncated_file_is_reported_changed_with_its_new_size(bag_dir: Path) -> None:
    target = bag_dir / PHOTO
    target.write_bytes(target.read_bytes()[:100])
    payload, _ = _checks(bag_dir)
    assert _only_failure(payload)[:2] == (PHOTO, FileStatus.CHANGED)
    assert payload.failures[0].size == 100


def test_a_deleted_file_is_reported_missing(bag_dir: Path) -> None:
    (bag_dir / PHOTO).unlink()
    payload, _ = _checks(bag_dir)
    path, status, message = _only_failure(payload)
    assert (path, status) == (PHOTO, FileStatus.MISSING)
    assert "missing" in message and hashlib.sha256(PAYLOAD[PHOTO[5:]]).hexdigest() in message


def test_a_stray_file_in_the_payload_is_reported_extra(bag_dir: Path) -> None:
    (bag_dir / "data" / "planted.txt").write_bytes(b"planted")
    payload, _ = _checks(bag_dir)
    path, status, message = _only_failure(payload)
    assert (path, status) == ("data/planted.txt", FileStatus.EXTRA)
    assert "not listed in manifest-sha256.txt" in message
    with open_bag_source(bag_dir) as source:
        assert not check_payload_oxum(source, load_bag(source).info).matches


def test_a_stray_tag_file_at_the_root_is_reported_extra(bag_dir: Path) -> None:
    (bag_dir / "README.txt").write_bytes(b"trust me")
    payload, tags = _checks(bag_dir)
    assert payload.intact
    assert _only_failure(tags)[:2] == ("README.txt", FileStatus.EXTRA)


@pytest.mark.parametrize("name", ["bag-info.txt", "manifest-sha256.txt"])
def test_a_changed_tag_file_is_named(bag_dir: Path, name: str) -> None:
    target = bag_dir / name
    text = target.read_text(encoding="utf-8")
    # Change a letter or a hex digit so the file still parses.
    edited = (
        text.replace("INC-2026-0042", "INC-2026-0043")
        if name == "bag-info.txt"
        else (("1" if text[0] != "1" else "2") + text[1:])
    )
    target.write_text(edited, encoding="utf-8")
    _, tags = _checks(bag_dir)
    path, status, message = _only_failure(tags)
    assert (path, status) == (name, FileStatus.CHANGED)
    assert "tagmanifest-sha256.txt expects SHA-256" in message


def test_a_changed_bagit_txt_is_refused_naming_it(bag_dir: Path) -> None:
    flip_byte(bag_dir / "bagit.txt", 15)
    with pytest.raises(MalformedBag, match=r"bagit\.txt, line 1"):
        _checks(bag_dir)


def test_a_changed_tag_manifest_no_longer_matches_what_was_signed(tmp_path: Path) -> None:
    signed: list[bytes] = []
    from bundle.helpers import BAG_INFO, fake_signer
    from rvr_desktop.evidence.bundle.bagit_writer import BagWriter

    with BagWriter(tmp_path / "bag", BundleLayout.FOLDER) as writer:
        writer.add_payload_bytes("a.txt", b"a")
        writer.finish(BAG_INFO, sign=fake_signer(signed))
    flip_byte(tmp_path / "bag" / "tagmanifest-sha256.txt", 0)
    with open_bag_source(tmp_path / "bag") as source:
        bag = load_bag(source)
        tags = check_tag_files(source, bag)
    assert bag.tag_manifest_bytes != signed[0]
    assert _only_failure(tags)[:2] == ("bag-info.txt", FileStatus.CHANGED)


@pytest.mark.parametrize(
    "name", ["bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt"]
)
def test_a_deleted_tag_file_is_refused_naming_it(bag_dir: Path, name: str) -> None:
    (bag_dir / name).unlink()
    with pytest.raises(MalformedBag, match=name.replace(".", r"\.") + ": it is missing"):
        _checks(bag_dir)


def test_missing_tag_manifest_passes_bagit_python_but_not_our_reader(bag_dir: Path) -> None:
    (bag_dir / "tagmanifest-sha256.txt").unlink()
    assert bagit.Bag(str(bag_dir)).is_valid()
    with pytest.raises(MalformedBag, match=r"tagmanifest-sha256\.txt: it is missing"):
        _checks(bag_dir)


@pytest.mark.parametrize(
    "line",
    [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "data/audit.json",
        "",
        "# a comment",
    ],
)
def test_malformed_manifest_lines_skipped_by_bagit_python_are_refused_here(
    bag_dir: Path, line: str
) -> None:
    _insert_manifest_line(bag_dir, line)
    assert bagit.Bag(str(bag_dir)).is_valid()
    with pytest.raises(MalformedBag, match=r"manifest-sha256\.txt, line 2: expected '<SHA-256"):
        _checks(bag_dir)


@pytest.mark.parametrize(
    "line",
    [
        "not-a-hash data/x.txt",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85 data/x.txt",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855data/x.txt",
    ],
)
def test_a_manifest_line_with_a_bad_hash_is_refused_naming_the_line(
    bag_dir: Path, line: str
) -> None:
    _insert_manifest_line(bag_dir, line)
    with pytest.raises(MalformedBag, match=r"manifest-sha256\.txt, line 2: expected '<SHA-256"):
        _checks(bag_dir)


def _insert_manifest_line(bag_dir: Path, line: str) -> None:
    manifest = bag_dir / "manifest-sha256.txt"
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(1, line + "\n")
    manifest.write_text("".join(lines), encoding="utf-8")
    rehash_tag_manifest(bag_dir)


def test_manifest_path_escaping_the_bag_is_refused(bag_dir: Path) -> None:
    manifest = bag_dir / "manifest-sha256.txt"
    manifest.write_text(
        manifest.read_text(encoding="utf-8") + "0" * 64 + "  data/../../etc/passwd\n",
        encoding="utf-8",
    )
    with pytest.raises(MalformedBag, match="could point outside the bundle"):
        _checks(bag_dir)


def test_zip_bundle_from_a_desktop_compress_is_read_from_its_top_folder(
    tmp_path: Path, bag_dir: Path
) -> None:
    """Deflated, one top folder, folder entries: what Explorer's or Finder's compress makes."""
    archive = tmp_path / "INC-42 (compressed).zip"
    shutil.make_archive(str(archive.with_suffix("")), "zip", tmp_path, "INC-42")
    with zipfile.ZipFile(archive) as check:
        assert any(i.compress_type == zipfile.ZIP_DEFLATED for i in check.infolist())
        assert any(i.is_dir() for i in check.infolist())
    payload, tags = _checks(archive)
    assert payload.intact and tags.intact
    assert len(payload.files) == len(PAYLOAD)


def test_a_tampered_stored_zip_member_is_reported_changed(tmp_path: Path) -> None:
    written = write_bag(tmp_path / "INC-42.zip", BundleLayout.ZIP)
    data = bytearray(written.path.read_bytes())
    at = data.index(b"pretend statement")
    data[at] ^= 0x20
    written.path.write_bytes(bytes(data))
    payload, tags = _checks(written.path)
    assert _only_failure(payload)[:2] == ("data/statement/MG11 statement.pdf", FileStatus.CHANGED)
    assert tags.intact


def test_a_manifest_over_the_size_limit_is_refused_unread(bag_dir: Path) -> None:
    with (
        open_bag_source(bag_dir, ReadLimits(max_manifest_bytes=200)) as source,
        pytest.raises(
            HostileBundle, match=r"manifest-sha256\.txt: it is \d+ bytes, over the limit"
        ),
    ):
        load_bag(source)


def test_payload_check_reports_progress_up_to_the_total(bag_dir: Path) -> None:
    big = bag_dir / "data" / "big.bin"
    big.write_bytes(os.urandom(3 << 20))
    seen: list[tuple[int, int]] = []
    with open_bag_source(bag_dir) as source:
        check = check_payload(
            source, load_bag(source).manifest, progress=lambda d, t: seen.append((d, t))
        )
    total = sum(map(len, PAYLOAD.values())) + (3 << 20)
    assert seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert check.failures[0].path == "data/big.bin"


def test_officer_cancels_a_long_check(bag_dir: Path) -> None:
    for n in range(4):
        (bag_dir / "data" / f"big{n}.bin").write_bytes(b"\0" * (2 << 20))
    token = CancelToken()
    with open_bag_source(bag_dir) as source, pytest.raises(Cancelled, match="The check"):
        check_payload(
            source, load_bag(source).manifest, progress=lambda d, t: token.cancel(), cancel=token
        )


def test_a_file_replaced_by_a_link_after_listing_is_refused(tmp_path: Path, bag_dir: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_bytes(b"secret")
    with open_bag_source(bag_dir) as source:
        bag = load_bag(source)
        (bag_dir / PHOTO).unlink()
        (bag_dir / PHOTO).symlink_to(outside)
        with pytest.raises(HostileBundle, match=r"could not be opened|replaced"):
            check_payload(source, bag.manifest)


@pytest.mark.parametrize(
    ("change", "said"), [(b"extra", "grew"), (None, "shrank")], ids=["grew", "shrank"]
)
def test_an_exhibit_that_changes_size_after_listing_is_refused_naming_it(
    bag_dir: Path, change: bytes | None, said: str
) -> None:
    # A screen capture is small, so it is read whole in one go: the listed size still binds.
    with open_bag_source(bag_dir) as source:
        bag = load_bag(source)
        photo = bag_dir / PHOTO
        if change is None:
            photo.write_bytes(photo.read_bytes()[:-1])
        else:
            with open(photo, "ab") as handle:
                handle.write(change)
        with pytest.raises(HostileBundle, match=f"{PHOTO}.*it {said} while it was being read"):
            check_payload(source, bag.manifest)


def test_a_small_file_is_read_whole_the_same_from_a_folder_and_a_zip(
    tmp_path: Path, bag_dir: Path
) -> None:
    archive = Path(shutil.make_archive(str(tmp_path / "INC-42"), "zip", bag_dir.parent, "INC-42"))
    for path in (bag_dir, archive):
        with open_bag_source(path) as source:
            member = source.member(PHOTO)
            assert member is not None
            buffer = bytearray(member.size + 1)
            assert source.read_whole_into(PHOTO, buffer) == member.size
            assert bytes(buffer[: member.size]) == (bag_dir / PHOTO).read_bytes()
            with pytest.raises(ValueError, match="larger buffer"):
                source.read_whole_into(PHOTO, bytearray(member.size))


# ------------------------------------------------------------------ the grammar, line by line


def test_bagit_txt_must_be_exactly_version_1_0_in_utf_8() -> None:
    good = b"BagIt-Version: 1.0\r\nTag-File-Character-Encoding: utf-8\r\n"
    assert parse_bagit_txt(good).version == "1.0"
    for bad, problem in [
        (b"BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n", "only 1.0"),
        (b"BagIt-Version: 1.0\nTag-File-Character-Encoding: ISO-8859-1\n", "only UTF-8"),
        (b"\xef\xbb\xbfBagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", "byte-order"),
        (b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8", "does not end"),
        (b"Tag-File-Character-Encoding: UTF-8\nBagIt-Version: 1.0\n", "expected 'BagIt-Version"),
        (b"BagIt-Version: 1.0\n", "exactly 2 lines"),
    ]:
        with pytest.raises(MalformedBag, match=problem):
            parse_bagit_txt(bad)


def test_bag_info_keeps_order_repeats_and_continuation_lines() -> None:
    info = parse_bag_info(
        b"Contact-Name: Jane Smith\nExternal-Description: A long\n  description\tline\n"
        b"Contact-Name: Sam Jones\r\nPayload-Oxum: 12.3\n"
    )
    assert info.entries == (
        ("Contact-Name", "Jane Smith"),
        ("External-Description", "A long\ndescription\tline"),
        ("Contact-Name", "Sam Jones"),
        ("Payload-Oxum", "12.3"),
    )
    assert info.values("contact-name") == ("Jane Smith", "Sam Jones")
    assert info.payload_oxum() == (12, 3)
    with pytest.raises(MalformedBag, match="appears 2 times"):
        info.single("Contact-Name")
    for bad, problem in [
        (b"  indented first\n", "line 1: the first line is indented"),
        (b"No colon here\n", "line 1: expected 'Label: value'"),
        (b"A: 1\n\nB: 2\n", "line 2: blank lines"),
        (b"A: \xff\n", "line 1: it is not valid UTF-8"),
        (b"A: b\x00c\n", "control character"),
    ]:
        with pytest.raises(MalformedBag, match=problem):
            parse_bag_info(bad)
    with pytest.raises(MalformedBag, match="Payload-Oxum"):
        parse_bag_info(b"Payload-Oxum: lots\n").payload_oxum()


def test_manifest_paths_are_percent_decoded_as_rfc_8493_says() -> None:
    digest = "AB" * 32
    manifest = parse_manifest(
        f"{digest}\t \tdata/100%25 sure.txt\n".encode(),
        "manifest-sha256.txt",
        payload=True,
        max_entries=10,
    )
    assert manifest.entries[0].path == "data/100% sure.txt"
    assert manifest.entries[0].sha256 == digest.lower()
    with pytest.raises(MalformedBag, match="control character"):
        parse_manifest(f"{digest} data/a%0Ab\n".encode(), "m", payload=True, max_entries=10)
    with pytest.raises(MalformedBag, match="must be written as %25"):
        parse_manifest(f"{digest} data/a%41\n".encode(), "m", payload=True, max_entries=10)


def test_manifest_duplicates_and_misplaced_paths_are_refused() -> None:
    d = "0" * 64
    cases = [
        (f"{d} data/a.txt\n{d} data/A.TXT\n", True, "line 2: 'data/A.TXT' is listed twice"),
        (f"{d} bagit.txt\n", True, "outside the data/ folder"),
        (f"{d} data/a.txt\n", False, "inside the data/ folder"),
        (f"{d} data/a.txt\n{d} data/b.txt\n", True, "line 2: it lists more than 1 files"),
    ]
    for text, payload, problem in cases:
        with pytest.raises(MalformedBag, match=problem):
            parse_manifest(
                text.encode(), "m", payload=payload, max_entries=1 if "b.txt" in text else 9
            )


def test_a_macs_metadata_folder_beside_the_bag_is_ignored_and_reported(
    tmp_path: Path, bag_dir: Path
) -> None:
    archive = tmp_path / "from a mac.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for file in sorted(bag_dir.rglob("*")):
            if file.is_file():
                name = "INC-42/" + file.relative_to(bag_dir).as_posix()
                out.writestr(name, file.read_bytes())
        out.writestr("__MACOSX/INC-42/._bagit.txt", b"\0\5\26\7 apple double")
    with open_bag_source(archive) as source:
        assert source.ignored_entries == ("__MACOSX/INC-42/._bagit.txt",)
        bag = load_bag(source)
        assert check_payload(source, bag.manifest).intact
        assert check_tag_files(source, bag).intact


def test_a_flat_zip_with_a_macs_metadata_folder_is_read_and_the_folder_reported(
    tmp_path: Path, bag_dir: Path
) -> None:
    """docs/bundle-format.md: a reader may ignore __MACOSX/, saying so, whatever the layout."""
    archive = tmp_path / "flat from a mac.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for file in sorted(bag_dir.rglob("*")):
            if file.is_file():
                out.writestr(file.relative_to(bag_dir).as_posix(), file.read_bytes())
        out.writestr("__MACOSX/._bagit.txt", b"\0\5\26\7 apple double")
    with open_bag_source(archive) as source:
        assert source.ignored_entries == ("__MACOSX/._bagit.txt",)
        bag = load_bag(source)
        assert check_payload(source, bag.manifest).intact
        assert check_tag_files(source, bag).intact


def test_a_zip_with_a_script_in_front_is_refused_naming_what_was_found(tmp_path: Path) -> None:
    """A shell script or self-extractor stub before the first entry: Python's zipfile (and
    most unzip tools) read past it silently, so it would travel with the evidence."""
    written = write_bag(tmp_path / "INC-42.zip", BundleLayout.ZIP)
    stub = b"#!/bin/sh\necho 'extracting...'\nexit 0\n"
    written.path.write_bytes(stub + written.path.read_bytes())
    with zipfile.ZipFile(written.path) as lenient:
        assert lenient.testzip() is None, "zipfile itself reads past the stub"
    with pytest.raises(HostileBundle, match=f"{len(stub)} bytes come before its first entry"):
        open_bag_source(written.path)


def test_bytes_hidden_between_zip_entries_are_refused(tmp_path: Path, bag_dir: Path) -> None:
    archive = tmp_path / "INC-42.zip"
    files = sorted(f for f in bag_dir.rglob("*") if f.is_file())
    with open(archive, "wb") as raw, zipfile.ZipFile(raw, "w") as out:
        for number, file in enumerate(files):
            out.writestr(file.relative_to(bag_dir).as_posix(), file.read_bytes())
            if number == 2:
                raw.seek(out.start_dir)
                raw.write(b"hidden between entries")
                out.start_dir = raw.tell()  # zipfile writes on from here; offsets stay true
    third = files[2].relative_to(bag_dir).as_posix()
    with pytest.raises(HostileBundle, match=f"{third}.*22 unexplained bytes lie between it"):
        open_bag_source(archive)


class _Unseekable:
    """A write-only stream: zipfile then writes each entry's sizes after its data, in a
    data descriptor, as streaming zip tools do."""

    def __init__(self, target: io.BufferedWriter) -> None:
        self._target = target

    def write(self, data: bytes) -> int:
        return self._target.write(data)

    def flush(self) -> None:
        self._target.flush()


def test_a_zip_with_data_descriptors_from_a_streaming_tool_is_accepted(
    tmp_path: Path, bag_dir: Path
) -> None:
    archive = tmp_path / "streamed.zip"
    with open(archive, "wb") as target, zipfile.ZipFile(_Unseekable(target), "w") as out:  # type: ignore[arg-type]
        for file in sorted(bag_dir.rglob("*")):
            if file.is_file():
                out.writestr(file.relative_to(bag_dir).as_posix(), file.read_bytes())
    with zipfile.ZipFile(archive) as check:
        assert all(info.flag_bits & 0x8 for info in check.infolist()), "descriptors were written"
    payload, tags = _checks(archive)
    assert payload.intact and tags.intact


def test_an_empty_zip_is_read_as_a_bag_with_nothing_in_it_not_a_crash(tmp_path: Path) -> None:
    """Found by a store test: the entry-gap check met a zip with no entries at all."""
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w"):
        pass
    with open_bag_source(empty) as source, pytest.raises(MalformedBag):
        load_bag(source)
