"""The signed original of each MG11 statement, kept in the vault.

A statement is signed once, when the witness has confirmed the read-back: the officer's
signature then attests what the witness confirmed, at that time. The signed PDF is kept
in the vault (inside the encrypted database, beside the form it was made from), its
SHA-256 goes into the audit chain as ``statement.signed``, and every export carries that
same file byte for byte. The database refuses to change it and refuses any new version of
the form it was made from; a change after signing is a further statement (a new MG11 form
with its own read-back, confirmation and signature), exported as ``MG11-statement-2.pdf``
and so on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from rvr_desktop import SOFTWARE
from rvr_desktop.evidence.case.cases import load_case
from rvr_desktop.evidence.case.mg11 import (
    build_statement,
    read_statement_inputs,
    statement_sha256,
)
from rvr_desktop.evidence.clock import document_time
from rvr_desktop.evidence.documents import DocumentOrigin, render_statement
from rvr_desktop.evidence.errors import NotAllowed, VaultDamaged
from rvr_desktop.evidence.forms import create_form
from rvr_desktop.evidence.forms.store import FormVersion
from rvr_desktop.evidence.signing.errors import NoOfficerProfile
from rvr_desktop.evidence.signing.identity_store import read_credential
from rvr_desktop.evidence.signing.officer import read_officer_profile
from rvr_desktop.evidence.signing.pdf_sign import sign_pdf
from rvr_desktop.evidence.vault import Tx, Vault, audit

SIGNED_ACTION = "statement.signed"


class StatementAlreadySigned(NotAllowed):
    def __init__(self, signed: SignedStatement) -> None:
        self.signed = signed
        super().__init__(
            f"Statement {signed.number} was already signed at "
            f"{document_time(signed.signed_utc_ms)}; a signed statement never changes. "
            "For anything the witness adds or corrects, take a further statement."
        )


class StatementChangedWhileSigning(NotAllowed):
    def __init__(self) -> None:
        super().__init__(
            "The statement changed while it was being signed, so that signature was not "
            "kept. Check the statement, then sign it again."
        )


class NoSignedStatement(NotAllowed):
    def __init__(self) -> None:
        super().__init__(
            "A further statement follows a signed one: sign the first statement before "
            "starting another."
        )


@dataclass(frozen=True)
class SignedStatement:
    """One signed MG11 statement (its PDF is read separately: :func:`read_signed_pdf`)."""

    id: int
    case_id: int
    number: int
    """1 for the case's first statement, 2 for the first further statement, and so on."""
    form_id: int
    """The MG11 form it was made from; that form takes no new version after signing."""
    form_version: int
    """The final version whose text was read back and confirmed."""
    statement_sha256: str
    """SHA-256 of the statement text that was read back and confirmed."""
    pdf_sha256: str
    """SHA-256 of the signed PDF, as recorded in the audit chain."""
    signed_utc_ms: int
    signed_by: str
    audit_seq: int
    """The ``statement.signed`` record in the audit chain."""


_COLUMNS = (
    "id, case_id, number, form_id, form_version, statement_sha256, pdf_sha256, "
    "signed_utc_ms, signed_by, audit_seq"
)


def _from_row(row: Any) -> SignedStatement:
    return SignedStatement(
        id=int(row["id"]),
        case_id=int(row["case_id"]),
        number=int(row["number"]),
        form_id=int(row["form_id"]),
        form_version=int(row["form_version"]),
        statement_sha256=str(row["statement_sha256"]),
        pdf_sha256=str(row["pdf_sha256"]),
        signed_utc_ms=int(row["signed_utc_ms"]),
        signed_by=str(row["signed_by"]),
        audit_seq=int(row["audit_seq"]),
    )


def read_signed_statements(tx: Tx, case_id: int) -> list[SignedStatement]:
    """The case's signed statements, first to last."""
    rows = tx.all(
        f"SELECT {_COLUMNS} FROM signed_statements WHERE case_id = ? ORDER BY number",  # noqa: S608
        (case_id,),
    )
    return [_from_row(r) for r in rows]


def signed_statements(vault: Vault, case_id: int) -> list[SignedStatement]:
    with vault.reader() as tx:
        return read_signed_statements(tx, case_id)


def read_signed_form(tx: Tx, form_id: int) -> SignedStatement | None:
    """The signed statement made from this MG11 form, if it was signed."""
    row = tx.one(
        f"SELECT {_COLUMNS} FROM signed_statements WHERE form_id = ?",  # noqa: S608
        (form_id,),
    )
    return None if row is None else _from_row(row)


