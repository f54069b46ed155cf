"""The encrypted vault: the one module that opens SQLCipher.

A vault is a folder holding:

- ``vault.db`` (with ``-wal`` and ``-shm`` beside it while open): the SQLCipher database;
- ``vault-header.json``: non-secret header (see header.py);
- ``blobs/``: attachment bytes, encrypted per attachment (see blobstore.py);
- ``backups/``: copies of the (encrypted) database taken before each schema migration;
- ``unlock-attempts.json``: the count of wrong passphrases, for the growing delay.

The database key is random; the header wraps it under an Argon2id key derived from the
passphrase. The key reaches SQLCipher only through ``set_key`` as a raw-key literal,
never in PRAGMA text or a log. Every write is one ``BEGIN IMMEDIATE`` transaction in WAL
mode with ``synchronous=FULL``, so it is durable when the call returns.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import logging
import os
import shutil
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import sqlcipher3

from rvr_desktop.evidence.clock import Clock, ClockWatch, SystemClock
from rvr_desktop.evidence.errors import (
    DiskFull,
    DiskWriteFailed,
    InsecureDatabaseBuild,
    NotAllowed,
    PassphraseChangeUnconfirmed,
    RvrError,
    StorageError,
    UnlockThrottled,
    VaultAlreadyExists,
    VaultDamaged,
    VaultLocked,
    VaultNotFound,
    VaultRolledBack,
    VaultTooNew,
    WrongPassphrase,
)
from rvr_desktop.evidence.fsutil import (
    atomic_write_bytes,
    ensure_private_dir,
    is_disk_full,
    translate_os_errors,
)
from rvr_desktop.evidence.records.audit_chain import ChainAnchor
from rvr_desktop.evidence.vault import audit
from rvr_desktop.evidence.vault.anchor import OutsideAnchor, default_anchor_dir
from rvr_desktop.evidence.vault.blobstore import BlobStore
from rvr_desktop.evidence.vault.header import KeyCheckFailed, VaultHeader
from rvr_desktop.evidence.vault.kdf import DEFAULT_KDF, KEY_BYTES, KdfParams
from rvr_desktop.evidence.vault.passphrase_policy import check_new_passphrase
from rvr_desktop.evidence.vault.process_lock import VaultProcessLock
from rvr_desktop.evidence.vault.schema import CURRENT_VERSION, MIGRATIONS

log = logging.getLogger(__name__)

DATABASE_NAME = "vault.db"
HEADER_NAME = "vault-header.json"
ATTEMPTS_NAME = "unlock-attempts.json"
LOCK_NAME = "vault.lock"

# Wrong passphrases allowed before the delay starts, and the longest delay.
FREE_ATTEMPTS = 3
MAX_DELAY_S = 300.0

_PROCESS_SETUP = threading.Lock()
_process_configured = False


class Row(Protocol):
    def __getitem__(self, key: str | int) -> Any: ...

    def keys(self) -> list[str]: ...


@dataclass(frozen=True)
class VaultPaths:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / DATABASE_NAME

    @property
    def header(self) -> Path:
        return self.root / HEADER_NAME

    @property
    def blobs(self) -> Path:
        return self.root / "blobs"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def attempts(self) -> Path:
        return self.root / ATTEMPTS_NAME

    @property
    def lock_file(self) -> Path:
        return self.root / LOCK_NAME


class Tx:
    """One open transaction (or read snapshot) on the vault."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; returns the last inserted row id."""
        cursor = self._conn.execute(sql, tuple(params))
        return int(cursor.lastrowid or 0)

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row: Row | None = self._conn.execute(sql, tuple(params)).fetchone()
        return row

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(self._conn.execute(sql, tuple(params)).fetchall())

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self._conn.execute(sql, tuple(params)).fetchone()
        return None if row is None else row[0]


def _configure_process() -> None:
    global _process_configured
    with _PROCESS_SETUP:
        if _process_configured:
            return
        # SQLCipher otherwise prints its own errors to stderr; we report them ourselves.
        probe = sqlcipher3.connect(":memory:")
        try:
            probe.execute("PRAGMA cipher_log_level = NONE")
        finally:
            probe.close()
        _process_configured = True


def _raw_key_literal(key: bytes) -> bytes:
    # SQLCipher takes x'<64 hex>' as a raw key and skips its own PBKDF2 (we used Argon2id).
    return b"x'" + key.hex().encode("ascii") + b"'"


