"""SHA-256 of many bag members on several cores, with progress and cancel on the caller's thread.

hashlib and file reads release the GIL for large buffers, so a small thread pool over
files uses every core. One file's SHA-256 is a chain through all its bytes, so a single
large file is hashed on one core whatever the pool's size (its reading goes on
another, a chunk ahead: :mod:`.read_ahead`); the other cores take the
other files, and the caller's own checks meanwhile (see :class:`HashJob`).

A case of many small files in a folder is hashed in worker processes instead
(:mod:`.hash_processes`), since threads take turns at the GIL for each of them.

Workers only hash; the calling thread alone reports progress, so a GUI adapter never
receives callbacks from a worker thread. Small files the later checks read (the PDFs,
the JSON records) can be kept: they are read whole, hashed, and handed to the source
(:meth:`BagSource.keep`), so the checks judge the very bytes that were hashed and no
file is read twice.
"""

from __future__ import annotations

import hashlib
import os
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from rvr_desktop.evidence.bundle.errors import HostileBundle
from rvr_desktop.evidence.bundle.folder_source import FolderBagSource
from rvr_desktop.evidence.bundle.hash_processes import (
    PROCESSES_FROM_FILES,
    HashWorker,
    WorkerGone,
    WorkersAhead,
)
from rvr_desktop.evidence.bundle.hash_worker import HashedOrRefused
from rvr_desktop.evidence.bundle.read_ahead import ReadableInto, ReadAhead
from rvr_desktop.evidence.bundle.source import READ_CHUNK, BagMember, BagSource
from rvr_desktop.evidence.progress import CancelToken, ProgressCallback, no_progress

DEFAULT_WORKERS = max(2, min(os.cpu_count() or 2, 8))
# Small files go to the workers in batches of about this many bytes: one task per file
# would cost more in hand-overs (which hold the GIL) than hashing a screen capture does.
_BATCH_BYTES = 8 << 20
_BATCH_FILES = 64
# From this size a file is read on a thread of its own while the chunk before is hashed
# (ReadAhead); below it, starting that thread costs more than the overlap gains. Only
# while a core is left over: with as many large files as hashing threads, every core
# hashes already and a reading thread only takes turns with them (four 256 MiB files on
# two cores verified in 0.40 s with it, 0.36 s without).
_READ_AHEAD_FROM = 8 << 20
# Chunks that large: the hashing thread needs the GIL once a chunk, and while the checks
# run on the caller's thread each time may cost it a switch interval (5 ms).
_READ_AHEAD_CHUNK = 4 << 20
_IN_FLIGHT = 2


@dataclass(frozen=True)
class Digest:
    sha256: str
    size: int
    """Bytes actually read."""


class _Stopped(Exception):
    """Raised in a worker when another worker has already failed."""


def _never(member: BagMember) -> bool:
    return False


def _batches(members: Sequence[BagMember]) -> Iterable[list[BagMember]]:
    batch: list[BagMember] = []
    size = 0
    for member in members:
        if batch and (size + member.size > _BATCH_BYTES or len(batch) >= _BATCH_FILES):
            yield batch
            batch, size = [], 0
        batch.append(member)
        size += member.size
    if batch:
        yield batch


def _move_next(shared: deque[list[BagMember]], into: deque[list[BagMember]]) -> bool:
    """Move the next batch of ``shared`` to ``into``; False when none is left."""
    try:
        into.append(shared.popleft())  # deque.popleft is atomic: feeders share it
    except IndexError:
        return False
    return True


def _in_turn(stream: ReadableInto, buffer: bytearray) -> Iterator[memoryview]:
    """The chunks of ``stream``, each read when the one before is done with."""
    view = memoryview(buffer)
    while count := stream.readinto(buffer):
        yield view[:count]


