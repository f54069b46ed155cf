"""The one place where an exception becomes something the officer sees.

Our own errors (:class:`~rvr_desktop.evidence.errors.RvrError`) already carry a plain
message that says what to do, so it is shown as it is. Anything else is a bug: the
officer gets a calm, generic message, and the log gets the exception's type and where it
happened, never its text or local values, which could hold case content.
"""

from __future__ import annotations

import logging
import traceback
from types import TracebackType

from PySide6.QtWidgets import QWidget

from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.progress import Cancelled
from rvr_desktop.ui.dialogs import Dialogs

log = logging.getLogger(__name__)


def unexpected_message(doing: str) -> str:
    return (
        f"Something unexpected went wrong while {doing}. Everything already saved is safe. "
        "Try again; if it happens again, note the time and contact IT support "
        "(the details are in the RVR Desktop log)."
    )


def log_unexpected(error: BaseException, doing: str, tb: TracebackType | None = None) -> None:
    """Log where an unexpected error happened: type, files and lines, never its message."""
    frames = traceback.extract_tb(tb or error.__traceback__)
    where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in frames)
    log.error("unexpected %s while %s at %s", type(error).__name__, doing, where or "?")


class ErrorReporter:
    """Shows errors from the core as plain messages, through the injected dialogs."""

    def __init__(self, dialogs: Dialogs) -> None:
        self._dialogs = dialogs

    def report(self, parent: QWidget | None, error: BaseException, doing: str) -> None:
        """Show ``error``; ``doing`` completes 'while ...' (e.g. 'importing the file')."""
        if isinstance(error, Cancelled):
            return  # the officer asked for it; the panel already says so
        if isinstance(error, RvrError):
            self._dialogs.show_error(parent, "RVR Desktop", str(error))
            return
        log_unexpected(error, doing)
        self._dialogs.show_error(parent, "RVR Desktop", unexpected_message(doing))
