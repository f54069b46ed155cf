"""Every parser of outside input answers generated input with our own clear error.

Each test feeds one parser thousands of generated inputs (random bytes, and honest files
with bytes changed, cut short or their fields replaced): the parser must return or raise
an RvrError with a message; any other exception is a traceback the user would see, and a
hypothesis deadline catches a hang. ``./dev soak`` runs twenty times as many examples.
"""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rvr_desktop.evidence.bundle.result import Verdict
from rvr_desktop.evidence.bundle.tagfiles import parse_bag_info
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.demo import build_demo_vault, export_demo_bundle
from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.records.audit_chain import ChainAnchor
from rvr_desktop.evidence.records.canonical import canonical_json
from rvr_desktop.evidence.signing.credential import load_pkcs12
from rvr_desktop.evidence.signing.identity_store import load_credential
from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.signing.training_pki import TrainingCertificateAuthority
from rvr_desktop.evidence.signing.trust import TrustStore, parse_roots
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.anchor import OutsideAnchor
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from tests.bundle.reseal import reseal
from tests.figures import examples, record_figure

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@dataclass
class Tally:
    tried: int = 0
    refused: int = 0


def fuzz_settings(count: int) -> settings:
    return settings(
        max_examples=examples(count),
        deadline=10_000,  # ms: a hang guard, not a timing claim
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        database=None,
    )


def only_our_errors(tally: Tally, parse: Callable[[], object]) -> None:
    tally.tried += 1
    try:
        parse()
    except RvrError as exc:
        assert str(exc).strip(), "an error without a message"
        tally.refused += 1


def record(parser: str, tally: Tally) -> None:
    record_figure(
        "Fuzzing",
        parser,
        f"{tally.tried:,} generated inputs ({tally.refused:,} refused with our message), "
        "0 tracebacks, 0 hangs",
    )


def mutations(honest: bytes) -> st.SearchStrategy[bytes]:
    """Honest bytes with a few bytes changed, cut short, or wholly random bytes."""
    changed = st.lists(
        st.tuples(st.integers(0, max(len(honest) - 1, 0)), st.integers(0, 255)),
        min_size=1,
        max_size=6,
    ).map(lambda edits: _apply(honest, edits))
    return st.one_of(changed, st.integers(0, len(honest)).map(lambda n: honest[:n]), st.binary())


