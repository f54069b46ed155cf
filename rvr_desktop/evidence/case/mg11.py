"""The victim's MG11 statement: read-back, readiness to sign, and the documents' inputs.

The statement is the MG11 form (template ``mg11``). Before it can be signed:

1. the officer reads it back to the witness over the video, which stamps a
   ``statement_read_back`` event bound to the exact statement text;
2. the witness confirms it (the form's ``witness_signature``: typed name, drawn
   signature, or confirmation recorded on the call);
3. the form is finalised, with the same statement text that was read back;
4. if an interpreter was used, the interpreter form is finalised with their declaration.

:func:`statement_readiness` says which of these are missing, in words an officer acts on.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rvr_desktop.evidence.case import timeline
from rvr_desktop.evidence.case.cases import Case
from rvr_desktop.evidence.case.document_inputs import label_values, moment
from rvr_desktop.evidence.case.timeline import TimelineEntry, read_entries
from rvr_desktop.evidence.documents import (
    InterpreterDeclaration,
    RestrictedDetails,
    SigningMethod,
    Statement,
    StatementTaker,
    Witness,
    WitnessConfirmation,
)
from rvr_desktop.evidence.errors import InvalidInput, NotAllowed
from rvr_desktop.evidence.forms import (
    FormVersion,
    printable_form,
    read_form_history,
    read_forms_for_case,
    read_latest_final,
)
from rvr_desktop.evidence.forms.answers import parse_datetime
from rvr_desktop.evidence.records.timeline_entry import CallEvent
from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.vault import Tx, Vault

MG11_TEMPLATE_ID = "mg11"
INTERPRETER_TEMPLATE_ID = "interpreter"


class StatementNotReady(NotAllowed):
    def __init__(self, problems: tuple[str, ...]) -> None:
        self.problems = problems
        super().__init__("The statement cannot be signed yet: " + " ".join(problems))


@dataclass(frozen=True)
class StatementReadiness:
    form: FormVersion | None
    """The MG11's latest final version, if any."""
    read_back: TimelineEntry | None
    """The read-back of exactly that statement text, if it happened."""
    interpreter: FormVersion | None
    """The interpreter form's latest final version, when an interpreter was used."""
    problems: tuple[str, ...]
    """What is still missing, each a sentence an officer can act on; empty when ready."""

    @property
    def ready(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class StatementInputs:
    """What the statement's readiness and document are made from, read at one moment."""

    latest: FormVersion | None
    """The MG11's latest version (draft or final), if the form was started."""
    final: FormVersion | None
    """The MG11's latest final version, if it was ever finalised."""
    started_utc_ms: int | None
    """When the final version's form was first saved: when taking the statement began."""
    read_back: TimelineEntry | None
    """The latest read-back of exactly the final version's statement text."""
    interpreter_latest: FormVersion | None
    """The interpreter form's latest version, if the case has one."""
    interpreter_final: FormVersion | None
    """The interpreter form's latest final version, if it was ever finalised."""


def statement_sha256(answers: dict[str, Any]) -> str:
    return hashlib.sha256(str(answers.get("statement_text", "")).encode("utf-8")).hexdigest()


def read_latest_form_of(tx: Tx, case_id: int, template_id: str) -> FormVersion | None:
    """The latest version of the case's form made from ``template_id`` (None if none)."""
    forms = [f for f in read_forms_for_case(tx, case_id) if f.template.template_id == template_id]
    return forms[-1] if forms else None


def latest_form_of(vault: Vault, case_id: int, template_id: str) -> FormVersion | None:
    """The latest version of the case's form made from ``template_id`` (None if none)."""
    with vault.reader() as tx:
        return read_latest_form_of(tx, case_id, template_id)


def record_read_back(vault: Vault, case_id: int) -> TimelineEntry:
    """Stamp that the statement, as it stands now, was read back to the witness."""
    form = latest_form_of(vault, case_id, MG11_TEMPLATE_ID)
    if form is None or not str(form.answers.get("statement_text", "")).strip():
        raise InvalidInput(
            "There is no statement text to read back yet. Write the statement in the MG11 form "
            "first."
        )
    return timeline.record_event(
        vault,
        case_id,
        CallEvent.STATEMENT_READ_BACK,
        "Statement read back to the witness",
        {
            "form_id": form.form_id,
            "form_version": form.version,
            "statement_sha256": statement_sha256(form.answers),
        },
    )


def find_read_back(entries: Sequence[TimelineEntry], version: FormVersion) -> TimelineEntry | None:
    """The latest read-back among ``entries`` of exactly this version's statement text."""
    wanted = statement_sha256(version.answers)
    for entry in reversed(entries):
        if (
            entry.event is CallEvent.STATEMENT_READ_BACK
            and entry.payload.get("statement_sha256") == wanted
        ):
            return entry
    return None


def read_back_of(vault: Vault, case_id: int, version: FormVersion) -> TimelineEntry | None:
    """The latest read-back of exactly this version's statement text, if there was one."""
    return find_read_back(timeline.entries(vault, case_id), version)


def read_statement_inputs(tx: Tx, case_id: int) -> StatementInputs:
    """What the statement's readiness and document are made from, as ``tx`` sees it."""
    latest = read_latest_form_of(tx, case_id, MG11_TEMPLATE_ID)
    final = None if latest is None else read_latest_final(tx, latest.form_id)
    started = None if final is None else read_form_history(tx, final.form_id)[0]
    read_back = None if final is None else find_read_back(read_entries(tx, case_id), final)
    interpreter = read_latest_form_of(tx, case_id, INTERPRETER_TEMPLATE_ID)
    return StatementInputs(
        latest=latest,
        final=final,
        started_utc_ms=None if started is None else started.saved_utc_ms,
        read_back=read_back,
        interpreter_latest=interpreter,
        interpreter_final=(
            None if interpreter is None else read_latest_final(tx, interpreter.form_id)
        ),
    )


def readiness_of(inputs: StatementInputs) -> StatementReadiness:
    """Which steps before signing are still missing, from the statement's inputs alone."""
    problems: list[str] = []
    latest, final = inputs.latest, inputs.final
    if latest is None:
        problems.append("Start the MG11 statement form and write the statement.")
    elif final is None:
        problems.append("Finalise the MG11 statement form.")
    elif not latest.is_final:
        problems.append(
            "The MG11 form has been changed since it was finalised: finalise it again (and "
            "read it back again if the statement text changed)."
        )
    if final is not None:
        if inputs.read_back is None:
            problems.append(
                "Read the final statement back to the witness (Record read-back) so they can "
                "confirm it."
            )
        if not isinstance(final.answers.get("witness_signature"), dict):
            problems.append(
                "Record the witness's confirmation (typed name, drawn signature or "
                "confirmation on the call) in the MG11 form, then finalise it again."
            )
    interpreter = _interpreter_form(inputs, problems)
    return StatementReadiness(final, inputs.read_back, interpreter, tuple(problems))


def statement_readiness(vault: Vault, case_id: int) -> StatementReadiness:
    with vault.reader() as tx:
        return readiness_of(read_statement_inputs(tx, case_id))


def _interpreter_form(inputs: StatementInputs, problems: list[str]) -> FormVersion | None:
    latest = inputs.interpreter_latest
    if latest is None or _yes(latest.answers.get("interpreter_used")) is not True:
        return None
    final = inputs.interpreter_final
    if final is None or not latest.is_final:
        problems.append("An interpreter was used: finalise the interpreter form.")
        return None
    if _yes(final.answers.get("declaration_made")) is not True:
        problems.append("An interpreter was used: record the interpreter's declaration.")
    return final


def _yes(value: Any) -> bool | None:
    answer = value.get("answer") if isinstance(value, dict) else value
    if answer == "yes":
        return True
    if answer == "no":
        return False
    return None


def _moment_of(value: Any, fallback_ms: int) -> Any:
    parsed = parse_datetime(value)
    return moment(fallback_ms if parsed is None else int(parsed.timestamp() * 1000))


def build_statement(case: Case, officer: OfficerProfile, inputs: StatementInputs) -> Statement:
    """The statement document's input, refusing while anything is missing."""
    readiness = readiness_of(inputs)
    if (
        not readiness.ready
        or readiness.form is None
        or readiness.read_back is None
        or inputs.started_utc_ms is None
    ):
        raise StatementNotReady(readiness.problems)
    final = readiness.form
    answers = final.answers
    signature = answers["witness_signature"]
    method = SigningMethod(str(signature.get("method")))
    image = signature.get("image_png_base64")
    try:
        drawn = base64.b64decode(image, validate=True) if isinstance(image, str) else None
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput(
            "The witness's drawn signature is damaged. Ask the witness to sign again."
        ) from exc
    confirmation = WitnessConfirmation(
        read_back_at=moment(readiness.read_back.recorded_utc_ms),
        confirmed_at=_moment_of(signature.get("signed_at"), final.saved_utc_ms),
        method=method,
        typed_name=str(signature.get("name", "")),
        drawn_signature_png=drawn,
    )
    age = answers.get("age") if answers.get("age_band") == "under_18" else None
    interpreter = None
    if readiness.interpreter is not None:
        given = readiness.interpreter.answers
        interpreter = InterpreterDeclaration(
            name=str(given.get("name", "")),
            language=str(given.get("language", "")),
            organisation=str(given.get("organisation", "")),
            declared_at=_moment_of(given.get("declared_at"), readiness.interpreter.saved_utc_ms),
        )
    return Statement(
        case_reference=case.reference,
        witness=Witness(
            name=str(answers["witness_name"]),
            age_if_under_18=int(age) if isinstance(age, int | float) else None,
            occupation=str(answers.get("occupation", "")),
        ),
        text=str(answers["statement_text"]),
        taken_by=StatementTaker(
            name=officer.name,
            number=officer.rank_and_number,
            station=officer.station,
            started=moment(inputs.started_utc_ms),
            finished=moment(final.saved_utc_ms),
        ),
        confirmation=confirmation,
        interpreter=interpreter,
        urn=str(answers.get("urn") or ""),
    )


def build_restricted_details(case: Case, final: FormVersion) -> RestrictedDetails:
    """The MG11 back page: only the fields the template marks for the restricted document."""
    printable = printable_form(final.parsed_template(), final.answers, document="restricted")
    return RestrictedDetails(
        case_reference=case.reference,
        witness_name=str(final.answers.get("witness_name", "")),
        items=tuple(label_values(printable)),
        urn=str(final.answers.get("urn") or ""),
    )
