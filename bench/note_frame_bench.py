"""A note in one frame: from the Enter key in the real notes box to the note shown in the
table and durable on disk, in a vault that already holds many notes.

The officer types into the case's notes panel (the widget the app shows, offscreen) and
presses Enter as pytest-qt does (``QTest.keyClick`` on the box). The time runs until the
table has painted after the key: by then the note is committed with SQLCipher's
``synchronous=FULL`` (the WAL fsynced before ``append_note`` returns) and on screen. The
aim is a frame at 60 Hz: a p99 under 16 ms.

Baselines in the same run: a bare ``sqlite3`` insert and commit (WAL, ``synchronous=FULL``)
into a table of as many rows, and an empty round trip of the Qt event loop that repaints
the same table. The figure is also printed at each size, to show how it grows.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.report import Figure, percentile
from bench.vault_bench import _plain_sqlite_appends

MEASURED_NOTES = 1_000
HEADLINE_NOTES = 100_000
BIG_NOTES = 1_000_000
BIG_BUILD_LIMIT_S = 120.0
"""The million-note vault is measured only when building it took less than this."""
PAINT_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class _Sizes:
    notes: int
    build_s: float
    enter_ms: list[float]
    sqlite_ms: list[float]
    round_trip_ms: list[float]


def _bulk_notes(vault: Any, case_id: int, count: int) -> None:
    """Earlier notes in one transaction, as the core writes them (the audit chain is not
    needed for what is measured: appending reads only its head)."""
    now = vault.clock.utc_now_ms()
    session = vault.clock_session
    with vault.transaction() as tx:
        for i in range(count):
            tx.execute(
                "INSERT INTO timeline(case_id, kind, recorded_utc_ms, monotonic_ns, "
                "clock_session, author, text, payload_json) VALUES (?, 'note', ?, ?, ?, ?, ?, "
                "'{}')",
                (case_id, now, i, session, "Officer", f"Earlier note {i}: what was said. " * 2),
            )


def _sqlite_commits(folder: Path, count: int, measured: int) -> list[float]:
    """Milliseconds for each bare insert and commit, WAL with synchronous=FULL, into a
    table of ``count`` rows (the vault bench's baseline, in a folder of its own)."""
    own = folder / f"plain-{count}"
    own.mkdir()
    return [seconds * 1000 for seconds in _plain_sqlite_appends(own, count, measured)]


class _PaintClock:
    """When the table's viewport last painted (an event filter sees every paint)."""

    def __init__(self, viewport: Any) -> None:
        from PySide6.QtCore import QEvent, QObject

        clock = self

        class Filter(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.Paint:
                    clock.last = time.perf_counter()
                return False

        self.last = 0.0
        self._filter = Filter()
        viewport.installEventFilter(self._filter)

    def wait_after(self, start: float, app: Any) -> float:
        """Process events until a paint later than ``start``; the seconds that took."""
        from PySide6.QtCore import QEventLoop

        deadline = time.perf_counter() + PAINT_TIMEOUT_S
        while self.last <= start:
            if time.perf_counter() > deadline:
                raise RuntimeError("the notes table did not repaint after the note was added")
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        return self.last - start


def _settle(app: Any, services: Any) -> None:
    deadline = time.perf_counter() + PAINT_TIMEOUT_S
    app.processEvents()
    while services.tasks.running and time.perf_counter() < deadline:
        services.tasks.wait_for_workers(50)
        app.processEvents()


def _measure(folder: Path, count: int, measured: int) -> _Sizes:
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from rvr_desktop.evidence.case import cases, timeline
    from rvr_desktop.evidence.records.timeline_entry import CallEvent
    from rvr_desktop.evidence.vault import Vault
    from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
    from rvr_desktop.ui.dialogs import Dialogs
    from rvr_desktop.ui.notes_panel import NotesPanel
    from rvr_desktop.ui.screen_capture import ScreenGrabber
    from rvr_desktop.ui.services import Services
    from rvr_desktop.ui.settings import AppSettings

    app = QApplication.instance() or QApplication([])
    unlock_words = "bench passphrase"
    started = time.perf_counter()
    vault = Vault.create(folder / f"vault-{count}", unlock_words, kdf=FAST_INSECURE_KDF)
    case = cases.create_case(vault, "BENCH-0001", "Bench")
    _bulk_notes(vault, case.id, count)
    timeline.record_event(vault, case.id, CallEvent.SAFETY_GATE_PASSED, "gate", {})
    timeline.record_event(vault, case.id, CallEvent.CALL_STARTED, "start")
    build_s = time.perf_counter() - started

    settings = AppSettings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    services = Services.build(
        dialogs=Dialogs(), settings=settings, screen=ScreenGrabber(), kdf=FAST_INSECURE_KDF
    )
    panel = NotesPanel(services, vault, case.id)
    panel.resize(1000, 700)
    panel.show()
    paints = _PaintClock(panel.table.viewport())
    paints.wait_after(0.0, app)
    enter_ms: list[float] = []
    for i in range(measured):
        text = f"Victim describes event number {i}; the door was locked at 23:{i % 60:02d}."
        panel.input.setPlainText(text)
        # Typing is not measured, only what follows the key. An officer takes seconds to
        # type a note: the work the last one started in the background (the remark's
        # read) and the spell-checker's dictionary have finished by then.
        _settle(app, services)
        start = time.perf_counter()
        QTest.keyClick(panel.input, Qt.Key.Key_Return)
        enter_ms.append(paints.wait_after(start, app) * 1000)
    last = panel.model.entry_at(panel.model.rowCount() - 1)
    if last is None or not last.text.startswith(f"Victim describes event number {measured - 1};"):
        raise RuntimeError("the last note entered is not the table's last row")

    # The empty round trip: ask the same table to repaint and wait for the frame.
    round_trip_ms: list[float] = []
    for _ in range(measured):
        start = time.perf_counter()
        panel.table.viewport().update()
        round_trip_ms.append(paints.wait_after(start, app) * 1000)

    panel.close()
    panel.deleteLater()
    services.tasks.cancel_all()
    services.tasks.wait_for_workers()
    app.processEvents()
    vault.lock()
    _check_durable(folder / f"vault-{count}", unlock_words, case.id, count + 2 + measured)
    return _Sizes(count, build_s, enter_ms, _sqlite_commits(folder, count, measured), round_trip_ms)


def _check_durable(root: Path, passphrase: str, case_id: int, expected: int) -> None:
    """Every note is there after the vault is opened again."""
    from rvr_desktop.evidence.case import timeline
    from rvr_desktop.evidence.vault import Vault

    vault = Vault.unlock(root, passphrase)
    try:
        found = len(timeline.entries(vault, case_id))
    finally:
        vault.lock()
    if found != expected:
        raise RuntimeError(f"{found} entries after reopening the vault, {expected} expected")


def _print_growth(rows: list[_Sizes], skipped: str) -> None:
    print("note in a frame, as the vault grows (Enter -> shown and durable; ms)", flush=True)
    print(
        f"  {'notes':>9} | {'p50':>6} | {'p99':>6} | {'sqlite3 p99':>11} | "
        f"{'empty frame p99':>15} | {'vault built in':>14}"
    )
    for row in rows:
        print(
            f"  {row.notes:>9,} | {percentile(row.enter_ms, 50):>6.2f} | "
            f"{percentile(row.enter_ms, 99):>6.2f} | {percentile(row.sqlite_ms, 99):>11.2f} | "
            f"{percentile(row.round_trip_ms, 99):>15.2f} | {row.build_s:>12.1f} s"
        )
    if skipped:
        print(f"  {skipped}", flush=True)


def run(quick: bool = False) -> list[Figure]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    measured = 100 if quick else MEASURED_NOTES
    rows: list[_Sizes] = []
    skipped = ""
    with tempfile.TemporaryDirectory(
        prefix="rvr-bench-notes-", dir=os.environ.get("RVR_BENCH_DIR")
    ) as tmp:
        folder = Path(tmp)
        for count in (1_000, HEADLINE_NOTES):
            rows.append(_measure(folder, count, measured))
        if quick:
            skipped = "1,000,000 notes: not in a quick run"
        elif rows[-1].build_s * BIG_NOTES / HEADLINE_NOTES > BIG_BUILD_LIMIT_S:
            skipped = (
                f"1,000,000 notes: skipped, building it would take about "
                f"{rows[-1].build_s * BIG_NOTES / HEADLINE_NOTES:.0f} s here"
            )
        else:
            rows.append(_measure(folder, BIG_NOTES, measured))
    _print_growth(rows, skipped)
    headline = rows[1]
    label = f"{headline.notes // 1000}k notes, {len(headline.enter_ms):,} entered"
    aim = "aim: p99 under 16 ms (a frame)"
    return [
        Figure(
            f"note in a frame p50 ({label})",
            percentile(headline.enter_ms, 50),
            "ms",
            "sqlite3 insert+commit p50",
            percentile(headline.sqlite_ms, 50),
            aim,
        ),
        Figure(
            f"note in a frame p99 ({label})",
            percentile(headline.enter_ms, 99),
            "ms",
            "sqlite3 insert+commit p99",
            percentile(headline.sqlite_ms, 99),
            aim,
        ),
        Figure(
            f"note in a frame p99 ({label})",
            percentile(headline.enter_ms, 99),
            "ms",
            "empty Qt frame of the same table p99",
            percentile(headline.round_trip_ms, 99),
            aim,
        ),
    ]


if __name__ == "__main__":
    import sys

    from rvr_desktop.app import configure_process

    configure_process(log_to_file=False)
    for figure in run(quick="--quick" in sys.argv):
        print(figure.line(), flush=True)
