"""A form version as the audit chain hashes it: the answers' hash and every fact about
the save, shared by the vault (when a version is saved) and the verifier (re-computing it
from a form's JSON in the bundle)."""

from __future__ import annotations

from rvr_desktop.evidence.records.canonical import canonical_json


def version_record(
    form_id: int,
    version: int,
    state: str,
    template_sha256: str,
    answers_sha256: str,
    saved_utc_ms: int,
    saved_by: str,
) -> bytes:
    """What the audit chain hashes for a form version: its answers' hash and every fact
    about the save, so a changed time, author, state or template shows too."""
    return canonical_json(
        {
            "form_id": form_id,
            "version": version,
            "state": state,
            "template_sha256": template_sha256,
            "answers_sha256": answers_sha256,
            "saved_utc_ms": saved_utc_ms,
            "saved_by": saved_by,
        }
    )
