"""Hostile bundles through the real rvr-verify command: refused, bounded, and writing nothing.

Each attack from hostile_builders.py is given to ``rvr-verify`` in a child process run
under ``strace``, with a private HOME and TMPDIR. The child must exit 1 (a check failed)
and print a reason naming what was wrong; its peak memory (from ``wait4``) must stay
under 1 GB; and every path it opened for writing or created must lie in its private
temporary folder, apart from the application's own log file, which must stay empty.
Timings are recorded, never asserted; a two-minute timeout only guards against a hang.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from rvr_desktop.evidence.demo import build_demo_vault, export_demo_bundle
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from security.hostile_builders import HOSTILE, Hostile
from tests.figures import record_figure

HANG_GUARD_S = 120
MEMORY_LIMIT = 1 << 30
RVR_VERIFY = Path(sys.executable).with_name("rvr-verify")
# Every system call that can create, change or remove a path.
TRACED = (
    "open,openat,openat2,creat,mkdir,mkdirat,rename,renameat,renameat2,link,linkat,"
    "symlink,symlinkat,unlink,unlinkat,rmdir,truncate,chmod,fchmodat,utimensat"
)
# A process's peak memory on Linux includes what its parent held when it forked, so the
# verifier is started by this small launcher rather than by the (large) test process.
_LAUNCHER = (
    "import os, subprocess, sys; child = subprocess.Popen(sys.argv[2:]); "
    "_, status, usage = os.wait4(child.pid, 0); child.returncode = 0; "
    "open(sys.argv[1], 'w').write(f'{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}')"
)
_WRITE_FLAGS = re.compile(r"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC")
_CALL = re.compile(r"^(?P<call>\w+)\((?P<args>.*)\)\s+=\s+(?P<result>-?\d+)")
_QUOTED_PATH = re.compile(r'(?:(?P<dirfd>AT_FDCWD|\d+<[^>]*>), )?"(?P<path>(?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class Run:
    exit_code: int
    output: str
    peak_rss: int
    """Bytes: the largest resident set of the child and everything it started."""
    seconds: float
    written: tuple[str, ...]
    """Every path the child created, changed or opened for writing."""


@dataclass(frozen=True)
class Sandbox:
    root: Path
    home: Path
    temp: Path
    cwd: Path
    trace: Path

    @classmethod
    def make(cls, root: Path) -> Sandbox:
        box = cls(root, root / "home", root / "tmp", root / "cwd", root / "trace")
        for folder in (box.home, box.temp, box.cwd, box.trace):
            folder.mkdir(parents=True)
        return box

    def environment(self) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "TMPDIR": str(self.temp),
            "PYTHONUTF8": "1",
            # Python's own byte-code cache is not the verifier writing; an installed build has none.
            "PYTHONDONTWRITEBYTECODE": "1",
        }


@pytest.fixture(scope="module")
def demo_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-demo")
    return export_demo_bundle(build_demo_vault(folder, kdf=FAST_INSECURE_KDF), folder / "bundles")


@pytest.fixture(scope="module")
def results() -> Iterator[list[tuple[Hostile, Run]]]:
    found: list[tuple[Hostile, Run]] = []
    yield found
    if len(found) == len(HOSTILE):
        _record(found)


def run_verify(bundle: Path, box: Sandbox) -> Run:
    return run_traced([str(RVR_VERIFY), str(bundle)], box)


def run_traced(argv: list[str], box: Sandbox) -> Run:
    """``argv`` under strace in ``box``; its peak memory comes from wait4."""
    report = box.root / "exit-and-peak.txt"
    command = [
        sys.executable,
        "-c",
        _LAUNCHER,
        str(report),
        "strace",
        "-f",
        "-ff",
        "-qq",
        "-y",
        "--seccomp-bpf",
        "-e",
        f"trace={TRACED}",
        "-e",
        "signal=none",
        "-o",
        str(box.trace / "call"),
        *argv,
    ]
    output = box.root / "output.txt"
    started = time.monotonic()
    with output.open("wb") as sink:
        child = subprocess.Popen(
            command,
            cwd=box.cwd,
            env=box.environment(),
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        guard = threading.Timer(HANG_GUARD_S, os.killpg, (child.pid, signal.SIGKILL))
        guard.start()
        try:
            child.wait()
        finally:
            guard.cancel()
    seconds = time.monotonic() - started
    assert child.returncode != -signal.SIGKILL, f"{argv} hung"
    exit_code, peak_kib = map(int, report.read_text().split())
    return Run(
        exit_code=exit_code,
        output=output.read_text("utf-8", "replace"),
        peak_rss=peak_kib * 1024,
        seconds=seconds,
        written=tuple(_written_paths(box)),
    )


def _written_paths(box: Sandbox) -> Iterator[str]:
    for trace in box.trace.iterdir():
        for line in trace.read_text("utf-8", "replace").splitlines():
            call = _CALL.match(line)
            if call is None or int(call["result"]) < 0:
                continue
            name, args = call["call"], call["args"]
            if name.startswith("open") and not _WRITE_FLAGS.search(args):
                continue
            for found in _QUOTED_PATH.finditer(args):
                yield _absolute(found["dirfd"], found["path"], box.cwd)


def _absolute(dirfd: str | None, path: str, cwd: Path) -> str:
    if path.startswith("/"):
        return os.path.normpath(path)
    base = str(cwd) if dirfd in (None, "AT_FDCWD") else dirfd.split("<", 1)[1][:-1]
    return os.path.normpath(os.path.join(base, path))


def _outside_temp(run: Run, box: Sandbox) -> list[str]:
    """Paths written outside the private temp folder, other than the app's log folder."""
    log_folder = box.home / ".local" / "state" / "RVR Desktop" / "log"
    log_tree = {str(folder) for folder in log_folder.parents if box.home in folder.parents}
    strays = []
    for path in run.written:
        if path == "/dev/null" or path.startswith(str(box.temp) + "/"):
            continue
        if path in log_tree or path.startswith(str(log_folder)):
            continue
        strays.append(path)
    return strays


