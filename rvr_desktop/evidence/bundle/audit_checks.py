"""The audit chain inside a bundle: unbroken, ending at the head bag-info.txt gives, and
agreeing with every note, call event, exhibit and exported form the bundle holds."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from rvr_desktop.evidence.bundle import contents as c
from rvr_desktop.evidence.bundle.bagit_reader import LoadedBag
from rvr_desktop.evidence.bundle.bundle_records import (
    audit_records,
    exhibits_match,
    json_objects,
    read_json_object,
    statements_match,
)
from rvr_desktop.evidence.bundle.layout import PAYLOAD_PREFIX
from rvr_desktop.evidence.bundle.result import Aspect, CheckList
from rvr_desktop.evidence.bundle.source import BagSource
from rvr_desktop.evidence.bundle.withheld_records import forms_match, full_timeline_entries
from rvr_desktop.evidence.records.audit_chain import AuditRecord, ChainBreak, verify_records
from rvr_desktop.evidence.records.timeline_entry import entry_content_bytes


@dataclass(frozen=True)
class AuditChainReading:
    """The bundle's audit chain as read: where it breaks, its last record, and the case's."""

    broken: ChainBreak | None
    last: AuditRecord | None
    mine: list[AuditRecord]


def read_audit_chain(source: BagSource, bag: LoadedBag) -> AuditChainReading:
    """Read and link-check ``audit.jsonl`` (the verifier does it while the payload is still
    being hashed, once the file itself has matched its manifest line)."""
    reference = bag.info.single(c.INFO_CASE)
    mine: list[AuditRecord] = []
    last: AuditRecord | None = None

    def collect() -> Iterator[AuditRecord]:
        nonlocal last
        for record in audit_records(source, PAYLOAD_PREFIX + c.AUDIT_JSONL):
            last = record
            if record.body is not None and record.body.case_ref == reference:
                mine.append(record)
            yield record

    broken = verify_records(collect())
    return AuditChainReading(broken, last, mine)


def audit_checks(
    source: BagSource,
    bag: LoadedBag,
    good: dict[str, str],
    checks: CheckList,
    chain: AuditChainReading | None = None,
) -> None:
    """The chain unbroken, its head as bag-info.txt gives it, and every note, form and
    exhibit as it records; ``chain`` is the chain already read, if it was."""
    audit_member = PAYLOAD_PREFIX + c.AUDIT_JSONL
    if audit_member not in good:
        checks.failed(
            "audit chain", Aspect.INTEGRITY, f"{audit_member} is missing or failed its hash check"
        )
        return
    reference = bag.info.single(c.INFO_CASE)
    reading = chain or read_audit_chain(source, bag)
    broken, last, mine = reading.broken, reading.last, reading.mine
    if broken is not None:
        checks.failed("audit chain", Aspect.INTEGRITY, broken.describe())
        return
    if last is None:
        checks.failed("audit chain", Aspect.INTEGRITY, f"{audit_member} holds no records")
        return
    checks.passed(
        "audit chain",
        Aspect.INTEGRITY,
        f"{last.seq} records link unbroken from the first; {len(mine)} belong to case {reference}",
    )
    head, length = bag.info.single(c.INFO_CHAIN_HEAD), bag.info.single(c.INFO_CHAIN_SEQ)
    if head == last.record_hash and length == str(last.seq):
        checks.passed(
            "audit chain head",
            Aspect.INTEGRITY,
            f"record {last.seq} has the hash {head} given in bag-info.txt",
        )
    else:
        checks.failed(
            "audit chain head",
            Aspect.INTEGRITY,
            f"bag-info.txt gives head {head} at record {length}; the chain ends at "
            f"record {last.seq} with {last.record_hash}",
        )
    checks.guarded(
        "notes, forms and exhibits match the audit chain",
        Aspect.INTEGRITY,
        lambda: _records_match_contents(source, mine, good, checks),
    )


def _records_match_contents(
    source: BagSource, mine: list[AuditRecord], good: dict[str, str], checks: CheckList
) -> None:
    """Every note, event, exhibit and exported form the chain records is present, unchanged."""
    name = "notes, forms and exhibits match the audit chain"
    problems: list[str] = []
    recorded = {
        r.body.subject: r.body.content_sha256
        for r in mine
        if r.body is not None and r.body.action.startswith(("note.", "call.", "clock."))
    }
    timeline_member = PAYLOAD_PREFIX + c.TIMELINE_JSON
    entries: dict[str, str] = {}
    if timeline_member in good:
        timeline_doc = read_json_object(source, timeline_member)
        public = json_objects(timeline_doc.get("entries"), f"{timeline_member} entries")
        for subject, entry in full_timeline_entries(source, public, good, problems):
            entries[subject] = hashlib.sha256(entry_content_bytes(entry)).hexdigest()
    else:
        problems.append(f"{timeline_member} is missing or failed its hash check")
    for subject, digest in recorded.items():
        if subject not in entries:
            problems.append(f"the audit chain records {subject} but the notes do not hold it")
        elif entries[subject] != digest:
            problems.append(
                f"{subject} differs from the audit chain (expected SHA-256 "
                f"{digest}, found {entries[subject]})"
            )
    for subject in sorted(set(entries) - set(recorded)):
        problems.append(f"{subject} is in the notes but not in the audit chain")
    problems += exhibits_match(source, mine, good)
    problems += forms_match(source, mine, good)
    problems += statements_match(mine, good)
    if problems:
        checks.failed(
            name,
            Aspect.INTEGRITY,
            "; ".join(problems[:5])
            + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""),
        )
    else:
        checks.passed(
            name,
            Aspect.INTEGRITY,
            f"{len(entries)} timeline entries and every exhibit, exported form and signed "
            "statement have the SHA-256 the audit chain recorded",
        )
