"""A full disk is reported clearly and loses nothing.

The kill tests (random moments and named crash points) are in tests/security/test_crashes.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rvr_desktop.evidence.case import cases, timeline
from rvr_desktop.evidence.vault import Vault, audit

ROOT = Path(__file__).resolve().parents[2]


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
