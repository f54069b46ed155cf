"""Whatever bytes arrive, the reader answers with our own errors, never a crash or a traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bundle.helpers import RawEntry, build_zip, deflate
from rvr_desktop.evidence.bundle.archive import ReadLimits, open_bag_source
from rvr_desktop.evidence.bundle.bagit_reader import check_payload, check_tag_files, load_bag
from rvr_desktop.evidence.bundle.names import path_problem, portable_component
from rvr_desktop.evidence.bundle.tagfiles import parse_bag_info, parse_bagit_txt, parse_manifest
from rvr_desktop.evidence.errors import RvrError
from tests.figures import examples

SMALL = ReadLimits(max_total_bytes=1 << 24, max_manifest_bytes=1 << 16)
FUZZ = settings(
    max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _verify_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.zip"
        path.write_bytes(data)
        try:
            with open_bag_source(path, SMALL) as source:
                bag = load_bag(source)
                check_tag_files(source, bag)
                check_payload(source, bag.manifest)
        except RvrError as exc:
            assert str(exc)


def _honest_zip() -> bytes:
    import hashlib

    def line(name: bytes, data: bytes) -> bytes:
        return hashlib.sha256(data).hexdigest().encode() + b"  " + name + b"\n"

    payload = b"evidence\n" * 20
    tags = {
        b"bagit.txt": b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        b"bag-info.txt": b"Case-Reference: INC-1\n",
        b"manifest-sha256.txt": line(b"data/a.txt", payload),
    }
    tagmanifest = b"".join(line(n, d) for n, d in sorted(tags.items()))
    return build_zip(
        [
            *(RawEntry(n, d) for n, d in tags.items()),
            RawEntry(b"tagmanifest-sha256.txt", tagmanifest),
            RawEntry(b"data/a.txt", deflate(payload), method=8, file_size=len(payload)),
        ]
    )


HONEST = _honest_zip()


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes_as_a_zip_give_only_our_errors(data: bytes) -> None:
    _verify_bytes(data)


@FUZZ
@given(st.binary(max_size=2048).map(lambda tail: b"PK\x03\x04" + tail))
def test_random_bytes_behind_a_zip_signature_give_only_our_errors(data: bytes) -> None:
    _verify_bytes(data)


@FUZZ
@given(
    st.lists(
        st.tuples(st.integers(0, len(HONEST) - 1), st.integers(0, 255)), min_size=1, max_size=8
    )
)
def test_a_damaged_real_bundle_gives_only_our_errors(changes: list[tuple[int, int]]) -> None:
    data = bytearray(HONEST)
    for at, value in changes:
        data[at] = value
    _verify_bytes(bytes(data))


@FUZZ
@given(st.integers(0, len(HONEST)))
def test_a_cut_short_real_bundle_gives_only_our_errors(length: int) -> None:
    _verify_bytes(HONEST[:length])


_MANIFESTISH = st.lists(
    st.one_of(
        st.text(max_size=120),
        st.builds(
            lambda h, sep, p: h + sep + p,
            st.text("0123456789abcdefABCDEF", min_size=60, max_size=66),
            st.sampled_from([" ", "  ", "\t", ""]),
            st.text(max_size=40).map(lambda t: "data/" + t),
        ),
    ),
    max_size=12,
).map(lambda lines: "\n".join(lines))


@FUZZ
@given(
    st.one_of(
        _MANIFESTISH.map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=512)
    )
)
def test_random_manifest_text_gives_only_our_errors(data: bytes) -> None:
    for parse in (
        lambda: parse_manifest(data, "manifest-sha256.txt", payload=True, max_entries=8),
        lambda: parse_manifest(data, "tagmanifest-sha256.txt", payload=False, max_entries=8),
        lambda: parse_bag_info(data),
        lambda: parse_bagit_txt(data),
    ):
        try:
            parse()
        except RvrError as exc:
            assert str(exc)


@FUZZ
@given(st.text(max_size=400))
def test_any_original_file_name_can_be_made_portable(original: str) -> None:
    name = portable_component(original)
    assert path_problem(name) is None, (original, name)
    assert "%" not in name