def read_signed_pdf(tx: Tx, signed: SignedStatement) -> bytes:
    """The signed PDF's bytes, checked against the SHA-256 recorded when it was signed."""
    data = tx.scalar("SELECT pdf FROM signed_statements WHERE id = ?", (signed.id,))
    pdf = bytes(data) if isinstance(data, bytes | bytearray | memoryview) else b""
    if hashlib.sha256(pdf).hexdigest() != signed.pdf_sha256:
        raise VaultDamaged(
            f"the signed original of statement {signed.number} no longer matches the SHA-256 "
            "recorded when it was signed"
        )
    return pdf


def sign_statement(
    vault: Vault, case_id: int, *, timestamp_url: str | None = None
) -> SignedStatement:
    """Sign the case's latest MG11 statement, now, and keep the signed PDF as its original.

    Refuses while the statement is not ready (read-back, confirmation, finalised), and
    when it is already signed. The PDF is rendered and signed outside any transaction (a
    time-stamping service may be slow); it is kept only if the statement is still exactly
    the version that was signed.
    """
    with vault.reader() as tx:
        case = load_case(tx, case_id)
        officer = read_officer_profile(tx, vault)
        if officer is None:
            raise NoOfficerProfile()
        credential = read_credential(tx, vault)
        inputs = read_statement_inputs(tx, case_id)
        if inputs.final is not None:
            already = read_signed_form(tx, inputs.final.form_id)
            if already is not None:
                raise StatementAlreadySigned(already)
    statement = build_statement(case, officer, inputs)
    final = inputs.final
    if final is None:  # build_statement refuses first; this keeps the types honest
        raise StatementChangedWhileSigning()
    now = vault.clock.utc_now_ms()
    origin = DocumentOrigin(
        author=f"{officer.name} ({officer.rank_and_number})",
        created_utc_ms=now,
        software=SOFTWARE,
    )
    rendered = render_statement(statement, origin)
    if rendered.signature_box is None:
        raise NotAllowed("The statement has no signature box; it cannot be signed.")
    pdf = sign_pdf(
        rendered.data,
        credential,
        officer,
        rendered.signature_box,
        clock=vault.clock,
        timestamp_url=timestamp_url,
    )
    pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    with vault.transaction() as tx:
        current = read_statement_inputs(tx, case_id).final
        if current is None or (current.form_id, current.version) != (
            final.form_id,
            final.version,
        ):
            raise StatementChangedWhileSigning()
        if (already := read_signed_form(tx, final.form_id)) is not None:
            raise StatementAlreadySigned(already)
        number = 1 + int(
            tx.scalar("SELECT count(*) FROM signed_statements WHERE case_id = ?", (case_id,))
        )
        record = audit.append(
            tx,
            vault,
            SIGNED_ACTION,
            f"statement:{number}",
            case_ref=case.reference,
            content_sha256=pdf_sha256,
        )
        row_id = tx.execute(
            "INSERT INTO signed_statements(case_id, number, form_id, form_version, "
            "statement_sha256, pdf, pdf_sha256, signed_utc_ms, signed_by, audit_seq) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                case_id,
                number,
                final.form_id,
                final.version,
                statement_sha256(final.answers),
                pdf,
                pdf_sha256,
                now,
                vault.actor,
                record.seq,
            ),
        )
    return SignedStatement(
        id=row_id,
        case_id=case_id,
        number=number,
        form_id=final.form_id,
        form_version=final.version,
        statement_sha256=statement_sha256(final.answers),
        pdf_sha256=pdf_sha256,
        signed_utc_ms=now,
        signed_by=vault.actor,
        audit_seq=record.seq,
    )


# A further statement starts from the one before (the same witness, their details and
# consents, the URN) but never from its words or its confirmation.
_NOT_CARRIED_OVER = ("statement_text", "witness_signature")


def start_further_statement(vault: Vault, case_id: int) -> FormVersion:
    """Start a new MG11 form for a further statement, after the latest one was signed."""
    with vault.reader() as tx:
        inputs = read_statement_inputs(tx, case_id)
        latest = inputs.latest
        signed = None if latest is None else read_signed_form(tx, latest.form_id)
    if latest is None or signed is None:
        raise NoSignedStatement()
    answers = {k: v for k, v in latest.answers.items() if k not in _NOT_CARRIED_OVER}
    # The same template as the statement before it, so the two read alike.
    return create_form(vault, case_id, latest.parsed_template(), answers)