def _translate_db_error(
    exc: BaseException, where: str, *, committing: bool = False
) -> BaseException:
    """Our error for a database error; ``committing`` when it came from COMMIT itself."""
    if is_disk_full(exc):
        return DiskFull(where)
    text = str(exc)
    if "disk I/O error" in text:
        # At COMMIT the log may already hold the whole transaction (only its fsync failed),
        # so SQLite may find it committed when the vault is next opened.
        return DiskWriteFailed(where, uncertain=committing)
    if "append-only" in text or "never changes" in text or "only when their case" in text:
        return NotAllowed(text[0].upper() + text[1:] + ".")
    if isinstance(exc, sqlcipher3.DatabaseError) and (
        "malformed" in text or "not a database" in text or "corrupt" in text
    ):
        return VaultDamaged(f"the database reports '{text}'")
    return StorageError(f"The vault could not complete the action ({text}). Nothing was saved.")


class _Attempts:
    """Counts wrong passphrases in a small file beside the vault, so the delay survives restarts."""

    def __init__(self, path: Path, clock: Clock) -> None:
        self._path = path
        self._clock = clock

    def _load(self) -> tuple[int, int]:
        try:
            raw = json.loads(self._path.read_bytes())
            return int(raw["failures"]), int(raw["last_failure_utc_ms"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0, 0

    @staticmethod
    def delay_for(failures: int) -> float:
        if failures < FREE_ATTEMPTS:
            return 0.0
        return float(min(2.0 ** (failures - FREE_ATTEMPTS + 1), MAX_DELAY_S))

    def wait_remaining(self) -> float:
        failures, last = self._load()
        delay = self.delay_for(failures)
        remaining = delay - (self._clock.utc_now_ms() - last) / 1000
        # A clock set backwards must not make the wait longer than the delay itself.
        return min(max(0.0, remaining), delay)

    def record_failure(self) -> tuple[int, float]:
        failures, _ = self._load()
        failures += 1
        body = {"failures": failures, "last_failure_utc_ms": self._clock.utc_now_ms()}
        with contextlib.suppress(OSError):  # the delay is a courtesy; never block on it
            atomic_write_bytes(self._path, json.dumps(body).encode())
        return failures, self.delay_for(failures)

    def reset(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path.unlink()


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
        self._local = threading.local()
        self._connections: list[Any] = []
        self._owners: dict[int, threading.Thread] = {}
        """Which thread each connection (by id) belongs to, to close those of ended threads."""
        self._connections_lock = threading.Lock()
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
            conn = vault._open_connection(creating=True)
        except BaseException:
            vault._process_lock.release()
            raise
        try:
            vault._migrate(conn, from_version=0)
        except BaseException:
            conn.close()
            vault._process_lock.release()
            with contextlib.suppress(FileNotFoundError):
                for suffix in ("", "-wal", "-shm"):
                    Path(str(paths.database) + suffix).unlink()
            raise
        header.save(paths.header)
        vault._adopt(conn)
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
        attempts = _Attempts(paths.attempts, clock)
        wait = attempts.wait_remaining()
        if wait > 0:
            raise UnlockThrottled(wait)
        try:
            key = header.unwrap_key(passphrase)
        except KeyCheckFailed:
            failures, delay = attempts.record_failure()
            raise WrongPassphrase(failures, delay) from None
        attempts.reset()
        cls._check_database_file(paths)
        vault = cls(paths, header, key, clock)
        vault._inspect_only = inspect_only
        vault._process_lock.acquire(paths.root)
        try:
            conn = vault._open_connection(creating=False)
            try:
                found = vault._schema_version(conn)
                if found > CURRENT_VERSION:
                    raise VaultTooNew(found, CURRENT_VERSION)
                if found < 1:
                    raise VaultDamaged("its database holds no tables")
                try:
                    vault._check_not_rolled_back(conn)
                    restored_from = None
                except VaultRolledBack as rollback:
                    if not accept_restore_reason or inspect_only:
                        raise
                    restored_from = str(rollback)
                if found < CURRENT_VERSION and not inspect_only:
                    vault._backup_before_migration(conn, found)
                    vault._migrate(conn, from_version=found)
                elif found < CURRENT_VERSION:
                    vault.damage.append(
                        f"the vault uses schema {found}; unlocking it in the app will upgrade "
                        f"it to {CURRENT_VERSION} (after a backup)"
                    )
                vault._adopt(conn)
            except BaseException:
                conn.close()
                raise
            vault._reconcile_blobs()
            vault._sweep_header_temporaries()
            if restored_from is not None and accept_restore_reason:
                vault._accept_restore(accept_restore_reason.strip(), restored_from)
        except BaseException as exc:
            vault.lock(acknowledge=False)
            if isinstance(exc, sqlcipher3.Error):
                # A damaged page met while opening (the profile, the audit anchor's row).
                raise _translate_db_error(exc, "the vault") from exc
            raise
        return vault

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
        paths = VaultPaths(Path(root))
        return paths.header.exists() or paths.database.exists()

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

    @staticmethod
    def _check_database_file(paths: VaultPaths) -> None:
        # SQLCipher would happily treat a missing or emptied file as a brand-new vault.
        try:
            size = paths.database.stat().st_size
        except FileNotFoundError:
            raise VaultDamaged(f"its database file {DATABASE_NAME} is missing") from None
        if size == 0:
            raise VaultDamaged(f"its database file {DATABASE_NAME} is empty")
        if size % 1024 != 0:
            raise VaultDamaged(f"its database file {DATABASE_NAME} is truncated ({size} bytes)")

    # ---- connections ------------------------------------------------------------------

    def _open_connection(self, *, creating: bool) -> Any:
        if self._key is None:
            raise VaultLocked()
        _configure_process()
        with translate_os_errors(self.paths.database):
            if creating:
                # Private from birth; SQLite gives the -wal and -shm files the same mode.
                os.close(os.open(self.paths.database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            conn = sqlcipher3.connect(
                str(self.paths.database),
                isolation_level=None,
                check_same_thread=False,
                timeout=30.0,
            )
        try:
            conn.set_key(_raw_key_literal(self._key))
            version = conn.execute("PRAGMA cipher_version").fetchone()
            if not version or not version[0]:
                raise InsecureDatabaseBuild()
            with contextlib.suppress(AttributeError):
                conn.enable_load_extension(False)
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlcipher3.DatabaseError as exc:
                if creating:
                    raise
                raise VaultDamaged(
                    "its database cannot be decrypted with the key from its header "
                    "(the file is corrupt, or belongs to another vault)"
                ) from exc
            conn.row_factory = sqlcipher3.Row
            conn.execute("PRAGMA temp_store = MEMORY")
            # Deleted rows (a destroyed case) are overwritten, not left in free pages.
            conn.execute("PRAGMA secure_delete = ON")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA trusted_schema = OFF")
            conn.execute("PRAGMA cell_size_check = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
        except sqlcipher3.DatabaseError as exc:
            conn.close()
            raise _translate_db_error(exc, "the vault") from exc
        except BaseException:
            conn.close()
            raise
        return conn

    def _adopt(self, conn: Any) -> None:
        if self._actor is None:
            row = conn.execute("SELECT value FROM profile WHERE key = 'officer.name'").fetchone()
            self._actor = str(row[0]) if row and row[0] else _login_name()
        with self._connections_lock:
            if self._key is None:
                conn.close()
                raise VaultLocked()
            self._close_connections_of_ended_threads()
            self._connections.append(conn)
            self._owners[id(conn)] = threading.current_thread()
        self._local.conn = conn

    def _close_connections_of_ended_threads(self) -> None:
        """Worker threads come and go (a thread pool retires idle ones); their connections,
        each holding the key and file handles, must not pile up for the whole shift."""
        for conn in list(self._connections):
            owner = self._owners.get(id(conn))
            if owner is not None and not owner.is_alive():
                self._connections.remove(conn)
                del self._owners[id(conn)]
                with contextlib.suppress(sqlcipher3.Error):
                    conn.close()

    def _connection(self) -> Any:
        if self._key is None:
            raise VaultLocked()
        conn = getattr(self._local, "conn", None)
        if conn is None:
            # Worker threads get their own connection to the same vault.
            conn = self._open_connection(creating=False)
            self._adopt(conn)
        return conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Tx]:
        """One user action: everything inside commits together, durably, or not at all."""
        conn = self._connection()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlcipher3.Error as exc:
            raise _translate_db_error(exc, "the vault") from exc
        committing = False
        try:
            yield Tx(conn)
            committing = True
            conn.execute("COMMIT")
        except sqlcipher3.Error as exc:
            # Never retried: a COMMIT whose fsync failed must not be reported as saved.
            with contextlib.suppress(sqlcipher3.Error):
                conn.execute("ROLLBACK")
            raise _translate_db_error(exc, "the vault", committing=committing) from exc
        except BaseException:
            with contextlib.suppress(sqlcipher3.Error):
                conn.execute("ROLLBACK")
            raise

    @contextlib.contextmanager
    def reader(self) -> Iterator[Tx]:
        """A consistent read-only snapshot."""
        conn = self._connection()
        try:
            conn.execute("BEGIN")
            try:
                yield Tx(conn)
            finally:
                conn.execute("COMMIT")
        except sqlcipher3.Error as exc:
            raise _translate_db_error(exc, "the vault") from exc

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
            value = tx.scalar("SELECT value FROM profile WHERE key = ?", (key,))
        else:
            with self.reader() as own:
                value = own.scalar("SELECT value FROM profile WHERE key = ?", (key,))
        return None if value is None else str(value)

    def put_setting(self, tx: Tx, key: str, value: str) -> None:
        tx.execute(
            "INSERT INTO profile(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def put_officer_name(self, tx: Tx, name: str) -> None:
        self.put_setting(tx, "officer.name", name)
        self._actor = name

    @property
    def actor(self) -> str:
        """Who is acting: the officer's name from the profile, else the computer login."""
        return self._actor or _login_name()

    # ---- schema -------------------------------------------------------------------------

    @staticmethod
    def _schema_version(conn: Any) -> int:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self, conn: Any, *, from_version: int) -> None:
        for version in range(from_version, CURRENT_VERSION):
            try:
                conn.execute("BEGIN IMMEDIATE")
                for statement in _split_sql(MIGRATIONS[version]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version + 1:d}")
                conn.execute("COMMIT")
            except sqlcipher3.Error as exc:
                with contextlib.suppress(sqlcipher3.Error):
                    conn.execute("ROLLBACK")
                raise _translate_db_error(exc, "the vault") from exc
            if from_version > 0:
                log.info("vault migrated to schema %d", version + 1)

    def _backup_before_migration(self, conn: Any, found: int) -> None:
        ensure_private_dir(self.paths.backups)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        stamp = self.clock.utc_now_ms()
        target = self.paths.backups / f"vault-schema{found}-{stamp}.db"
        temp = target.with_name("." + target.name + ".tmp")
        with translate_os_errors(target):
            with (
                open(self.paths.database, "rb") as src,
                open(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as dst,
            ):
                shutil.copyfileobj(src, dst, 1 << 20)
                dst.flush()
                os.fsync(dst.fileno())
            os.replace(temp, target)

    # ---- consistency checks at open ---------------------------------------------------

    def _check_not_rolled_back(self, conn: Any) -> None:
        anchors = [self._header.acknowledged_head, self._outside_anchor().load()]
        for anchor in anchors:
            if anchor is None:
                continue
            row = conn.execute(
                "SELECT record_hash FROM audit WHERE seq = ?", (anchor.seq,)
            ).fetchone()
            found = None if row is None else row[0]
            if found != anchor.record_hash:
                raise VaultRolledBack(
                    f"this computer last saw audit record {anchor.seq}; "
                    + ("it is missing" if found is None else "it differs")
                )

    def _outside_anchor(self) -> OutsideAnchor:
        if self._key is None:
            raise VaultLocked()
        return OutsideAnchor(self._anchor_dir, self._header.vault_id, self._key)

    def _sweep_header_temporaries(self) -> None:
        """Remove a new header a crash left under its temporary name.

        It wraps the database key under a passphrase whose change never finished: nothing
        needs it, and it should not linger beside the vault.
        """
        if self._inspect_only:
            return
        for leftover in self.paths.root.glob(f".{HEADER_NAME}.*.tmp"):
            with contextlib.suppress(OSError):
                leftover.unlink()

    def _reconcile_blobs(self) -> None:
        with self.reader() as tx:
            known = {str(r[0]) for r in tx.all("SELECT blob_name FROM attachments")}
        self.blobs.ensure()
        if self._inspect_only:
            for name in self.blobs.orphans(known):
                self.damage.append(f"an encrypted file no attachment refers to: blobs/{name}")
            missing = sorted(known - self.blobs.names())
        else:
            missing = self.blobs.reconcile(known)
        for name in missing:
            self.damage.append(f"the encrypted file of an attachment ({name}) is missing")

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
        with self._connections_lock:
            # Dropped first, so no worker thread can open a new connection from now on.
            self._key = None
            connections, self._connections = self._connections, []
            self._owners.clear()
        for conn in connections:
            with contextlib.suppress(sqlcipher3.Error):
                conn.close()
        self._local = threading.local()
        self._process_lock.release()

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database and empty it."""
        try:
            self._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlcipher3.Error as exc:
            raise _translate_db_error(exc, "the vault") from exc

    def release_thread_connection(self) -> None:
        """Close the calling thread's connection (a worker thread calls this when done)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            return
        self._local.conn = None
        with self._connections_lock:
            if conn in self._connections:
                self._connections.remove(conn)
                self._owners.pop(id(conn), None)
        with contextlib.suppress(sqlcipher3.Error):
            conn.close()

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.lock()

    # ---- integrity ------------------------------------------------------------------------

    def integrity_problems(self) -> list[str]:
        """Everything wrong with the vault: SQLite, SQLCipher, the audit chain, missing blobs."""
        problems = list(self.damage)
        conn = self._connection()
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
            if [tuple(r) for r in rows] != [("ok",)]:
                problems.extend(f"database integrity: {r[0]}" for r in rows[:10])
            rows = conn.execute("PRAGMA cipher_integrity_check").fetchall()
            problems.extend(f"page authentication: {r[0]}" for r in rows[:10])
        except sqlcipher3.DatabaseError as exc:
            problems.append(f"database integrity: {exc}")
        with self.reader() as tx:
            broken = audit.verify_chain(tx)
        if broken is not None:
            problems.append(f"audit chain: {broken.describe()}")
        return problems


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown officer"


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
