"""Crashes: kill the program at random moments and at every named crash point; lose nothing.

A child program (``tests/security/crash_children.py``) takes notes, imports attachments or
exports bundles, printing each action once it has returned. The parent SIGKILLs it, then
proves: every acknowledged note and exhibit is there, unchanged; the vault has no integrity
problem (SQLite and SQLCipher checks, the audit chain, every row re-hashed as in
``vault check``); an orphan blob is reported as one and never listed as an exhibit, and the
next unlock removes it; a half-written bundle is never under a bundle's name and the next
export sweeps it; a bundle under its final name verifies, recorded or not.
"""

from __future__ import annotations

import ast
import contextlib
import os
import random
import re
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from rvr_desktop.evidence.bundle.export import ExportRequest, export_case
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.case import attachments, cases, timeline
from rvr_desktop.evidence.case.consistency import content_problems
from rvr_desktop.evidence.crashpoints import CRASH_POINT_VARIABLE
from rvr_desktop.evidence.demo import DemoVault, build_demo_vault
from rvr_desktop.evidence.signing.trust import TrustStore
from rvr_desktop.evidence.vault import HEADER_NAME, Vault, audit
from rvr_desktop.evidence.vault.header import KeyCheckFailed, VaultHeader
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from tests.figures import record_figure, soak

ROOT = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("RVR_CRASH_KILLS", "1000" if soak() else "30"))
"""Every commit: 30 kills (10 of each kind), sized to keep ``./dev test`` well inside CI's
time on two busy cores; ``./dev soak``: 1,000."""
WORK_CASE = "INC-2026-0999"
ORPHAN_PREFIX = "an encrypted file no attachment refers to: blobs/"


@dataclass(frozen=True)
class KillTiming:
    """When a child is killed: a random while after its ``count``-th line starting ``after``."""

    after: str
    count: int
    """Waiting for the first note, exhibit or second export means every round acknowledges
    something, however slow the machine."""
    window: float
    """The longest wait in seconds: long enough to cover a whole action, so kills land in
    every part of one."""


KILL_TIMINGS = {
    "notes": KillTiming("note ", 1, 0.25),
    "import": KillTiming("exhibit ", 1, 0.12),
    # From the second export's start of writing, so kills land in writing, renaming and
    # recording the bundle rather than in rendering its PDFs.
    "export": KillTiming("writing", 2, 0.1),
}
# The one action a child does for each named crash point (see test_every_named_crash_point...).
SCENARIOS = {
    "blob.encrypted-before-rename": "import",
    "attachment.blob-stored-before-row": "import",
    "attachment.row-written-before-commit": "import",
    "export.payload-written-before-tag-files": "export",
    "export.bundle-in-place-before-record": "export",
    "export.recorded-before-head-acknowledged": "export",
    "header.before-replace": "passwd",
    "header.temp-written-before-rename": "passwd",
    "header.replaced-before-return": "passwd",
}
# Hang guard for a child that should have been killed (not a timing claim).
CHILD_TIMEOUT_S = 120


