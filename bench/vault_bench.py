"""Vault figures: note-append latency in a big vault, attachment throughput, unlock time."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.report import Figure, median, percentile, timed
from rvr_desktop.evidence.case import attachments, cases, timeline
from rvr_desktop.evidence.records.timeline_entry import CallEvent
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import DEFAULT_KDF, FAST_INSECURE_KDF

PREFILL_NOTES = 100_000
MEASURED_APPENDS = 300
CHUNK = 1 << 20


def _prefill(vault: Vault, case_id: int, count: int) -> None:
    """Bulk-load earlier notes in one transaction (the latency measured is of later appends)."""
    now = vault.clock.utc_now_ms()
    rows = [
        (case_id, "note", now, i, vault.clock_session, "Officer", f"earlier note {i} " * 4, "{}")
        for i in range(count)
    ]
    with vault.transaction() as tx:
        for row in rows:
            tx.execute(
                "INSERT INTO timeline(case_id, kind, recorded_utc_ms, monotonic_ns, "
                "clock_session, author, text, payload_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )


def _plain_sqlite_appends(folder: Path, count: int, measured: int) -> list[float]:
    conn = sqlite3.connect(folder / "plain.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, case_id, utc, text)")
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO notes(case_id, utc, text) VALUES (1, ?, ?)",
        ((i, f"earlier note {i} " * 4) for i in range(count)),
    )
    conn.execute("COMMIT")
    samples = []
    for i in range(measured):
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO notes(case_id, utc, text) VALUES (1, ?, ?)", (i, f"note {i}"))
        conn.execute("COMMIT")
        samples.append(time.perf_counter() - start)
    conn.close()
    return samples


def note_latency(folder: Path) -> list[Figure]:
    vault = Vault.create(folder / "big", "bench passphrase", kdf=FAST_INSECURE_KDF)
    case = cases.create_case(vault, "BENCH-0001", "Bench")
    _prefill(vault, case.id, PREFILL_NOTES)
    timeline.record_event(vault, case.id, CallEvent.SAFETY_GATE_PASSED, "gate", {})
    timeline.record_event(vault, case.id, CallEvent.CALL_STARTED, "start")
    samples = []
    for i in range(MEASURED_APPENDS):
        start = time.perf_counter()
        timeline.append_note(vault, case.id, f"Victim describes event number {i}.")
        samples.append(time.perf_counter() - start)
    vault.lock()
    plain = _plain_sqlite_appends(folder, PREFILL_NOTES, MEASURED_APPENDS)
    aim = "vault adds encryption and the audit record; same durability"
    return [
        Figure(
            "note append p50 (100k notes in vault)",
            percentile(samples, 50) * 1000,
            "ms",
            "sqlite3 insert p50",
            percentile(plain, 50) * 1000,
            aim,
        ),
        Figure(
            "note append p99 (100k notes in vault)",
            percentile(samples, 99) * 1000,
            "ms",
            "sqlite3 insert p99",
            percentile(plain, 99) * 1000,
            aim,
        ),
    ]


def _write_source(path: Path, size: int) -> None:
    block = os.urandom(CHUNK)
    with open(path, "wb") as handle:
        for _ in range(size // CHUNK):
            handle.write(block)


def _copy_hash_fsync(source: Path, target: Path) -> None:
    """The floor for a durable, hashed copy: read, SHA-256, write a new file, fsync."""
    digest = hashlib.sha256()
    with open(source, "rb") as src, open(target, "xb") as dst:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())


def copy_baseline_seconds(sources: list[Path], folder: Path, runs: int = 2) -> float:
    """Median time to copy ``sources`` into new files (as an import or export writes new
    files; overwriting an old one reuses its disk blocks and flatters the baseline)."""
    samples = []
    for run in range(runs):
        targets = [folder / f"baseline-{run}-{n}.bin" for n in range(len(sources))]
        start = time.perf_counter()
        for source, target in zip(sources, targets, strict=True):
            _copy_hash_fsync(source, target)
        samples.append(time.perf_counter() - start)
        for target in targets:
            target.unlink()
    return median(samples)


class _HashSink:
    def __init__(self) -> None:
        self.digest = hashlib.sha256()

    def write(self, data: memoryview, /) -> int:
        self.digest.update(data)
        return len(data)


def attachment_throughput(folder: Path, size: int) -> list[Figure]:
    source = folder / "source.bin"
    _write_source(source, size)
    baseline = copy_baseline_seconds([source], folder)
    vault = Vault.create(folder / "attach", "bench passphrase", kdf=FAST_INSECURE_KDF)
    case = cases.create_case(vault, "BENCH-0002", "Bench")
    imported: list[attachments.Attachment] = []
    import_s = timed(lambda: imported.append(attachments.import_file(vault, case.id, source)))
    read_s = timed(lambda: attachments.read_into(vault, imported[0].id, _HashSink()))
    vault.lock()
    mib = size / 2**20
    aim = "aim: at least half the baseline (ratio >= 0.5)"
    return [
        Figure(
            f"attachment import {mib:.0f} MiB",
            mib / import_s,
            "MiB/s",
            "copy+SHA-256+fsync",
            mib / baseline,
            aim,
        ),
        Figure(
            f"attachment read-back {mib:.0f} MiB",
            mib / read_s,
            "MiB/s",
            "copy+SHA-256+fsync",
            mib / baseline,
            aim,
        ),
    ]


def unlock_time(folder: Path) -> list[Figure]:
    root = folder / "unlock"
    Vault.create(root, "bench passphrase", kdf=DEFAULT_KDF).lock()
    samples = []
    for _ in range(3):
        start = time.perf_counter()
        Vault.unlock(root, "bench passphrase").lock()
        samples.append(time.perf_counter() - start)
    header = json.loads((root / "vault-header.json").read_text())["kdf"]
    floor = (
        median(
            [
                timed(lambda: Vault.unlock(folder / "fast", "bench passphrase").lock())
                for _ in range(3)
            ]
        )
        if (folder / "fast").exists()
        else 0.0
    )
    if not floor:
        Vault.create(folder / "fast", "bench passphrase", kdf=FAST_INSECURE_KDF).lock()
        floor = median(
            [
                timed(lambda: Vault.unlock(folder / "fast", "bench passphrase").lock())
                for _ in range(3)
            ]
        )
    return [
        Figure(
            f"unlock (Argon2id {header['memory_kib'] // 1024} MiB, t={header['time_cost']})",
            median(samples) * 1000,
            "ms",
            "unlock with a trivial KDF",
            floor * 1000,
            "aim: 0.5 to 1 s; the ratio is the cost an attacker pays per guess",
        )
    ]


def run(size: int) -> list[Figure]:
    with tempfile.TemporaryDirectory(
        prefix="rvr-bench-", dir=os.environ.get("RVR_BENCH_DIR")
    ) as tmp:
        folder = Path(tmp)
        return [*unlock_time(folder), *note_latency(folder), *attachment_throughput(folder, size)]
