"""Forms in the vault: autosaved drafts, each a version; finalised forms frozen; audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from rvr_desktop.evidence.case import cases
from rvr_desktop.evidence.errors import InvalidInput, NotAllowed, NotFound
from rvr_desktop.evidence.forms import (
    FormIncomplete,
    FormState,
    Template,
    TemplateRegistry,
    create_form,
    finalise,
    forms_for_case,
    latest_version,
    load_registry,
    parse_template,
    printable_form,
    read_form_history,
    read_latest_final,
    save_draft,
)
from rvr_desktop.evidence.forms.registry import shipped_templates_dir
from rvr_desktop.evidence.records.audit_chain import AuditRecord
from rvr_desktop.evidence.records.canonical import canonical_json, sha256_hex
from rvr_desktop.evidence.records.form_version import version_record
from rvr_desktop.evidence.vault import Vault, audit
from tests.conftest import TEST_PASSPHRASE


def _form_records(vault: Vault, form_id: int) -> list[AuditRecord]:
    with vault.reader() as tx:
        return [
            r
            for r in audit.records_for_case(tx, "INC-2026-0042")
            if r.body is not None and r.body.subject == f"form:{form_id}"
        ]


def test_every_autosave_is_a_new_version_recorded_in_the_audit_chain(
    vault: Vault, case_id: int, gate: Template
) -> None:
    first = create_form(vault, case_id, gate)
    second = save_draft(vault, first.form_id, {"can_talk_safely": "yes"})
    third = save_draft(vault, first.form_id, {"can_talk_safely": "yes", "suspect_present": "no"})
    assert [v.version for v in (first, second, third)] == [1, 2, 3]
    assert all(v.state is FormState.DRAFT for v in (first, second, third))
    records = _form_records(vault, first.form_id)
    assert [r.body.action for r in records if r.body] == ["form.saved"] * 3
    assert records[-1].body is not None
    assert records[-1].body.content_sha256 == sha256_hex(
        version_record(
            third.form_id,
            third.version,
            third.state.value,
            third.template.sha256,
            sha256_hex(canonical_json(third.answers)),
            third.saved_utc_ms,
            third.saved_by,
        )
    )
    assert records[-1].body.case_ref == "INC-2026-0042"


def test_saving_unchanged_answers_adds_no_version(
    vault: Vault, case_id: int, gate: Template
) -> None:
    form = create_form(vault, case_id, gate, {"safe_word": "parcel"})
    again = save_draft(vault, form.form_id, {"safe_word": "parcel"})
    assert again.version == 1
    with vault.reader() as tx:
        assert len(read_form_history(tx, form.form_id)) == 1


def test_a_saved_draft_survives_the_app_closing(
    vault: Vault, vault_dir: Path, case_id: int, gate: Template
) -> None:
    form = create_form(vault, case_id, gate)
    save_draft(vault, form.form_id, {"safe_word": "parcel"})
    vault.lock(acknowledge=False)
    with Vault.unlock(vault_dir, TEST_PASSPHRASE) as reopened:
        assert latest_version(reopened, form.form_id).answers == {"safe_word": "parcel"}


def test_finalising_freezes_the_form_and_a_later_change_is_a_new_draft(
    vault: Vault, case_id: int, gate: Template
) -> None:
    form = create_form(vault, case_id, gate, gate.example)
    final = finalise(vault, form.form_id)
    assert (final.version, final.state) == (2, FormState.FINAL)
    assert finalise(vault, form.form_id) == final
    changed = dict(final.answers, safe_word="Is the parcel here?")
    draft = save_draft(vault, form.form_id, changed)
    assert (draft.version, draft.state) == (3, FormState.DRAFT)
    with vault.reader() as tx:
        kept = read_latest_final(tx, form.form_id)
        history = read_form_history(tx, form.form_id)
    assert kept is not None and kept.answers == gate.example
    assert [(v.version, v.state.value) for v in history] == [
        (1, "draft"),
        (2, "final"),
        (3, "draft"),
    ]
    actions = [r.body.action for r in _form_records(vault, form.form_id) if r.body]
    assert actions == ["form.saved", "form.finalised", "form.saved"]


def test_an_incomplete_form_cannot_be_finalised(vault: Vault, case_id: int, gate: Template) -> None:
    form = create_form(vault, case_id, gate, {"can_talk_safely": "yes"})
    with pytest.raises(FormIncomplete, match="cannot be finalised yet") as caught:
        finalise(vault, form.form_id)
    assert "suspect_present" in {p.field_id for p in caught.value.problems}
    assert latest_version(vault, form.form_id).state is FormState.DRAFT


def test_a_stored_version_can_never_be_edited_or_erased(
    vault: Vault, case_id: int, gate: Template
) -> None:
    form = create_form(vault, case_id, gate, gate.example)
    finalise(vault, form.form_id)
    with pytest.raises(NotAllowed), vault.transaction() as tx:
        tx.execute(
            "UPDATE form_versions SET answers_json = '{}' WHERE form_id = ?", (form.form_id,)
        )
    with pytest.raises(NotAllowed), vault.transaction() as tx:
        tx.execute("DELETE FROM form_versions WHERE form_id = ?", (form.form_id,))
    with pytest.raises(NotAllowed), vault.transaction() as tx:
        tx.execute("DELETE FROM forms WHERE id = ?", (form.form_id,))
    with pytest.raises(NotAllowed), vault.transaction() as tx:
        tx.execute("UPDATE form_templates SET text = ''")
    with vault.reader() as tx:
        assert len(read_form_history(tx, form.form_id)) == 2


def test_a_form_filled_against_version_1_renders_the_same_after_version_2_ships(
    vault: Vault, case_id: int, tmp_path: Path
) -> None:
    v1 = load_registry().get("mg11")
    form = create_form(vault, case_id, v1, v1.example)
    finalise(vault, form.form_id)
    printed_then = printable_form(v1, v1.example or {}, document="statement")

    force = tmp_path / "force"
    force.mkdir()
    text = (shipped_templates_dir() / "mg11.toml").read_text("utf-8")
    shipped_version = v1.version
    text = text.replace(f"version = {shipped_version}\n", f"version = {shipped_version + 1}\n", 1)
    text = text.replace('label = "Occupation"', 'label = "Job title"')
    text = text.replace('id = "occupation"', 'id = "job_title"')
    text = text.replace('occupation = "Nurse"', 'job_title = "Nurse"')
    (force / "mg11.toml").write_text(text, "utf-8")
    v2 = load_registry(force_dir=force).get("mg11")
    assert v2.version == shipped_version + 1

    with vault.reader() as tx:
        stored = read_latest_final(tx, form.form_id)
    assert stored is not None
    assert (stored.template.version, stored.template.sha256) == (shipped_version, v1.sha256)
    again = stored.parsed_template()
    assert printable_form(again, stored.answers, document="statement") == printed_then
    assert printable_form(v2, stored.answers, document="statement") != printed_then


def test_a_new_form_uses_the_template_it_was_given_and_stores_it_once(
    vault: Vault, case_id: int, shipped: TemplateRegistry
) -> None:
    gate = shipped.get("safety-gate")
    create_form(vault, case_id, gate)
    create_form(vault, case_id, gate)
    create_form(vault, case_id, shipped.get("mg11"))
    with vault.reader() as tx:
        assert tx.scalar("SELECT count(*) FROM form_templates") == 2
    assert [f.template.template_id for f in forms_for_case(vault, case_id)] == [
        "safety-gate",
        "safety-gate",
        "mg11",
    ]


def test_a_stored_template_parses_to_the_same_template(
    vault: Vault, case_id: int, dash: Template
) -> None:
    form = create_form(vault, case_id, dash, dash.example)
    again = latest_version(vault, form.form_id).parsed_template()
    assert again.sha256 == dash.sha256
    assert again.sections == dash.sections and again.risk == dash.risk
    assert again.source == "stored template 'dash-risk' version 1"


def test_forms_need_a_case_and_json_answers(vault: Vault, case_id: int, gate: Template) -> None:
    with pytest.raises(NotFound):
        create_form(vault, 999, gate)
    with pytest.raises(NotFound):
        save_draft(vault, 999, {})
    form = create_form(vault, case_id, gate)
    with pytest.raises(InvalidInput):
        save_draft(vault, form.form_id, {"when": object()})
    with vault.reader() as tx:
        assert len(read_form_history(tx, form.form_id)) == 1


def test_destroying_a_case_removes_its_forms_and_keeps_their_hashes(
    vault: Vault, case_id: int, gate: Template
) -> None:
    form = create_form(vault, case_id, gate, gate.example)
    finalise(vault, form.form_id)
    cases.set_status(vault, case_id, "closed")
    tombstone = cases.destroy_case(vault, case_id, "Retention period ended (test).")
    hashes = tombstone.manifest["form_versions_sha256"]
    assert len(hashes) == 2 and all(len(h[0]) == 64 for h in hashes)
    assert tombstone.manifest["forms_rows"] == 1
    with pytest.raises(NotFound):
        latest_version(vault, form.form_id)
    with vault.reader() as tx:
        assert audit.verify_chain(tx) is None


def test_a_template_text_parsed_again_needs_no_file(gate: Template) -> None:
    assert parse_template(gate.text, "elsewhere").sha256 == gate.sha256
