"""Data at rest: case content is found nowhere the app wrote, except the export folder.

A random marker goes into every kind of content (case reference, victim name, referral,
note, amendment and its reason, each text field of each shipped template, the safety
gate, an attachment's name and bytes, the officer profile), once through the core in a
child process that runs as the app does (logging at DEBUG, a wrong passphrase, errors, an
export, the real main window unlocked and locked), and once through the real widgets here.
Then every file written under the vault, temp, HOME (and so every XDG folder), Qt's
settings and the logs is searched for the marker as UTF-8, UTF-16 (both byte orders) and
base64 at all three alignments. A plain SQLite copy of the same content is the positive
control: the same search must find it in every encoding.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import cast

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from rvr_desktop.evidence import forms
from rvr_desktop.evidence.case import attachments, timeline
from rvr_desktop.ui.amend_dialog import AmendDialog
from rvr_desktop.ui.case_workspace import FORMS_TAB
from rvr_desktop.ui.field_editors import MultilineEditor, TextEditor
from rvr_desktop.ui.main_window import MainWindow
from rvr_desktop.ui.safety_gate_dialog import SafetyGateDialog
from tests.figures import record_figure
from tests.security.rest_children import GATE_TEMPLATE_ID, hits, needles, new_marker, text_answers
from tests.ui.conftest import (  # noqa: F401 - the GUI fixtures, for the tests here
    ScriptedDialogs,
    _private_qt_settings,
    dialogs,
    services,
    settings,
    window,
)
from tests.ui.officer import create_vault, new_case, type_note

pytestmark = pytest.mark.slow  # started first: see tests/conftest.py

REPO = Path(__file__).resolve().parents[2]
CHILD_TIMEOUT_S = 300  # a hang guard, not a timing claim


def files_under(*roots: Path, exclude: tuple[Path, ...] = ()) -> list[Path]:
    found = []
    for root in roots:
        if not root.exists():
            continue
        for path in sorted(root.rglob("*")):
            if any(path == e or e in path.parents for e in exclude):
                continue
            if path.is_file() and not path.is_symlink():
                found.append(path)
    return found


def search(files: list[Path], marker: str) -> dict[Path, list[str]]:
    """Each file holding the marker, with the encodings it was found in."""
    wanted = needles(marker)
    found = {}
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        where = hits(data, wanted)
        if where:
            found[path] = where
    return found


def child_environment(root: Path) -> dict[str, str]:
    """Private HOME, XDG folders and temp for a child, so everything it writes is ours to see."""
    home = root / "home"
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_RUNTIME_DIR=str(home / "runtime"),
        TMPDIR=str(root / "tmp"),
        QT_QPA_PLATFORM="offscreen",
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONPATH=str(REPO),
    )
    for folder in ("tmp", "home/runtime"):
        (root / folder).mkdir(parents=True, exist_ok=True, mode=0o700)
    return env


def run_flow(root: Path, marker: str, *, prefix: tuple[str, ...] = ()) -> dict[str, object]:
    """The child flow (see rest_children); its JSON summary."""
    command = [*prefix, sys.executable, "-m", "tests.security.rest_children", "flow"]
    done = subprocess.run(
        [*command, str(root / "run"), marker],
        cwd=root / "tmp",
        env=child_environment(root),
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert isinstance(summary, dict)
    return summary


def plain_copies(folder: Path, contents: list[str], blob: bytes) -> list[Path]:
    """The content kept without encryption: SQLite in UTF-8 and UTF-16, and a JSON file
    holding the attachment as base64 (as many formats keep binary data)."""
    folder.mkdir()
    made = []
    for encoding in ("UTF-8", "UTF-16le", "UTF-16be"):
        path = folder / f"plain-{encoding}.db"
        with sqlite3.connect(path) as conn:
            conn.execute(f"PRAGMA encoding = '{encoding}'")
            conn.execute("CREATE TABLE content(text TEXT, blob BLOB)")
            conn.executemany("INSERT INTO content VALUES (?, NULL)", [(c,) for c in contents])
            conn.execute("INSERT INTO content VALUES (NULL, ?)", (blob,))
        conn.close()
        made.append(path)
    for skip in range(3):
        path = folder / f"attachment-{skip}.json"
        path.write_text(json.dumps({"data": base64.b64encode(b"x" * skip + blob).decode()}))
        made.append(path)
    return made


def test_a_plain_sqlite_copy_of_the_content_is_found_in_every_encoding(tmp_path: Path) -> None:
    """Positive control: the search finds unencrypted content, whichever way it is kept."""
    marker = new_marker()
    copies = plain_copies(tmp_path / "plain", [f"Note {marker}"], f"bytes {marker}".encode())
    found = search(copies, marker)
    encodings = sorted({e for where in found.values() for e in where})
    assert encodings == ["UTF-16-BE", "UTF-16-LE", "UTF-8", "base64"]
    assert all(any(e in found[p] for e in ("UTF-8", "UTF-16-LE", "UTF-16-BE")) for p in copies[:3])
    assert all(found.get(p) == ["base64"] for p in copies[3:])


def test_marker_in_every_kind_of_content_is_found_nowhere_the_app_wrote(tmp_path: Path) -> None:
    marker = new_marker()
    summary = run_flow(tmp_path, marker)
    kinds = cast(list[str], summary["kinds"])
    export = tmp_path / "run" / "export"
    written = files_under(tmp_path, exclude=(export,))
    assert any(p.name == "vault.db" for p in written)
    assert any(p.name.endswith(".log") for p in written), "the log must be searched too"
    assert Path(str(summary["qt_settings"])) in written, "Qt's settings must be searched too"
    assert search(written, marker) == {}

    exported = search(files_under(export), marker)  # the export is where content belongs
    assert exported, "the export holds the case, so the search must find it there"
    control = plain_copies(
        tmp_path / "control", [f"{kind} {marker}" for kind in kinds], f"bytes {marker}".encode()
    )
    assert len(search(control, marker)) == len(control)
    record_figure(
        "Data at rest",
        f"marker in {len(kinds)} kinds of content, 4 encodings (child process, app's own flow)",
        f"0 hits in {len(written)} files the app wrote; positive control found it",
    )


# ---- the same through the real widgets ------------------------------------------------


def drive_every_kind(
    qtbot: QtBot, win: MainWindow, scripted: ScriptedDialogs, marker: str, files: Path
) -> list[str]:
    """Put the marker into each kind of content by driving the workspace like an officer."""
    kinds = ["case reference", "victim name", "referral"]
    new_case(qtbot, win, scripted, reference=f"INC-{marker}", victim=f"Victim {marker}")
    workspace = win.workspace
    assert workspace is not None
    type_note(qtbot, win, f"Note {marker}")
    workspace.notes.table.selectRow(0)

    def amend(dialog: QDialog) -> bool:
        assert isinstance(dialog, AmendDialog)
        dialog.text_field.setPlainText("")
        qtbot.keyClicks(dialog.text_field, f"Amended {marker}")
        qtbot.keyClicks(dialog.reason_field, f"Reason {marker}")
        dialog.accept()
        return True

    scripted.expect(amend)
    win.app_actions.amend_note.trigger()
    kinds += ["note", "amendment", "amendment reason"]

    def gate(dialog: QDialog) -> bool:
        assert isinstance(dialog, SafetyGateDialog)
        dialog.editor.set_answers(text_answers(dialog.template, marker, only_free_text=True))
        qtbot.keyClicks(cast(TextEditor, dialog.editor.editors["safe_word"]).edit, " typed")
        assert dialog.pass_button.isEnabled()
        dialog.pass_button.click()
        return True

    scripted.expect(gate)
    workspace.call_panel.gate_button.click()
    kinds.append("safety gate answers")

    assert workspace.forms is not None
    workspace.show_tab(FORMS_TAB)
    registry = workspace.forms
    template_ids = [
        registry.template_choice.itemData(i) for i in range(registry.template_choice.count())
    ]
    for template_id in template_ids:
        if template_id == GATE_TEMPLATE_ID:
            continue
        editor = registry.start_form(template_id)
        assert editor is not None
        editor.set_answers(text_answers(editor.template, marker))
        first_text = next(
            e for e in editor.editors.values() if isinstance(e, TextEditor | MultilineEditor)
        )
        qtbot.keyClicks(first_text.edit, " typed")
        registry.flush()
        kinds.append(f"form {template_id}")

    files.mkdir()
    exhibit = files / f"{marker}.txt"
    exhibit.write_bytes(f"exhibit {marker}\n".encode() * 500)
    scripted.files = [exhibit]
    with qtbot.waitSignal(workspace.attachments.import_finished, timeout=20_000):
        win.app_actions.attach_files.trigger()
    kinds += ["attachment name", "attachment bytes"]
    qtbot.keyClicks(workspace.notes.input, f"half-typed {marker}")
    return kinds


@pytest.fixture
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Python's and Qt's temporary folder, private to this test so all of it is searched."""
    folder = tmp_path / "tmp"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_content_typed_into_the_real_window_is_found_nowhere_it_wrote(
    qtbot: QtBot,
    window: MainWindow,  # noqa: F811 - the fixture imported above
    dialogs: ScriptedDialogs,  # noqa: F811
    tmp_path: Path,
    private_temp: Path,
) -> None:
    marker = new_marker()
    create_vault(qtbot, window)
    officer_files = tmp_path / "officer-files"  # the officer's own file, not the app's
    kinds = drive_every_kind(qtbot, window, dialogs, marker, officer_files)
    assert dialogs.errors == []
    assert window.vault is not None and window.workspace is not None
    case_id = window.workspace.case.id
    notes = [e.text for e in timeline.entries(window.vault, case_id)]
    assert sum(marker in text for text in notes) >= 2, "the note and its amendment were saved"
    saved_forms = forms.forms_for_case(window.vault, case_id)
    assert len(saved_forms) == sum(k.startswith("form ") for k in kinds)
    assert all(marker in json.dumps(f.answers) for f in saved_forms)
    [exhibit] = attachments.list_attachments(window.vault, case_id)
    assert marker in exhibit.original_name
    open_search = search(files_under(tmp_path / "vault"), marker)
    window.lock()
    window.close()
    home = Path(os.environ["HOME"])
    logs = [
        Path(h.baseFilename)
        for h in logging.getLogger().handlers
        if isinstance(h, logging.FileHandler)
    ]
    written = files_under(tmp_path, home, exclude=(officer_files,)) + logs
    assert any(p.suffix == ".ini" for p in written), "Qt's settings must be searched too"
    assert open_search == {}, "while the vault was open"
    assert search(written, marker) == {}
    assert search(files_under(officer_files), marker), "the control: the file picked has it"
    record_figure(
        "Data at rest",
        f"marker in {len(kinds)} kinds of content typed into the real window, 4 encodings",
        f"0 hits in {len(written)} files the app wrote (vault, temp, HOME, Qt settings, logs)",
    )
