"""Named places where the crash tests kill the program, to prove a crash there loses nothing.

A call ``crash_point("attachment.blob-stored")`` marks a moment between two durable steps
(a blob renamed into place but its row not yet committed, a bundle in place but not yet
recorded). When the environment variable ``RVR_CRASH_POINT`` holds exactly that name, the
process kills itself there with SIGKILL: no ``finally`` block, no flush, no clean-up runs,
as in a power cut or an out-of-memory kill. ``tests/security/test_crashes.py`` finds every
name in the source and kills a child program at each one, so a new point cannot go untested.

Why a hook in shipped code is acceptable: it costs one string comparison when unset, and
anyone who can set this program's environment can already kill it (or worse). The variable
is read once, when this module is first imported, so it cannot be armed later from inside.
"""

from __future__ import annotations

import os
import signal

CRASH_POINT_VARIABLE = "RVR_CRASH_POINT"

_armed = os.environ.get(CRASH_POINT_VARIABLE) or None


def crash_point(name: str) -> None:
    """Kill this process at once if the crash tests armed the point called ``name``."""
    if name != _armed:
        return
    kill = getattr(signal, "SIGKILL", None)
    if kill is not None:
        os.kill(os.getpid(), kill)
    # Where there is no SIGKILL (Windows), leave without any clean-up, which is the same
    # for the files on disk.
    os._exit(137)
