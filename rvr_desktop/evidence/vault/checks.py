"""What can be wrong with a vault: checked when it opens, and in full on demand.

Before the database is opened, its file must be there and whole. When the vault opens,
the audit head this computer last saw must still be in the chain (so an older copy put
back in place is noticed), every attachment's encrypted file must be there, and what a
crash left behind (blobs no row refers to, a header under its temporary name) is
removed. :func:`integrity_problems` (``vault check``) adds SQLite's and SQLCipher's own
checks and the audit chain's links. Problems that do not stop the vault opening are
returned as sentences, for ``Vault.damage``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from rvr_desktop.evidence.errors import VaultDamaged, VaultRolledBack
from rvr_desktop.evidence.records.audit_chain import ChainAnchor
from rvr_desktop.evidence.vault import audit
from rvr_desktop.evidence.vault.anchor import OutsideAnchor
from rvr_desktop.evidence.vault.blobstore import BlobStore
from rvr_desktop.evidence.vault.connections import ConnectionPool, Tx
from rvr_desktop.evidence.vault.paths import DATABASE_NAME, HEADER_NAME, VaultPaths


def check_database_file(paths: VaultPaths) -> None:
    # SQLCipher would happily treat a missing or emptied file as a brand-new vault.
    try:
        size = paths.database.stat().st_size
    except FileNotFoundError:
        raise VaultDamaged(f"its database file {DATABASE_NAME} is missing") from None
    if size == 0:
        raise VaultDamaged(f"its database file {DATABASE_NAME} is empty")
    if size % 1024 != 0:
        raise VaultDamaged(f"its database file {DATABASE_NAME} is truncated ({size} bytes)")


def check_not_rolled_back(tx: Tx, acknowledged: ChainAnchor | None, outside: OutsideAnchor) -> None:
    """:class:`VaultRolledBack` unless the chain still holds the head in the header and the
    one recorded on this computer, each with the same hash."""
    for anchor in [acknowledged, outside.load()]:
        if anchor is None:
            continue
        found = tx.scalar("SELECT record_hash FROM audit WHERE seq = ?", (anchor.seq,))
        if found != anchor.record_hash:
            raise VaultRolledBack(
                f"this computer last saw audit record {anchor.seq}; "
                + ("it is missing" if found is None else "it differs")
            )


def reconcile_blobs(pool: ConnectionPool, blobs: BlobStore, *, inspect_only: bool) -> list[str]:
    """Remove blobs no attachment refers to (reported instead with ``inspect_only``);
    returns the problems found."""
    with pool.reader() as tx:
        known = {str(r[0]) for r in tx.all("SELECT blob_name FROM attachments")}
    blobs.ensure()
    problems: list[str] = []
    if inspect_only:
        for name in blobs.orphans(known):
            problems.append(f"an encrypted file no attachment refers to: blobs/{name}")
        missing = sorted(known - blobs.names())
    else:
        missing = blobs.reconcile(known)
    for name in missing:
        problems.append(f"the encrypted file of an attachment ({name}) is missing")
    return problems


def sweep_header_temporaries(paths: VaultPaths, *, inspect_only: bool) -> None:
    """Remove a new header a crash left under its temporary name.

    It wraps the database key under a passphrase whose change never finished: nothing
    needs it, and it should not linger beside the vault.
    """
    if inspect_only:
        return
    for leftover in paths.root.glob(f".{HEADER_NAME}.*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def integrity_problems(pool: ConnectionPool, damage: Sequence[str]) -> list[str]:
    """Everything wrong with the vault: ``damage`` found when it opened, SQLite, SQLCipher,
    the audit chain."""
    problems = list(damage)
    problems.extend(pool.page_problems())
    with pool.reader() as tx:
        broken = audit.verify_chain(tx)
    if broken is not None:
        problems.append(f"audit chain: {broken.describe()}")
    return problems
