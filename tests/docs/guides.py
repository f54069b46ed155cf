"""The commands a guide tells its reader to type, so a test can run exactly those.

Convention for every guide in docs/: a command the reader types goes in a fenced block
whose info string is ``console``, one command per line, each starting with ``$ ``
(a line ending in a backslash continues on the next). Other lines in the block are the
output the reader should expect and are not run. Blocks marked ``text``, ``sh`` or
anything else are never run, so they must not hold commands a reader is asked to type.
"""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"

_FENCE = re.compile(r"^(`{3,}|~{3,})\s*(\S*)")


def console_commands(guide: Path) -> list[str]:
    """Every ``$ `` command in the guide's ``console`` blocks, in order, continuations joined."""
    commands: list[str] = []
    fence: str | None = None
    running = False
    pending: str | None = None
    for line in guide.read_text(encoding="utf-8").splitlines():
        opened = _FENCE.match(line.strip())
        if fence is None:
            if opened:
                fence, running = opened.group(1), opened.group(2) == "console"
            continue
        if line.strip().startswith(fence):
            fence = None
            continue
        if not running:
            continue
        if pending is not None:
            pending += " " + line.strip().removesuffix("\\").strip()
            if not line.rstrip().endswith("\\"):
                commands.append(pending)
                pending = None
            continue
        if line.startswith("$ "):
            command = line[2:].strip()
            if command.endswith("\\"):
                pending = command.removesuffix("\\").strip()
            else:
                commands.append(command)
    if pending is not None:
        raise ValueError(f"{guide.name}: a command ends in a backslash with nothing after it")
    return commands
