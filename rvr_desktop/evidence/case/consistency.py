"""Does every note, exhibit and form version in the vault match its audit record?

The database's triggers refuse changes made through SQLite, but someone who rewrites the
file with other tools (or drops a trigger) could still change a row. Each row's content
is hashed by the audit chain when it is written, so re-hashing the rows and comparing
exposes any such change. ``rvr-desktop vault check`` and the self-test run this.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from rvr_desktop.evidence.case.attachments import attachment_from_row
from rvr_desktop.evidence.case.timeline import entry_from_row
from rvr_desktop.evidence.records.canonical import canonical_json
from rvr_desktop.evidence.records.form_version import version_record
from rvr_desktop.evidence.vault import Vault, audit


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_problems(vault: Vault) -> list[str]:
    """Rows whose content no longer matches the hash their audit record holds."""
    problems: list[str] = []
    with vault.reader() as tx:
        recorded: dict[str, set[str]] = defaultdict(set)
        for record in audit.iter_records(tx):
            if record.body is not None:
                recorded[record.body.subject].add(record.body.content_sha256)
        for row in tx.all("SELECT * FROM timeline ORDER BY id"):
            entry = entry_from_row(row)
            subject = ("event:" if entry.event is not None else "note:") + str(entry.id)
            if _sha256(entry.content_bytes()) not in recorded.get(subject, set()):
                problems.append(f"timeline entry {entry.id} differs from its audit record")
        for row in tx.all("SELECT * FROM attachments ORDER BY id"):
            item = attachment_from_row(row)
            digest = _sha256(canonical_json(item.to_json()))
            if digest not in recorded.get(f"attachment:{item.exhibit_ref}", set()):
                problems.append(f"exhibit {item.exhibit_ref} differs from its audit record")
        for row in tx.all("SELECT * FROM form_versions ORDER BY id"):
            digest = _sha256(
                version_record(
                    int(row["form_id"]),
                    int(row["version"]),
                    str(row["state"]),
                    str(row["template_sha256"]),
                    str(row["answers_sha256"]),
                    int(row["saved_utc_ms"]),
                    str(row["saved_by"]),
                )
            )
            answers = _sha256(str(row["answers_json"]).encode("utf-8"))
            subject = f"form:{row['form_id']}"
            if answers != row["answers_sha256"] or digest not in recorded.get(subject, set()):
                problems.append(
                    f"form {row['form_id']} version {row['version']} differs from its audit record"
                )
    return problems


def vault_problems(vault: Vault) -> list[str]:
    """Everything ``vault check`` reports: storage, encryption, chain and content."""
    return vault.integrity_problems() + content_problems(vault)
