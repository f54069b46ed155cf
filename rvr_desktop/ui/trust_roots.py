"""The evidence officer's trusted roots as kept in the settings, turned into a TrustStore.

The Verify window and the export's own check read the same list, so a bundle an officer
exports verifies on this computer exactly as it will for the evidence officer.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding

from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.signing.trust import TrustedRoot, TrustStore, parse_roots
from rvr_desktop.ui.settings import AppSettings, StoredRoot


def read_root_file(path: Path) -> tuple[StoredRoot, tuple[TrustedRoot, ...]]:
    """Read and check a PEM file; a bad one raises the core's plain message."""
    store = TrustStore.from_paths([path])
    # Only the certificates are kept, never anything else the file held.
    pem = b"".join(root.certificate.public_bytes(Encoding.PEM) for root in store.roots)
    return StoredRoot(pem.decode("ascii"), str(path)), store.roots


def parse_stored(root: StoredRoot) -> tuple[TrustedRoot, ...]:
    return parse_roots(root.pem.encode("ascii"), root.source or "(settings)")


def trust_store(settings: AppSettings) -> tuple[TrustStore, list[str]]:
    """Every usable root in the settings, and a message for each one that no longer parses."""
    store = TrustStore.empty()
    problems: list[str] = []
    for stored in settings.trusted_roots:
        try:
            store = store.adding(parse_stored(stored))
        except (RvrError, UnicodeError) as exc:
            problems.append(
                f"A trusted root from {stored.source or 'the settings'} was skipped: {exc}"
            )
    return store, problems


def add_root_file(settings: AppSettings, path: Path) -> tuple[TrustedRoot, ...]:
    """Add the roots in ``path`` to the settings (a root already there is kept once)."""
    stored, roots = read_root_file(path)
    known = {r.sha256_fingerprint for r in trust_store(settings)[0].roots}
    if all(root.sha256_fingerprint in known for root in roots):
        return roots
    settings.trusted_roots = [*settings.trusted_roots, stored]
    return roots


def remove_root(settings: AppSettings, fingerprint: str) -> None:
    """Forget every stored entry that holds the root with this SHA-256 fingerprint."""
    kept = []
    for stored in settings.trusted_roots:
        try:
            fingerprints = {r.sha256_fingerprint for r in parse_stored(stored)}
        except (RvrError, UnicodeError):
            fingerprints = set()
        if fingerprint not in fingerprints:
            kept.append(stored)
    settings.trusted_roots = kept
