"""The vault's lifecycle: :class:`Vault` is made by create or unlock and closed by lock.

This module decides the order of things; each step lives in its own module:

- paths.py: where the vault's files are;
- throttle.py: the growing wait after wrong passphrases;
- connections.py: SQLCipher itself (the key, per-thread connections, transactions);
- migrations.py: bringing an older schema up to date, after a backup;
- checks.py: what is checked as the vault opens (a rolled-back copy, missing or orphan
  blobs) and in full for ``vault check``;
- profile.py: the settings table, where the audit actor comes from.

The database key is random; the header wraps it under an Argon2id key derived from the
passphrase, and :meth:`Vault.change_passphrase` only re-wraps it. The acknowledged audit
head is kept in the header and on this computer, so an older copy of the vault put back
in place is noticed when it is next unlocked.
"""

from __future__ import annotations

import contextlib
import os
import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from rvr_desktop.evidence.clock import Clock, ClockWatch, SystemClock
from rvr_desktop.evidence.errors import (
    DiskFull,
    PassphraseChangeUnconfirmed,
    RvrError,
    StorageError,
    VaultAlreadyExists,
    VaultDamaged,
    VaultLocked,
    VaultNotFound,
    VaultRolledBack,
    WrongPassphrase,
)
from rvr_desktop.evidence.fsutil import ensure_private_dir
from rvr_desktop.evidence.records.audit_chain import ChainAnchor
from rvr_desktop.evidence.vault import audit, checks, migrations, profile
from rvr_desktop.evidence.vault.anchor import OutsideAnchor, default_anchor_dir
from rvr_desktop.evidence.vault.blobstore import BlobStore
from rvr_desktop.evidence.vault.connections import (
    Connection,
    ConnectionPool,
    Tx,
    database_errors_translated,
)
from rvr_desktop.evidence.vault.header import KeyCheckFailed, VaultHeader
from rvr_desktop.evidence.vault.kdf import DEFAULT_KDF, KEY_BYTES, KdfParams
from rvr_desktop.evidence.vault.passphrase_policy import check_new_passphrase
from rvr_desktop.evidence.vault.paths import HEADER_NAME, VaultPaths, vault_exists
from rvr_desktop.evidence.vault.process_lock import VaultProcessLock
from rvr_desktop.evidence.vault.throttle import UnlockAttempts


