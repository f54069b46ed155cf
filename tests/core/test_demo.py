"""The demo case a trainee sees first: realistic in shape, invented in content."""

from __future__ import annotations

from pathlib import Path

from rvr_desktop.evidence.case import attachments, timeline
from rvr_desktop.evidence.demo import build_demo_vault
from rvr_desktop.evidence.records.timeline_entry import CallEvent, EntryKind
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF


def test_trainee_opens_the_demo_vault_and_sees_a_whole_call(tmp_path: Path) -> None:
    demo = build_demo_vault(tmp_path, kdf=FAST_INSECURE_KDF)
    assert demo.passphrase_file.read_text().strip() == demo.passphrase
    with Vault.unlock(demo.root, demo.passphrase) as vault:
        entries = timeline.entries(vault, demo.case_id)
        notes = [e for e in entries if e.kind is not EntryKind.EVENT]
        events = [e.event for e in entries if e.event]
        assert len(notes) >= 30
        assert any(e.kind is EntryKind.AMENDMENT for e in entries)
        assert events[:2] == [CallEvent.SAFETY_GATE_PASSED, CallEvent.CALL_STARTED]
        assert events[-1] is CallEvent.CALL_ENDED
        assert 35 * 60_000 <= entries[-1].elapsed_ms <= 45 * 60_000
        exhibits = attachments.list_attachments(vault, demo.case_id)
        assert [a.exhibit_ref for a in exhibits] == ["JS/1", "JS/2"]
        assert vault.integrity_problems() == []
