"""`python -m bench.peak_child KIND ARGS...`: do one piece of bundle work and print its
peak memory in KiB, so a figure counts that work alone (the bench's own process holds
test data and earlier figures' garbage). Work done partly in worker processes (an
export's exhibit decrypters, a verifier's hashers) adds each worker's own peak, sampled
from /proc while it runs: an upper bound, as they need not peak together. Not
ru_maxrss of the children: Linux carries the parent's size at the fork into it.

KIND is ``export VAULT CASE_ID OUT`` (passphrase on stdin), ``copy FOLDER SOURCES...``
(copy+SHA-256+fsync), ``verify BUNDLE ROOT_PEM`` or ``bagit BUNDLE``.
"""

from __future__ import annotations

import contextlib
import resource
import sys
import threading
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


class WorkerPeaks:
    """Each child process's VmHWM, read every few milliseconds while the work runs."""

    def __init__(self) -> None:
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> WorkerPeaks:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            for children in Path("/proc/self/task").glob("*/children"):
                with contextlib.suppress(OSError):
                    for pid in children.read_text().split():
                        self._read(int(pid))

    def _read(self, pid: int) -> None:
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    self.peaks[pid] = max(self.peaks.get(pid, 0), int(line.split()[1]))


def main(kind: str, args: list[str]) -> None:
    with WorkerPeaks() as workers:
        _work(kind, args)
    print(peak_kib() + sum(workers.peaks.values()))


def _work(kind: str, args: list[str]) -> None:
    if kind == "export":
        from rvr_desktop.evidence.bundle.export import ExportRequest, export_case
        from rvr_desktop.evidence.vault import Vault

        root, case_id, out = args
        with Vault.unlock(Path(root), sys.stdin.read()) as vault:
            export_case(vault, ExportRequest(int(case_id), Path(out), "Bench", "Bench run"))
    elif kind == "copy":
        from bench.vault_bench import copy_baseline_seconds

        copy_baseline_seconds([Path(a) for a in args[1:]], Path(args[0]), runs=1)
    elif kind == "verify":
        from rvr_desktop.evidence.bundle.verify import verify_bundle
        from rvr_desktop.evidence.signing.trust import TrustStore

        verify_bundle(Path(args[0]), TrustStore.from_paths([Path(args[1])]))
    elif kind == "bagit":
        import bagit

        bagit.Bag(args[0]).validate(processes=1)
    else:
        raise SystemExit(f"unknown kind {kind!r}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
