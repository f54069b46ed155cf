"""A large file is read a chunk ahead of its hashing, on a thread that never outlives it."""

from __future__ import annotations

import io
import os

import pytest

from rvr_desktop.evidence.bundle.read_ahead import ReadAhead

CHUNK = 64 << 10


class _CountedStream(io.BytesIO):
    def __init__(self, data: bytes, fail_after: int | None = None) -> None:
        super().__init__(data)
        self.reads = 0
        self._fail_after = fail_after

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        self.reads += 1
        if self._fail_after is not None and self.reads > self._fail_after:
            raise OSError(5, "Input/output error")
        return super().readinto(buffer)


def test_the_chunks_read_ahead_are_the_file_in_order() -> None:
    data = os.urandom(10 * CHUNK + 123)
    with ReadAhead(_CountedStream(data), CHUNK) as chunks:
        assert b"".join(bytes(c) for c in chunks) == data


def test_leaving_early_stops_the_reading_without_reading_the_rest() -> None:
    stream = _CountedStream(os.urandom(1000 * CHUNK))
    reader = ReadAhead(stream, CHUNK, name="test-read-ahead")
    with reader as chunks:
        next(iter(chunks))
    assert not reader._thread.is_alive()
    assert stream.reads < 10  # a few buffers ahead at most, not the other 999 chunks


def test_a_read_error_reaches_the_thread_hashing_the_file() -> None:
    stream = _CountedStream(os.urandom(10 * CHUNK), fail_after=3)
    got = 0
    with pytest.raises(OSError, match="Input/output error"), ReadAhead(stream, CHUNK) as chunks:
        for chunk in chunks:
            got += len(chunk)
    assert got == 3 * CHUNK
