"""The vault's schema, as a list of forward migrations.

``MIGRATIONS[i]`` upgrades a vault from schema version ``i`` to ``i + 1``; the schema
version is SQLite's ``user_version``. Never edit a migration that has shipped: add one.
Append-only rules are enforced in the database itself by triggers, so no code path,
however buggy, can erase or overwrite a note or an audit record.

Each trigger's refusal is a constant below, used both to write the trigger and, through
:data:`REFUSALS`, to recognise the refusal when SQLite reports it (connections.py turns it
into ``NotAllowed``). Vaults already made hold these triggers with these very words, so
a message is never reworded: a new one goes with a new migration. The migrations are
f-strings, so a brace meant for SQL is doubled.
"""

from __future__ import annotations

NOTE_NEVER_CHANGES = "notes are append-only: amend a note instead of changing it"
NOTE_NEVER_ERASED = "notes are append-only: they can never be erased"
AUDIT_APPEND_ONLY = "the audit chain is append-only"
TOMBSTONE_APPEND_ONLY = "a destruction record is append-only"
ATTACHMENT_NEVER_CHANGES = "an imported attachment never changes"
ATTACHMENT_GOES_WITH_CASE = "attachments are removed only when their case is destroyed"
FORM_TEMPLATE_NEVER_CHANGES = "a stored form template never changes"
FORM_APPEND_ONLY = "forms are append-only: save a new version instead"
FORM_GOES_WITH_CASE = "forms are removed only when their case is destroyed"
FORM_VERSION_OUT_OF_ORDER = "form versions are append-only: each is the next of its own form"
FORM_VERSION_APPEND_ONLY = "form versions are append-only: save a new version instead"
EXPORT_APPEND_ONLY = "an export record is append-only"
EXPORT_GOES_WITH_CASE = "export records are removed only when their case is destroyed"
SUBMISSION_STAYS_DONE = "a submission never changes once the store holds its bundle"
SIGNED_STATEMENT_NEVER_CHANGES = (
    "a signed statement never changes: a change is a further statement, with its own "
    "read-back and signature"
)
SIGNED_STATEMENT_GOES_WITH_CASE = "signed statements are removed only when their case is destroyed"

REFUSALS: tuple[str, ...] = (
    NOTE_NEVER_CHANGES,
    NOTE_NEVER_ERASED,
    AUDIT_APPEND_ONLY,
    TOMBSTONE_APPEND_ONLY,
    ATTACHMENT_NEVER_CHANGES,
    ATTACHMENT_GOES_WITH_CASE,
    FORM_TEMPLATE_NEVER_CHANGES,
    FORM_APPEND_ONLY,
    FORM_GOES_WITH_CASE,
    FORM_VERSION_OUT_OF_ORDER,
    FORM_VERSION_APPEND_ONLY,
    EXPORT_APPEND_ONLY,
    EXPORT_GOES_WITH_CASE,
    SUBMISSION_STAYS_DONE,
    SIGNED_STATEMENT_NEVER_CHANGES,
    SIGNED_STATEMENT_GOES_WITH_CASE,
)
"""Every message a trigger of ours raises: the vault refusing a change, not failing."""


def _refuse(message: str) -> str:
    """The trigger statement that aborts the change with ``message``."""
    quoted = message.replace("'", "''")
    return f"SELECT RAISE(ABORT, '{quoted}');"