def _bytes_outside_temp(box: Sandbox) -> int:
    """Everything now in the private HOME was put there by the child."""
    return sum(p.stat().st_size for p in box.home.rglob("*") if p.is_file())


def _snapshot(folder: Path) -> list[tuple[str, int, int]]:
    return sorted(
        (str(p), p.lstat().st_size, p.lstat().st_mtime_ns) for p in [folder, *folder.rglob("*")]
    )


@pytest.mark.skipif(shutil.which("strace") is None, reason="./dev installs strace")
@pytest.mark.parametrize("hostile", HOSTILE, ids=[h.name for h in HOSTILE])
def test_rvr_verify_refuses_a_hostile_bundle_within_bounds_and_writes_nothing(
    hostile: Hostile,
    demo_bundle: Path,
    tmp_path: Path,
    results: list[tuple[Hostile, Run]],
) -> None:
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    bundle = hostile.build(incoming, demo_bundle)
    box = Sandbox.make(tmp_path / "sandbox")
    before = _snapshot(incoming)

    run = run_verify(bundle, box)

    assert run.exit_code == 1, run.output
    assert "NOT VERIFIED" in run.output
    refusal = [line for line in run.output.splitlines() if line.startswith("FAIL")]
    assert refusal and hostile.reason in refusal[0], run.output
    assert "Traceback" not in run.output
    assert run.peak_rss < MEMORY_LIMIT, f"{run.peak_rss:,} bytes"
    assert _outside_temp(run, box) == []
    assert _bytes_outside_temp(box) == 0
    assert _snapshot(incoming) == before
    assert list(box.cwd.iterdir()) == []
    results.append((hostile, run))


def _record(found: list[tuple[Hostile, Run]]) -> None:
    peak = max(run.peak_rss for _, run in found)
    slowest_hostile, slowest = max(found, key=lambda pair: pair[1].seconds)
    record_figure(
        "Hostile archives",
        "hostile bundles through rvr-verify (zip and folder: '..', absolute, links, duplicates, "
        "overlap, bombs, a million-line manifest, non-UTF-8 and look-alike names)",
        f"{len(found)} of {len(HOSTILE)} refused with a reason; peak memory "
        f"{peak / (1 << 20):.0f} MB; slowest {slowest.seconds:.1f} s "
        f"({slowest_hostile.name}, under strace); 0 bytes written outside its temp folder",
    )


@pytest.mark.skipif(shutil.which("strace") is None, reason="./dev installs strace")
def test_the_measures_see_a_child_that_writes_and_allocates(tmp_path: Path) -> None:
    """Positive controls: a child that fills 300 MB and writes beside itself is caught,
    and a small child started after the test process grew is measured as small."""
    big = bytearray(400 << 20)
    big[::4096] = b"x" * len(big[::4096])
    box = Sandbox.make(tmp_path / "sandbox")
    script = (
        "import os; b = bytearray(300 << 20); b[::4096] = b'x' * len(b[::4096]); "
        "open('stray.txt', 'w').write('x'); os.mkdir(os.path.expanduser('~/made'))"
    )
    run = run_traced([sys.executable, "-c", script], box)
    assert run.exit_code == 0, run.output
    assert run.peak_rss > 300 << 20
    assert _outside_temp(run, box) == [str(box.cwd / "stray.txt"), str(box.home / "made")]
    small = run_traced([sys.executable, "-c", "pass"], Sandbox.make(tmp_path / "small"))
    assert small.peak_rss < 200 << 20
    del big
