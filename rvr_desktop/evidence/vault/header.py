"""The vault header: a small, non-secret file beside the encrypted database.

It holds the format version, the vault id, the Argon2id salt and cost, the database key
wrapped (AES-256-GCM) under the passphrase-derived key, and the last acknowledged audit
chain head. Because the wrapped key's authentication tag is the key check, a wrong
passphrase and a damaged database are told apart. Changing the passphrase re-wraps the
same database key and replaces this file atomically, so a crash at any point leaves the
old header or the new one, and the vault opens with the old or the new passphrase.
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from rvr_desktop.evidence.crashpoints import crash_point
from rvr_desktop.evidence.errors import VaultDamaged
from rvr_desktop.evidence.fsutil import atomic_write_bytes
from rvr_desktop.evidence.records.audit_chain import ChainAnchor
from rvr_desktop.evidence.records.canonical import canonical_json, sha256_hex
from rvr_desktop.evidence.vault.kdf import KEY_BYTES, KdfParams, derive_key

HEADER_FORMAT = "rvr-vault-header"
HEADER_VERSION = 1
# Far above what the app sets (256 MiB, 5 passes, 2 lanes), yet finite.
MAX_KDF_MEMORY_KIB = 4 * 1024 * 1024
MAX_KDF_TIME_COST = 64
MAX_KDF_PARALLELISM = 64


class KeyCheckFailed(Exception):
    """The passphrase did not unwrap the key (internal: the vault raises WrongPassphrase)."""


@dataclass(frozen=True)
class VaultHeader:
    vault_id: str
    created_utc_ms: int
    kdf: KdfParams
    salt: bytes
    wrap_nonce: bytes
    wrapped_key: bytes
    acknowledged_head: ChainAnchor | None = None

    def _aad(self) -> bytes:
        return f"{HEADER_FORMAT}/{HEADER_VERSION}/{self.vault_id}".encode()

    def unwrap_key(self, passphrase: str) -> bytes:
        kek = derive_key(passphrase, self.salt, self.kdf)
        try:
            return AESGCM(kek).decrypt(self.wrap_nonce, self.wrapped_key, self._aad())
        except InvalidTag as exc:
            raise KeyCheckFailed from exc

    def rewrapped(self, database_key: bytes, passphrase: str, kdf: KdfParams) -> VaultHeader:
        """The same header with ``database_key`` wrapped under a new passphrase and salt."""
        salt = os.urandom(16)
        nonce = os.urandom(12)
        fresh = replace(self, kdf=kdf, salt=salt, wrap_nonce=nonce, wrapped_key=b"")
        wrapped = AESGCM(derive_key(passphrase, salt, kdf)).encrypt(
            nonce, database_key, fresh._aad()
        )
        return replace(fresh, wrapped_key=wrapped)

    @classmethod
    def new(
        cls, database_key: bytes, passphrase: str, kdf: KdfParams, now_utc_ms: int
    ) -> VaultHeader:
        if len(database_key) != KEY_BYTES:
            raise ValueError("database key must be 32 bytes")
        blank = cls(str(uuid.uuid4()), now_utc_ms, kdf, b"", b"", b"")
        return blank.rewrapped(database_key, passphrase, kdf)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "format": HEADER_FORMAT,
            "format_version": HEADER_VERSION,
            "vault_id": self.vault_id,
            "created_utc_ms": self.created_utc_ms,
            "kdf": {
                "algorithm": "argon2id",
                "memory_kib": self.kdf.memory_kib,
                "time_cost": self.kdf.time_cost,
                "parallelism": self.kdf.parallelism,
                "salt": _b64(self.salt),
            },
            "wrapped_key": {
                "algorithm": "AES-256-GCM",
                "nonce": _b64(self.wrap_nonce),
                "ciphertext": _b64(self.wrapped_key),
            },
            "acknowledged_head": None
            if self.acknowledged_head is None
            else {
                "seq": self.acknowledged_head.seq,
                "record_hash": self.acknowledged_head.record_hash,
            },
        }
        body["checksum"] = sha256_hex(canonical_json(body))
        return body

    def save(self, path: Path) -> None:
        crash_point("header.before-replace")
        atomic_write_bytes(
            path,
            json.dumps(self.to_json(), indent=2).encode("utf-8") + b"\n",
            before_replace=lambda: crash_point("header.temp-written-before-rename"),
        )
        crash_point("header.replaced-before-return")

    @classmethod
    def load(cls, path: Path) -> VaultHeader:
        try:
            raw = json.loads(path.read_bytes())
        except FileNotFoundError:
            raise
        except (OSError, ValueError) as exc:
            raise VaultDamaged(f"its header file {path.name} cannot be read ({exc})") from exc
        try:
            return cls._from_json(raw)
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            raise VaultDamaged(f"its header file {path.name} is malformed ({exc})") from exc

    @classmethod
    def _from_json(cls, raw: Any) -> VaultHeader:
        if not isinstance(raw, dict):
            raise TypeError("not an object")
        body = dict(raw)
        checksum = body.pop("checksum")
        if sha256_hex(canonical_json(body)) != checksum:
            raise ValueError("checksum does not match its content")
        if body["format"] != HEADER_FORMAT:
            raise ValueError(f"unknown format {body['format']!r}")
        if body["format_version"] != HEADER_VERSION:
            raise ValueError(f"unsupported header version {body['format_version']!r}")
        kdf = body["kdf"]
        if kdf["algorithm"] != "argon2id":
            raise ValueError(f"unknown key derivation {kdf['algorithm']!r}")
        head = body["acknowledged_head"]
        params = KdfParams(int(kdf["memory_kib"]), int(kdf["time_cost"]), int(kdf["parallelism"]))
        # A forged header could ask for terabytes of Argon2 memory: refuse before deriving.
        if params.memory_kib > MAX_KDF_MEMORY_KIB or params.time_cost > MAX_KDF_TIME_COST:
            raise ValueError("its key derivation cost is beyond any this program sets")
        if params.parallelism > MAX_KDF_PARALLELISM:
            raise ValueError("its key derivation parallelism is beyond any this program sets")
        return cls(
            vault_id=str(body["vault_id"]),
            created_utc_ms=int(body["created_utc_ms"]),
            kdf=params,
            salt=_unb64(kdf["salt"]),
            wrap_nonce=_unb64(body["wrapped_key"]["nonce"]),
            wrapped_key=_unb64(body["wrapped_key"]["ciphertext"]),
            acknowledged_head=None
            if head is None
            else ChainAnchor(int(head["seq"]), str(head["record_hash"])),
        )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise TypeError("a binary field is not base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)
