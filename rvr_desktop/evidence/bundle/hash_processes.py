"""The many small files of a bag folder hashed in worker processes.

Threads are enough for large files (hashlib and reads release the GIL for whole
megabytes), but not for a case of 2,000 screen captures: each file needs the GIL a few
times (open, read, hash, close) for a fraction of a millisecond of work, so two hashing
threads and the verifier's own checks take turns instead of running together (measured:
two threads hash such a case only 1.3 times as fast as one). Worker processes each have
a GIL of their own.

Each worker (:mod:`.worker_process`) runs :mod:`.hash_worker`, which imports almost
nothing. Where no worker can be started, or one dies, the files are hashed on threads as
before.
"""

from __future__ import annotations

import json
import queue
import threading
from collections import deque

from rvr_desktop.evidence.bundle.hash_worker import HashedOrRefused
from rvr_desktop.evidence.bundle.listed_files import ListedFile
from rvr_desktop.evidence.bundle.worker_process import WorkerGone, WorkerProcess, worker_command

__all__ = ["PROCESSES_FROM_FILES", "HashWorker", "WorkerGone", "WorkersAhead"]

# A folder with at least this many small files (under READ_CHUNK, in data/) has them
# hashed in worker processes; for fewer, handing them over costs more than the GIL does.
PROCESSES_FROM_FILES = 256
_WORKER = worker_command("rvr_desktop.evidence.bundle.hash_worker", needs_site=False)


class HashWorker(WorkerProcess):
    """One worker process: batches go in with :meth:`send`, answers come back in order
    with :meth:`receive` (a batch or two ahead, so the worker never waits on us)."""

    def __init__(self) -> None:
        super().__init__(_WORKER)
        self._counts: deque[int] = deque()

    def send(self, files: list[ListedFile]) -> None:
        """Give the worker a batch; it answers batches in the order they were sent."""
        request = json.dumps([[f.path, f.size, *f.identity] for f in files])
        self.send_line(request.encode())
        self._counts.append(len(files))

    def receive(self) -> list[HashedOrRefused]:
        """The answer to the oldest batch sent: each file's (SHA-256, bytes read), or the
        problem that refused it."""
        answer = self.read_line()
        try:
            results = json.loads(answer)
        except ValueError as exc:
            raise WorkerGone("the worker's answer was cut short") from exc
        if len(results) != self._counts.popleft():
            raise WorkerGone("the worker answered for a different number of files")
        return [r if isinstance(r, str) else (str(r[0]), int(r[1])) for r in results]


class WorkersAhead:
    """Worker processes started before the job that uses them is made.

    A worker takes some 30 ms to start and answer its first batch. Started as soon as a
    folder's walk has listed :data:`PROCESSES_FROM_FILES` small files (see
    ``open_bag_source(on_many_small_files=...)``), that happens on the core the walk
    leaves idle, instead of after the walk and the reading of the manifests.
    """

    def __init__(self, count: int) -> None:
        self._count = count
        # Exactly one item per worker, a started one or None, whatever happens on the
        # starting thread: take() and close() wait for as many as they are owed.
        self._ready: queue.SimpleQueue[HashWorker | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._taken = 0
        self._closed = False
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the workers, on a thread of its own (starting a process holds the
        calling thread for milliseconds). Calling it again does nothing, and it never
        raises: workers only make hashing faster."""
        with self._lock:
            if self._thread is not None or self._closed:
                return
            thread = threading.Thread(target=self._start_all, name="bundle-hash-start", daemon=True)
            try:
                thread.start()
            except RuntimeError:  # no thread to be had: the job starts its own workers
                return
            self._thread = thread

    def _start_all(self) -> None:
        for _ in range(self._count):
            worker: HashWorker | None = None
            try:
                worker = HashWorker()
            except Exception:  # any failure to start only costs speed
                worker = None
            finally:
                self._ready.put(worker)

    def take(self) -> HashWorker | None:
        """A worker started ahead (waiting for it to be started), or None when none was
        started or could be: then the caller starts its own."""
        with self._lock:
            if self._thread is None or self._closed or self._taken >= self._count:
                return None
            self._taken += 1
        return self._ready.get()

    def close(self) -> None:
        """End every worker started ahead and not taken; no more can be taken."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            thread, untaken = self._thread, self._count - self._taken
        if thread is None:
            return
        thread.join()
        for _ in range(untaken):
            worker = self._ready.get()
            if worker is not None:
                worker.close()

    def __enter__(self) -> WorkersAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
