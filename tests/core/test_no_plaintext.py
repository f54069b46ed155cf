"""No case content readable in any file the app writes: vault, WAL, header, blobs, temp, logs."""

from __future__ import annotations

import io
import logging
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from rvr_desktop.app import configure_process
from rvr_desktop.evidence import attachments, cases, forms, timeline
from rvr_desktop.evidence.kdf import FAST_INSECURE_KDF
from rvr_desktop.evidence.vault import Vault


def _files_containing(marker: bytes, *folders: Path, since: float = 0.0) -> list[Path]:
    """Files under ``folders`` (changed after ``since``) whose bytes contain ``marker``."""
    found = []
    for folder in folders:
        for path in folder.rglob("*"):
            try:
                if not path.is_file() or path.is_symlink() or path.stat().st_mtime < since:
                    continue
                if marker in path.read_bytes():
                    found.append(path)
            except OSError:
                continue
    return found


def test_a_plain_sqlite_file_would_be_caught_by_the_scan(tmp_path: Path) -> None:
    """Positive control: the scan does find a marker written without encryption."""
    marker = b"PLAIN-" + os.urandom(6).hex().encode()
    conn = sqlite3.connect(tmp_path / "plain.db")
    conn.execute("CREATE TABLE t(x)")
    conn.execute("INSERT INTO t VALUES (?)", (marker.decode(),))
    conn.commit()
    conn.close()
    assert _files_containing(marker, tmp_path) == [tmp_path / "plain.db"]


def test_case_content_never_appears_readable_on_disk(tmp_path: Path) -> None:
    marker = "MARKER-" + os.urandom(8).hex()
    configure_process()  # the app's logging, as the desktop and the CLI set it up
    log_files = [
        Path(h.baseFilename)
        for h in logging.getLogger().handlers
        if isinstance(h, logging.FileHandler)
    ]
    temp_root = Path(tempfile.gettempdir())
    started = time.time() - 1
    root = tmp_path / "vault"
    vault = Vault.create(root, "scan passphrase", kdf=FAST_INSECURE_KDF)
    case = cases.create_case(vault, "INC-2026-0777", f"Victim {marker}")
    note = timeline.append_note(vault, case.id, f"The note says {marker}")
    timeline.amend_note(vault, note.id, f"Amended {marker}", f"reason {marker}")
    attachments.import_stream(
        vault, case.id, io.BytesIO(f"attachment {marker}".encode() * 1000), original_name="a.txt"
    )
    mg11 = forms.registry_for_vault(vault).get("mg11")
    form = forms.create_form(vault, case.id, mg11, {"statement_text": f"Statement {marker}"})
    forms.save_draft(vault, form.form_id, {"statement_text": f"Statement {marker} again"})
    # While open (WAL and shared memory files present) and after closing.
    assert _files_containing(marker.encode(), root) == []
    assert _files_containing(marker.encode("utf-16-le"), root) == []
    vault.lock()
    assert _files_containing(marker.encode(), root) == []
    written_in_temp = [p for p in _files_containing(marker.encode(), temp_root, since=started)]
    assert [p for p in written_in_temp if tmp_path not in p.parents] == []
    assert _files_containing(marker.encode("utf-16-le"), root) == []
    assert log_files, "the app logs to a file; the scan must cover it"
    assert [p for p in log_files if p.exists() and marker.encode() in p.read_bytes()] == []