def _apply(data: bytes, edits: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for at, value in edits:
        out[at] = value
    return bytes(out)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


def replaced_fields(document: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """The document with one field, at any depth, replaced by any JSON value or deleted."""

    def paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
        if prefix:
            yield prefix
        if isinstance(node, dict):
            for key, child in node.items():
                yield from paths(child, (*prefix, key))
        elif isinstance(node, list):
            for index, child in enumerate(node[:3]):
                yield from paths(child, (*prefix, index))

    every = list(paths(document))

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        copy = json.loads(json.dumps(document))
        for _ in range(draw(st.integers(1, 3))):
            path = draw(st.sampled_from(every))
            parent: Any = copy
            try:
                for step in path[:-1]:
                    parent = parent[step]
                if draw(st.booleans()) and isinstance(parent, dict):
                    parent.pop(path[-1], None)
                else:
                    parent[path[-1]] = draw(json_values)
            except (KeyError, IndexError, TypeError):
                continue
        return copy

    return build()


# ------------------------------------------------------------------ bag-info.txt

BAG_INFO = (
    b"Bag-Software-Agent: RVR Desktop 0.1.0\nBagging-Date: 2026-11-28\n"
    b"Payload-Oxum: 448179.15\nRVR-Case-Reference: DEMO-2026-0001\n"
    b"RVR-Officer: Jane Smith\n  (Constable PC 4521)\n"
)


def test_bag_info_txt_gives_only_our_errors() -> None:
    tally = Tally()
    lines = st.lists(
        st.one_of(
            st.text(max_size=40),
            st.builds(
                lambda k, sep, v: k + sep + v,
                st.sampled_from(["Payload-Oxum", "RVR-Case-Reference", " x", "", "a:b"]),
                st.sampled_from([": ", ":", ":\t", " : "]),
                st.text(max_size=30),
            ),
        ),
        max_size=8,
    ).map(lambda ls: "\n".join(ls).encode("utf-8", "surrogatepass"))

    @fuzz_settings(1500)
    @given(st.one_of(mutations(BAG_INFO), lines))
    def check(data: bytes) -> None:
        def parse() -> None:
            info = parse_bag_info(data)
            info.payload_oxum()
            info.single("RVR-Case-Reference")

        only_our_errors(tally, parse)

    check()
    record("bag-info.txt (parse, Payload-Oxum, single labels)", tally)


# ------------------------------------------------------------------ PKCS#12 and trust roots


@pytest.fixture(scope="module")
def training_pki() -> tuple[bytes, bytes]:
    """(a .p12 protected by 'pw', the root's PEM) from a fresh TEST PKI."""
    authority = TrainingCertificateAuthority.create(now=NOW)
    officer = OfficerProfile(name="Jane Smith", collar_number="PC 4521", rank="Constable")
    credential = authority.issue_officer(officer, now=NOW)
    p12 = pkcs12.serialize_key_and_certificates(
        b"officer",
        credential.private_key,
        credential.certificate,
        [authority.certificate],
        BestAvailableEncryption(b"pw"),
    )
    return p12, authority.root_pem()


def test_pkcs12_import_gives_only_our_errors(training_pki: tuple[bytes, bytes]) -> None:
    honest, _ = training_pki
    assert load_pkcs12(honest, "pw", now=NOW).certificate is not None
    tally = Tally()

    @fuzz_settings(400)
    @given(mutations(honest), st.sampled_from(["pw", "", "wrong", "p\u00e9w"]))
    def check(data: bytes, password: str) -> None:
        only_our_errors(tally, lambda: load_pkcs12(data, password, now=NOW))

    check()
    record("PKCS#12 import (.p12/.pfx)", tally)


def test_trust_root_pem_files_give_only_our_errors(training_pki: tuple[bytes, bytes]) -> None:
    _, honest = training_pki
    assert parse_roots(honest, "root.pem")
    tally = Tally()
    base64_body = honest.split(b"\n", 1)[1].rsplit(b"-----END", 1)[0]

    @fuzz_settings(600)
    @given(
        st.one_of(
            mutations(honest),
            st.binary(max_size=200).map(
                lambda b: (
                    b"-----BEGIN CERTIFICATE-----\n"
                    + base64.encodebytes(b)
                    + b"-----END CERTIFICATE-----\n"
                )
            ),
            mutations(base64_body).map(
                lambda b: b"-----BEGIN CERTIFICATE-----\n" + b + b"-----END CERTIFICATE-----\n"
            ),
        )
    )
    def check(data: bytes) -> None:
        only_our_errors(tally, lambda: TrustStore.from_pem(data, "root.pem"))

    check()
    record("trusted-root PEM files", tally)


# ------------------------------------------------------------------ the anchor file

VAULT_ID = "0b0f3c1e-7d0e-4f52-9a59-6c9a6bb0d1f2"
DATABASE_KEY = bytes(range(32))


def test_the_outside_anchor_file_gives_only_our_errors(tmp_path: Path) -> None:
    OutsideAnchor(tmp_path, VAULT_ID, DATABASE_KEY).save(ChainAnchor(41, "ab" * 32))
    file = tmp_path / f"{VAULT_ID}.json"
    honest = file.read_bytes()
    document = json.loads(honest)
    tally = Tally()

    @fuzz_settings(600)
    @given(
        st.one_of(
            mutations(honest),
            replaced_fields(document).map(lambda d: json.dumps(d).encode()),
            st.sampled_from([b'{"seq": 1e999, "hash": "x", "mac": "y"}', b"[]", b"NaN"]),
        )
    )
    def check(data: bytes) -> None:
        file.write_bytes(data)
        only_our_errors(tally, OutsideAnchor(tmp_path, VAULT_ID, DATABASE_KEY).load)

    check()
    record("the vault's outside anchor file", tally)


# ------------------------------------------------------------------ the bundle's JSON files

BUNDLE_JSON = (
    "data/case.json",
    "data/notes/timeline.json",
    "data/restricted/MG11-form.json",
    "data/forms/safeguarding-form1-v2.json",
    "data/audit/audit-chain.jsonl",
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Any]:
    folder = tmp_path_factory.mktemp("fuzz-demo")
    vault = build_demo_vault(folder, kdf=FAST_INSECURE_KDF)
    bundle = export_demo_bundle(vault, folder / "bundles")
    with Vault.unlock(vault.root, vault.passphrase) as opened:
        credential = load_credential(opened)
    return bundle, vault.trust_root, credential


@pytest.mark.slow
def test_the_bundles_json_files_give_only_our_errors(
    demo: tuple[Path, Path, Any], tmp_path: Path
) -> None:
    """An insider with the officer's key rewrites a JSON file and signs the bundle again:
    the verifier reports failed checks, never a traceback."""
    pristine, root, credential = demo
    trust = TrustStore.from_paths([root])
    tally = Tally()
    work = tmp_path / "bundle"
    originals = {name: (pristine / name).read_bytes() for name in BUNDLE_JSON}

    def document(name: str) -> st.SearchStrategy[bytes]:
        data = originals[name]
        if name.endswith(".jsonl"):
            lines = data.splitlines(keepends=True)
            return st.tuples(
                st.integers(0, len(lines) - 1), replaced_fields(json.loads(lines[0]))
            ).map(
                lambda pair: (
                    b"".join(lines[: pair[0]])
                    + canonical_json(pair[1])
                    + b"\n"
                    + b"".join(lines[pair[0] + 1 :])
                )
            ) | mutations(data)
        return replaced_fields(json.loads(data)).map(lambda d: json.dumps(d).encode()) | mutations(
            data
        )

    @fuzz_settings(60)
    @given(st.sampled_from(BUNDLE_JSON).flatmap(lambda n: st.tuples(st.just(n), document(n))))
    def check(change: tuple[str, bytes]) -> None:
        name, data = change
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(pristine, work)
        (work / name).write_bytes(data)
        reseal(work, credential)
        tally.tried += 1
        status = verify_bundle(work, trust, now=NOW)  # raises only for a missing bundle
        if data != originals[name]:
            assert status.verdict in (Verdict.VERIFIED, Verdict.FAILED), status.summary()
        tally.refused += not status.bottom_line

    check()
    record(
        "the bundle's JSON files (case, timeline, forms, restricted, audit chain), re-signed",
        tally,
    )
