"""Proving withheld copies (bundle format 2): a timeline entry or form outside
``data/restricted/`` whose restricted answers read "withheld" is checked against its full
copy under ``data/restricted/``, and the full copy is what the audit chain's hash covers.

The public copy must be exactly the full copy with the places it lists in ``withheld``
replaced by the placeholder (:func:`~rvr_desktop.evidence.disclosure.withhold.public_copy`):
a public copy that says anything else, or a full copy changed after export, is named.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from rvr_desktop.evidence.bundle import contents as c
from rvr_desktop.evidence.bundle.bundle_records import (
    json_objects,
    read_json_object,
    whole_number,
)
from rvr_desktop.evidence.bundle.layout import PAYLOAD_PREFIX
from rvr_desktop.evidence.bundle.source import BagSource
from rvr_desktop.evidence.disclosure.withheld_copy import (
    WithheldMismatch,
    public_copy,
    withheld_places,
)
from rvr_desktop.evidence.records.audit_chain import AuditRecord
from rvr_desktop.evidence.records.canonical import canonical_json
from rvr_desktop.evidence.records.form_version import version_record


def _subject(entry: dict[str, Any]) -> str:
    return ("event:" if entry.get("event") else "note:") + str(entry.get("id"))


def full_timeline_entries(
    source: BagSource,
    public: list[dict[str, Any]],
    good: dict[str, str],
    problems: list[str],
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each timeline entry by its audit subject, in full: a public entry as it is, a
    withheld one from data/restricted/ once the two are proven to agree. Problems found
    are appended to ``problems``."""
    member = PAYLOAD_PREFIX + c.TIMELINE_WITHHELD_JSON
    full: dict[str, dict[str, Any]] = {}
    if member in good:
        held = json_objects(read_json_object(source, member).get("entries"), f"{member} entries")
        full = {_subject(entry): entry for entry in held}
    used: set[str] = set()
    for entry in public:
        subject = _subject(entry)
        try:
            places = withheld_places(entry)
        except WithheldMismatch as exc:
            problems.append(f"{subject} in {c.TIMELINE_JSON}: {exc}")
            continue
        if not places:
            yield subject, entry
            continue
        if subject not in full:
            problems.append(
                f"{subject} has withheld details, but {member} does not hold its full entry "
                "(missing or failed its hash check)"
            )
            continue
        used.add(subject)
        if not _agrees(entry, full[subject], places, subject, problems):
            continue
        yield subject, full[subject]
    for subject in sorted(set(full) - used):
        problems.append(f"{member} holds {subject}, which {c.TIMELINE_JSON} does not withhold")


def _agrees(
    public: dict[str, Any],
    full: dict[str, Any],
    places: tuple[str, ...],
    what: str,
    problems: list[str],
) -> bool:
    try:
        expected = public_copy(full, places)
    except WithheldMismatch as exc:
        problems.append(f"{what}: {exc}")
        return False
    if expected != public:
        problems.append(
            f"{what}: the public copy differs from its full copy in data/restricted/ by "
            "more than the withheld answers"
        )
        return False
    return True


def full_form(
    source: BagSource, member: str, form: dict[str, Any], good: dict[str, str], problems: list[str]
) -> dict[str, Any] | None:
    """A form's JSON in full: as it is, or (when it withholds answers) its full copy under
    data/restricted/ once the two agree; None after a problem."""
    try:
        places = withheld_places(form)
    except WithheldMismatch as exc:
        problems.append(f"{member}: {exc}")
        return None
    if not places:
        return form
    restricted = restricted_form_member(member)
    if restricted not in good:
        problems.append(
            f"{member} has withheld answers, but its full copy {restricted} is missing or "
            "failed its hash check"
        )
        return None
    full = read_json_object(source, restricted)
    if not _agrees(form, full, places, member, problems):
        return None
    return full


def restricted_form_member(member: str) -> str:
    """data/forms/x.json -> data/restricted/forms/x.json."""
    return PAYLOAD_PREFIX + c.RESTRICTED_PREFIX + member.removeprefix(PAYLOAD_PREFIX)


def unmatched_restricted_forms(good: dict[str, str], used: set[str]) -> list[str]:
    """Full form copies under data/restricted/forms/ that no public form withholds from."""
    prefix = PAYLOAD_PREFIX + c.RESTRICTED_PREFIX + "forms/"
    return [
        f"{member} is not the full copy of any form outside data/restricted/"
        for member in sorted(good)
        if member.startswith(prefix) and member.endswith(".json") and member not in used
    ]


def forms_match(source: BagSource, mine: list[AuditRecord], good: dict[str, str]) -> list[str]:
    saved = {
        (r.body.subject, r.body.content_sha256)
        for r in mine
        if r.body is not None and r.body.action in ("form.saved", "form.finalised")
    }
    problems: list[str] = []
    used: set[str] = set()
    for member in sorted(good):
        is_form = member.startswith(PAYLOAD_PREFIX + "forms/") and member.endswith(".json")
        if not is_form and not c.is_mg11_form_json(member.removeprefix(PAYLOAD_PREFIX)):
            continue
        public = read_json_object(source, member)
        form = full_form(source, member, public, good, problems)
        if form is None:
            continue
        if form is not public:
            used.add(restricted_form_member(member))
        answers_sha = hashlib.sha256(canonical_json(form.get("answers"))).hexdigest()
        template = form.get("template")
        record = version_record(
            whole_number(form.get("form_id")),
            whole_number(form.get("version")),
            str(form.get("state")),
            str(template.get("sha256") if isinstance(template, dict) else ""),
            answers_sha,
            whole_number(form.get("saved_utc_ms")),
            str(form.get("saved_by")),
        )
        if answers_sha != form.get("answers_sha256"):
            problems.append(f"{member}: the answers do not match their recorded SHA-256")
        elif (f"form:{form.get('form_id')}", hashlib.sha256(record).hexdigest()) not in saved:
            problems.append(f"{member}: this version of the form is not in the audit chain")
    return problems + unmatched_restricted_forms(good, used)
