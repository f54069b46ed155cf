"""Filled forms in the vault: every save a new version, finalising freezes one.

A form belongs to a case. Each save (an autosave on every change) appends a version
row that never changes; finalising appends a final version after checking the answers;
a change after that appends a new draft. Every version keeps the exact template it was
filled against (its text, stored once by SHA-256), so it renders the same years later.
Every save and finalise is recorded in the audit chain with the answers' hash.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rvr_desktop.evidence.errors import NotFound, VaultDamaged
from rvr_desktop.evidence.forms.answers import ensure_json_answers, normalise_answers
from rvr_desktop.evidence.forms.errors import FormIncomplete
from rvr_desktop.evidence.forms.loader import parse_template
from rvr_desktop.evidence.forms.model import Template, TemplateSnapshot
from rvr_desktop.evidence.forms.validate import validate_form
from rvr_desktop.evidence.records.canonical import canonical_json, sha256_hex
from rvr_desktop.evidence.records.form_version import version_record
from rvr_desktop.evidence.vault import Tx, Vault, audit


class FormState(StrEnum):
    DRAFT = "draft"
    FINAL = "final"


@dataclass(frozen=True)
class FormVersion:
    form_id: int
    case_id: int
    case_reference: str
    version: int
    """1 for the first save, then one more for each save or finalise."""
    state: FormState
    template: TemplateSnapshot
    answers: dict[str, Any]
    answers_sha256: str
    """SHA-256 of the answers' canonical JSON: what the audit record holds."""
    saved_utc_ms: int
    saved_by: str

    @property
    def subject(self) -> str:
        return f"form:{self.form_id}"

    @property
    def is_final(self) -> bool:
        return self.state is FormState.FINAL

    def parsed_template(self) -> Template:
        """The template exactly as this version was filled against, parsed again."""
        return parse_stored_template(self.template)


@functools.lru_cache(maxsize=32)
def parse_stored_template(snapshot: TemplateSnapshot) -> Template:
    """The stored template parsed (once: a template never changes, and every autosave reads
    its rules)."""
    source = f"stored template '{snapshot.template_id}' version {snapshot.version}"
    return parse_template(snapshot.text, source)


def _case_reference(tx: Tx, case_id: int) -> str:
    reference = tx.scalar(
        "SELECT reference FROM cases WHERE id = ? AND status != 'destroying'", (case_id,)
    )
    if reference is None:
        raise NotFound(f"There is no case number {case_id} in this vault.")
    return str(reference)


def _store_template(tx: Tx, vault: Vault, template: Template) -> None:
    tx.execute(
        "INSERT INTO form_templates(sha256, template_id, version, text, stored_utc_ms) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(sha256) DO NOTHING",
        (template.sha256, template.id, template.version, template.text, vault.clock.utc_now_ms()),
    )


def _from_row(row: Any) -> FormVersion:
    text = str(row["text"])
    if sha256_hex(text.encode("utf-8")) != row["template_sha256"]:
        raise VaultDamaged(
            f"the stored template of form {row['form_id']} does not match its SHA-256"
        )
    answers_json = str(row["answers_json"])
    if sha256_hex(answers_json.encode("utf-8")) != row["answers_sha256"]:
        raise VaultDamaged(f"the answers of form {row['form_id']} do not match their SHA-256")
    return FormVersion(
        form_id=int(row["form_id"]),
        case_id=int(row["case_id"]),
        case_reference=str(row["reference"]),
        version=int(row["version"]),
        state=FormState(str(row["state"])),
        template=TemplateSnapshot(
            str(row["template_id"]), int(row["template_version"]), str(row["template_sha256"]), text
        ),
        answers=json.loads(answers_json),
        answers_sha256=str(row["answers_sha256"]),
        saved_utc_ms=int(row["saved_utc_ms"]),
        saved_by=str(row["saved_by"]),
    )


_SELECT = (
    "SELECT v.form_id, v.case_id, c.reference, v.version, v.state, v.template_sha256, "
    "t.template_id, t.version AS template_version, t.text, v.answers_json, v.answers_sha256, "
    "v.saved_utc_ms, v.saved_by FROM form_versions v "
    "JOIN form_templates t ON t.sha256 = v.template_sha256 "
    "JOIN cases c ON c.id = v.case_id "
)


def _latest(tx: Tx, form_id: int) -> FormVersion:
    row = tx.one(
        _SELECT + "WHERE v.form_id = ? AND c.status != 'destroying' "
        "ORDER BY v.version DESC LIMIT 1",
        (form_id,),
    )
    if row is None:
        raise NotFound(f"There is no form number {form_id} in this vault.")
    return _from_row(row)