_V1 = f"""
CREATE TABLE profile (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    victim_name TEXT NOT NULL,
    officer TEXT NOT NULL,
    call_platform_ref TEXT NOT NULL DEFAULT '',
    created_utc_ms INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'exported', 'closed', 'destroying')),
    referral_json TEXT NOT NULL DEFAULT '{{}}'
);

CREATE TABLE timeline (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL CHECK (kind IN ('note', 'amendment', 'event')),
    event TEXT,
    recorded_utc_ms INTEGER NOT NULL,
    monotonic_ns INTEGER NOT NULL,
    clock_session TEXT NOT NULL,
    elapsed_ms INTEGER,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    amends_id INTEGER REFERENCES timeline(id),
    reason TEXT,
    payload_json TEXT NOT NULL DEFAULT '{{}}',
    CHECK ((kind = 'amendment') = (amends_id IS NOT NULL)),
    CHECK ((kind = 'event') = (event IS NOT NULL))
);
CREATE INDEX timeline_by_case ON timeline(case_id, id);
CREATE INDEX timeline_events ON timeline(case_id, id) WHERE kind = 'event';

CREATE TRIGGER timeline_no_update BEFORE UPDATE ON timeline
BEGIN
    {_refuse(NOTE_NEVER_CHANGES)}
END;
CREATE TRIGGER timeline_no_delete BEFORE DELETE ON timeline
WHEN (SELECT status FROM cases WHERE id = OLD.case_id) IS NOT 'destroying'
BEGIN
    {_refuse(NOTE_NEVER_ERASED)}
END;

CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    utc_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    case_ref TEXT,
    content_sha256 TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    record_hash TEXT NOT NULL UNIQUE
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    {_refuse(AUDIT_APPEND_ONLY)}
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    {_refuse(AUDIT_APPEND_ONLY)}
END;

CREATE TABLE tombstones (
    id INTEGER PRIMARY KEY,
    case_reference TEXT NOT NULL,
    destroyed_utc_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT NOT NULL,
    manifest_json TEXT NOT NULL,
    audit_seq INTEGER NOT NULL REFERENCES audit(seq)
);
CREATE TRIGGER tombstones_no_update BEFORE UPDATE ON tombstones
BEGIN
    {_refuse(TOMBSTONE_APPEND_ONLY)}
END;
CREATE TRIGGER tombstones_no_delete BEFORE DELETE ON tombstones
BEGIN
    {_refuse(TOMBSTONE_APPEND_ONLY)}
END;

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    exhibit_ref TEXT NOT NULL,
    original_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('file', 'screen_capture')),
    description TEXT NOT NULL DEFAULT '',
    imported_utc_ms INTEGER NOT NULL,
    blob_name TEXT NOT NULL UNIQUE,
    blob_identity TEXT NOT NULL,
    UNIQUE (case_id, exhibit_ref)
);
CREATE INDEX attachments_by_hash ON attachments(case_id, sha256);
CREATE TRIGGER attachments_no_update BEFORE UPDATE ON attachments
BEGIN
    {_refuse(ATTACHMENT_NEVER_CHANGES)}
END;
CREATE TRIGGER attachments_no_delete BEFORE DELETE ON attachments
WHEN (SELECT status FROM cases WHERE id = OLD.case_id) IS NOT 'destroying'
BEGIN
    {_refuse(ATTACHMENT_GOES_WITH_CASE)}
END;
"""  # noqa: S608 (what goes in is the refusals above, never input)

_V2 = f"""
CREATE TABLE form_templates (
    sha256 TEXT PRIMARY KEY,
    template_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    text TEXT NOT NULL,
    stored_utc_ms INTEGER NOT NULL
);
CREATE TRIGGER form_templates_no_update BEFORE UPDATE ON form_templates
BEGIN
    {_refuse(FORM_TEMPLATE_NEVER_CHANGES)}
END;
CREATE TRIGGER form_templates_no_delete BEFORE DELETE ON form_templates
BEGIN
    {_refuse(FORM_TEMPLATE_NEVER_CHANGES)}
END;

CREATE TABLE forms (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    template_id TEXT NOT NULL,
    created_utc_ms INTEGER NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX forms_by_case ON forms(case_id, id);
CREATE TRIGGER forms_no_update BEFORE UPDATE ON forms
BEGIN
    {_refuse(FORM_APPEND_ONLY)}
END;
CREATE TRIGGER forms_no_delete BEFORE DELETE ON forms
WHEN (SELECT status FROM cases WHERE id = OLD.case_id) IS NOT 'destroying'
BEGIN
    {_refuse(FORM_GOES_WITH_CASE)}
END;

CREATE TABLE form_versions (
    id INTEGER PRIMARY KEY,
    form_id INTEGER NOT NULL REFERENCES forms(id),
    case_id INTEGER NOT NULL REFERENCES cases(id),
    version INTEGER NOT NULL CHECK (version >= 1),
    state TEXT NOT NULL CHECK (state IN ('draft', 'final')),
    template_sha256 TEXT NOT NULL REFERENCES form_templates(sha256),
    answers_json TEXT NOT NULL,
    answers_sha256 TEXT NOT NULL,
    saved_utc_ms INTEGER NOT NULL,
    saved_by TEXT NOT NULL,
    UNIQUE (form_id, version)
);
CREATE TRIGGER form_versions_in_order BEFORE INSERT ON form_versions
WHEN NEW.case_id IS NOT (SELECT case_id FROM forms WHERE id = NEW.form_id)
OR NEW.version IS NOT 1 + COALESCE(
    (SELECT max(version) FROM form_versions WHERE form_id = NEW.form_id), 0)
BEGIN
    {_refuse(FORM_VERSION_OUT_OF_ORDER)}
END;
CREATE TRIGGER form_versions_no_update BEFORE UPDATE ON form_versions
BEGIN
    {_refuse(FORM_VERSION_APPEND_ONLY)}
END;
CREATE TRIGGER form_versions_no_delete BEFORE DELETE ON form_versions
WHEN (SELECT status FROM cases WHERE id = OLD.case_id) IS NOT 'destroying'
BEGIN
    {_refuse(FORM_GOES_WITH_CASE)}
END;
"""  # noqa: S608 (what goes in is the refusals above, never input)

