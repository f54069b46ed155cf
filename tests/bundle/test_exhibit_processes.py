"""Large exhibits are decrypted into a folder bundle by worker processes, two at a time.

The workers only make the export faster: whatever happens to one (it cannot start, it
dies half-way through an exhibit), the bundle comes out whole and verifies; a damaged
blob, a full disk or a cancel stops the export with the same error as before and leaves
nothing behind. The size from which an exhibit goes to a worker is lowered here to 1 MiB
so the stories run in a second.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import bagit
import pytest

from rvr_desktop.evidence.bundle import exhibit_processes, export, worker_process
from rvr_desktop.evidence.bundle.export import ExportRequest, ExportResult, export_case
from rvr_desktop.evidence.bundle.layout import BundleLayout
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.case import attachments
from rvr_desktop.evidence.errors import DiskFull, VaultDamaged
from rvr_desktop.evidence.progress import Cancelled, CancelToken, ProgressCallback, no_progress
from rvr_desktop.evidence.signing.trust import TrustStore
from rvr_desktop.evidence.vault import Vault, audit
from tests.bundle.conftest import DemoBundle

EXHIBIT_BYTES = 3 << 20
FOUND_EXHIBITS = 3


@pytest.fixture
def large_exhibits(demo_bundle: DemoBundle, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Three 3 MiB exhibits added to the demo case, each large enough for a worker."""
    monkeypatch.setattr(export, "IN_PROCESSES_FROM_BYTES", 1 << 20)
    contents: dict[str, bytes] = {}
    with Vault.unlock(demo_bundle.demo.root, demo_bundle.demo.passphrase) as vault:
        for n in range(FOUND_EXHIBITS):
            data = os.urandom(EXHIBIT_BYTES)
            item = attachments.import_stream(
                vault,
                demo_bundle.demo.case_id,
                io.BytesIO(data),
                original_name=f"doorbell-camera-{n}.mp4",
            )
            contents[item.sha256] = data
    return contents


