"""Progress of long headless work, shown on a terminal only (never in a pipe or a log)."""

from __future__ import annotations

import sys

from rvr_desktop.evidence.progress import ProgressCallback


def terminal_progress(label: str) -> ProgressCallback:
    """A callback printing '<label>... 42%' in place on standard error, when it is a terminal."""
    shown = [-1]

    def report(done: int, total: int) -> None:
        if total and sys.stderr.isatty():
            percent = done * 100 // total
            if percent != shown[0]:
                shown[0] = percent
                print(f"\r{label}... {percent}%", end="", file=sys.stderr, flush=True)

    return report


def end_progress_line() -> None:
    if sys.stderr.isatty():
        print(file=sys.stderr)
