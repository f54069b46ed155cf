"""Large exhibits decrypted into a folder bundle by worker processes, two at a time.

Decrypting an age blob (pyrage) holds the GIL from start to end, so one process decrypts
one exhibit at a time, at most about 600 MiB/s here, however many cores are idle, and a
thread of ours that hashes and writes what it decrypts must wait for the GIL between
blocks. A worker process (:mod:`.exhibit_worker`) has a GIL of its own: it decrypts,
hashes and writes one exhibit straight into the file the bag writer set aside for it,
and two of them fill both cores (measured: four 256 MiB exhibits export at 600 MiB/s
instead of 445).

Workers only ever make the export faster. A frozen build (the installer's) has no
interpreter to run one; a worker that cannot start, or dies, leaves its exhibits to be
decrypted here, from the start of their file. A blob that fails its check, a full disk
or a cancel stops the export with the same error as decrypting it here would.
"""

from __future__ import annotations

import functools
import json
import os
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rvr_desktop.evidence.bundle.exhibit_worker import decrypt_into_reserved
from rvr_desktop.evidence.bundle.worker_process import WorkerGone, WorkerProcess, worker_command
from rvr_desktop.evidence.errors import RvrError, VaultDamaged
from rvr_desktop.evidence.fsutil import translate_os_errors
from rvr_desktop.evidence.progress import Cancelled, CancelToken

# Worth a process only for large exhibits, and only with two or more of them: with one,
# the process would decrypt no faster than the export itself.
IN_PROCESSES_FROM_BYTES = 32 << 20
# Each worker keeps more than one core busy (it hashes and writes on a second thread while
# it decrypts) and holds some tens of MiB; beyond four, the disk is the limit anyway.
WORKER_PROCESSES = max(2, min(os.cpu_count() or 2, 4))

_WORKER = worker_command("rvr_desktop.evidence.bundle.exhibit_worker", needs_site=True)
_WHAT = "the exported attachment"


@dataclass(frozen=True)
class ExhibitJob:
    blob: Path
    identity: str = field(repr=False)  # the age secret key: never in a log or traceback
    target: Path
    """The payload file set aside for it (BagWriter.reserve_payload_file)."""
    size: int


Progress = Callable[[int], None]
"""Called with each count of newly written bytes."""


class ExhibitWorker(WorkerProcess):
    """One worker process, decrypting one exhibit at a time."""

    def __init__(self) -> None:
        super().__init__(_WORKER)

    def decrypt(self, job: ExhibitJob, progress: Progress) -> tuple[str, int]:
        """The exhibit's (SHA-256, size) once the worker has made it durable."""
        request = [str(job.blob), job.identity, str(job.target), job.size]
        self.send_line(json.dumps(request).encode())
        reported = 0
        while True:
            answer = self._next_answer()
            match answer:
                case ["progress", int(done)]:
                    progress(done - reported)
                    reported = done
                case ["done", str(sha256), int(size)]:
                    return sha256, size
                case _:
                    raise _failure(answer)

    def _next_answer(self) -> list[object]:
        line = self.read_line()
        try:
            answer = json.loads(line)
        except ValueError as exc:
            raise WorkerGone("the worker's answer was cut short") from exc
        if not isinstance(answer, list) or not answer:
            raise WorkerGone("the worker gave an answer it should not")
        return answer


def _failure(answer: list[object]) -> Exception:
    """The error the export raises for a worker's failure answer (see exhibit_worker)."""
    match answer:
        case ["damaged", str(message)]:
            return VaultDamaged(message)
        case ["os", int(number), str(strerror)]:
            try:
                with translate_os_errors(_WHAT):
                    raise OSError(number, strerror)
            except RvrError as translated:
                return translated
        case ["failed", str(message)]:
            # Something unforeseen: decrypted here again, it fails with its own error.
            return WorkerGone(f"the worker failed: {message}")
    return WorkerGone(f"the worker gave an answer it should not: {answer[0]!r}")


