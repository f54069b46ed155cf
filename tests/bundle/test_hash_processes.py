"""A case of many screen captures is hashed in worker processes: the same digests as on
threads, the same refusals naming the file, a cancel that stops it, and a worker killed
half-way (or none at all, in a frozen build) costing only speed. The workers share the
batches (a slowed one takes fewer), and are started while the folder is still walked."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from rvr_desktop.evidence.bundle import hash_processes, hashing
from rvr_desktop.evidence.bundle.archive import open_bag_source
from rvr_desktop.evidence.bundle.errors import HostileBundle
from rvr_desktop.evidence.bundle.hash_processes import HashWorker, WorkerGone, WorkersAhead
from rvr_desktop.evidence.bundle.hash_worker import HashedOrRefused
from rvr_desktop.evidence.bundle.hashing import DEFAULT_WORKERS, Digest, HashJob, hash_members
from rvr_desktop.evidence.bundle.listed_files import ListedFile
from rvr_desktop.evidence.bundle.source import BagMember, BagSource
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.progress import Cancelled, CancelToken
from rvr_desktop.evidence.signing.trust import TrustStore
from tests.bundle.conftest import DemoBundle

CAPTURES = hashing.PROCESSES_FROM_FILES + 44


@pytest.fixture(scope="module")
def captures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bundle folder of 300 small screen captures, each with different bytes."""
    root = tmp_path_factory.mktemp("captures") / "bundle"
    folder = root / "data" / "captures"
    folder.mkdir(parents=True)
    (root / "bagit.txt").write_text("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    for number in range(CAPTURES):
        (folder / f"capture-{number:04d}.png").write_bytes(os.urandom(2_000 + number * 37))
    return root


def _payload(source: BagSource) -> list[BagMember]:
    return [m for m in source.list_files() if m.path.startswith("data/")]


def _expected(root: Path, members: list[BagMember]) -> dict[str, str]:
    return {m.path: hashlib.sha256((root / m.path).read_bytes()).hexdigest() for m in members}


class _CountedWorker(HashWorker):
    batches = 0

    def send(self, files: list[ListedFile]) -> None:
        _CountedWorker.batches += 1
        super().send(files)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> type[_CountedWorker]:
    _CountedWorker.batches = 0
    monkeypatch.setattr(hashing, "HashWorker", _CountedWorker)
    return _CountedWorker


def test_many_captures_hash_in_processes_to_the_same_digests(
    captures: Path, counted: type[_CountedWorker]
) -> None:
    with open_bag_source(captures) as source:
        members = _payload(source)
        digests = hash_members(source, members)
    assert counted.batches > 0
    assert {p: d.sha256 for p, d in digests.items()} == _expected(captures, members)
    assert all(digests[m.path].size == m.size for m in members)


def test_a_few_captures_stay_on_threads(captures: Path, counted: type[_CountedWorker]) -> None:
    with open_bag_source(captures) as source:
        few = _payload(source)[: hashing.PROCESSES_FROM_FILES - 1]
        digests = hash_members(source, few)
    assert counted.batches == 0
    assert {p: d.sha256 for p, d in digests.items()} == _expected(captures, few)


def _swap(path: Path) -> None:
    swapped_in = path.with_name("another-picture.png")
    swapped_in.write_bytes(os.urandom(path.stat().st_size))
    swapped_in.replace(path)


def _grow(path: Path) -> None:
    with open(path, "ab") as handle:
        handle.write(b"appended after listing")


@pytest.mark.parametrize(("change", "problem"), [(_swap, "replaced"), (_grow, "grew")])
def test_a_capture_changed_after_listing_is_refused_naming_it(
    captures: Path, tmp_path: Path, change: Callable[[Path], None], problem: str
) -> None:
    copy = tmp_path / "bundle"
    shutil.copytree(captures, copy)
    with open_bag_source(copy) as source:
        members = _payload(source)
        victim = members[200]
        change(copy / victim.path)
        with pytest.raises(HostileBundle, match=f"{victim.path}.*{problem}"):
            hash_members(source, members)


def test_cancelling_stops_hashing_done_in_processes(captures: Path) -> None:
    token = CancelToken()
    seen: list[int] = []

    def cancel_early(done: int, total: int) -> None:
        seen.append(done)
        token.cancel()

    with open_bag_source(captures) as source:
        members = _payload(source)
        with pytest.raises(Cancelled):
            hash_members(source, members, cancel=token, progress=cancel_early)
    assert 0 < len(seen) < len(members)


def _kill(worker: HashWorker) -> None:
    if worker._process.poll() is None:  # once: answers already sent may still arrive
        os.kill(worker._process.pid, signal.SIGKILL)
        worker._process.wait()


class _KilledBeforeItsFirstBatch(HashWorker):
    """Killed by the system (out of memory, say) as it starts: handing over fails."""

    def send(self, files: list[ListedFile]) -> None:
        _kill(self)
        super().send(files)


class _KilledWithBatchesInFlight(HashWorker):
    """Killed while it still owes answers (it has barely started): waiting for one fails."""

    def receive(self) -> list[HashedOrRefused]:
        _kill(self)
        return super().receive()


def _breaks_unexpectedly() -> HashWorker:
    raise RuntimeError("Bad exception data from child")


@pytest.mark.timeout(60)  # a batch left unreported would leave the job waiting
@pytest.mark.parametrize(
    "dying", [_KilledBeforeItsFirstBatch, _KilledWithBatchesInFlight, _breaks_unexpectedly]
)
def test_a_killed_worker_or_one_failing_to_start_costs_only_speed(
    captures: Path, monkeypatch: pytest.MonkeyPatch, dying: Callable[[], HashWorker]
) -> None:
    monkeypatch.setattr(hashing, "HashWorker", dying)
    with open_bag_source(captures) as source:
        members = _payload(source)
        digests = hash_members(source, members)
    assert {p: d.sha256 for p, d in digests.items()} == _expected(captures, members)


def test_a_frozen_build_hashes_on_threads(
    captures: Path, monkeypatch: pytest.MonkeyPatch, counted: type[_CountedWorker]
) -> None:
    monkeypatch.setattr("sys.frozen", True, raising=False)
    with open_bag_source(captures) as source:
        members = _payload(source)
        digests = hash_members(source, members)
    assert counted.batches == 0
    assert {p: d.sha256 for p, d in digests.items()} == _expected(captures, members)


class _FailingSendWorker(HashWorker):
    """Something other than the worker breaks while a batch is handed over."""

    sends = 0

    def send(self, files: list[ListedFile]) -> None:
        _FailingSendWorker.sends += 1
        if _FailingSendWorker.sends == 3:
            raise MemoryError("no room to hand the batch over")
        super().send(files)


@pytest.mark.timeout(60)  # the failure must end the job, never leave it waiting
def test_a_failure_handing_a_batch_over_ends_the_job_with_that_error(
    captures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hashing, "HashWorker", _FailingSendWorker)
    with open_bag_source(captures) as source, pytest.raises(MemoryError, match="no room"):
        hash_members(source, _payload(source))


@pytest.mark.skipif(os.name != "posix", reason="a folder name that is not UTF-8 is POSIX-only")
def test_a_bundle_kept_under_a_folder_name_that_is_not_utf8_hashes_in_processes(
    captures: Path, tmp_path: Path, counted: type[_CountedWorker]
) -> None:
    """An old USB stick's folder in Latin-1 ('café' as one byte): the workers must open
    the very same paths."""
    home = tmp_path / os.fsdecode(b"caf\xe9")
    shutil.copytree(captures, home)
    with open_bag_source(home) as source:
        members = _payload(source)
        digests = hash_members(source, members)
    assert counted.batches > 0
    assert {p: d.sha256 for p, d in digests.items()} == _expected(home, members)


class _GatedWorker(HashWorker):
    """The first worker made is one on a core the checks keep busy: it answers only once
    the other worker has been handed every batch it does not hold itself."""

    made: list[_GatedWorker] = []  # noqa: RUF012 - reset by the test
    lock = threading.Lock()
    all_handed_over = threading.Event()
    batch_count = 0

    def __init__(self) -> None:
        super().__init__()
        with _GatedWorker.lock:
            self.slow = not _GatedWorker.made
            _GatedWorker.made.append(self)
        self.batches = 0

    def send(self, files: list[ListedFile]) -> None:
        super().send(files)
        with _GatedWorker.lock:
            self.batches += 1
            if sum(w.batches for w in _GatedWorker.made) == _GatedWorker.batch_count:
                _GatedWorker.all_handed_over.set()

    def receive(self) -> list[HashedOrRefused]:
        if self.slow:
            _GatedWorker.all_handed_over.wait(timeout=30)
        return super().receive()


@pytest.mark.timeout(90)
def test_a_slowed_worker_takes_fewer_batches_instead_of_finishing_last(
    captures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hashing, "_BATCH_FILES", 8)
    _GatedWorker.made = []
    _GatedWorker.batch_count = -(-CAPTURES // 8)  # 38 batches to share
    _GatedWorker.all_handed_over.clear()
    monkeypatch.setattr(hashing, "HashWorker", _GatedWorker)
    with open_bag_source(captures) as source:
        members = _payload(source)
        digests = hash_members(source, members, workers=2)
    assert {p: d.sha256 for p, d in digests.items()} == _expected(captures, members)
    slow, fast = sorted(_GatedWorker.made, key=lambda w: not w.slow)
    assert slow.slow and not fast.slow
    # At most the two it had in flight when it slowed: the other took all the rest
    # (given a share each, the slow one would have had 19).
    assert slow.batches <= 2
    assert fast.batches == _GatedWorker.batch_count - slow.batches


class _RecordedWorker(HashWorker):
    started: list[_RecordedWorker] = []  # noqa: RUF012 - reset by the fixture

    def __init__(self) -> None:
        super().__init__()
        self.batches = 0
        _RecordedWorker.started.append(self)

    def send(self, files: list[ListedFile]) -> None:
        self.batches += 1
        super().send(files)


@pytest.fixture
def started_ahead(monkeypatch: pytest.MonkeyPatch) -> list[_RecordedWorker]:
    """Workers started ahead are recorded; the job itself may start none."""
    _RecordedWorker.started = []
    monkeypatch.setattr(hash_processes, "HashWorker", _RecordedWorker)

    def not_by_the_job() -> HashWorker:
        raise AssertionError("the job started a worker of its own")

    monkeypatch.setattr(hashing, "HashWorker", not_by_the_job)
    return _RecordedWorker.started


def test_walking_many_captures_starts_workers_before_the_walk_ends(captures: Path) -> None:
    calls: list[int] = []
    with open_bag_source(captures, on_many_small_files=lambda: calls.append(1)) as source:
        assert len(_payload(source)) == CAPTURES
    assert calls == [1]


def test_walking_a_few_captures_starts_nothing(captures: Path, tmp_path: Path) -> None:
    copy = tmp_path / "bundle"
    shutil.copytree(captures, copy)
    for extra in sorted((copy / "data" / "captures").iterdir())[hashing.PROCESSES_FROM_FILES - 1 :]:
        extra.unlink()
    calls: list[int] = []
    with open_bag_source(copy, on_many_small_files=lambda: calls.append(1)):
        pass
    assert calls == []


def _hashed_with_workers_ahead(root: Path) -> tuple[list[BagMember], dict[str, Digest]]:
    """Walk ``root`` starting workers ahead, then hash its payload in them."""
    with (
        WorkersAhead(2) as ahead,
        open_bag_source(root, on_many_small_files=ahead.start) as source,
    ):
        members = _payload(source)
        with HashJob(source, members, workers=2, ahead=ahead) as job:
            return members, job.wait()


def test_the_job_hashes_in_the_workers_started_during_the_walk(
    captures: Path, started_ahead: list[_RecordedWorker]
) -> None:
    members, digests = _hashed_with_workers_ahead(captures)
    assert len(started_ahead) == 2
    assert all(w.batches > 0 for w in started_ahead)
    assert all(w._process.poll() is not None for w in started_ahead)
    assert {p: d.sha256 for p, d in digests.items()} == _expected(captures, members)


def test_workers_started_ahead_and_never_used_are_ended(
    started_ahead: list[_RecordedWorker],
) -> None:
    ahead = WorkersAhead(2)
    ahead.start()
    ahead.start()  # once only
    ahead.close()
    assert len(started_ahead) == 2
    assert all(w._process.poll() is not None for w in started_ahead)
    assert ahead.take() is None


def test_a_worker_that_cannot_start_ahead_leaves_the_job_to_start_its_own(
    captures: Path, monkeypatch: pytest.MonkeyPatch, counted: type[_CountedWorker]
) -> None:
    def cannot_start() -> HashWorker:
        raise WorkerGone("no memory for another process")

    monkeypatch.setattr(hash_processes, "HashWorker", cannot_start)
    members, digests = _hashed_with_workers_ahead(captures)
    assert counted.batches > 0
    assert {p: d.sha256 for p, d in digests.items()} == _expected(captures, members)


def test_verifying_a_case_of_many_captures_hashes_in_workers_started_during_the_walk(
    demo_bundle: DemoBundle, started_ahead: list[_RecordedWorker]
) -> None:
    folder = demo_bundle.bundle / "data" / "captures"
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(CAPTURES):
        (folder / f"added-{number:04d}.png").write_bytes(os.urandom(3_000))
    status = verify_bundle(demo_bundle.bundle, TrustStore.from_paths([demo_bundle.root_pem]))
    assert len(started_ahead) == DEFAULT_WORKERS
    assert all(w._process.poll() is not None for w in started_ahead)
    # Hashed all the same: the captures slipped in are found and named.
    assert not status.intact
    assert "data/captures/added-0000.png" in " ".join(c.reason for c in status.checks)


def test_a_worker_failing_to_start_in_an_unexpected_way_is_not_waited_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(hash_processes, "HashWorker", _breaks_unexpectedly)
    taken: list[HashWorker | None] = []

    def start_take_and_close() -> None:
        with WorkersAhead(2) as ahead:
            ahead.start()
            taken.extend([ahead.take(), ahead.take()])

    # On a thread of its own: waiting for a worker owed but never put blocks where no
    # test timeout can interrupt it.
    waiting = threading.Thread(target=start_take_and_close, daemon=True)
    waiting.start()
    waiting.join(timeout=30)
    assert not waiting.is_alive(), "it waits for a worker that will never come"
    assert taken == [None, None]


@pytest.mark.timeout(60)
def test_no_thread_to_start_workers_ahead_costs_only_speed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_thread(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    ahead = WorkersAhead(2)
    with monkeypatch.context() as patched:
        patched.setattr(threading.Thread, "start", no_thread)
        ahead.start()  # does not raise into the walk
    assert ahead.take() is None
    ahead.close()
