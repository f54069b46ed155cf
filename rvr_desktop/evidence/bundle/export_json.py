"""The bundle's own JSON files and bag-info.txt, written from a case snapshot.

docs/bundle-format.md describes each; the verifier reads them back (bundle_records.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from rvr_desktop import SOFTWARE
from rvr_desktop.evidence.bundle import contents as c
from rvr_desktop.evidence.case.attachments import Attachment
from rvr_desktop.evidence.case.snapshot import CaseSnapshot
from rvr_desktop.evidence.disclosure.withhold import (
    public_copy,
    restricted_paths,
    withhold_answers,
)
from rvr_desktop.evidence.forms import FormVersion
from rvr_desktop.evidence.forms.model import Template
from rvr_desktop.evidence.records.audit_chain import AuditRecord, short_code
from rvr_desktop.evidence.records.canonical import canonical_json


def json_bytes(value: Any) -> bytes:
    """A JSON file of the bundle: indented, keys sorted, UTF-8, ending in a newline."""
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"


def form_json(version: FormVersion) -> bytes:
    """A form version with the exact template it was filled against."""
    return json_bytes(
        {
            "form_id": version.form_id,
            "version": version.version,
            "state": version.state.value,
            "template": {
                "id": version.template.template_id,
                "version": version.template.version,
                "sha256": version.template.sha256,
                "text": version.template.text,
            },
            "answers": version.answers,
            "answers_sha256": version.answers_sha256,
            "saved_utc_ms": version.saved_utc_ms,
            "saved_by": version.saved_by,
        }
    )


def timeline_files(
    snapshot: CaseSnapshot, templates: Mapping[str, Template]
) -> tuple[bytes, bytes | None]:
    """timeline.json with each restricted answer of a recorded safety gate withheld (the
    entry lists the places in ``withheld``), and the full copies of those entries for
    restricted/ (None when nothing was withheld)."""
    public: list[dict[str, Any]] = []
    full: list[dict[str, Any]] = []
    for entry in snapshot.entries:
        document = entry.to_json()
        answers = entry.payload.get("answers")
        template = templates.get(str(entry.payload.get("template_id")))
        places: tuple[str, ...] = ()
        if isinstance(answers, dict) and template is not None:
            _, places = withhold_answers(answers, restricted_paths([template]))
        if places:
            full.append(document)
            public.append(public_copy(document, ["payload.answers." + p for p in places]))
        else:
            public.append(document)
    reference = snapshot.case.reference
    return (
        json_bytes({"case_reference": reference, "entries": public}),
        json_bytes({"case_reference": reference, "entries": full}) if full else None,
    )


def case_json(
    snapshot: CaseSnapshot,
    *,
    exported_utc_ms: int,
    recipient: str,
    justification: str,
    exhibits: Sequence[tuple[str, Attachment]],
    forms: Sequence[str],
) -> bytes:
    """The case, the export's who, why and when, and where each exhibit and form is."""
    case, head = snapshot.case, snapshot.head
    return json_bytes(
        {
            "format": c.BUNDLE_FORMAT,
            "format_version": c.BUNDLE_FORMAT_VERSION,
            "case": {
                "reference": case.reference,
                "victim_display_name": case.victim_name,
                "officer": case.officer,
                "call_platform_ref": case.call_platform_ref,
                "created_utc_ms": case.created_utc_ms,
            },
            "export": {
                "exported_utc_ms": exported_utc_ms,
                "exported_by": snapshot.officer.to_json(),
                "recipient": recipient.strip(),
                "justification": justification.strip(),
                "software": SOFTWARE,
                "audit_chain_head": {"seq": head.seq, "record_hash": head.record_hash},
            },
            "exhibits": [{**item.to_json(), "path": path} for path, item in exhibits],
            "forms": list(forms),
        }
    )


def bag_info(
    snapshot: CaseSnapshot, *, exported_utc_ms: int, recipient: str
) -> list[tuple[str, str]]:
    """bag-info.txt: BagIt's own labels, then ours (case, officer, time, chain head)."""
    case, officer, head = snapshot.case, snapshot.officer, snapshot.head
    exported = datetime.fromtimestamp(exported_utc_ms / 1000, tz=UTC).strftime(
        "%Y-%m-%dT%H:%M:%S.%fZ"
    )
    return [
        ("Source-Organization", officer.force or "Police service"),
        ("Contact-Name", f"{officer.name} ({officer.rank_and_number})"),
        ("External-Identifier", case.reference),
        ("External-Description", f"RVR evidence bundle for case {case.reference}"),
        (c.INFO_FORMAT, f"{c.BUNDLE_FORMAT} {c.BUNDLE_FORMAT_VERSION}"),
        (c.INFO_CASE, case.reference),
        (c.INFO_OFFICER, f"{officer.name} ({officer.rank_and_number})"),
        (c.INFO_RECIPIENT, " ".join(recipient.split())),
        (c.INFO_EXPORTED, exported[:-4] + "Z"),
        (c.INFO_SOFTWARE, SOFTWARE),
        (c.INFO_CHAIN_SEQ, str(head.seq)),
        (c.INFO_CHAIN_HEAD, head.record_hash),
        (c.INFO_CHAIN_CODE, short_code(head.record_hash)),
    ]


def audit_line(record: AuditRecord, case_reference: str) -> bytes:
    """One line of audit-chain.jsonl: another case's record is redacted to its links."""
    mine = record.body is not None and record.body.case_ref == case_reference
    return canonical_json(record.to_json(redact=not mine)) + b"\n"
