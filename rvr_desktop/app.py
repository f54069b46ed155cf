"""The composition root: process-wide set-up done once, before anything else runs."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import sys

from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.fsutil import ensure_private_dir
from rvr_desktop.paths import log_dir

LOG_LEVEL_VARIABLE = "RVR_LOG_LEVEL"
"""Set to DEBUG (or INFO, WARNING) to change how much the app logs; never case content."""

_PR_SET_DUMPABLE = 4  # from <linux/prctl.h>

_configured = False


def configure_process(*, log_to_file: bool = True, log_level: int | None = None) -> None:
    """Make every file we create private from birth, keep keys out of core dumps, and send
    logs to a private folder.

    Logs never hold case content: modules log events and identifiers only.
    """
    global _configured
    if _configured:
        return
    os.umask(0o077)
    disable_core_dumps()
    handlers: list[logging.Handler] = []
    if log_to_file:
        try:
            folder = ensure_private_dir(log_dir())
            handlers.append(
                logging.FileHandler(folder / "rvr-desktop.log", encoding="utf-8", delay=True)
            )
        except (OSError, RvrError):  # a missing log folder must never stop an officer
            handlers = []
    logging.basicConfig(
        level=log_level if log_level is not None else _level_from_environment(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers or [logging.NullHandler()],
    )
    # pyHanko logs a traceback for each disallowed modification it finds; our results say it.
    logging.getLogger("pyhanko.sign.diff_analysis").setLevel(logging.CRITICAL)
    _configured = True


def _level_from_environment() -> int:
    name = os.environ.get(LOG_LEVEL_VARIABLE, "").strip().upper()
    level = logging.getLevelNamesMapping().get(name)
    return level if level is not None else logging.INFO


def disable_core_dumps() -> None:
    """Keep the database key and decrypted case content out of crash dumps.

    A core file of a crashed process holds its memory (the vault key, notes on screen) in
    the clear wherever the system writes cores. The core size limit of 0 stops the kernel
    writing one; on Linux the process is also marked not dumpable, which stops core
    handlers such as systemd-coredump and keeps other programs of the same user from
    reading its memory through /proc or attaching a debugger. A tracer that started the
    program (strace, a debugger launching it) keeps tracing it.
    """
    try:
        import resource
    except ImportError:  # Windows: no core files; Windows Error Reporting is set by policy
        return
    with contextlib.suppress(ValueError, OSError):  # a limit we may not change stays as is
        _soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
        resource.setrlimit(resource.RLIMIT_CORE, (0, hard))
    if sys.platform.startswith("linux"):
        _mark_not_dumpable()


def _mark_not_dumpable() -> None:
    # The running program's own symbols include libc's: no library search, no subprocess.
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
