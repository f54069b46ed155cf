"""The vault header beside the database is outside input too: only our clear errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from rvr_desktop.evidence.errors import VaultDamaged
from rvr_desktop.evidence.records.canonical import canonical_json, sha256_hex
from rvr_desktop.evidence.vault import HEADER_NAME, Vault
from rvr_desktop.evidence.vault.header import VaultHeader
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from tests.conftest import TEST_PASSPHRASE
from tests.security.test_fuzz_parsers import (
    Tally,
    fuzz_settings,
    mutations,
    only_our_errors,
    record,
    replaced_fields,
)


def _with_checksum(document: dict[str, Any]) -> bytes:
    """A forged header whose checksum matches, so parsing goes past the checksum."""
    body = {k: v for k, v in document.items() if k != "checksum"}
    body["checksum"] = sha256_hex(canonical_json(body))
    return json.dumps(body).encode()


def test_a_forged_header_asking_for_huge_key_derivation_is_refused(tmp_path: Path) -> None:
    Vault.create(tmp_path / "v", TEST_PASSPHRASE, kdf=FAST_INSECURE_KDF).lock()
    header = tmp_path / "v" / HEADER_NAME
    document = json.loads(header.read_bytes())
    document["kdf"]["memory_kib"] = 2**40
    header.write_bytes(_with_checksum(document))
    try:
        VaultHeader.load(header)
    except VaultDamaged as exc:
        assert "key derivation cost" in str(exc)
    else:
        raise AssertionError("a header asking for a terabyte of memory was accepted")


def test_the_vault_header_gives_only_our_errors(tmp_path: Path) -> None:
    Vault.create(tmp_path / "v", TEST_PASSPHRASE, kdf=FAST_INSECURE_KDF).lock()
    header = tmp_path / "v" / HEADER_NAME
    honest = header.read_bytes()
    document = json.loads(honest)
    tally = Tally()

    @fuzz_settings(600)
    @given(
        st.one_of(
            mutations(honest),
            replaced_fields(document).map(_with_checksum),
            st.sampled_from([b"[]", b"NaN", b'{"checksum": 1e999}']),
        )
    )
    def check(data: bytes) -> None:
        header.write_bytes(data)
        only_our_errors(tally, lambda: VaultHeader.load(header))

    check()
    record("the vault header file (checksums recomputed to reach the fields)", tally)
