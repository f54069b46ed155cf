"""Reading an RVR bundle's own records (JSON files, the audit chain) and matching exhibits and
forms against the chain: the content half of verification, kept apart from the checks list.

Everything read here comes from a bundle that may be hostile: sizes are limited and every
shape is checked, and a wrong shape is a :class:`MalformedContent` error, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Any

from rvr_desktop.evidence.bundle import contents as c
from rvr_desktop.evidence.bundle.layout import PAYLOAD_PREFIX
from rvr_desktop.evidence.bundle.source import BagSource
from rvr_desktop.evidence.errors import InvalidInput
from rvr_desktop.evidence.records.audit_chain import AuditRecord
from rvr_desktop.evidence.records.canonical import canonical_json

MAX_JSON_BYTES = 64 << 20
"""Largest JSON file read: a timeline of some 140,000 entries."""
MAX_JSON_TOKENS = 4_000_000
"""Most keys and values one JSON file may hold. Parsed, each costs Python up to some 80
bytes, whatever its size in the file: ``[{},{},...]`` costs 25 times its size, so a byte
limit alone let 200 MiB of it take 5 GB. A real timeline entry is some 28 tokens in 450
bytes, so the two limits agree."""
MAX_AUDIT_LINE = 64 * 1024


class MalformedContent(InvalidInput):
    """A file inside the bundle is not shaped as an RVR bundle's file must be."""


def read_json_object(source: BagSource, member: str) -> dict[str, Any]:
    """A JSON object from the bundle, within size, token and nesting limits."""
    data = source.read_small(member, MAX_JSON_BYTES)
    # Every key and value but the first follows one of these bytes (counted in strings
    # too, so this is an upper bound), found at memory speed before anything is parsed.
    tokens = sum(data.count(mark) for mark in (b",", b":", b"[", b"{")) + 1
    if tokens > MAX_JSON_TOKENS:
        raise MalformedContent(
            f"{member} holds up to {tokens:,} keys and values, more than the "
            f"{MAX_JSON_TOKENS:,} any bundle needs"
        )
    try:
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise MalformedContent(f"{member} is not valid JSON ({type(exc).__name__})") from exc
    if not isinstance(value, dict):
        raise MalformedContent(f"{member} must hold a JSON object")
    return value