@pytest.fixture
def decrypted_by_workers(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The exhibits the worker processes answered for, as they answer."""
    answered: list[Path] = []
    real = exhibit_processes.ExhibitWorker.decrypt

    def counted(
        self: exhibit_processes.ExhibitWorker,
        job: exhibit_processes.ExhibitJob,
        progress: exhibit_processes.Progress,
    ) -> tuple[str, int]:
        result = real(self, job, progress)
        answered.append(job.target)
        return result

    monkeypatch.setattr(exhibit_processes.ExhibitWorker, "decrypt", counted)
    return answered


def _export(
    bundle: DemoBundle,
    out: Path,
    *,
    layout: BundleLayout = BundleLayout.FOLDER,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ExportResult:
    out.mkdir(exist_ok=True)
    with Vault.unlock(bundle.demo.root, bundle.demo.passphrase) as vault:
        request = ExportRequest(
            bundle.demo.case_id, out, "CPS Direct", "Charging decision", layout=layout
        )
        return export_case(vault, request, progress=progress, cancel=cancel)


def _assert_whole(result: ExportResult, bundle: DemoBundle, contents: dict[str, bytes]) -> None:
    status = verify_bundle(result.bundle, TrustStore.from_paths([bundle.root_pem]))
    assert status.bottom_line, status
    bagit.Bag(str(result.bundle)).validate()
    found = {}
    for path in (result.bundle / "data" / "exhibits").rglob("*"):
        data = path.read_bytes() if path.is_file() else b""
        if len(data) == EXHIBIT_BYTES:
            found[str(path)] = data
    assert sorted(found.values()) == sorted(contents.values())


def _manifest_paths(result: ExportResult) -> list[str]:
    lines = (result.bundle / "manifest-sha256.txt").read_text().splitlines()
    return [line.split("  ", 1)[1] for line in lines]


def test_large_exhibits_are_decrypted_by_workers_and_the_bundle_is_the_same(
    demo_bundle: DemoBundle,
    large_exhibits: dict[str, bytes],
    decrypted_by_workers: list[Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = _export(demo_bundle, tmp_path / "out")

    assert len(decrypted_by_workers) == FOUND_EXHIBITS
    _assert_whole(result, demo_bundle, large_exhibits)
    # The same files in the same order as an export that decrypts every exhibit itself.
    monkeypatch.setattr(export, "IN_PROCESSES_FROM_BYTES", 1 << 40)
    itself = _export(demo_bundle, tmp_path / "itself")
    assert len(decrypted_by_workers) == FOUND_EXHIBITS
    assert _manifest_paths(result) == _manifest_paths(itself)


def test_a_zip_bundle_is_written_by_the_export_alone(
    demo_bundle: DemoBundle,
    large_exhibits: dict[str, bytes],
    decrypted_by_workers: list[Path],
    tmp_path: Path,
) -> None:
    result = _export(demo_bundle, tmp_path / "out", layout=BundleLayout.ZIP)
    assert decrypted_by_workers == []
    status = verify_bundle(result.bundle, TrustStore.from_paths([demo_bundle.root_pem]))
    assert status.bottom_line


def _worker_code(code: str) -> tuple[str, ...]:
    root = worker_process.PACKAGE_ROOT
    return ("-c", "import sys; sys.path.insert(0, sys.argv[1]); " + code, root)


# A worker that scribbles past the end of the exhibit's file and dies half-way through.
_DIES_HALF_WAY = _worker_code(
    "import json, os; line = sys.stdin.readline(); blob, key, target, size = json.loads(line); "
    "open(target, 'r+b').write(b'half-written' * (1 << 20)); "
    "print(json.dumps(['progress', 12000]), flush=True); os._exit(9)"
)


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param("cannot-start", id="no worker can start"),
        pytest.param("ends-at-once", id="every worker ends at once"),
        pytest.param("dies-half-way", id="a worker dies half-way through an exhibit"),
        pytest.param("answers-nonsense", id="a worker answers nonsense"),
    ],
)
def test_whatever_happens_to_the_workers_the_bundle_comes_out_whole(
    broken: str,
    demo_bundle: DemoBundle,
    large_exhibits: dict[str, bytes],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if broken == "cannot-start":

        def no_process(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
            raise OSError("Resource temporarily unavailable")

        monkeypatch.setattr(worker_process.subprocess, "Popen", no_process)
    else:
        code = {
            "ends-at-once": _worker_code("raise SystemExit(3)"),
            "dies-half-way": _DIES_HALF_WAY,
            "answers-nonsense": _worker_code("sys.stdin.readline(); print('[\"why\"]')"),
        }[broken]
        monkeypatch.setattr(exhibit_processes, "_WORKER", code)
    seen: list[int] = []

    result = _export(demo_bundle, tmp_path / "out", progress=lambda done, total: seen.append(done))

    _assert_whole(result, demo_bundle, large_exhibits)
    assert seen == sorted(seen), "the progress bar went backwards"
    assert seen[-1] == result.payload_bytes, "bytes were counted twice or not at all"


def _damage_a_blob(bundle: DemoBundle, sha256: str) -> None:
    with Vault.unlock(bundle.demo.root, bundle.demo.passphrase) as vault:
        item = next(
            a
            for a in attachments.list_attachments(vault, bundle.demo.case_id)
            if a.sha256 == sha256
        )
        path = attachments.encrypted_blob(vault, item.id).path
    with open(path, "r+b") as handle:
        handle.seek(path.stat().st_size // 2)
        byte = handle.read(1)
        handle.seek(-1, os.SEEK_CUR)
        handle.write(bytes([byte[0] ^ 0x01]))


def _chain_head(bundle: DemoBundle) -> object:
    with Vault.unlock(bundle.demo.root, bundle.demo.passphrase) as vault, vault.reader() as tx:
        return audit.chain_head(tx)


def test_a_damaged_exhibit_stops_the_export_as_before_and_leaves_nothing(
    demo_bundle: DemoBundle,
    large_exhibits: dict[str, bytes],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def not_here(*args: object) -> tuple[str, int]:
        raise AssertionError("the worker's answer should have stopped the export")

    monkeypatch.setattr(exhibit_processes, "decrypt_into_reserved", not_here)
    _damage_a_blob(demo_bundle, sorted(large_exhibits)[1])
    before = _chain_head(demo_bundle)
    out = tmp_path / "out"

    with pytest.raises(VaultDamaged, match="fails its integrity check"):
        _export(demo_bundle, out)

    assert list(out.iterdir()) == []
    assert _chain_head(demo_bundle) == before


def test_a_full_disk_in_a_worker_is_reported_as_a_full_disk(
    demo_bundle: DemoBundle,
    large_exhibits: dict[str, bytes],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if sys.platform == "win32":
        pytest.skip("no file size limit to set on Windows")
    # The worker may write no file past 1 MiB: its writes fail as on a full disk.
    monkeypatch.setattr(
        exhibit_processes,
        "_WORKER",
        _worker_code(
            "import resource; resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20)); "
            "from rvr_desktop.evidence.bundle.exhibit_worker import main; main()"
        ),
    )
    out = tmp_path / "out"

    with pytest.raises(DiskFull, match="the exported attachment"):
        _export(demo_bundle, out)

    assert list(out.iterdir()) == []


def test_a_cancel_while_workers_decrypt_stops_them_and_leaves_nothing(
    demo_bundle: DemoBundle,
    large_exhibits: dict[str, bytes],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[exhibit_processes.ExhibitWorker] = []
    real_init = exhibit_processes.ExhibitWorker.__init__

    def recorded(self: exhibit_processes.ExhibitWorker) -> None:
        real_init(self)
        started.append(self)

    monkeypatch.setattr(exhibit_processes.ExhibitWorker, "__init__", recorded)
    token = CancelToken()
    out = tmp_path / "out"

    def officer_cancels_once_a_worker_has_written(done: int, total: int) -> None:
        if started:  # the exhibits streamed by the export itself come before
            token.cancel()

    with pytest.raises(Cancelled):
        _export(demo_bundle, out, progress=officer_cancels_once_a_worker_has_written, cancel=token)

    assert started, "no worker was started"
    assert all(worker._process.poll() is not None for worker in started)
    assert list(out.iterdir()) == []


# A worker that takes its exhibit and then says nothing (still starting, or on a stalled
# disk): it waits until its input closes.
_SILENT = _worker_code("sys.stdin.readline(); sys.stdin.readline()")


def _record_started_workers(
    monkeypatch: pytest.MonkeyPatch,
) -> list[exhibit_processes.ExhibitWorker]:
    started: list[exhibit_processes.ExhibitWorker] = []
    real_init = exhibit_processes.ExhibitWorker.__init__

    def recorded(self: exhibit_processes.ExhibitWorker) -> None:
        real_init(self)
        started.append(self)

    monkeypatch.setattr(exhibit_processes.ExhibitWorker, "__init__", recorded)
    return started


@pytest.mark.timeout(60)
def test_a_cancel_stops_the_export_even_while_the_workers_are_silent(
    demo_bundle: DemoBundle,
    large_exhibits: dict[str, bytes],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(exhibit_processes, "_WORKER", _SILENT)
    started = _record_started_workers(monkeypatch)
    token = CancelToken()
    out = tmp_path / "out"

    class OfficerCancelsOnceWorkersStarted(CancelToken):
        @property
        def cancelled(self) -> bool:
            if started:
                token.cancel()
            return token.cancelled

        def raise_if_cancelled(self, what: str = "The operation") -> None:
            token.raise_if_cancelled(what)

    with pytest.raises(Cancelled):
        _export(demo_bundle, out, cancel=OfficerCancelsOnceWorkersStarted())

    assert started, "no worker was started"
    assert all(worker._process.poll() is not None for worker in started)
    assert list(out.iterdir()) == []


@pytest.mark.timeout(60)
def test_an_interrupt_while_waiting_for_workers_stops_them_and_leaves_nothing(
    demo_bundle: DemoBundle,
    large_exhibits: dict[str, bytes],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(exhibit_processes, "_WORKER", _SILENT)
    started = _record_started_workers(monkeypatch)
    out = tmp_path / "out"

    class CtrlCWhileWaiting(CancelToken):
        @property
        def cancelled(self) -> bool:
            if started:
                raise KeyboardInterrupt
            return False

    with pytest.raises(KeyboardInterrupt):
        _export(demo_bundle, out, cancel=CtrlCWhileWaiting())

    assert started, "no worker was started"
    assert all(worker._process.poll() is not None for worker in started)
    assert list(out.iterdir()) == []


def test_the_key_of_an_exhibit_never_shows_in_a_log_or_traceback(tmp_path: Path) -> None:
    job = exhibit_processes.ExhibitJob(
        blob=tmp_path / "blob", identity="AGE-SECRET-KEY-1EXAMPLE", target=tmp_path / "t", size=1
    )
    blob = attachments.EncryptedBlob(tmp_path / "blob", "AGE-SECRET-KEY-1EXAMPLE")

    assert "AGE-SECRET-KEY" not in repr(job)
    assert "AGE-SECRET-KEY" not in repr(blob)


# An export in a process of its own: it prints its workers' process IDs once they are
# writing, then waits there to be killed.
_EXPORT_KILLED_MID_WAY = """
import sys, time
from pathlib import Path
from rvr_desktop.evidence.bundle import exhibit_processes, export
from rvr_desktop.evidence.bundle.export import ExportRequest, export_case
from rvr_desktop.evidence.vault import Vault

export.IN_PROCESSES_FROM_BYTES = 1 << 20
workers = []
real_init = exhibit_processes.ExhibitWorker.__init__

def recorded(self):
    real_init(self)
    workers.append(self._process.pid)

exhibit_processes.ExhibitWorker.__init__ = recorded

def progress(done, total):
    if len(workers) == 2:
        print(*workers, flush=True)
        time.sleep(3600)

root, case_id, out = sys.argv[1:4]
with Vault.unlock(Path(root), sys.stdin.readline().rstrip("\\n")) as vault:
    request = ExportRequest(int(case_id), Path(out), "CPS Direct", "Charging decision")
    export_case(vault, request, progress=progress)
"""


def _gone(pid: int) -> bool:
    """True once ``pid`` has ended (a zombie waiting for its new parent counts)."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return status.rsplit(")", 1)[1].split()[0] in {"Z", "X"}


