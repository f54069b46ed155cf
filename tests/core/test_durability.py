"""Never lose a committed word: kills at random moments, a full disk, passphrase changes."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rvr_desktop.evidence import audit, cases, timeline
from rvr_desktop.evidence.errors import WrongPassphrase
from rvr_desktop.evidence.kdf import FAST_INSECURE_KDF
from rvr_desktop.evidence.vault import Vault
from tests.conftest import TEST_PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("RVR_CRASH_KILLS", "50"))


def _child(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.core.children", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _read_until_killed(child: subprocess.Popen[str], rng: random.Random) -> list[str]:
    """Let the child work for a random while after it is ready, then SIGKILL it."""
    assert child.stdout is not None
    lines = [child.stdout.readline()]
    assert lines[0].strip() == "ready", child.stderr.read() if child.stderr else ""
    deadline = time.monotonic() + rng.uniform(0.005, 0.25)
    os.set_blocking(child.stdout.fileno(), False)
    while time.monotonic() < deadline:
        chunk = child.stdout.readline()
        if chunk:
            lines.append(chunk)
    child.send_signal(signal.SIGKILL)
    child.wait()
    os.set_blocking(child.stdout.fileno(), True)
    rest = child.stdout.read()
    lines.extend(rest.splitlines(keepends=True))
    # Only complete lines were printed after the append returned.
    return [line for line in lines if line.endswith("\n")]


@pytest.mark.slow
def test_every_returned_note_survives_a_kill_at_a_random_moment(vault_dir: Path) -> None:
    with Vault.create(vault_dir, TEST_PASSPHRASE, kdf=FAST_INSECURE_KDF) as vault:
        case = cases.create_case(vault, "INC-2026-0099", "Crash Test")
    rng = random.Random(20261128)
    promised: dict[int, str] = {}
    for _ in range(KILLS):
        child = _child("append", str(vault_dir), TEST_PASSPHRASE, case.reference)
        for line in _read_until_killed(child, rng):
            if line.startswith("appended "):
                _, entry_id, text = line.rstrip("\n").split(" ", 2)
                promised[int(entry_id)] = text
        with Vault.unlock(vault_dir, TEST_PASSPHRASE) as vault:
            stored = {e.id: e.text for e in timeline.entries(vault, case.id)}
            missing = {i: t for i, t in promised.items() if stored.get(i) != t.rstrip()}
            # readline() strips nothing but the newline; texts end in a space at most
            missing = {i: t for i, t in missing.items() if stored.get(i, "").rstrip() != t.rstrip()}
            assert missing == {}, f"notes lost after a kill: {sorted(missing)[:5]}"
            assert vault.integrity_problems() == []
    assert len(promised) > KILLS, "the children should have appended notes before being killed"


@pytest.mark.slow
def test_a_passphrase_change_killed_midway_leaves_the_old_or_the_new(vault_dir: Path) -> None:
    first, second = "first passphrase here", "second passphrase here"
    Vault.create(vault_dir, first, kdf=FAST_INSECURE_KDF).lock()
    rng = random.Random(7)
    for _ in range(max(KILLS // 3, 5)):
        child = _child("passwd", str(vault_dir), first, second)
        try:
            _read_until_killed(child, rng)
        except AssertionError:
            # The child could not unlock with `first`: the last change left `second`.
            first, second = second, first
            (vault_dir / "unlock-attempts.json").unlink(missing_ok=True)
            continue
        opened = None
        for candidate in (first, second):
            try:
                opened = Vault.unlock(vault_dir, candidate)
            except WrongPassphrase:
                continue
            if candidate == second:
                first, second = second, first
            break
        assert opened is not None, "neither the old nor the new passphrase opens the vault"
        assert opened.integrity_problems() == []
        opened.lock()
        # A wrong passphrase count must not throttle the next round.
        (vault_dir / "unlock-attempts.json").unlink(missing_ok=True)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare (util-linux)")
def test_a_full_disk_is_reported_clearly_and_loses_nothing(tmp_path: Path) -> None:
    small_disk = tmp_path / "small-disk"
    small_disk.mkdir()
    copy_to = tmp_path / "copied"
    copy_to.mkdir()
    # A private mount namespace lets the test mount a 3 MiB tmpfs without touching the host.
    script = (
        'mount -t tmpfs -o size=3m tmpfs "$0" && exec "$1" -m tests.core.children fill "$0" "$2"'
    )
    result = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, str(small_disk), sys.executable, str(copy_to)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("attachment-disk-full The disk is full"), lines[0]
    assert lines[-1].startswith("disk-full The disk is full"), result.stdout[-500:]
    appended = [int(line.split()[1]) for line in lines if line.startswith("appended ")]
    with Vault.unlock(copy_to / "vault", "full disk passphrase") as vault:
        case = cases.find_case(vault, "INC-2026-0100")
        entries = timeline.entries(vault, case.id)
        assert [e.text for e in entries[:20]] == [f"earlier note {n}" for n in range(20)]
        assert set(appended) <= {e.id for e in entries}
        assert vault.integrity_problems() == []
        with vault.reader() as tx:
            assert audit.verify_chain(tx) is None
        assert not list(vault.paths.blobs.iterdir()), "no partial blob may be left"
