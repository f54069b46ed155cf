"""`python -m bench.peak_child KIND ARGS...`: do one piece of bundle work and print its
peak memory in KiB, so a figure counts that work alone (the bench's own process holds
test data and earlier figures' garbage). Work that uses worker processes (an export's
exhibit decrypters, a verifier's hashers) counts the largest worker's peak once for each
worker that may run at once: an upper bound, as they need not peak together.

KIND is ``export VAULT CASE_ID OUT`` (passphrase on stdin), ``copy FOLDER SOURCES...``
(copy+SHA-256+fsync), ``verify BUNDLE ROOT_PEM`` or ``bagit BUNDLE``.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path


def peak_kib() -> int:
    """VmHWM from /proc where there is one (Linux), else ru_maxrss (KiB on Linux, bytes on
    macOS)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def largest_child_kib() -> int:
    """ru_maxrss of the largest child process waited for (KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def main(kind: str, args: list[str]) -> None:
    workers = 0
    if kind == "export":
        from rvr_desktop.evidence.bundle.exhibit_processes import WORKER_PROCESSES
        from rvr_desktop.evidence.bundle.export import ExportRequest, export_case

        workers = WORKER_PROCESSES
        from rvr_desktop.evidence.vault import Vault

        root, case_id, out = args
        with Vault.unlock(Path(root), sys.stdin.read()) as vault:
            export_case(vault, ExportRequest(int(case_id), Path(out), "Bench", "Bench run"))
    elif kind == "copy":
        from bench.vault_bench import copy_baseline_seconds

        copy_baseline_seconds([Path(a) for a in args[1:]], Path(args[0]), runs=1)
    elif kind == "verify":
        from rvr_desktop.evidence.bundle.hashing import DEFAULT_WORKERS
        from rvr_desktop.evidence.bundle.verify import verify_bundle
        from rvr_desktop.evidence.signing.trust import TrustStore

        verify_bundle(Path(args[0]), TrustStore.from_paths([Path(args[1])]))
        workers = DEFAULT_WORKERS
    elif kind == "bagit":
        import bagit

        bagit.Bag(args[0]).validate(processes=1)
    else:
        raise SystemExit(f"unknown kind {kind!r}")
    print(peak_kib() + workers * largest_child_kib())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