@pytest.mark.timeout(120)
def test_a_killed_export_leaves_no_worker_writing_evidence(
    demo_bundle: DemoBundle, tmp_path: Path
) -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to see the workers")
    with Vault.unlock(demo_bundle.demo.root, demo_bundle.demo.passphrase) as vault:
        for n in range(3):
            attachments.import_stream(
                vault,
                demo_bundle.demo.case_id,
                io.BytesIO(os.urandom(48 << 20)),
                original_name=f"bodycam-{n}.mp4",
            )
    out = tmp_path / "out"
    out.mkdir()
    arguments = (demo_bundle.demo.root, demo_bundle.demo.case_id, out)
    export_process = subprocess.Popen(
        [sys.executable, "-c", _EXPORT_KILLED_MID_WAY, *map(str, arguments)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert export_process.stdin is not None and export_process.stdout is not None
    export_process.stdin.write(demo_bundle.demo.passphrase + "\n")
    export_process.stdin.flush()
    workers = [int(pid) for pid in export_process.stdout.readline().split()]
    assert len(workers) == 2, "the export did not start its workers"

    export_process.kill()  # as the system would stop it: no clean-up of its own
    export_process.wait()

    # Each worker notices at once: its next answer finds no one reading, or its input ends.
    waited = 0.0
    while not all(_gone(pid) for pid in workers) and waited < 60:
        time.sleep(0.05)
        waited += 0.05
    assert all(_gone(pid) for pid in workers), "a worker went on after its export was killed"
