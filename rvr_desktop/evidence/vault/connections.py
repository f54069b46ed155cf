"""The one module that imports SQLCipher: connections to a vault's database.

It owns everything that speaks to ``sqlcipher3``: setting the process up, opening and
configuring a connection, one connection per thread (an ended thread's is closed as new
ones come, all of them when the vault is locked), transactions and read snapshots, and
turning database errors into our errors. The other modules reach the database only
through what is defined here, so the choice of SQLCipher, and its error classes, stay in
this one file.

The database key is random (the header wraps it). It reaches SQLCipher only through
``set_key`` as a raw-key literal, never in PRAGMA text or a log. Every write is one
``BEGIN IMMEDIATE`` transaction in WAL mode with ``synchronous=FULL``, so it is durable
when the call returns.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeAlias

import sqlcipher3

from rvr_desktop.evidence.errors import (
    DiskFull,
    DiskWriteFailed,
    InsecureDatabaseBuild,
    NotAllowed,
    StorageError,
    VaultDamaged,
    VaultLocked,
)
from rvr_desktop.evidence.fsutil import is_disk_full, translate_os_errors
from rvr_desktop.evidence.vault.schema import REFUSALS

Connection: TypeAlias = Any
"""A ``sqlcipher3`` connection. Outside this module it is only wrapped in a :class:`Tx`,
handed back to :class:`ConnectionPool`, or closed."""

_PROCESS_SETUP = threading.Lock()
_process_configured = False


class Row(Protocol):
    def __getitem__(self, key: str | int) -> Any: ...

    def keys(self) -> list[str]: ...


class Tx:
    """One open transaction (or read snapshot) on the vault."""

    def __init__(self, conn: Connection) -> None:
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
    if any(refusal in text for refusal in REFUSALS):
        # One of the schema's triggers refused the change: the rule speaks for itself.
        return NotAllowed(text[0].upper() + text[1:] + ".")
    if isinstance(exc, sqlcipher3.DatabaseError) and (
        "malformed" in text or "not a database" in text or "corrupt" in text
    ):
        return VaultDamaged(f"the database reports '{text}'")
    return StorageError(f"The vault could not complete the action ({text}). Nothing was saved.")


@contextlib.contextmanager
def database_errors_translated(where: str = "the vault") -> Iterator[None]:
    """Inside, a database error is raised as our error (damage, a full disk, ...)."""
    try:
        yield
    except sqlcipher3.Error as exc:
        raise _translate_db_error(exc, where) from exc


@contextlib.contextmanager
def transaction_on(conn: Connection, *, commit_may_have_landed: bool = True) -> Iterator[Tx]:
    """One ``BEGIN IMMEDIATE`` transaction on ``conn``: it commits whole or not at all.

    ``commit_may_have_landed`` says whether a disk error at COMMIT is reported as leaving
    the change uncertain (it may be there when the vault is next opened).
    """
    with database_errors_translated():
        conn.execute("BEGIN IMMEDIATE")
    committing = False
    try:
        yield Tx(conn)
        committing = True
        conn.execute("COMMIT")
    except sqlcipher3.Error as exc:
        # Never retried: a COMMIT whose fsync failed must not be reported as saved.
        with contextlib.suppress(sqlcipher3.Error):
            conn.execute("ROLLBACK")
        uncertain = committing and commit_may_have_landed
        raise _translate_db_error(exc, "the vault", committing=uncertain) from exc
    except BaseException:
        with contextlib.suppress(sqlcipher3.Error):
            conn.execute("ROLLBACK")
        raise


def checkpoint_connection(conn: Connection) -> None:
    """Fold the write-ahead log into the database file and empty it."""
    with database_errors_translated():
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class ConnectionPool:
    """The connections to one vault's database: one per thread, all under the same key.

    :meth:`close` drops the key and closes them all; from then on no thread can open one.
    """

    def __init__(self, database: Path, key: bytes) -> None:
        self._database = database
        self._key: bytes | None = key
        self._local = threading.local()
        self._connections: list[Connection] = []
        self._owners: dict[int, threading.Thread] = {}
        """Which thread each connection (by id) belongs to, to close those of ended threads."""
        self._lock = threading.Lock()

    @property
    def open_count(self) -> int:
        """How many connections are open now (tests watch that they do not pile up)."""
        return len(self._connections)

    def open(self, *, creating: bool) -> Connection:
        """A new configured connection, not yet anyone's: :meth:`adopt` it, or close it."""
        if self._key is None:
            raise VaultLocked()
        _configure_process()
        with translate_os_errors(self._database):
            if creating:
                # Private from birth; SQLite gives the -wal and -shm files the same mode.
                os.close(os.open(self._database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            conn = sqlcipher3.connect(
                str(self._database),
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

    def adopt(self, conn: Connection) -> None:
        """Make ``conn`` the calling thread's connection (closed if the pool is closed)."""
        with self._lock:
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

    def _connection(self) -> Connection:
        if self._key is None:
            raise VaultLocked()
        conn = getattr(self._local, "conn", None)
        if conn is None:
            # Worker threads get their own connection to the same vault.
            conn = self.open(creating=False)
            self.adopt(conn)
        return conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Tx]:
        """One user action: everything inside commits together, durably, or not at all."""
        with transaction_on(self._connection()) as tx:
            yield tx

    @contextlib.contextmanager
    def reader(self) -> Iterator[Tx]:
        """A consistent read-only snapshot."""
        conn = self._connection()
        with database_errors_translated():
            conn.execute("BEGIN")
            try:
                yield Tx(conn)
            finally:
                conn.execute("COMMIT")

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database and empty it."""
        checkpoint_connection(self._connection())

    def page_problems(self) -> list[str]:
        """What SQLite and SQLCipher themselves find wrong in the database's pages."""
        problems: list[str] = []
        conn = self._connection()
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
            if [tuple(r) for r in rows] != [("ok",)]:
                problems.extend(f"database integrity: {r[0]}" for r in rows[:10])
            rows = conn.execute("PRAGMA cipher_integrity_check").fetchall()
            problems.extend(f"page authentication: {r[0]}" for r in rows[:10])
        except sqlcipher3.DatabaseError as exc:
            problems.append(f"database integrity: {exc}")
        return problems

    def release_thread_connection(self) -> None:
        """Close the calling thread's connection (a worker thread calls this when done)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            return
        self._local.conn = None
        with self._lock:
            if conn in self._connections:
                self._connections.remove(conn)
                self._owners.pop(id(conn), None)
        with contextlib.suppress(sqlcipher3.Error):
            conn.close()

    def close(self) -> None:
        """Drop the key and close every connection. Safe to call twice."""
        with self._lock:
            # Dropped first, so no worker thread can open a new connection from now on.
            self._key = None
            connections, self._connections = self._connections, []
            self._owners.clear()
        for conn in connections:
            with contextlib.suppress(sqlcipher3.Error):
                conn.close()
        self._local = threading.local()