def crash_point_names() -> dict[str, str]:
    """Every ``crash_point("...")`` in the product, with the file it is in."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "rvr_desktop").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            called = node.func
            name = called.id if isinstance(called, ast.Name) else getattr(called, "attr", None)
            if name != "crash_point" or path.name == "crashpoints.py":
                continue
            argument = node.args[0] if node.args else None
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            assert isinstance(argument, ast.Constant) and isinstance(argument.value, str), (
                f"{where}: a crash point's name must be a literal string, so tests can find it"
            )
            assert argument.value not in found, f"{where}: crash point name used twice"
            found[argument.value] = where
    return found


# ---- the world a child works in, and what it acknowledged ---------------------------------


@dataclass
class World:
    demo: DemoVault
    destination: Path
    trust: TrustStore

    @property
    def root(self) -> Path:
        return self.demo.root


@dataclass
class Acknowledged:
    """What children printed after the call returned: the promises the vault must keep."""

    notes: dict[int, str] = field(default_factory=dict)
    exhibits: dict[int, str] = field(default_factory=dict)
    exports: set[str] = field(default_factory=set)

    def take(self, lines: list[str]) -> None:
        for line in lines:
            word, _, rest = line.partition(" ")
            if word == "note":
                entry_id, _, text = rest.partition(" ")
                self.notes[int(entry_id)] = text
            elif word == "exhibit":
                exhibit_id, _, sha256 = rest.partition(" ")
                self.exhibits[int(exhibit_id)] = sha256
            elif word == "exported":
                self.exports.add(rest)


@dataclass
class Recovery:
    """What one recovery found (counted for the figures)."""

    orphans: int = 0
    half_written_bundles: int = 0
    unrecorded_bundles: int = 0


def make_world(tmp_path: Path) -> World:
    demo = build_demo_vault(tmp_path / "demo", kdf=FAST_INSECURE_KDF)
    with Vault.unlock(demo.root, demo.passphrase) as vault:
        cases.create_case(vault, WORK_CASE, "Crash Test")
    destination = tmp_path / "exports"
    destination.mkdir()
    return World(demo, destination, TrustStore.from_paths([demo.trust_root]))


# ---- children ---------------------------------------------------------------------------------


def start_child(*args: str, crash_point: str | None = None) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != CRASH_POINT_VARIABLE}
    if crash_point is not None:
        env[CRASH_POINT_VARIABLE] = crash_point
    return subprocess.Popen(
        [sys.executable, "-m", "tests.security.crash_children", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


class LineReader:
    """Whole lines from a child's stdout; a line cut short by the kill is not a line."""

    def __init__(self, child: subprocess.Popen[bytes]) -> None:
        assert child.stdout is not None
        self._child = child
        self._fd = child.stdout.fileno()
        self._buffer = b""
        self.lines: list[str] = []

    def _take(self, data: bytes) -> None:
        self._buffer += data
        *whole, self._buffer = self._buffer.split(b"\n")
        self.lines.extend(line.decode("utf-8") for line in whole)

    def until(self, marker: str, count: int = 1) -> None:
        """Read until ``count`` lines start with ``marker`` (a child that ends first fails)."""
        while sum(line.startswith(marker) for line in self.lines) < count:
            ready, _, _ = select.select([self._fd], [], [], CHILD_TIMEOUT_S)
            data = os.read(self._fd, 1 << 16) if ready else b""
            if not data:
                self._child.kill()
                self._child.wait()
                stderr = self._child.stderr.read() if self._child.stderr else b""
                raise AssertionError(
                    f"the child ended before printing {marker!r}: {stderr.decode()[-3000:]}"
                )
            self._take(data)

    def for_a_while(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self._fd], [], [], left)
            if ready:
                data = os.read(self._fd, 1 << 16)
                if not data:
                    return
                self._take(data)

    def to_the_end(self) -> None:
        while data := os.read(self._fd, 1 << 16):
            self._take(data)


def kill_at_random(
    child: subprocess.Popen[bytes], timing: KillTiming, rng: random.Random
) -> list[str]:
    """Let the child work for a random while as ``timing`` says, SIGKILL it, return its lines."""
    reader = LineReader(child)
    reader.until(timing.after, timing.count)
    reader.for_a_while(rng.uniform(0.0, timing.window))
    child.kill()
    child.wait()
    reader.to_the_end()
    close_pipes(child)
    return reader.lines


def close_pipes(child: subprocess.Popen[bytes]) -> None:
    for pipe in (child.stdout, child.stderr):
        if pipe is not None:
            pipe.close()


# ---- recovery -----------------------------------------------------------------------------


class _Discard:
    def write(self, data: bytes, /) -> int:
        return len(data)


