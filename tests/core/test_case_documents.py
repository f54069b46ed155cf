"""The notes log and exhibit list are built from the vault exactly as recorded."""

from __future__ import annotations

from pathlib import Path

from rvr_desktop.evidence.case import attachments, cases, document_inputs, timeline
from rvr_desktop.evidence.demo import build_demo_vault
from rvr_desktop.evidence.demo_story import AMENDMENT_TEXT, DEMO_NOTES
from rvr_desktop.evidence.documents import LoggedEvent, LoggedNote
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF


def test_the_notes_log_keeps_every_note_and_puts_amendments_under_the_original(
    tmp_path: Path,
) -> None:
    demo = build_demo_vault(tmp_path, kdf=FAST_INSECURE_KDF)
    with Vault.unlock(demo.root, demo.passphrase) as vault:
        case = cases.get_case(vault, demo.case_id)
        log = document_inputs.notes_log(case, timeline.entries(vault, case.id))
        exhibits = document_inputs.exhibit_list(case, attachments.list_attachments(vault, case.id))
    notes = [e for e in log.entries if isinstance(e, LoggedNote)]
    assert [n.text for n in notes] == [text for _, text, _ in DEMO_NOTES]
    amended = [n for n in notes if n.amendments]
    assert len(amended) == 1 and amended[0].amendments[0].text == AMENDMENT_TEXT
    assert isinstance(log.entries[0], LoggedEvent)
    assert [e.reference for e in exhibits.exhibits] == ["JS/1", "JS/2"]
    assert all(len(e.sha256) == 64 for e in exhibits.exhibits)
