"""Start-up stays lean: the unlock screen never waits on signing, PDF or export.

Each check runs in a fresh Python process, so what this test process already imported
cannot hide a module that the first screen loads. How long start-up takes is measured in
``bench/startup_bench.py``, never here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "pyhanko",
    "reportlab",
    "fontTools",
    "rvr_desktop.evidence.bundle.export",
    "boto3",
    "botocore",
    "rvr_desktop.evidence.store",
)
"""Signing, PDF rendering, font subsetting, the bundle exporter, and the evidence store's
S3 client (boto3 alone takes a few hundred milliseconds to import)."""

CHILD_TIMEOUT_S = 120


def _child(code: str, *args: str, home: Path | None = None) -> object:
    """Run ``code`` in a fresh interpreter; it prints one JSON value as its last line."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if home is not None:  # the app's settings and logs stay in the test's folder
        env.update({f"XDG_{kind}_HOME": str(home / kind) for kind in ("CONFIG", "DATA", "STATE")})
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def _loaded(names: object, prefix: str) -> bool:
    assert isinstance(names, list)
    return any(name == prefix or name.startswith(prefix + ".") for name in names)


@pytest.mark.parametrize(
    "module",
    ["rvr_desktop.ui.unlock_screen", "rvr_desktop.ui.main_window", "rvr_desktop.ui.launch"],
)
def test_the_way_to_the_unlock_screen_loads_no_signing_pdf_or_export(module: str) -> None:
    loaded = _child(f"import json, sys\nimport {module}\nprint(json.dumps(sorted(sys.modules)))")
    assert _loaded(loaded, "PySide6"), "the child really imported the UI"
    assert _loaded(loaded, "rvr_desktop.evidence.vault"), "and the vault it unlocks"
    found = [heavy for heavy in HEAVY if _loaded(loaded, heavy)]
    assert found == [], f"importing {module} loads {found}"


def test_after_the_background_imports_the_screens_find_the_core_already_loaded() -> None:
    """The warm-up thread imports every core module and package that a later screen needs,
    so opening a case, the settings or the Verify window imports only our own UI code."""
    new = _child(
        """
import json, pkgutil, sys
import rvr_desktop.ui
from rvr_desktop.ui import launch, warm_up
warm_up.start()
warm_up.finish()
assert "pyhanko" in sys.modules and "reportlab" in sys.modules and "boto3" in sys.modules
before = set(sys.modules)
for info in pkgutil.iter_modules(rvr_desktop.ui.__path__, "rvr_desktop.ui."):
    __import__(info.name)
print(json.dumps(sorted(set(sys.modules) - before)))
"""
    )
    assert isinstance(new, list)
    ours = ("rvr_desktop.ui.", "PySide6.", "shiboken6")
    left = [
        name
        for name in new
        if not name.startswith(ours) and name.split(".")[0] not in sys.stdlib_module_names
    ]
    assert left == [], f"add these to rvr_desktop.ui.warm_up.CORE_MODULES: {left}"


def test_an_officer_unlocks_and_opens_a_case_while_the_libraries_still_load(
    tmp_path: Path,
) -> None:
    """The real start-up path in a fresh process: the background imports start at once, and
    the case list and case view, imported on first use, wait for them rather than race."""
    seen = _child(
        """
import json, sys
from pathlib import Path
from PySide6.QtCore import QEventLoop, QTimer
from rvr_desktop.evidence.case import cases
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from rvr_desktop.ui import warm_up
from rvr_desktop.ui.launch import application, build_main_window
from rvr_desktop.ui.services import Services

app = application()
window = build_main_window(Services.build(kdf=FAST_INSECURE_KDF), vault_path=Path(sys.argv[1]))
window.show()
warm_up.start()
screen = window.unlock_screen
screen.name_field.setText("Jane Smith")
screen.passphrase_field.setText("amber harbour lantern meadow")
screen.repeat_field.setText("amber harbour lantern meadow")
loop = QEventLoop()
window.vault_opened.connect(loop.quit)
QTimer.singleShot(60_000, loop.quit)
screen.submit()
loop.exec()
case = cases.create_case(window.vault, "INC-2026-0042", "Priya")
window.open_case(case.id)
print(json.dumps({
    "cases shown": [c.reference for c in window.case_list.shown_cases],
    "case open": window.workspace is not None and window.workspace.case.id == case.id,
    "signing loaded": "pyhanko" in sys.modules,
}))
""",
        str(tmp_path / "vault"),
        home=tmp_path,
    )
    assert seen == {"cases shown": [], "case open": True, "signing loaded": True}