def _all_attachments(vault: Vault) -> list[attachments.Attachment]:
    return [
        item
        for case in cases.list_cases(vault)
        for item in attachments.list_attachments(vault, case.id)
    ]


def recover_and_prove(
    world: World, acknowledged: Acknowledged, passphrase: str, checked: set[int], verified: set[str]
) -> Recovery:
    """Open the vault after a kill and prove nothing acknowledged was lost or damaged.

    ``checked`` and ``verified`` hold the exhibits read back and bundles verified in earlier
    rounds (each is proved once; its row is re-hashed in every round).
    """
    recovery = Recovery()
    # vault check's view first: it changes nothing, so orphans are still there to be seen.
    with Vault.unlock(world.root, passphrase, inspect_only=True) as vault:
        damage = list(vault.damage)
        unexpected = [d for d in damage if not d.startswith(ORPHAN_PREFIX)]
        assert unexpected == [], f"after a kill, vault check found: {unexpected}"
        orphans = {d.removeprefix(ORPHAN_PREFIX) for d in damage}
        listed = {item.blob_name for item in _all_attachments(vault)}
        assert not orphans & listed, "a blob reported as an orphan is listed as an exhibit"
        recovery.orphans = len(orphans)
    with Vault.unlock(world.root, passphrase) as vault:
        assert vault.integrity_problems() == []
        assert content_problems(vault) == []
        with vault.reader() as tx:
            assert audit.verify_chain(tx) is None
            recorded = {str(r[0]) for r in tx.all("SELECT bundle_name FROM exports")}
        items = _all_attachments(vault)
        on_disk = set(os.listdir(vault.paths.blobs))
        assert on_disk == {item.blob_name for item in items}, "unlock left an orphan blob"
        stored = {
            entry.id: entry.text
            for case in cases.list_cases(vault)
            for entry in timeline.entries(vault, case.id)
        }
        lost = sorted(i for i, text in acknowledged.notes.items() if stored.get(i) != text)
        assert lost == [], f"acknowledged notes lost or changed after a kill: {lost[:10]}"
        by_id = {item.id: item for item in items}
        for exhibit_id, sha256 in acknowledged.exhibits.items():
            assert by_id.get(exhibit_id) is not None, f"acknowledged exhibit {exhibit_id} lost"
            assert by_id[exhibit_id].sha256 == sha256
            if exhibit_id not in checked:
                attachments.read_into(vault, exhibit_id, _Discard())  # raises if bytes differ
                checked.add(exhibit_id)
    entries = os.listdir(world.destination)
    finals = {name for name in entries if not name.startswith(".")}
    temporaries = [name for name in entries if name.startswith(".")]
    assert all(re.fullmatch(r"\.RVR-.+\.tmp", name) for name in temporaries), temporaries
    assert acknowledged.exports <= recorded, "an acknowledged export is not recorded"
    assert recorded <= finals, "a recorded export's bundle is missing"
    for name in sorted(finals - verified):
        status = verify_bundle(world.destination / name, world.trust)
        assert status.bottom_line, f"{name} is under a bundle's name but {status.verdict_text}"
        verified.add(name)
    recovery.half_written_bundles = len(temporaries)
    recovery.unrecorded_bundles = len(finals - recorded)
    return recovery


def export_sweeps_half_written_bundles(world: World, passphrase: str) -> int:
    """Run one export and prove it removed every half-written bundle; return how many."""
    temporaries = [p for p in world.destination.iterdir() if p.name.startswith(".")]
    # The export sweeps only temporaries older than an hour (one that young may belong to
    # an export still running in another program): make these that old.
    old = time.time() - 2 * 3600
    for path in temporaries:
        os.utime(path, (old, old))
    with Vault.unlock(world.root, passphrase) as vault:
        result = export_case(
            vault,
            ExportRequest(
                world.demo.case_id,
                world.destination,
                recipient="CPS Direct (crash test)",
                justification="Crash test: the export after the kills.",
            ),
        )
    left = [p.name for p in world.destination.iterdir() if p.name.startswith(".")]
    assert left == [], f"the next export left half-written bundles: {left}"
    assert verify_bundle(result.bundle, world.trust).bottom_line
    return len(temporaries)