def json_objects(value: Any, what: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise MalformedContent(f"{what} must be a list of JSON objects")
    return value


def whole_number(value: Any) -> int:
    if type(value) is not int:
        raise MalformedContent(f"expected a whole number, found {str(value)[:40]!r}")
    return value


def audit_records(source: BagSource, member: str) -> Iterator[AuditRecord]:
    with source.open_member(member) as stream:
        number = 0
        while True:
            line = stream.readline(MAX_AUDIT_LINE + 1)
            if not line:
                return
            number += 1
            if len(line) > MAX_AUDIT_LINE or not line.endswith(b"\n"):
                raise InvalidInput(f"{member} line {number} is too long or unterminated")
            try:
                yield AuditRecord.from_json(json.loads(line))
            except (ValueError, RecursionError) as exc:
                raise MalformedContent(f"{member} line {number}: {exc}") from exc


def exhibits_match(source: BagSource, mine: list[AuditRecord], good: dict[str, str]) -> list[str]:
    case_member = PAYLOAD_PREFIX + c.CASE_JSON
    if case_member not in good:
        return [f"{case_member} is missing or failed its hash check"]
    listed: dict[str, dict[str, Any]] = {}
    for exhibit in json_objects(read_json_object(source, case_member).get("exhibits"), "exhibits"):
        listed[str(exhibit.get("exhibit_ref"))] = exhibit
    problems = []
    added = {
        r.body.subject.removeprefix("attachment:"): r.body.content_sha256
        for r in mine
        if r.body is not None and r.body.action == "attachment.added"
    }
    for ref, digest in added.items():
        found = listed.get(ref)
        if found is None:
            problems.append(f"exhibit {ref} is in the audit chain but not in the bundle")
            continue
        exhibit = found
        member = PAYLOAD_PREFIX + str(exhibit.get("path"))
        described = {k: v for k, v in exhibit.items() if k != "path"}
        if hashlib.sha256(canonical_json(described)).hexdigest() != digest:
            problems.append(
                f"exhibit {ref}: its details in case.json (name, source, time or hash) differ "
                "from what the audit chain recorded"
            )
        elif member not in good:
            problems.append(f"exhibit {ref} ({member}) is missing or failed its hash check")
        elif good[member] != exhibit.get("sha256"):
            problems.append(
                f"exhibit {ref} ({member}) has SHA-256 {good[member]}, but {exhibit.get('sha256')} "
                "was recorded when it was imported"
            )
    for ref in sorted(set(listed) - set(added)):
        problems.append(f"exhibit {ref} is in the bundle but not in the audit chain")
    return problems + _unlisted_exhibit_files(source, listed.values())


def _unlisted_exhibit_files(source: BagSource, listed: Iterable[dict[str, Any]]) -> list[str]:
    """A file in the exhibits folder that no exhibit is (planted, and hashed and signed
    by someone holding the officer's key) would otherwise pass as part of the evidence."""
    named = {PAYLOAD_PREFIX + str(exhibit.get("path")) for exhibit in listed}
    named |= {PAYLOAD_PREFIX + c.EXHIBIT_LIST_PDF, PAYLOAD_PREFIX + c.EXHIBIT_STATEMENT_PDF}
    folder = PAYLOAD_PREFIX + "exhibits/"
    return [
        f"{member.path} is in the exhibits folder but is no exhibit the case lists"
        for member in source.list_files()
        if member.path.startswith(folder) and member.path not in named
    ]


def statements_match(mine: list[AuditRecord], good: dict[str, str]) -> list[str]:
    """Each statement PDF is the original the vault kept when it was signed: its SHA-256 is
    the one a ``statement.signed`` record holds, and every such record's PDF is present.

    Bundles from before statements were signed at confirmation hold no such record; their
    statement was signed at export, and its own signature is the proof.
    """
    signed = {
        r.body.subject: r.body.content_sha256
        for r in mine
        if r.body is not None and r.body.action == "statement.signed"
    }
    if not signed:
        return []
    present = {
        digest: member
        for member, digest in good.items()
        if c.is_statement_pdf(member.removeprefix(PAYLOAD_PREFIX))
    }
    problems = []
    for subject, digest in sorted(signed.items()):
        if digest not in present:
            problems.append(
                f"the audit chain records {subject} signed with SHA-256 {digest}, but no "
                "statement in the bundle has it"
            )
    recorded = set(signed.values())
    for digest, member in sorted(present.items(), key=lambda item: item[1]):
        if digest not in recorded:
            problems.append(
                f"{member} is not the statement the vault kept when it was signed (its "
                f"SHA-256 {digest} is in no statement.signed record)"
            )
    return problems


def disclosure_places(source: BagSource, good: set[str]) -> int | None:
    """How many places the officer's disclosure check lists (data/disclosure-check.json,
    bundle format 2); None when the bundle has no check, or it failed its hash check."""
    member = PAYLOAD_PREFIX + c.DISCLOSURE_CHECK_JSON
    if member not in good:
        return None
    document = read_json_object(source, member)
    places = json_objects(document.get("places"), f"{member} places")
    if whole_number(document.get("count")) != len(places):
        raise MalformedContent(f"{member}: its count does not match the places it lists")
    return len(places)


def disclosure_note(count: int) -> str:
    """The NOTE the verifier shows for the officer's disclosure check."""
    if count == 0:
        return (
            "The officer's disclosure check found no restricted detail (the victim's phone "
            "number, address, e-mail, date of birth or safe word) outside data/restricted/."
        )
    places = "1 place" if count == 1 else f"{count} places"
    return (
        f"The officer's disclosure check lists {places} where a restricted detail appears "
        "outside data/restricted/: redact them before disclosure (see "
        f"data/{c.DISCLOSURE_CHECK_JSON})."
    )
