"""Where a vault's files are, so every module names them the same way.

A vault is a folder holding:

- ``vault.db`` (with ``-wal`` and ``-shm`` beside it while open): the SQLCipher database;
- ``vault-header.json``: non-secret header (see header.py);
- ``blobs/``: attachment bytes, encrypted per attachment (see blobstore.py);
- ``backups/``: copies of the (encrypted) database taken before each schema migration;
- ``unlock-attempts.json``: the count of wrong passphrases, for the growing delay;
- ``vault.lock``: held while one program has the vault unlocked (see process_lock.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DATABASE_NAME = "vault.db"
HEADER_NAME = "vault-header.json"
ATTEMPTS_NAME = "unlock-attempts.json"
LOCK_NAME = "vault.lock"


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

    def database_files(self) -> list[Path]:
        """The database and the write-ahead files SQLite keeps beside it while it is open."""
        return [Path(str(self.database) + suffix) for suffix in ("", "-wal", "-shm")]


def vault_exists(root: Path) -> bool:
    """Whether a vault (its header or its database) is already in ``root``."""
    paths = VaultPaths(Path(root))
    return paths.header.exists() or paths.database.exists()