def which_passphrase(root: Path, candidates: tuple[str, ...]) -> str:
    """The one candidate that unwraps the vault's key (checked without counting failures)."""
    header = VaultHeader.load(root / HEADER_NAME)
    opening = []
    for candidate in candidates:
        with contextlib.suppress(KeyCheckFailed):
            header.unwrap_key(candidate)
            opening.append(candidate)
    assert len(opening) == 1, f"{len(opening)} of the passphrases open the vault"
    return opening[0]


# ---- the tests ----------------------------------------------------------------------------


def test_a_crash_point_kills_only_when_armed_with_its_own_name() -> None:
    code = (
        "from rvr_desktop.evidence.crashpoints import crash_point\n"
        "crash_point('test.not-armed')\n"
        "print('alive', flush=True)\n"
        "crash_point('test.armed')\n"
        "print('not killed', flush=True)\n"
    )
    env = {**os.environ, CRASH_POINT_VARIABLE: "test.armed"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=CHILD_TIMEOUT_S,
        check=False,
    )
    assert result.stdout == b"alive\n", result.stderr.decode()[-2000:]
    assert result.returncode == -signal.SIGKILL


def test_every_crash_point_in_the_code_has_a_kill_scenario() -> None:
    names = crash_point_names()
    untested = sorted(set(names) - set(SCENARIOS))
    assert untested == [], f"crash points with no kill scenario in SCENARIOS: {untested}"
    stale = sorted(set(SCENARIOS) - set(names))
    assert stale == [], f"SCENARIOS names crash points no longer in the code: {stale}"


@pytest.mark.slow
def test_nothing_acknowledged_is_lost_when_notes_imports_and_exports_are_killed(
    tmp_path: Path,
) -> None:
    world = make_world(tmp_path)
    rng = random.Random(20261128)
    acknowledged = Acknowledged()
    checked: set[int] = set()
    verified: set[str] = set()
    kills = {activity: 0 for activity in KILL_TIMINGS}
    orphans = 0
    found = Recovery()
    for round_number in range(KILLS):
        activity = tuple(KILL_TIMINGS)[round_number % len(KILL_TIMINGS)]
        case_ref = world.demo.case_reference if activity == "export" else WORK_CASE
        child = start_child(
            "work",
            activity,
            str(world.root),
            world.demo.passphrase,
            case_ref,
            str(world.destination),
        )
        acknowledged.take(kill_at_random(child, KILL_TIMINGS[activity], rng))
        kills[activity] += 1
        found = recover_and_prove(world, acknowledged, world.demo.passphrase, checked, verified)
        orphans += found.orphans
    # Bundles stay in the export folder from round to round, so the last recovery saw all.
    swept = export_sweeps_half_written_bundles(world, world.demo.passphrase)
    assert swept == found.half_written_bundles
    assert len(acknowledged.notes) > KILLS, "the children should have taken notes"
    assert acknowledged.exhibits and acknowledged.exports, "imports and exports should return"
    record_figure(
        "Crashes",
        "random SIGKILLs during notes, import and export",
        f"{KILLS:,} kills ({kills['notes']} notes, {kills['import']} import, "
        f"{kills['export']} export): 0 of {len(acknowledged.notes):,} acknowledged notes and "
        f"0 of {len(acknowledged.exhibits):,} exhibits lost, 0 integrity failures",
    )
    record_figure(
        "Crashes",
        "files left by the random kills",
        f"{orphans} orphan blobs reported and removed, never listed; {swept} half-written "
        f"bundles never under a bundle's name, swept by the next export; "
        f"{len(verified)} of {len(verified)} bundles under their names verify "
        f"({found.unrecorded_bundles} of them complete but unrecorded)",
    )


