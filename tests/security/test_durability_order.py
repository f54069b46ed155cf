"""Durability order, proven from the system calls: a saved note is on the disk before
the app says so.

A child process appends notes (and imports attachments) under ``strace`` and prints
"done ..." after each call returns. From the trace, for every action: the vault's
write-ahead log (``vault.db-wal``) was written and then fsynced, with no log write after
that fsync, before the "done" line reached stdout. For an attachment, the encrypted blob
was written, fsynced, renamed into place and its folder fsynced before the row that
refers to it was written to the log.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from rvr_desktop.evidence.case import cases
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from tests.conftest import TEST_PASSPHRASE
from tests.figures import count_of, record_figure

ROOT = Path(__file__).resolve().parents[2]
AREA = "Durability order"
NOTES = 20
ATTACHMENTS = 5
CASE_REF = "INC-2026-0901"

needs_strace = pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace")

_CALL = re.compile(r"^(?P<pid>\d+) +(?P<name>\w+)\((?P<args>.*)\) += (?P<result>-?\d+)")
_FD_PATH = re.compile(r"^\d+<(?P<path>[^>]*)>")
_RENAME = re.compile(r'^"(?P<old>[^"]*)", "(?P<new>[^"]*)"')


@dataclass(frozen=True)
class Call:
    name: str
    path: str
    """The file the call concerns (from ``strace -y``), or the new name of a rename."""
    ok: bool
    text: str
    """The data written, as strace shows it (for writes to stdout)."""
    old_path: str = ""
    """For a rename: the name it had before."""


def _join_unfinished(lines: list[str]) -> list[str]:
    """strace splits a call interrupted by another thread; put it back together where it ends."""
    pending: dict[str, str] = {}
    joined: list[str] = []
    for line in lines:
        pid = line.split(" ", 1)[0]
        if line.endswith("<unfinished ...>"):
            pending[pid] = line[: -len("<unfinished ...>")].rstrip()
        elif " resumed>" in line and pid in pending:
            joined.append(pending.pop(pid) + line.split(" resumed>", 1)[1])
        else:
            joined.append(line)
    return joined


def parse_trace(text: str) -> list[Call]:
    calls: list[Call] = []
    for line in _join_unfinished(text.splitlines()):
        match = _CALL.match(line)
        if match is None:
            continue
        name, args, ok = match["name"], match["args"], int(match["result"]) >= 0
        if name.startswith("rename"):
            rename = _RENAME.search(args.split(", ", 1)[1] if name != "rename" else args)
            if rename is None:  # renameat with fds: the names follow each fd
                names = re.findall(r'"([^"]*)"', args)
                rename_pair = (names[0], names[-1]) if len(names) >= 2 else ("", "")
            else:
                rename_pair = (rename["old"], rename["new"])
            calls.append(Call("rename", rename_pair[1], ok, "", old_path=rename_pair[0]))
            continue
        fd = _FD_PATH.match(args)
        calls.append(Call(name, fd["path"] if fd else "", ok, args))
    return calls


def _is_stdout_line(call: Call, prefix: str) -> bool:
    return call.name == "write" and call.text.split(", ", 1)[-1].startswith(f'"{prefix}')


def _is_write(call: Call) -> bool:
    return call.name in ("write", "pwrite64", "writev", "pwritev", "pwritev2") and call.ok


def _is_sync(call: Call) -> bool:
    return call.name in ("fsync", "fdatasync") and call.ok


def wal_synced_before_each(calls: list[Call], prefix: str) -> tuple[int, int]:
    """For each stdout line starting ``prefix``: was the WAL written, then synced, before it?

    Returns (proven, lines seen).
    """
    proven = seen = 0
    wrote = synced_after_write = False
    for call in calls:
        if call.path.endswith("vault.db-wal"):
            if _is_write(call):
                wrote, synced_after_write = True, False
            elif _is_sync(call) and wrote:
                synced_after_write = True
        elif _is_stdout_line(call, prefix):
            seen += 1
            proven += wrote and synced_after_write
            wrote = synced_after_write = False
    return proven, seen


def blob_durable_before_row(calls: list[Call], prefix: str) -> tuple[int, int]:
    """Blob written, fsynced, renamed, folder fsynced; then the row in the WAL, then synced."""
    proven = seen = 0
    stage = 0
    """0 nothing yet; 1 blob written; 2 blob fsynced; 3 renamed; 4 folder fsynced;
    5 row written to the WAL after that; 6 the WAL synced after its last write."""
    blob_temp = ""
    for call in calls:
        if "/blobs/.incoming-" in call.path and call.name != "rename":
            if _is_write(call):
                stage, blob_temp = 1, call.path
            elif _is_sync(call) and stage == 1 and call.path == blob_temp:
                stage = 2
        elif call.name == "rename" and call.ok and call.old_path == blob_temp and stage == 2:
            stage = 3
        elif call.path.endswith("/blobs") and _is_sync(call) and stage == 3:
            stage = 4
        elif call.path.endswith("vault.db-wal"):
            if _is_write(call) and stage >= 4:
                stage = 5
            elif _is_sync(call) and stage == 5:
                stage = 6
        elif _is_stdout_line(call, prefix):
            seen += 1
            proven += stage == 6
            stage, blob_temp = 0, ""
    return proven, seen


def _traced_child(vault_dir: Path, work: Path, action: str, count: int) -> tuple[list[str], str]:
    trace = work / f"{action}.strace"
    command = [
        "strace",
        "-f",
        "-qq",
        "-y",
        "-o",
        str(trace),
        "-e",
        "trace=fsync,fdatasync,write,pwrite64,writev,pwritev,openat,rename,renameat,renameat2",
        "-e",
        "signal=none",
        sys.executable,
        "-m",
        "tests.security.io_children",
        action,
        str(vault_dir),
        TEST_PASSPHRASE,
        CASE_REF,
        str(work),
        str(count),
    ]
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.splitlines(), trace.read_text(errors="replace")


@pytest.fixture
def closed_vault(vault_dir: Path) -> Path:
    with Vault.create(vault_dir, TEST_PASSPHRASE, kdf=FAST_INSECURE_KDF) as vault:
        cases.create_case(vault, CASE_REF, "Durability Order")
    return vault_dir


@needs_strace
def test_every_note_is_fsynced_before_append_note_returns(
    closed_vault: Path, tmp_path: Path
) -> None:
    stdout, trace = _traced_child(closed_vault, tmp_path, "note", NOTES)
    assert stdout.count("ready") == 1 and len(stdout) == NOTES + 1, stdout[-3:]
    proven, seen = wal_synced_before_each(parse_trace(trace), "done note")
    record_figure(
        AREA,
        f"{NOTES} notes appended under strace",
        f"{count_of(proven, seen)} note commits written to the WAL and fsynced before "
        "append_note returned",
    )
    assert seen == NOTES
    assert proven == NOTES


@needs_strace
def test_an_attachment_blob_is_durable_before_its_row_commits_and_returns(
    closed_vault: Path, tmp_path: Path
) -> None:
    stdout, trace = _traced_child(closed_vault, tmp_path, "attach", ATTACHMENTS)
    assert len(stdout) == ATTACHMENTS + 1, stdout[-3:]
    calls = parse_trace(trace)
    proven, seen = blob_durable_before_row(calls, "done attach")
    record_figure(
        AREA,
        f"{ATTACHMENTS} attachment imports under strace",
        f"{count_of(proven, seen)}: blob written, fsynced, renamed, folder fsynced; then the "
        "row written to the WAL and fsynced; then the import returned",
    )
    assert seen == ATTACHMENTS
    assert proven == ATTACHMENTS


def test_the_trace_reader_notices_a_note_reported_before_its_fsync() -> None:
    """The negative control: the checker fails a trace where stdout comes before the fsync."""
    good = (
        '1 pwrite64(5</v/vault.db-wal>, "x", 1, 0) = 1\n'
        "1 fsync(5</v/vault.db-wal>) = 0\n"
        '1 write(1<pipe:[9]>, "done note 1\\n", 12) = 12\n'
    )
    early = (
        '1 pwrite64(5</v/vault.db-wal>, "x", 1, 0) = 1\n'
        '1 write(1<pipe:[9]>, "done note 2\\n", 12) = 12\n'
        "1 fsync(5</v/vault.db-wal>) = 0\n"
    )
    failed = (
        '1 pwrite64(5</v/vault.db-wal>, "x", 1, 0) = 1\n'
        "1 fsync(5</v/vault.db-wal>) = -1 EIO (Input/output error) (INJECTED)\n"
        '1 write(1<pipe:[9]>, "done note 3\\n", 12) = 12\n'
    )
    assert wal_synced_before_each(parse_trace(good), "done note") == (1, 1)
    assert wal_synced_before_each(parse_trace(early), "done note") == (0, 1)
    assert wal_synced_before_each(parse_trace(failed), "done note") == (0, 1)


def test_every_connection_uses_wal_with_full_synchronous_commits(vault: Vault) -> None:
    """synchronous=FULL is what makes SQLite fsync the WAL at each commit (NORMAL does not)."""
    seen: list[tuple[str, int]] = []

    def read_pragmas() -> None:
        with vault.reader() as tx:
            seen.append(
                (str(tx.scalar("PRAGMA journal_mode")), int(tx.scalar("PRAGMA synchronous")))
            )
        vault.release_thread_connection()

    read_pragmas()
    worker = threading.Thread(target=read_pragmas)
    worker.start()
    worker.join()
    assert seen == [("wal", 2), ("wal", 2)]
