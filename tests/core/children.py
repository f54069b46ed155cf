"""Child processes for the crash and full-disk tests (run with `python -m tests.core.children`).

Each prints one line per completed action and flushes, so the parent knows exactly which
actions had returned before it killed the child.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
from pathlib import Path

from rvr_desktop.evidence import attachments, cases, timeline
from rvr_desktop.evidence.errors import DiskFull
from rvr_desktop.evidence.kdf import FAST_INSECURE_KDF
from rvr_desktop.evidence.vault import Vault


def append_notes_forever(root: Path, passphrase: str, case_ref: str) -> None:
    vault = Vault.unlock(root, passphrase)
    case = cases.find_case(vault, case_ref)
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        text = f"note {os.getpid()}-{n} " + "words " * (n % 50)
        entry = timeline.append_note(vault, case.id, text)
        print(f"appended {entry.id} {text}", flush=True)


def change_passphrase_forever(root: Path, first: str, second: str) -> None:
    current, other = first, second
    vault = Vault.unlock(root, first)
    print("ready", flush=True)
    while True:
        vault.change_passphrase(current, other)
        print(f"changed-to {other}", flush=True)
        current, other = other, current


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
    if command == "append":
        append_notes_forever(Path(rest[0]), rest[1], rest[2])
    elif command == "passwd":
        change_passphrase_forever(Path(rest[0]), rest[1], rest[2])
    elif command == "fill":
        fill_the_disk(Path(rest[0]), Path(rest[1]))
    else:
        raise SystemExit(f"unknown command {command}")
