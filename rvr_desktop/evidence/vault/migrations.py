"""Bringing a vault's schema to the version this program writes.

schema.py holds the SQL; this module runs it. Each step is one transaction that also sets
SQLite's ``user_version``, so a vault is always wholly at one version. Before a vault is
upgraded, its (encrypted) database file is copied into ``backups/``. A vault newer than
this program is refused untouched.

``MIGRATIONS`` and ``CURRENT_VERSION`` are read from this module when a vault is created
or opened, so a test can make a vault as an earlier release did by patching them here.
"""

from __future__ import annotations

import logging
import os
import shutil

from rvr_desktop.evidence.clock import Clock
from rvr_desktop.evidence.errors import VaultDamaged, VaultTooNew
from rvr_desktop.evidence.fsutil import ensure_private_dir, translate_os_errors
from rvr_desktop.evidence.vault.connections import (
    Connection,
    Tx,
    checkpoint_connection,
    transaction_on,
)
from rvr_desktop.evidence.vault.paths import VaultPaths
from rvr_desktop.evidence.vault.schema import CURRENT_VERSION, MIGRATIONS

log = logging.getLogger(__name__)


def openable_version(conn: Connection) -> int:
    """The schema version of the vault on ``conn``, refused if this program cannot open it."""
    found = int(Tx(conn).scalar("PRAGMA user_version"))
    if found > CURRENT_VERSION:
        raise VaultTooNew(found, CURRENT_VERSION)
    if found < 1:
        raise VaultDamaged("its database holds no tables")
    return found


def bring_up_to_date(
    conn: Connection, found: int, paths: VaultPaths, clock: Clock, *, inspect_only: bool
) -> list[str]:
    """Upgrade the vault from schema ``found``, after a backup.

    With ``inspect_only`` nothing is changed: the pending upgrade is returned instead, as a
    finding to report.
    """
    if found >= CURRENT_VERSION:
        return []
    if inspect_only:
        return [
            f"the vault uses schema {found}; unlocking it in the app will upgrade "
            f"it to {CURRENT_VERSION} (after a backup)"
        ]
    _backup_before_migration(conn, paths, clock, found)
    migrate(conn, from_version=found)
    return []


def migrate(conn: Connection, *, from_version: int) -> None:
    """Run every migration after ``from_version`` (0 for a new vault), each one atomically."""
    for version in range(from_version, CURRENT_VERSION):
        # A schema step holds none of the officer's work, so a failed COMMIT leaves nothing
        # of theirs in doubt: creating removes the new files, and the next unlock finds the
        # schema whole at one version or the other.
        with transaction_on(conn, commit_may_have_landed=False) as tx:
            for statement in _split_sql(MIGRATIONS[version]):
                tx.execute(statement)
            tx.execute(f"PRAGMA user_version = {version + 1:d}")
        if from_version > 0:
            log.info("vault migrated to schema %d", version + 1)


def _backup_before_migration(conn: Connection, paths: VaultPaths, clock: Clock, found: int) -> None:
    ensure_private_dir(paths.backups)
    checkpoint_connection(conn)
    stamp = clock.utc_now_ms()
    target = paths.backups / f"vault-schema{found}-{stamp}.db"
    temp = target.with_name("." + target.name + ".tmp")
    with translate_os_errors(target):
        with (
            open(paths.database, "rb") as src,
            open(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as dst,
        ):
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(temp, target)


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies (BEGIN ... END;) whole."""
    statements: list[str] = []
    current: list[str] = []
    depth = 0
    for line in script.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        current.append(line)
        upper = stripped.upper()
        if upper == "BEGIN" or upper.endswith(" BEGIN"):
            depth += 1
        if upper == "END;":
            depth -= 1
        if stripped.endswith(";") and depth == 0:
            statements.append("\n".join(current))
            current = []
    if current:
        statements.append("\n".join(current))
    return statements