@pytest.mark.slow
def test_every_named_crash_point_is_killed_and_recovered(tmp_path: Path) -> None:
    names = crash_point_names()
    for number, name in enumerate(sorted(names)):
        action = SCENARIOS[name]
        world = make_world(tmp_path / f"point-{number}")
        passphrase = world.demo.passphrase
        new_passphrase = passphrase[::-1]
        case_ref = world.demo.case_reference
        child = start_child(
            "point",
            action,
            str(world.root),
            passphrase,
            case_ref,
            str(world.destination),
            crash_point=name,
        )
        try:
            out, err = child.communicate(timeout=CHILD_TIMEOUT_S)
        finally:
            with contextlib.suppress(ProcessLookupError):
                child.kill()
        lines = out.decode().splitlines()
        assert child.returncode == -signal.SIGKILL, (
            f"{name} ({names[name]}) did not kill the child: {lines[-3:]} {err.decode()[-2000:]}"
        )
        assert "survived" not in lines and any(line.startswith("note ") for line in lines)
        acknowledged = Acknowledged()
        acknowledged.take(lines)
        header_temporaries = list(world.root.glob(".vault-header.json.*.tmp"))
        if name == "header.temp-written-before-rename":
            assert len(header_temporaries) == 1, "the new header should be left under its temp name"
        if action == "passwd":
            expected = new_passphrase if name == "header.replaced-before-return" else passphrase
            passphrase = which_passphrase(world.root, (passphrase, new_passphrase))
            assert passphrase == expected, f"after {name} the wrong passphrase opens the vault"
        found = recover_and_prove(world, acknowledged, passphrase, set(), set())
        assert list(world.root.glob(".vault-header.json.*.tmp")) == [], (
            "the next unlock removes a new header left under its temporary name"
        )
        if name.startswith(("blob.", "attachment.")):
            assert found.orphans == 1, f"{name}: the killed import's blob should be an orphan"
        if name == "export.payload-written-before-tag-files":
            assert found.half_written_bundles == 1
            finals = [n for n in os.listdir(world.destination) if not n.startswith(".")]
            assert finals == [], f"a half-written bundle is under a bundle's name: {finals}"
            assert export_sweeps_half_written_bundles(world, passphrase) == 1
        if name == "export.bundle-in-place-before-record":
            assert found.unrecorded_bundles == 1  # and recover_and_prove verified it
        if name == "export.recorded-before-head-acknowledged":
            finals = [n for n in os.listdir(world.destination) if not n.startswith(".")]
            assert len(finals) == 1 and found.unrecorded_bundles == 0  # recorded and verified
    record_figure(
        "Crashes",
        "named crash points (blob, row, export, passphrase change)",
        f"{len(names)} of {len(names)} named crash points killed and recovered",
    )


@pytest.mark.slow
def test_a_passphrase_change_killed_midway_leaves_the_old_or_the_new(tmp_path: Path) -> None:
    first, second = "first passphrase here", "second passphrase here"
    root = tmp_path / "vault"
    Vault.create(root, first, kdf=FAST_INSECURE_KDF).lock()
    rng = random.Random(7)
    rounds = max(KILLS // 3, 5)
    changes = 0
    current = first
    for _ in range(rounds):
        other = second if current == first else first
        child = start_child("passwd", str(root), current, other)
        lines = kill_at_random(child, KillTiming("ready", 1, 0.25), rng)
        changes += sum(line.startswith("changed-to ") for line in lines)
        current = which_passphrase(root, (first, second))
        with Vault.unlock(root, current) as vault:
            assert vault.integrity_problems() == []
            assert content_problems(vault) == []
    record_figure(
        "Crashes",
        "random SIGKILLs during passphrase changes",
        f"{rounds} kills across {changes:,} changes: the old or the new passphrase opened the "
        "vault every time, 0 integrity failures",
    )