def _append(
    tx: Tx,
    vault: Vault,
    form_id: int,
    case_id: int,
    reference: str,
    version: int,
    state: FormState,
    template: Template | TemplateSnapshot,
    answers: dict[str, Any],
) -> FormVersion:
    body = canonical_json(answers)
    answers_json = body.decode("utf-8")
    now = vault.clock.utc_now_ms()
    tx.execute(
        "INSERT INTO form_versions(form_id, case_id, version, state, template_sha256, "
        "answers_json, answers_sha256, saved_utc_ms, saved_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            form_id,
            case_id,
            version,
            state.value,
            template.sha256,
            answers_json,
            sha256_hex(body),
            now,
            vault.actor,
        ),
    )
    action = "form.finalised" if state is FormState.FINAL else "form.saved"
    record = version_record(
        form_id, version, state.value, template.sha256, sha256_hex(body), now, vault.actor
    )
    audit.append(tx, vault, action, f"form:{form_id}", case_ref=reference, content=record)
    snapshot = template.snapshot if isinstance(template, Template) else template
    return FormVersion(
        form_id,
        case_id,
        reference,
        version,
        state,
        snapshot,
        json.loads(answers_json),
        sha256_hex(body),
        now,
        vault.actor,
    )


def create_form(
    vault: Vault, case_id: int, template: Template, answers: Mapping[str, Any] | None = None
) -> FormVersion:
    """Start a form for a case: version 1, a draft, filled against ``template``."""
    clean = normalise_answers(template, ensure_json_answers(answers or {}))
    with vault.transaction() as tx:
        reference = _case_reference(tx, case_id)
        _store_template(tx, vault, template)
        form_id = tx.execute(
            "INSERT INTO forms(case_id, template_id, created_utc_ms, created_by) "
            "VALUES (?, ?, ?, ?)",
            (case_id, template.id, vault.clock.utc_now_ms(), vault.actor),
        )
        return _append(tx, vault, form_id, case_id, reference, 1, FormState.DRAFT, template, clean)


def save_draft(vault: Vault, form_id: int, answers: Mapping[str, Any]) -> FormVersion:
    """Autosave: a new draft version, unless nothing changed since the latest version.

    After a final version this starts a new draft; the final version stays as it was.
    Drafts may be incomplete; only finalising checks the answers. Text answers are kept
    as the template's ``normalise`` rules tidy them (a URN typed with spaces is stored
    without).
    """
    given = ensure_json_answers(answers)
    with vault.transaction() as tx:
        latest = _latest(tx, form_id)
        clean = normalise_answers(latest.parsed_template(), given)
        if canonical_json(clean) == canonical_json(latest.answers):
            return latest
        return _append(
            tx,
            vault,
            form_id,
            latest.case_id,
            latest.case_reference,
            latest.version + 1,
            FormState.DRAFT,
            latest.template,
            clean,
        )


def finalise(vault: Vault, form_id: int) -> FormVersion:
    """Freeze the latest answers as a final version; refuses while they have problems.

    Finalising a form whose latest version is already final returns that version.
    """
    with vault.transaction() as tx:
        latest = _latest(tx, form_id)
        if latest.is_final:
            return latest
        template = latest.parsed_template()
        problems = validate_form(template, latest.answers)
        if problems:
            raise FormIncomplete(template.title, problems)
        return _append(
            tx,
            vault,
            form_id,
            latest.case_id,
            latest.case_reference,
            latest.version + 1,
            FormState.FINAL,
            latest.template,
            latest.answers,
        )


def latest_version(vault: Vault, form_id: int) -> FormVersion:
    with vault.reader() as tx:
        return _latest(tx, form_id)


def read_latest_final(tx: Tx, form_id: int) -> FormVersion | None:
    """The most recent final version (what is printed and bundled), or None if never final."""
    row = tx.one(
        _SELECT + "WHERE v.form_id = ? AND v.state = 'final' AND c.status != 'destroying' "
        "ORDER BY v.version DESC LIMIT 1",
        (form_id,),
    )
    return None if row is None else _from_row(row)


def read_form_history(tx: Tx, form_id: int) -> list[FormVersion]:
    """Every version, oldest first."""
    rows = tx.all(
        _SELECT + "WHERE v.form_id = ? AND c.status != 'destroying' ORDER BY v.version",
        (form_id,),
    )
    if not rows:
        raise NotFound(f"There is no form number {form_id} in this vault.")
    return [_from_row(r) for r in rows]


def read_forms_for_case(tx: Tx, case_id: int) -> list[FormVersion]:
    """The latest version of each of the case's forms, in the order they were started."""
    rows = tx.all(
        _SELECT  # noqa: S608 - fixed text; values go in as parameters
        + "WHERE v.case_id = ? AND c.status != 'destroying' AND v.version = "
        "(SELECT max(version) FROM form_versions WHERE form_id = v.form_id) "
        "ORDER BY v.form_id",
        (case_id,),
    )
    return [_from_row(r) for r in rows]


def forms_for_case(vault: Vault, case_id: int) -> list[FormVersion]:
    """The latest version of each of the case's forms, in the order they were started."""
    with vault.reader() as tx:
        return read_forms_for_case(tx, case_id)
