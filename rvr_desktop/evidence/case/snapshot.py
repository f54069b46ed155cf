"""One frozen moment of a case: everything its evidence bundle is made from.

Read in a single read transaction, so the statement, the notes, the forms, the exhibits'
details and the audit chain head all describe the same moment: a note saved while the
bundle is being written waits for the next bundle instead of contradicting this one.
Exhibit bytes are not held here: blobs never change and attachment rows are only ever
appended, so they are streamed from the vault when the bundle is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from rvr_desktop.evidence.case.attachments import Attachment, read_attachments
from rvr_desktop.evidence.case.cases import Case, load_case
from rvr_desktop.evidence.case.mg11 import StatementInputs, read_statement_inputs, readiness_of
from rvr_desktop.evidence.case.signed_statement import (
    SignedStatement,
    read_signed_pdf,
    read_signed_statements,
)
from rvr_desktop.evidence.case.timeline import TimelineEntry, read_entries
from rvr_desktop.evidence.errors import NotAllowed
from rvr_desktop.evidence.forms import FormVersion, read_forms_for_case, read_latest_final
from rvr_desktop.evidence.forms.model import Template
from rvr_desktop.evidence.forms.registry import FORCE_TEMPLATES_SETTING, load_registry
from rvr_desktop.evidence.records.audit_chain import ChainAnchor
from rvr_desktop.evidence.signing.credential import SigningCredential
from rvr_desktop.evidence.signing.errors import NoOfficerProfile
from rvr_desktop.evidence.signing.identity_store import read_credential
from rvr_desktop.evidence.signing.officer import OfficerProfile, read_officer_profile
from rvr_desktop.evidence.vault import Tx, Vault, audit


class EmptyAuditChain(NotAllowed):
    def __init__(self) -> None:
        super().__init__("The vault's audit chain is empty; run 'rvr-desktop vault check'.")


@dataclass(frozen=True)
class FormSnapshot:
    """One of the case's forms: where it stands and what of it can be bundled."""

    latest: FormVersion
    """Its latest version, draft or final."""
    final: FormVersion | None
    """Its latest final version (what is bundled); None when it was never finalised."""


@dataclass(frozen=True)
class CaseSnapshot:
    """Everything a case's bundle holds, as the vault stood at one moment."""

    case: Case
    """The case itself."""
    officer: OfficerProfile
    """The officer exporting, as their profile stood (on every signature)."""
    credential: SigningCredential
    """The vault's signing identity, which signs the bundle."""
    statement: StatementInputs
    """What the latest MG11 statement's readiness and document are made from."""
    signed: tuple[tuple[SignedStatement, bytes], ...]
    """Each signed statement, first to last, with its signed PDF (the original)."""
    forms: tuple[FormSnapshot, ...]
    """Every form of the case, in the order they were started."""
    entries: tuple[TimelineEntry, ...]
    """The whole timeline (notes, amendments, call events), oldest first."""
    attachments: tuple[Attachment, ...]
    """The exhibits' details, in the order they were imported (their bytes stay in the vault)."""
    head: ChainAnchor
    """The audit chain head: the bundle holds the chain up to here and nothing after."""
    templates: Mapping[str, Template] = field(default_factory=lambda: MappingProxyType({}))
    """The templates the app offers now (shipped and the force's), by id: they say which
    answers of a gate or form are restricted, also for one filled before a template
    marked them."""

    @property
    def unsigned_but_confirmed(self) -> bool:
        """The latest statement is ready to sign (read back, confirmed, final) but was not
        signed: a statement confirmed before statements were signed at confirmation."""
        final = self.statement.final
        if final is None or any(s.form_id == final.form_id for s, _ in self.signed):
            return False
        return readiness_of(self.statement).ready


def read_case_snapshot(vault: Vault, case_id: int) -> CaseSnapshot:
    """The case as it stands now, read in one read transaction."""
    with vault.reader() as tx:
        return _read(tx, vault, case_id)


def _read(tx: Tx, vault: Vault, case_id: int) -> CaseSnapshot:
    case = load_case(tx, case_id)
    officer = read_officer_profile(tx, vault)
    if officer is None:
        raise NoOfficerProfile()
    credential = read_credential(tx, vault)
    forms = tuple(
        FormSnapshot(latest, latest if latest.is_final else read_latest_final(tx, latest.form_id))
        for latest in read_forms_for_case(tx, case.id)
    )
    head = audit.chain_head(tx)
    if head is None:
        raise EmptyAuditChain()
    return CaseSnapshot(
        case=case,
        officer=officer,
        credential=credential,
        statement=read_statement_inputs(tx, case.id),
        signed=tuple((s, read_signed_pdf(tx, s)) for s in read_signed_statements(tx, case.id)),
        forms=forms,
        entries=tuple(read_entries(tx, case.id)),
        attachments=tuple(read_attachments(tx, case.id)),
        head=head,
        templates=_current_templates(tx, vault),
    )


def _current_templates(tx: Tx, vault: Vault) -> Mapping[str, Template]:
    force = vault.get_setting(FORCE_TEMPLATES_SETTING, tx)
    return load_registry(None, Path(force) if force else None).templates