_V3 = f"""
CREATE TABLE exports (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    bundle_name TEXT NOT NULL,
    recipient TEXT NOT NULL,
    justification TEXT NOT NULL,
    exported_utc_ms INTEGER NOT NULL,
    exported_by TEXT NOT NULL,
    tag_manifest_sha256 TEXT NOT NULL,
    chain_head_seq INTEGER NOT NULL,
    chain_head_hash TEXT NOT NULL
);
CREATE TRIGGER exports_no_update BEFORE UPDATE ON exports
BEGIN
    {_refuse(EXPORT_APPEND_ONLY)}
END;
CREATE TRIGGER exports_no_delete BEFORE DELETE ON exports
WHEN (SELECT status FROM cases WHERE id = OLD.case_id) IS NOT 'destroying'
BEGIN
    {_refuse(EXPORT_GOES_WITH_CASE)}
END;
"""  # noqa: S608 (what goes in is the refusals above, never input)

_V4 = f"""
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    bundle_path TEXT NOT NULL,
    bundle_name TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    endpoint_url TEXT NOT NULL,
    region TEXT NOT NULL,
    bucket TEXT NOT NULL,
    object_key TEXT NOT NULL,
    retention_mode TEXT NOT NULL CHECK (retention_mode IN ('COMPLIANCE', 'GOVERNANCE')),
    retain_until_utc_ms INTEGER NOT NULL,
    legal_hold INTEGER NOT NULL CHECK (legal_hold IN (0, 1)),
    part_size INTEGER NOT NULL,
    upload_id TEXT,
    state TEXT NOT NULL
        CHECK (state IN ('waiting', 'uploading', 'done', 'failed', 'cancelled')),
    error TEXT NOT NULL DEFAULT '',
    receipt_json TEXT,
    created_utc_ms INTEGER NOT NULL,
    updated_utc_ms INTEGER NOT NULL
);
CREATE INDEX submissions_by_state ON submissions(state, id);
CREATE TRIGGER submissions_done_stay_done BEFORE UPDATE ON submissions
WHEN OLD.state = 'done'
BEGIN
    {_refuse(SUBMISSION_STAYS_DONE)}
END;
"""

# The MG11 is signed once, when the witness has confirmed it; the signed PDF is the
# original every export carries byte for byte, so it never changes and its form takes no
# new version after it (no foreign key to forms: a case's rows are deleted in name order).
_V5 = f"""
CREATE TABLE signed_statements (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    number INTEGER NOT NULL CHECK (number >= 1),
    form_id INTEGER NOT NULL UNIQUE,
    form_version INTEGER NOT NULL,
    statement_sha256 TEXT NOT NULL,
    pdf BLOB NOT NULL,
    pdf_sha256 TEXT NOT NULL,
    signed_utc_ms INTEGER NOT NULL,
    signed_by TEXT NOT NULL,
    audit_seq INTEGER NOT NULL,
    UNIQUE (case_id, number)
);
CREATE TRIGGER signed_statements_no_update BEFORE UPDATE ON signed_statements
BEGIN
    {_refuse(SIGNED_STATEMENT_NEVER_CHANGES)}
END;
CREATE TRIGGER signed_statements_no_delete BEFORE DELETE ON signed_statements
WHEN (SELECT status FROM cases WHERE id = OLD.case_id) IS NOT 'destroying'
BEGIN
    {_refuse(SIGNED_STATEMENT_GOES_WITH_CASE)}
END;
CREATE TRIGGER form_versions_none_after_signing BEFORE INSERT ON form_versions
WHEN EXISTS (SELECT 1 FROM signed_statements WHERE form_id = NEW.form_id)
BEGIN
    {_refuse(SIGNED_STATEMENT_NEVER_CHANGES)}
END;
"""  # noqa: S608 (what goes in is the refusals above, never input)

_V6 = """
CREATE TABLE note_drafts (
    case_id INTEGER PRIMARY KEY REFERENCES cases(id),
    text TEXT NOT NULL,
    saved_utc_ms INTEGER NOT NULL
);
"""
"""An unsent note, one per case, kept while the officer is elsewhere: inside the encrypted
vault like everything else, never in a file of its own. Not evidence (nothing was said to
be noted yet), so it is not audited; it goes with its case."""

MIGRATIONS: list[str] = [_V1, _V2, _V3, _V4, _V5, _V6]

CURRENT_VERSION = len(MIGRATIONS)
