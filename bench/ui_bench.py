"""The longest stall of the GUI event loop while a 1 GiB attachment is imported and the
case exported through the app's own background-task runner.

A timer asks to run every 5 ms; the longest gap between its runs is the stall an officer
would feel. The baseline is the same timer while the same bytes are copied and hashed on
a plain Python thread: the stall the GIL alone causes.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.report import Figure
from bench.vault_bench import _copy_hash_fsync, _write_source

TICK_MS = 5


def _longest_gap_while(run: Callable[[Callable[[], None]], None]) -> float:
    """Milliseconds of the longest gap between timer ticks while ``run`` works."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    timer.start()
    run(loop.quit)
    loop.exec()
    timer.stop()
    return max(gaps) * 1000 if gaps else 0.0


def run(size: int) -> list[Figure]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from rvr_desktop.evidence.bundle.export import ExportRequest, export_case
    from rvr_desktop.evidence.case import attachments
    from rvr_desktop.evidence.demo import build_demo_vault
    from rvr_desktop.evidence.vault import Vault
    from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
    from rvr_desktop.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory(
        prefix="rvr-bench-ui-", dir=os.environ.get("RVR_BENCH_DIR")
    ) as tmp:
        folder = Path(tmp)
        source = folder / "video.bin"
        _write_source(source, size)
        demo = build_demo_vault(folder, kdf=FAST_INSECURE_KDF)
        vault = Vault.unlock(demo.root, demo.passphrase)
        runner = TaskRunner()
        out = folder / "out"
        out.mkdir()

        def in_background(
            work: Callable[[Any, Any], object],
        ) -> Callable[[Callable[[], None]], None]:
            def start(done: Callable[[], None]) -> None:
                task = runner.start("bench", work)
                task.finished.connect(done)

            return start

        import_stall = _longest_gap_while(
            in_background(
                lambda progress, cancel: attachments.import_file(
                    vault, demo.case_id, source, progress=progress, cancel=cancel
                )
            )
        )
        export_stall = _longest_gap_while(
            in_background(
                lambda progress, cancel: export_case(
                    vault,
                    ExportRequest(demo.case_id, out, "Bench", "Bench run"),
                    progress=progress,
                    cancel=cancel,
                )
            )
        )

        def plain_copy(done: Callable[[], None]) -> None:
            from PySide6.QtCore import QTimer

            def work() -> None:
                _copy_hash_fsync(source, folder / "copy.bin")
                finished.set()

            finished = threading.Event()
            threading.Thread(target=work, daemon=True).start()
            poll = QTimer(app)
            poll.setInterval(20)

            def look() -> None:
                if finished.is_set():
                    poll.stop()
                    done()

            poll.timeout.connect(look)
            poll.start()

        baseline = _longest_gap_while(plain_copy)
        runner.wait_for_workers()
        vault.lock()
    mib = size / 2**20
    aim = "aim: under 100 ms"
    return [
        Figure(
            f"GUI stall, import {mib:.0f} MiB",
            import_stall,
            "ms",
            "plain copy+hash thread",
            baseline,
            aim,
        ),
        Figure(
            f"GUI stall, export {mib:.0f} MiB case",
            export_stall,
            "ms",
            "plain copy+hash thread",
            baseline,
            aim,
        ),
    ]
