"""The last acknowledged audit head, kept outside the vault folder as well.

A copy of the whole vault folder put back in place (an old backup, say) carries its own,
older header, so the header alone cannot notice it. This second record lives in the
user's state folder on this computer, keyed to the vault's id, and is sealed with a MAC
under a key derived from the vault's database key: it cannot be forged or moved to
another vault without the passphrase.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import platformdirs
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from rvr_desktop.evidence.errors import VaultRolledBack
from rvr_desktop.evidence.fsutil import atomic_write_bytes, ensure_private_dir
from rvr_desktop.evidence.records.audit_chain import ChainAnchor
from rvr_desktop.evidence.records.canonical import canonical_json


def default_anchor_dir() -> Path:
    return platformdirs.user_state_path("RVR Desktop", "RVR") / "anchors"


def _mac_key(database_key: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=None, info=b"rvr-desktop anchor v1").derive(database_key)


def _body(vault_id: str, anchor: ChainAnchor) -> bytes:
    return canonical_json({"vault_id": vault_id, "seq": anchor.seq, "hash": anchor.record_hash})


class OutsideAnchor:
    def __init__(self, folder: Path, vault_id: str, database_key: bytes) -> None:
        self._path = folder / f"{vault_id}.json"
        self._vault_id = vault_id
        self._key = _mac_key(database_key)

    def load(self) -> ChainAnchor | None:
        """The anchor recorded on this computer; None if this computer has none."""
        try:
            raw = json.loads(self._path.read_bytes())
            anchor = ChainAnchor(int(raw["seq"]), str(raw["hash"]))
            mac = str(raw["mac"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, OverflowError) as exc:
            raise VaultRolledBack(
                f"this computer's record of the vault's last state ({self._path}) is unreadable"
            ) from exc
        expected = hmac.new(self._key, _body(self._vault_id, anchor), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode(), mac.encode("utf-8", "surrogatepass")):
            raise VaultRolledBack(
                f"this computer's record of the vault's last state ({self._path}) was altered"
            )
        return anchor

    def save(self, anchor: ChainAnchor) -> None:
        mac = hmac.new(self._key, _body(self._vault_id, anchor), hashlib.sha256).hexdigest()
        ensure_private_dir(self._path.parent)
        body = {"seq": anchor.seq, "hash": anchor.record_hash, "mac": mac}
        atomic_write_bytes(self._path, json.dumps(body).encode())
