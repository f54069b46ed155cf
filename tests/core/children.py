"""The full-disk test's child process (run with `python -m tests.core.children fill`).

It prints one line per completed action and flushes, so the parent knows exactly which
actions had returned when the disk filled. The crash tests' children are in
tests/security/crash_children.py.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
from pathlib import Path

from rvr_desktop.evidence.case import attachments, cases, timeline
from rvr_desktop.evidence.errors import DiskFull
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF


def fill_the_disk(small_disk: Path, copy_to: Path) -> None:
    """In a tiny filesystem: fill it with an attachment, then with notes, then copy it out."""
    root = small_disk / "vault"
    vault = Vault.create(root, "full disk passphrase", kdf=FAST_INSECURE_KDF)
    case = cases.create_case(vault, "INC-2026-0100", "Disk Full")
    for n in range(20):
        timeline.append_note(vault, case.id, f"earlier note {n}")
    free = shutil.disk_usage(small_disk).free
    try:
        attachments.import_stream(
            vault, case.id, io.BytesIO(os.urandom(free + 1024 * 1024)), original_name="big.bin"
        )
        print("attachment unexpectedly imported", flush=True)
    except DiskFull as exc:
        print(f"attachment-disk-full {exc}", flush=True)
    n = 0
    try:
        while True:
            n += 1
            entry = timeline.append_note(vault, case.id, f"full-disk note {n} " + "x" * 20_000)
            print(f"appended {entry.id}", flush=True)
    except DiskFull as exc:
        print(f"disk-full {exc}", flush=True)
    vault.lock()
    shutil.copytree(root, copy_to / "vault")
    sys.exit(0)


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    if command == "fill":
        fill_the_disk(Path(rest[0]), Path(rest[1]))
    else:
        raise SystemExit(f"unknown command {command}")
