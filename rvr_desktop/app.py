"""The composition root: process-wide set-up done once, before anything else runs."""

from __future__ import annotations

import logging
import os

from .evidence.errors import RvrError
from .evidence.fsutil import ensure_private_dir
from .paths import log_dir

_configured = False


def configure_process(*, log_to_file: bool = True) -> None:
    """Make every file we create private from birth, and send logs to a private folder.

    Logs never hold case content: modules log events and identifiers only.
    """
    global _configured
    if _configured:
        return
    os.umask(0o077)
    handlers: list[logging.Handler] = []
    if log_to_file:
        try:
            folder = ensure_private_dir(log_dir())
            handlers.append(logging.FileHandler(folder / "rvr-desktop.log", encoding="utf-8"))
        except (OSError, RvrError):  # a missing log folder must never stop an officer
            handlers = []
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers or [logging.NullHandler()],
    )
    # pyHanko logs a traceback for each disallowed modification it finds; our results say it.
    logging.getLogger("pyhanko.sign.diff_analysis").setLevel(logging.CRITICAL)
    _configured = True
