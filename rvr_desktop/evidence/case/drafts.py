"""Unsent notes kept per case while the officer is elsewhere (another case, the case list).

A draft lives in the encrypted vault, never in a file of its own, and is replaced each
time it is saved. It is not evidence, so it is not audited: it becomes evidence only when
the officer adds it as a note. An empty draft is no draft.
"""

from __future__ import annotations

from rvr_desktop.evidence.vault import Vault


def save_draft(vault: Vault, case_id: int, text: str) -> None:
    """Keep ``text`` as the case's unsent note (an empty or blank text removes it)."""
    with vault.transaction() as tx:
        if not text.strip():
            tx.execute("DELETE FROM note_drafts WHERE case_id = ?", (case_id,))
            return
        tx.execute(
            "INSERT INTO note_drafts(case_id, text, saved_utc_ms) VALUES (?, ?, ?) "
            "ON CONFLICT(case_id) DO UPDATE SET text = excluded.text, "
            "saved_utc_ms = excluded.saved_utc_ms",
            (case_id, text, vault.clock.utc_now_ms()),
        )


def load_draft(vault: Vault, case_id: int) -> str:
    """The case's unsent note, or an empty text when there is none."""
    with vault.reader() as tx:
        text = tx.scalar("SELECT text FROM note_drafts WHERE case_id = ?", (case_id,))
    return "" if text is None else str(text)
