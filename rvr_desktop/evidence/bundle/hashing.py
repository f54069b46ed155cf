"""SHA-256 of many bag members on several cores, with progress and cancel on the caller's thread.

hashlib and file reads release the GIL for large buffers, so a small thread pool over
files uses every core. Workers only hash; the calling thread alone reports progress,
so a GUI adapter never receives callbacks from a worker thread.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from rvr_desktop.evidence.bundle.source import READ_CHUNK, BagMember, BagSource
from rvr_desktop.evidence.progress import CancelToken, ProgressCallback, no_progress

DEFAULT_WORKERS = 2


@dataclass(frozen=True)
class Digest:
    sha256: str
    size: int
    """Bytes actually read."""


class _Stopped(Exception):
    """Raised in a worker when another worker has already failed."""


def hash_members(
    source: BagSource,
    members: Sequence[BagMember],
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    workers: int = DEFAULT_WORKERS,
    what: str = "The check",
) -> dict[str, Digest]:
    """SHA-256 of each member, keyed by path; the first error (or Cancelled) is raised."""
    if not members:
        return {}
    total = sum(m.size for m in members)
    events: queue.SimpleQueue[int | None] = queue.SimpleQueue()
    stop = threading.Event()

    def work(member: BagMember) -> Digest:
        try:
            digest = hashlib.sha256()
            buffer = bytearray(READ_CHUNK)
            view = memoryview(buffer)
            size = 0
            with source.open_member(member.path) as stream:
                while True:
                    if cancel is not None:
                        cancel.raise_if_cancelled(what)
                    if stop.is_set():
                        raise _Stopped()
                    count = stream.readinto(view)
                    if not count:
                        break
                    digest.update(view[:count])
                    size += count
                    events.put(count)
            return Digest(digest.hexdigest(), size)
        except BaseException:
            stop.set()  # the others stop at their next chunk
            raise
        finally:
            events.put(None)

    # Largest first, so one big file does not start last and run alone.
    ordered = sorted(members, key=lambda m: (-m.size, m.path))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bundle-hash") as pool:
        futures: list[tuple[BagMember, Future[Digest]]] = [
            (m, pool.submit(work, m)) for m in ordered
        ]
        finished = done = 0
        try:
            while finished < len(futures):
                event = events.get()
                if event is None:
                    finished += 1
                else:
                    done += event
                    progress(done, total)
        except BaseException:
            stop.set()
            raise
    for _, future in futures:
        error = future.exception()
        if error is not None and not isinstance(error, _Stopped):
            raise error
    # A cancel asked for while the last progress was reported still counts, even if the
    # workers had already finished: the person asked to stop before seeing a result.
    if cancel is not None:
        cancel.raise_if_cancelled(what)
    return {m.path: f.result() for m, f in futures}
