"""A worker process of ours: this Python running one of our modules, talking in lines.

The verifier hashes many small files in such workers (:mod:`.hash_processes`), the
export decrypts large exhibits in them (:mod:`.exhibit_processes`): each worker has a GIL
of its own. Not :mod:`multiprocessing`: its workers import the program's main module
again, and ``rvr-verify``'s takes half a second to import. A frozen build (the
installer's) has no worker: its executable is the app, not a Python that can run a
module, so the work is done in the program itself, as it is whenever a worker cannot
start or dies. Workers only ever make the work faster.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path
from typing import IO

import rvr_desktop

PACKAGE_ROOT = str(Path(rvr_desktop.__file__).resolve().parent.parent)
_STOP_WAIT_S = 5.0


class WorkerGone(Exception):
    """The worker process could not be started, or stopped answering."""


def worker_command(module: str, *, needs_site: bool) -> tuple[str, ...]:
    """The arguments after the interpreter that run ``module``'s ``main()``: isolated,
    writing no bytecode, importing this very package from where this process did.
    Without site unless the worker needs an installed package (site alone would double
    the start-up of a worker that imports only the standard library)."""
    flags = ("-I", "-B") if needs_site else ("-I", "-S", "-B")
    code = f"import sys; sys.path.insert(0, sys.argv[1]); from {module} import main; main()"
    return (*flags, "-c", code, PACKAGE_ROOT)


class WorkerProcess:
    """One worker: requests go in as lines on its stdin, answers come back as lines."""

    def __init__(self, command: tuple[str, ...]) -> None:
        if getattr(sys, "frozen", False):
            raise WorkerGone("a frozen build has no interpreter to run a worker")
        try:
            self._process = subprocess.Popen(  # noqa: S603 - this Python, our module
                [sys.executable, *command],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                # The app has no console on Windows: a worker must not open one.
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
            )
        except OSError as exc:
            raise WorkerGone(str(exc)) from exc
        self._requests: IO[bytes] = self._process.stdin  # type: ignore[assignment]
        self._answers: IO[bytes] = self._process.stdout  # type: ignore[assignment]

    def send_line(self, line: bytes) -> None:
        try:
            self._requests.write(line + b"\n")
            self._requests.flush()
        except OSError as exc:  # a broken pipe: the worker died
            raise WorkerGone(str(exc)) from exc

    def read_line(self) -> bytes:
        """The worker's next answer line (never empty)."""
        try:
            line = self._answers.readline()
        except (OSError, ValueError) as exc:  # ValueError: closed by another thread
            raise WorkerGone(str(exc)) from exc
        if not line:
            raise WorkerGone(f"the worker ended (exit status {self._process.poll()})")
        return line

    def kill(self) -> None:
        """Stop the worker at once, whatever it is doing (from any thread)."""
        with contextlib.suppress(OSError):
            self._process.kill()

    def close(self) -> None:
        """End the worker (it stops at the end of its input), killing it if it hangs.
        Never raises: it is called on the way out of failures."""
        with contextlib.suppress(OSError):  # already gone
            self._requests.close()
        try:
            self._process.wait(_STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            self.kill()
            self._process.wait()
        with contextlib.suppress(OSError):
            self._answers.close()