class Vault:
    """An unlocked vault: made by :meth:`create` or :meth:`unlock`, closed by :meth:`lock`."""

    def __init__(
        self,
        paths: VaultPaths,
        header: VaultHeader,
        key: bytes,
        clock: Clock,
        anchor_dir: Path | None = None,
    ) -> None:
        self.paths = paths
        self._header = header
        self._key: bytes | None = key
        self.clock = clock
        self.clock_watch = ClockWatch(clock)
        # Identifies this process's monotonic clock, whose readings compare only within it.
        self.clock_session = uuid.uuid4().hex
        self.blobs = BlobStore(paths.blobs)
        self.damage: list[str] = []
        """Problems found when the vault was opened (reported by ``vault check`` and the app)."""
        self._pool = ConnectionPool(paths.database, key)
        self._actor: str | None = None
        self._process_lock = VaultProcessLock(paths.lock_file)
        self._inspect_only = False
        self._header_lock = threading.Lock()
        self._anchor_dir = anchor_dir or default_anchor_dir()

    # ---- creating and unlocking -------------------------------------------------------

    @classmethod
    def create(
        cls,
        root: Path,
        passphrase: str,
        *,
        kdf: KdfParams = DEFAULT_KDF,
        clock: Clock | None = None,
    ) -> Vault:
        """Create a new vault in ``root``; refuses if any vault file is already there, or if
        the passphrase breaks the passphrase policy."""
        check_new_passphrase(passphrase)
        clock = clock or SystemClock()
        paths = VaultPaths(Path(root))
        if paths.header.exists() or paths.database.exists():
            raise VaultAlreadyExists(paths.root)
        ensure_private_dir(paths.root)
        ensure_private_dir(paths.blobs)
        key = os.urandom(KEY_BYTES)
        header = VaultHeader.new(key, passphrase, kdf, clock.utc_now_ms())
        # The database first, then the header: a folder with a header always has its database.
        vault = cls(paths, header, key, clock)
        vault._process_lock.acquire(paths.root)
        try:
            conn = vault._pool.open(creating=True)
        except BaseException:
            vault._process_lock.release()
            raise
        try:
            migrations.migrate(conn, from_version=0)
        except BaseException:
            conn.close()
            vault._process_lock.release()
            with contextlib.suppress(FileNotFoundError):
                for path in paths.database_files():
                    path.unlink()
            raise
        header.save(paths.header)
        vault._adopt_first(conn)
        with vault.transaction() as tx:
            audit.append(tx, vault, "vault.created", f"vault:{header.vault_id}")
        return vault

    @classmethod
    def unlock(
        cls,
        root: Path,
        passphrase: str,
        *,
        clock: Clock | None = None,
        inspect_only: bool = False,
        accept_restore_reason: str | None = None,
    ) -> Vault:
        """Open the vault with ``passphrase``.

        With ``inspect_only`` (``vault check``) nothing is changed: no schema upgrade, no
        orphan blob removed (it is reported), and the header's anchor is not moved on lock.

        ``accept_restore_reason`` is the evidence manager's deliberate step after restoring
        a backup: the vault opens although it is older than this computer last saw, and the
        acceptance, with its reason, is recorded in the audit chain.
        """
        clock = clock or SystemClock()
        paths = VaultPaths(Path(root))
        header = cls._read_header(paths)
        key = UnlockAttempts(paths.attempts, clock).unwrap_key(header, passphrase)
        checks.check_database_file(paths)
        vault = cls(paths, header, key, clock)
        vault._inspect_only = inspect_only
        vault._process_lock.acquire(paths.root)
        try:
            # A damaged page met while opening (the profile, the audit anchor's row).
            with database_errors_translated("the vault"):
                restored_from = vault._open_database(may_accept_restore=bool(accept_restore_reason))
                vault.damage += checks.reconcile_blobs(
                    vault._pool, vault.blobs, inspect_only=inspect_only
                )
                checks.sweep_header_temporaries(paths, inspect_only=inspect_only)
                if restored_from is not None and accept_restore_reason:
                    vault._accept_restore(accept_restore_reason.strip(), restored_from)
        except BaseException:
            vault.lock(acknowledge=False)
            raise
        return vault

    def _open_database(self, *, may_accept_restore: bool) -> str | None:
        """Open the existing database, check it is the one last seen, bring its schema up to
        date and make it this thread's connection.

        Returns how the vault is older than this computer last saw, when that is to be
        accepted (``may_accept_restore``, not while only inspecting); None if it is not.
        """
        conn = self._pool.open(creating=False)
        try:
            found = migrations.openable_version(conn)
            restored_from: str | None = None
            try:
                checks.check_not_rolled_back(
                    Tx(conn), self._header.acknowledged_head, self._outside_anchor()
                )
            except VaultRolledBack as rollback:
                if not may_accept_restore or self._inspect_only:
                    raise
                restored_from = str(rollback)
            self.damage += migrations.bring_up_to_date(
                conn, found, self.paths, self.clock, inspect_only=self._inspect_only
            )
            self._adopt_first(conn)
        except BaseException:
            conn.close()
            raise
        return restored_from

    def _adopt_first(self, conn: Connection) -> None:
        """Make ``conn`` this thread's connection, learning from it who is acting."""
        self._actor = profile.actor(Tx(conn))
        self._pool.adopt(conn)

    def _accept_restore(self, reason: str, found: str) -> None:
        with self.transaction() as tx:
            audit.append(
                tx,
                self,
                "vault.restore_accepted",
                f"vault:{self.vault_id}",
                content=f"{reason}\n{found}".encode(),
            )
        self.acknowledge_head()

    @staticmethod
    def exists(root: Path) -> bool:
        return vault_exists(root)

    @staticmethod
    def _read_header(paths: VaultPaths) -> VaultHeader:
        try:
            return VaultHeader.load(paths.header)
        except FileNotFoundError:
            if paths.database.exists():
                raise VaultDamaged(
                    f"its header file {HEADER_NAME} is missing, so the key cannot be unwrapped"
                ) from None
            raise VaultNotFound(paths.root) from None

    # ---- using it -----------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Tx]:
        """One user action: everything inside commits together, durably, or not at all."""
        with self._pool.transaction() as tx:
            yield tx

    @contextlib.contextmanager
    def reader(self) -> Iterator[Tx]:
        """A consistent read-only snapshot."""
        with self._pool.reader() as tx:
            yield tx

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database and empty it."""
        self._pool.checkpoint()

    def release_thread_connection(self) -> None:
        """Close the calling thread's connection (a worker thread calls this when done)."""
        self._pool.release_thread_connection()

    @property
    def is_locked(self) -> bool:
        return self._key is None

    @property
    def vault_id(self) -> str:
        return self._header.vault_id

    @property
    def header(self) -> VaultHeader:
        return self._header

    # ---- the officer using this vault -------------------------------------------------

    def get_setting(self, key: str, tx: Tx | None = None) -> str | None:
        """A profile setting; pass ``tx`` when already inside a transaction."""
        if tx is not None:
            return profile.read(tx, key)
        with self.reader() as own:
            return profile.read(own, key)

    def put_setting(self, tx: Tx, key: str, value: str) -> None:
        profile.write(tx, key, value)

    def remove_setting(self, tx: Tx, key: str) -> None:
        profile.remove(tx, key)

    def put_officer_name(self, tx: Tx, name: str) -> None:
        self.put_setting(tx, profile.OFFICER_NAME, name)
        self._actor = name

    @property
    def actor(self) -> str:
        """Who is acting: the officer's name from the profile, else the computer login."""
        return self._actor or profile.login_name()

    # ---- the last state this computer saw ------------------------------------------------

    def _outside_anchor(self) -> OutsideAnchor:
        if self._key is None:
            raise VaultLocked()
        return OutsideAnchor(self._anchor_dir, self._header.vault_id, self._key)

    def acknowledge_head(self) -> ChainAnchor | None:
        """Remember the current audit head in the header and on this computer, so an older
        copy of the vault put back in place is noticed."""
        with self.reader() as tx:
            head = audit.chain_head(tx)
        with self._header_lock:
            if head is not None and head != self._header.acknowledged_head:
                updated = replace(self._header, acknowledged_head=head)
                updated.save(self.paths.header)
                self._header = updated
            if head is not None:
                self._outside_anchor().save(head)
        return head

    # ---- passphrase and locking ---------------------------------------------------------

    def change_passphrase(self, old: str, new: str, *, kdf: KdfParams | None = None) -> None:
        """Re-wrap the database key under ``new``; the header is replaced atomically."""
        if self._key is None:
            raise VaultLocked()
        check_new_passphrase(new)
        try:
            self._header.unwrap_key(old)
        except KeyCheckFailed:
            raise WrongPassphrase(0, 0.0) from None
        with self._header_lock:
            updated = self._header.rewrapped(self._key, new, kdf or self._header.kdf)
            try:
                updated.save(self.paths.header)
            except (StorageError, DiskFull) as exc:
                if self._header_on_disk() != updated:
                    raise  # the old header is still the one in place: nothing changed
                # The new header was renamed into place; only making that durable failed.
                self._header = updated
                with contextlib.suppress(RvrError):
                    self._record_passphrase_change()
                raise PassphraseChangeUnconfirmed("saving the new passphrase") from exc
            self._header = updated
        try:
            self._record_passphrase_change()
        except (StorageError, DiskFull) as exc:
            raise PassphraseChangeUnconfirmed("recording the change in the audit trail") from exc

    def _record_passphrase_change(self) -> None:
        with self.transaction() as tx:
            audit.append(tx, self, "vault.passphrase_changed", f"vault:{self.vault_id}")

    def _header_on_disk(self) -> VaultHeader | None:
        try:
            return VaultHeader.load(self.paths.header)
        except (OSError, VaultDamaged):
            return None

    def lock(self, *, acknowledge: bool = True) -> None:
        """Close every connection and drop the key. Safe to call twice."""
        if self._key is None:
            return
        if acknowledge and not self._inspect_only:
            with contextlib.suppress(StorageError, DiskFull, VaultLocked, VaultDamaged):
                self.acknowledge_head()
        self._key = None
        self._pool.close()
        self._process_lock.release()

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.lock()

    # ---- integrity ------------------------------------------------------------------------

    def integrity_problems(self) -> list[str]:
        """Everything wrong with the vault: SQLite, SQLCipher, the audit chain, missing blobs."""
        return checks.integrity_problems(self._pool, self.damage)