class HashJob:
    """Hashing under way on worker threads, collected by :meth:`wait` on the caller's thread.

    The caller may do other work between starting the job and waiting for it (the
    signature checks need no payload byte); progress is reported only inside
    :meth:`wait`. Use it as a context manager, so an error on the caller's side stops
    the workers before it propagates.
    """

    def __init__(
        self,
        source: BagSource,
        members: Sequence[BagMember],
        *,
        keep: Callable[[BagMember], bool] = _never,
        cancel: CancelToken | None = None,
        workers: int = DEFAULT_WORKERS,
        what: str = "The check",
        ahead: WorkersAhead | None = None,
    ) -> None:
        self._source = source
        self._ahead = ahead
        self._keep = keep
        self._cancel = cancel
        self._what = what
        self.total = sum(m.size for m in members)
        # Bytes hashed (int), a member finished (its path) or a batch finished (None).
        self._events: queue.SimpleQueue[int | str | None] = queue.SimpleQueue()
        self._finished_batches = 0
        self._done_bytes = 0
        self._finished: set[str] = set()
        self._stop = threading.Event()
        self._digests: dict[str, Digest] = {}
        # Kept files first (they are small, and checks wait for them), then largest first,
        # so one big file does not start last and run alone.
        ordered = sorted(members, key=lambda m: (not keep(m), -m.size, m.path))
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bundle-hash")
        self._feeders: ThreadPoolExecutor | None = None
        self._futures: list[Future[None]] = []
        folder = source if isinstance(source, FolderBagSource) else None
        small = [m for m in ordered if m.size < READ_CHUNK and not keep(m)]
        if folder is None or len(small) < PROCESSES_FROM_FILES:
            small = []
        chosen = {m.path for m in small}
        on_threads = list(_batches([m for m in ordered if m.path not in chosen]))
        large = sum(1 for m in ordered if m.size >= _READ_AHEAD_FROM and not keep(m))
        self._read_ahead = large < workers
        in_workers = list(_batches(small))
        # Each batch, however it is hashed, ends with one None on the event queue.
        self._batch_count = len(on_threads) + len(in_workers)
        for batch in on_threads:
            self._futures.append(self._pool.submit(self._work, batch))
        if not in_workers and ahead is not None:
            ahead.close()  # none needed: not kept idle through the checks
        if folder is not None and in_workers:
            # One queue for all the workers, not a share each: a worker slowed by the
            # checks on its core takes fewer batches instead of finishing last, alone.
            shared = deque(in_workers)
            feeders = min(workers, len(in_workers))
            self._feeders = ThreadPoolExecutor(feeders, thread_name_prefix="bundle-hash-feed")
            for _ in range(feeders):
                self._futures.append(self._feeders.submit(self._feed, folder, shared))

    def _work(self, batch: list[BagMember]) -> None:
        try:
            self._hash_batch(batch)
        except BaseException:
            self._stop.set()  # the others stop at their next chunk
            raise
        finally:
            self._events.put(None)

    def _hash_batch(self, batch: list[BagMember]) -> None:
        buffer = bytearray(READ_CHUNK)
        for member in batch:
            self._digests[member.path] = self._hash(member, buffer)
            self._events.put(member.path)

    def _feed(self, folder: FolderBagSource, shared: deque[list[BagMember]]) -> None:
        """Hand batches from ``shared`` to a worker process of this thread's own, two
        ahead of taking its answers (this thread waits for the GIL while the checks run;
        the worker should not wait for this thread), until none is left. If the worker
        cannot start or dies, this thread hashes the batches it took and goes on taking.

        Every batch taken from ``shared`` reports its end exactly once, whatever fails.
        """
        worker = self._a_worker()
        unsent: deque[list[BagMember]] = deque()  # taken from ``shared``, not yet sent
        sent: deque[list[BagMember]] = deque()
        error: BaseException | None = None
        try:
            # After a stop too, batches are still taken until none is left: each fails
            # at once (_check_going), but reports its end, which the caller counts.
            while True:
                while worker is not None and len(sent) < _IN_FLIGHT and not self._stop.is_set():
                    if not unsent and not _move_next(shared, unsent):
                        break
                    try:
                        worker.send([folder.listed_file(m) for m in unsent[0]])
                    except WorkerGone:
                        worker.close()
                        worker = None
                    except BaseException as exc:  # the batch stays unsent, and stops
                        self._stop.set()
                        error = error or exc
                    else:
                        sent.append(unsent.popleft())
                        continue
                    break  # no more sending: the worker is gone, or the job stops
                if not sent and not unsent and not _move_next(shared, unsent):
                    break
                was_sent = bool(sent)
                batch = sent.popleft() if was_sent else unsent.popleft()
                try:
                    self._check_going()
                    if was_sent and worker is not None:
                        try:
                            self._record(batch, worker.receive())
                            continue
                        except WorkerGone:
                            worker.close()
                            worker = None
                    self._hash_batch(batch)
                except BaseException as exc:  # every batch still reports its end
                    self._stop.set()
                    error = error or exc
                finally:
                    self._events.put(None)
        finally:
            if worker is not None:
                worker.close()
        if error is not None:
            raise error

    def _a_worker(self) -> HashWorker | None:
        """One started ahead, else a new one; None when none can be had (then this
        thread hashes)."""
        try:
            worker = self._ahead.take() if self._ahead is not None else None
            return worker if worker is not None else HashWorker()
        except Exception:  # WorkerGone, or any other failure to start: only speed is lost
            return None

    def _record(self, batch: list[BagMember], results: list[HashedOrRefused]) -> None:
        for member, result in zip(batch, results, strict=True):
            if isinstance(result, str):
                raise HostileBundle(member.path, result)
            self._digests[member.path] = Digest(*result)
            self._events.put(result[1])
            self._events.put(member.path)

    def _check_going(self) -> None:
        if self._cancel is not None:
            self._cancel.raise_if_cancelled(self._what)
        if self._stop.is_set():
            raise _Stopped()

    def _hash(self, member: BagMember, buffer: bytearray) -> Digest:
        self._check_going()
        if member.size < len(buffer):
            # Read whole in one go: per-file costs, not bytes, are what a case of many
            # screen captures spends its time on.
            size = self._source.read_whole_into(member.path, buffer)
            view = memoryview(buffer)[:size]
            if self._keep(member):
                data = bytes(view)
                self._source.keep(member.path, data)
                view = memoryview(data)
            self._events.put(size)
            return Digest(hashlib.sha256(view).hexdigest(), size)
        with self._source.open_member(member.path) as stream:
            if self._keep(member):
                # Read whole (the stream refuses a file that grew or shrank meanwhile).
                data = stream.read(member.size + 1)
                self._source.keep(member.path, data)
                self._events.put(len(data))
                return Digest(hashlib.sha256(data).hexdigest(), len(data))
            digest = hashlib.sha256()
            size = 0
            reading: AbstractContextManager[Iterable[memoryview]] = (
                ReadAhead(stream, _READ_AHEAD_CHUNK, name="bundle-read")
                if self._read_ahead and member.size >= _READ_AHEAD_FROM
                else nullcontext(_in_turn(stream, buffer))
            )
            with reading as chunks:
                for chunk in chunks:
                    digest.update(chunk)
                    size += len(chunk)
                    self._events.put(len(chunk))
                    self._check_going()
            return Digest(digest.hexdigest(), size)

    def wait_for(self, paths: Iterable[str], progress: ProgressCallback = no_progress) -> None:
        """Return once each of ``paths`` is hashed (or the job has ended), reporting
        progress meanwhile; the files' digests come with :meth:`wait`."""
        wanted = set(paths)
        try:
            self._pump(lambda: wanted <= self._finished, progress)
        except BaseException:
            self.close()
            raise

    def sha256_of(self, path: str) -> str | None:
        """The SHA-256 of a member already hashed (see :meth:`wait_for`), else None."""
        digest = self._digests.get(path) if path in self._finished else None
        return None if digest is None else digest.sha256

    def wait(self, progress: ProgressCallback = no_progress) -> dict[str, Digest]:
        """Every member's SHA-256, keyed by path; the first error (or Cancelled) is raised."""
        try:
            self._pump(lambda: False, progress)
        finally:
            self.close()
        for future in self._futures:
            error = future.exception()
            if error is not None and not isinstance(error, _Stopped):
                raise error
        # A cancel asked for while the last progress was reported still counts, even if
        # the workers had already finished: the person asked to stop before seeing a result.
        if self._cancel is not None:
            self._cancel.raise_if_cancelled(self._what)
        return dict(self._digests)

    def _pump(self, enough: Callable[[], bool], progress: ProgressCallback) -> None:
        while self._finished_batches < self._batch_count and not enough():
            if self._cancel is not None:  # processes cannot see the token: noticed here
                self._cancel.raise_if_cancelled(self._what)
            event = self._events.get()
            if event is None:
                self._finished_batches += 1
            elif isinstance(event, str):
                self._finished.add(event)
            else:
                self._done_bytes += event
                progress(self._done_bytes, self.total)

    def close(self) -> None:
        """Stop the workers (at their next chunk) unless they are done, and wait for them."""
        if not all(f.done() for f in self._futures):
            self._stop.set()
        if self._feeders is not None:
            self._feeders.shutdown(wait=True)
        if self._ahead is not None:
            self._ahead.close()  # those the feeders did not take
        self._pool.shutdown(wait=True)

    def __enter__(self) -> HashJob:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def hash_members(
    source: BagSource,
    members: Sequence[BagMember],
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    workers: int = DEFAULT_WORKERS,
    what: str = "The check",
    keep: Callable[[BagMember], bool] = _never,
) -> dict[str, Digest]:
    """SHA-256 of each member, keyed by path; the first error (or Cancelled) is raised."""
    if not members:
        return {}
    with HashJob(source, members, keep=keep, cancel=cancel, workers=workers, what=what) as job:
        return job.wait(progress)
