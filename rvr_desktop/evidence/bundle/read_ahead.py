"""Read a large file on a thread of its own, one chunk ahead of whoever hashes it.

One file's SHA-256 is a chain through all its bytes, so a single large exhibit (the
call's video) is hashed on one core however many there are. Reading it costs about a
tenth of hashing it; read in turn with the hashing, that tenth is added to the time,
read on another thread while the chunk before is hashed, it is hidden. Both the read
and the hash release the GIL for chunks this size, so the two run on two cores.

A fixed set of buffers goes round between the two threads: memory stays bounded, and
nothing is allocated or copied per chunk.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Protocol

_BUFFERS = 3
"""One being hashed, one being read, one spare, so neither side waits on a slow chunk."""


class ReadableInto(Protocol):
    def readinto(self, buffer: bytearray, /) -> int | None: ...


class ReadAhead:
    """The chunks of ``stream`` to its end, each read while the one before is in use.

    Iterate once; a chunk's view is valid until the next one is asked for. Use it as a
    context manager: leaving early (an error, a cancel) stops the reading thread, and an
    error met reading (a file that grew, a disk fault) is raised to the iterating thread.
    """

    def __init__(self, stream: ReadableInto, chunk: int, *, name: str = "read-ahead") -> None:
        self._stream = stream
        self._stop = threading.Event()
        self._free: queue.SimpleQueue[bytearray | None] = queue.SimpleQueue()
        self._read: queue.SimpleQueue[tuple[bytearray, int] | BaseException] = queue.SimpleQueue()
        for _ in range(_BUFFERS):
            self._free.put(bytearray(chunk))
        self._thread = threading.Thread(target=self._read_all, name=name, daemon=True)
        self._thread.start()

    def _read_all(self) -> None:
        while (buffer := self._free.get()) is not None and not self._stop.is_set():
            try:
                count = self._stream.readinto(buffer) or 0
            except BaseException as exc:
                self._read.put(exc)
                return
            self._read.put((buffer, count))
            if not count:
                return

    def __iter__(self) -> Iterator[memoryview]:
        in_use: bytearray | None = None
        while True:
            if in_use is not None:
                self._free.put(in_use)
            item = self._read.get()
            if isinstance(item, BaseException):
                raise item
            in_use, count = item
            if not count:
                return
            yield memoryview(in_use)[:count]

    def close(self) -> None:
        """Stop the reading thread (after the read it is in, if any) and wait for it."""
        self._stop.set()
        self._free.put(None)
        self._thread.join()

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