class _Run:
    """The shared state of one :func:`decrypt_exhibits`: jobs to hand out, results."""

    def __init__(self, jobs: list[ExhibitJob], progress: Progress, cancel: CancelToken | None):
        self.jobs = jobs
        self.waiting: deque[int] = deque(range(len(jobs)))
        self.results: list[tuple[str, int] | None] = [None] * len(jobs)
        self.left_to_us: list[int] = []
        """Jobs whose worker could not start or died, to be decrypted here."""
        self.reported = [0] * len(jobs)
        self.error: BaseException | None = None
        self.workers: list[ExhibitWorker] = []
        self.lock = threading.Lock()
        self._progress = progress
        self._cancel = cancel

    def next_job(self) -> int | None:
        with self.lock:
            if self.error is not None or not self.waiting:
                return None
            return self.waiting.popleft()

    def progress(self, index: int, count: int) -> None:
        if self._cancel is not None:
            self._cancel.raise_if_cancelled("The export")
        self.reported[index] += count
        self._progress(count)

    def fail(self, exc: BaseException) -> None:
        """Keep the first failure and stop every worker, so the export stops at once."""
        with self.lock:
            if self.error is None:
                self.error = exc
            workers = list(self.workers)
        for worker in workers:
            worker.kill()

    def serve(self) -> None:
        """One worker's thread: start a worker, give it jobs until none are left."""
        try:
            worker = ExhibitWorker()
        except Exception:  # any failure to start only costs speed
            return  # its share is decrypted by the other worker, or here
        with self.lock:
            self.workers.append(worker)
        try:
            while (index := self.next_job()) is not None:
                try:
                    self.results[index] = worker.decrypt(
                        self.jobs[index], functools.partial(self.progress, index)
                    )
                except WorkerGone:
                    with self.lock:
                        self.left_to_us.append(index)
                    return
        except BaseException as exc:
            self.fail(exc)
        finally:
            worker.close()


_CANCEL_POLL_S = 0.1


def _join_unless_cancelled(thread: threading.Thread, run: _Run, cancel: CancelToken | None) -> None:
    """Wait for a worker's thread; a cancel stops every worker even while none is
    answering (one still starting, or stalled on a slow disk)."""
    while thread.is_alive():
        thread.join(_CANCEL_POLL_S)
        if cancel is not None and cancel.cancelled:
            run.fail(Cancelled("The export"))


def decrypt_exhibits(
    jobs: list[ExhibitJob],
    progress: Progress,
    cancel: CancelToken | None = None,
    *,
    workers: int = WORKER_PROCESSES,
) -> list[tuple[str, int]]:
    """Each job's exhibit decrypted into its reserved file, durably: their (SHA-256,
    size), in the order of ``jobs``. ``progress`` receives counts of bytes written, from
    other threads."""
    run = _Run(jobs, progress, cancel)
    threads = [
        threading.Thread(target=run.serve, name=f"exhibit-worker-{n}", daemon=True)
        for n in range(min(workers, len(jobs)))
    ]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            _join_unless_cancelled(thread, run, cancel)
    except BaseException as exc:
        # Leaving (an interrupt, say) must not leave workers writing evidence in clear.
        run.fail(exc)
        for thread in threads:
            thread.join()
        raise
    if run.error is not None:
        raise run.error
    # Jobs no worker finished: those of a worker that died, and any never handed out
    # because no worker could start.
    for index in sorted([*run.left_to_us, *run.waiting]):
        if cancel is not None:
            cancel.raise_if_cancelled("The export")
        job = jobs[index]

        def counted(done: int, _total: int, index: int = index) -> None:
            # Only bytes beyond those a dead worker already reported for this exhibit.
            if done > run.reported[index]:
                run.progress(index, done - run.reported[index])

        run.results[index] = decrypt_into_reserved(
            job.blob, job.identity, job.target, job.size, counted
        )
    finished = [result for result in run.results if result is not None]
    if len(finished) != len(jobs):
        raise WorkerGone("an exhibit was left undecrypted")  # a defect here, never expected
    return finished
