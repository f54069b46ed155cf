"""Verifying a day's or a year's intake where it is stored: every bundle under a prefix.

The bundles are checked in parallel worker processes (one per core by default, more on a
bigger machine); each worker has its own S3 client and trust store and downloads one
bundle at a time into its own private temporary folder. A line per bundle, and a summary;
the whole batch passes only when every bundle verifies.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rvr_desktop.evidence.bundle.result import Outcome, Verdict
from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.fsutil import atomic_write_bytes
from rvr_desktop.evidence.signing.trust import TrustStore
from rvr_desktop.evidence.store.client import Bucket, S3Client, make_client, reading_errors
from rvr_desktop.evidence.store.stored_check import StoredBundle, verify_stored_bundle


@dataclass(frozen=True)
class BatchLine:
    """One stored bundle's result."""

    url: str
    verdict: Verdict | None
    """None when the bundle could not be checked at all (see ``error``)."""
    verdict_text: str
    failed: tuple[str, ...]
    """The failing checks, in plain words."""
    error: str = ""
    hidden: bool = False
    """A delete marker hides it: somebody deleted it, and only the lock kept it."""

    @property
    def verified(self) -> bool:
        return self.verdict is Verdict.VERIFIED and not self.hidden

    @property
    def outcome(self) -> str:
        if self.verdict is None:
            return "error"
        return "hidden" if self.hidden else self.verdict.value

    def to_json(self) -> dict[str, Any]:
        return {
            "bundle": self.url,
            "outcome": self.outcome,
            "verdict": self.verdict_text,
            "failed": list(self.failed),
            "error": self.error,
        }


@dataclass(frozen=True)
class BatchSummary:
    lines: tuple[BatchLine, ...]

    @property
    def all_verified(self) -> bool:
        return bool(self.lines) and all(line.verified for line in self.lines)

    def counts(self) -> dict[str, int]:
        counted = {"verified": 0, "not-trusted": 0, "failed": 0, "error": 0, "hidden": 0}
        for line in self.lines:
            counted[line.outcome] += 1
        return counted

    def describe(self) -> str:
        c = self.counts()
        hidden = f", {c['hidden']} hidden by a delete marker" if c["hidden"] else ""
        return (
            f"{len(self.lines)} bundles: {c['verified']} verified, {c['not-trusted']} not "
            f"trusted, {c['failed']} failed{hidden}, {c['error']} could not be checked."
        )


def stored_bundles(client: S3Client, address: Bucket, prefix: str) -> list[StoredBundle]:
    """Every .zip under ``prefix``, in key order: its latest version, or, where a delete
    marker hides the key (a delete in a locked bucket only hides), its newest locked
    version marked hidden, so that no deleted bundle drops silently out of a batch."""
    listed: set[str] = set()
    hidden: set[str] = set()
    newest: dict[str, str] = {}
    with reading_errors(address, f"list the bundles under {prefix or 'the bucket'}"):
        paginator = client.get_paginator("list_object_versions")
        for page in paginator.paginate(Bucket=address.bucket, Prefix=prefix):
            for version in page.get("Versions", []):
                key = str(version["Key"])
                if key.lower().endswith(".zip"):
                    # S3 lists each key's versions newest first.
                    newest.setdefault(key, str(version["VersionId"]))
                    if version.get("IsLatest"):
                        listed.add(key)
            for marker in page.get("DeleteMarkers", []):
                if marker.get("IsLatest") and str(marker["Key"]).lower().endswith(".zip"):
                    hidden.add(str(marker["Key"]))
    bundles = [StoredBundle(address.bucket, key) for key in listed]
    bundles += [
        StoredBundle(address.bucket, key, newest[key], hidden=True)
        for key in hidden - listed
        if key in newest
    ]
    return sorted(bundles, key=lambda bundle: bundle.key)


def verify_batch(
    address: Bucket,
    bundles: list[StoredBundle],
    trust_pem: list[bytes],
    *,
    workers: int | None = None,
    on_line: Callable[[BatchLine], None] = lambda _line: None,
) -> BatchSummary:
    """Check every bundle on ``workers`` processes; ``on_line`` hears each as it ends."""
    count = max(1, workers or os.cpu_count() or 2)
    lines: list[BatchLine] = []
    if count == 1:
        _start_worker(address, trust_pem)
        results: Iterator[BatchLine] = map(_check_one, bundles)
        for line in results:
            lines.append(line)
            on_line(line)
        return BatchSummary(tuple(lines))
    # Fresh worker processes ("spawn"), never forked copies of this one: a fork would copy
    # the threads and open sockets of whatever else this process runs.
    with ProcessPoolExecutor(
        count,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(address, trust_pem),
    ) as pool:
        for line in pool.map(_check_one, bundles):
            lines.append(line)
            on_line(line)
    return BatchSummary(tuple(lines))


_worker: dict[str, Any] = {}


def _start_worker(address: Bucket, trust_pem: list[bytes]) -> None:
    trust = TrustStore.empty()
    for number, pem in enumerate(trust_pem, 1):
        trust = trust.adding(TrustStore.from_pem(pem, f"trusted root {number}").roots)
    _worker["client"] = make_client(address)
    _worker["address"] = address
    _worker["trust"] = trust


def _check_one(bundle: StoredBundle) -> BatchLine:
    try:
        status = verify_stored_bundle(
            _worker["client"], _worker["address"], bundle, _worker["trust"]
        )
    except RvrError as exc:
        return BatchLine(bundle.url, None, "could not be checked", (), str(exc))
    failed = tuple(c.shown_title for c in status.checks if c.outcome is Outcome.FAIL)
    return BatchLine(
        status.shown_location, status.verdict, status.verdict_text, failed, hidden=bundle.hidden
    )


def csv_rows(summary: BatchSummary) -> list[list[str]]:
    rows = [["bundle", "outcome", "failed_checks", "verdict"]]
    for line in summary.lines:
        cells = [line.url, line.outcome, "; ".join(line.failed) or line.error, line.verdict_text]
        rows.append([_not_a_formula(cell) for cell in cells])
    return rows


def _not_a_formula(cell: str) -> str:
    """A spreadsheet runs a cell that starts like a formula; a store key may be made to."""
    return "'" + cell if cell.startswith(("=", "+", "-", "@", "\t", "\r")) else cell


def write_csv(summary: BatchSummary, path: Path) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(csv_rows(summary))
    atomic_write_bytes(path, buffer.getvalue().encode("utf-8"))
