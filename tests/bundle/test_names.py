"""What a bundle path may be: the refusals an evidence officer reads for a hostile name."""

from __future__ import annotations

import pytest

from rvr_desktop.evidence.bundle.names import MAX_PATH_BYTES, path_problem


def _long(letter: str) -> str:
    """A path just over the limit in bytes, in folders of 100 ``letter``s each."""
    folder = letter * 100
    count = MAX_PATH_BYTES // (len(folder.encode()) + 1) + 1
    return "/".join([folder] * count)


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("C:/Windows/evil.exe", "absolute path"),
        ("/etc/passwd", "absolute path"),
        ("data\\exhibit.png", "backslash"),
        ("data/cafe\u0301.png", "normal form NFC"),  # e + combining accent: not NFC
        (_long("a"), f"longer than {MAX_PATH_BYTES} bytes"),
        (_long("é"), f"longer than {MAX_PATH_BYTES} bytes"),
    ],
)
def test_each_unsafe_path_is_refused_with_its_reason(path: str, problem: str) -> None:
    assert problem in (path_problem(path) or "")


def test_a_long_path_counts_bytes_not_characters() -> None:
    accented = "/".join(["é" * 100] * 5)  # 500 characters, 1,004 bytes: allowed
    assert path_problem(accented) is None
    assert len(accented.encode()) <= MAX_PATH_BYTES < len((accented + "/" + "é" * 10).encode())
    assert "longer than" in (path_problem(accented + "/" + "é" * 10) or "")
