"""The many small files of a bag folder hashed in worker processes.

Threads are enough for large files (hashlib and reads release the GIL for whole
megabytes), but not for a case of 2,000 screen captures: each file needs the GIL a few
times (open, read, hash, close) for a fraction of a millisecond of work, so two hashing
threads and the verifier's own checks take turns instead of running together (measured:
two threads hash such a case only 1.3 times as fast as one). Worker processes each have
a GIL of their own.

The processes come from one pool, started on first use (from a fork server, never by
forking this process, which may have a GUI's threads) and kept for the life of the
program. Where no process can be started, or a worker dies, the files are hashed on
threads as before: processes only ever make the check faster. A frozen build (the
installer's) hashes on threads: its executable is the app, not a Python that can be told
to run a worker.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import sys
import threading
from concurrent.futures import ProcessPoolExecutor

from rvr_desktop.evidence.bundle.folder_source import FileRefused, ListedFile, read_listed_file

HashedOrRefused = tuple[str, int] | str
"""A file's (SHA-256, bytes read), or the problem that refused it."""

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_unavailable = False


def hash_listed_files(files: list[ListedFile]) -> list[HashedOrRefused]:
    """In a worker process: each file read whole as listed, and hashed."""
    buffer = bytearray(max(f.size for f in files) + 1)
    results: list[HashedOrRefused] = []
    for listed in files:
        try:
            size = read_listed_file(listed, buffer)
        except FileRefused as exc:
            results.append(exc.problem)
            continue
        results.append((hashlib.sha256(memoryview(buffer)[:size]).hexdigest(), size))
    return results


def shared_pool(workers: int) -> ProcessPoolExecutor | None:
    """The program's pool of hashing processes, or None where none can be started."""
    global _pool, _unavailable
    with _lock:
        if _pool is None and not _unavailable and not getattr(sys, "frozen", False):
            try:
                _pool = ProcessPoolExecutor(workers, mp_context=_context())
            except (OSError, ValueError, NotImplementedError):
                _unavailable = True
        return _pool


def discard_pool(pool: ProcessPoolExecutor) -> None:
    """Forget a pool whose worker died; the next check starts a new one."""
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        # Workers start with this module imported, not the program's main module.
        context.set_forkserver_preload([__name__])
        return context
    return multiprocessing.get_context("spawn")
