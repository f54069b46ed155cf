"""Archive time-stamps: keeping the tag manifest's signature provable for as long as the
bundle is kept, in the spirit of RFC 4998 evidence records.

A signature time-stamp proves the signature existed at a time; it is itself only as good
as its time-stamping unit's certificate, which expires (and could be revoked). Before it
does, an archive time-stamp is added: a fresh RFC 3161 token over the tag manifest, its
signature(s), the validation data stored with them, every earlier archive time-stamp
and its validation data, and the validation data fetched now for the signature and every
earlier token. Each later token so proves that everything before it, with the
information needed to check it, existed at its time; each token is then checked at the
time the next one proves (the newest at the checking time).

What a token is over is a canonical text (:func:`archive_input`): one line per item,
``<role> <sha256>``, in a fixed order. Its SHA-256 is the token's message imprint. Roles
name what an item is, not where the bundle keeps it, so the bundle layout can change
without breaking old tokens. Nothing here changes the tag manifest or its signature.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from asn1crypto import cms  # type: ignore[import-untyped]
from cryptography import x509
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko.sign.validation.status import TimestampSignatureStatus
from pyhanko_certvalidator import ValidationContext

from rvr_desktop.evidence.signing._pyhanko import quieten_validation_logs, validation_context
from rvr_desktop.evidence.signing.certs import MAX_CARRIED_CERTIFICATES, carried_certificates
from rvr_desktop.evidence.signing.cms import signature_timestamp_token, signer_certificate
from rvr_desktop.evidence.signing.errors import ArchiveTimestampError, ValidationDataUnreadable
from rvr_desktop.evidence.signing.long_term import CrlFile, fetch_online, revocation_sources
from rvr_desktop.evidence.signing.revocation import (
    RevocationCheck,
    RevocationOutcome,
    check_revocation,
)
from rvr_desktop.evidence.signing.timestamps import (
    TIMESTAMP_TIMEOUT_S,
    TimestampToken,
    TokenUnreadable,
    read_token,
    timestamp_digest,
)
from rvr_desktop.evidence.signing.timeutil import iso_utc
from rvr_desktop.evidence.signing.trust import TrustStore
from rvr_desktop.evidence.signing.validation_data import (
    FETCH_TIMEOUT_S,
    ValidationData,
    chain_of,
    fetch_validation_data,
)

ARCHIVE_FORMAT = "rvr-archive-timestamp 1"
"""The first line of every archive input: the format of what follows."""
MAX_ARCHIVE_TIMESTAMPS = 1000
CLOCK_SKEW = timedelta(minutes=5)
_TOKEN_NAME = re.compile(r"([0-9]{4})\.tst")
"""[0-9], not \\d: \\d matches the digits of every script, which int() then reads."""


@dataclass(frozen=True)
class ArchiveTimestamp:
    """One archive time-stamp and the validation data gathered when it was made."""

    token: bytes
    """The RFC 3161 TimeStampToken (DER ContentInfo), over :func:`archive_input`."""
    validation_data: ValidationData
    """Fetched when this token was made, for the signature's chain, its signature
    time-stamp's unit and every earlier archive token's unit: what lets them be checked
    at this token's time."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive_input(
    tag_manifest: bytes,
    signatures: Sequence[bytes],
    signature_validation_data: ValidationData,
    earlier: Sequence[ArchiveTimestamp],
    validation_data: ValidationData,
) -> bytes:
    """The canonical text the next archive time-stamp is over (UTF-8, one item a line)::

        rvr-archive-timestamp 1
        tag-manifest <sha256>
        signature 1 <sha256>
        signature-validation-data <file name> <sha256>      (each stored file, sorted)
        archive-timestamp 1 <sha256 of the token>           (each earlier token, in order)
        archive-timestamp 1 validation-data <file name> <sha256>
        validation-data <file name> <sha256>                (fetched for this token)

    File names are those of :meth:`ValidationData.files` (content-addressed).
    """
    lines = [ARCHIVE_FORMAT, f"tag-manifest {_sha256(tag_manifest)}"]
    lines += [f"signature {i} {_sha256(s)}" for i, s in enumerate(signatures, 1)]
    lines += [
        f"signature-validation-data {name} {_sha256(data)}"
        for name, data in signature_validation_data.files().items()
    ]
    for index, stamp in enumerate(earlier, 1):
        lines.append(f"archive-timestamp {index} {_sha256(stamp.token)}")
        lines += [
            f"archive-timestamp {index} validation-data {name} {_sha256(data)}"
            for name, data in stamp.validation_data.files().items()
        ]
    lines += [
        f"validation-data {name} {_sha256(data)}" for name, data in validation_data.files().items()
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _signature_certificates(signature: bytes) -> tuple[x509.Certificate, ...]:
    try:
        signed_data = cms.ContentInfo.load(signature)["content"]
        return tuple(
            x509.load_der_x509_certificate(c.chosen.dump())
            for c in signed_data["certificates"] or []
            if c.name == "certificate"
        )
    except (ValueError, TypeError, KeyError):
        return ()


def _signature_token(signature: bytes) -> TimestampToken | None:
    der = signature_timestamp_token(signature)
    if der is None:
        return None
    try:
        return read_token(der)
    except TokenUnreadable:
        return None


def refresh_validation_data(
    signatures: Sequence[bytes],
    earlier: Sequence[ArchiveTimestamp],
    *,
    timeout: float = FETCH_TIMEOUT_S,
) -> tuple[ValidationData, tuple[str, ...]]:
    """Validation data fetched now for each signature's chain, its signature time-stamp's
    unit, and each earlier archive token's unit; with what could not be fetched."""
    data = ValidationData()
    missing: list[str] = []
    chains: list[tuple[x509.Certificate, ...]] = []
    for signature in signatures:
        carried = _signature_certificates(signature)
        signer = signer_certificate(signature)
        if signer is not None:
            chains.append(chain_of(signer, carried))
        token = _signature_token(signature)
        if token is not None:
            chains.append(chain_of(token.tsa_certificate, [*token.carried_certificates, *carried]))
    for stamp in earlier:
        token = read_token(stamp.token)
        chains.append(chain_of(token.tsa_certificate, token.carried_certificates))
    for chain in chains:
        fetched = fetch_validation_data(chain, timeout=timeout)
        data = data.merged(fetched.data)
        missing += fetched.missing
    return data, tuple(missing)


def add_archive_timestamp(
    tag_manifest: bytes,
    signatures: Sequence[bytes],
    earlier: Sequence[ArchiveTimestamp],
    *,
    timestamp_url: str,
    signature_validation_data: ValidationData = ValidationData(),  # noqa: B008 - immutable
    timestamp_timeout: float = TIMESTAMP_TIMEOUT_S,
    fetch_timeout: float = FETCH_TIMEOUT_S,
) -> ArchiveTimestamp:
    """A new archive time-stamp to append after ``earlier``.

    ``tag_manifest`` and ``signatures`` are the bytes as stored (never changed);
    ``signature_validation_data`` is what was stored with the signature at export;
    ``earlier`` are the archive time-stamps already kept, oldest first. Validation data
    for everything earlier is fetched now and covered by the new token. Raises
    :class:`~rvr_desktop.evidence.signing.errors.TimestampServiceFailed` when the service
    fails (nothing is returned), and ArchiveTimestampError for inputs it cannot cover.
    """
    if not signatures:
        raise ArchiveTimestampError("there is no signature to keep alive")
    if len(earlier) >= MAX_ARCHIVE_TIMESTAMPS:
        raise ArchiveTimestampError("the bundle already holds the most archive time-stamps kept")
    for index, stamp in enumerate(earlier, 1):
        try:
            read_token(stamp.token)
        except TokenUnreadable as exc:
            raise ArchiveTimestampError(
                f"the existing archive time-stamp {index} cannot be read ({exc})"
            ) from exc
    fresh, _missing = refresh_validation_data(signatures, earlier, timeout=fetch_timeout)
    payload = archive_input(tag_manifest, signatures, signature_validation_data, earlier, fresh)
    token = timestamp_digest(
        timestamp_url, hashlib.sha256(payload).digest(), timeout=timestamp_timeout
    )
    return ArchiveTimestamp(token.der, fresh)


def archive_files(stamps: Sequence[ArchiveTimestamp]) -> dict[str, bytes]:
    """The archive time-stamps as files: ``0001.tst`` (the token) and ``0001/`` + the
    names of :meth:`ValidationData.files` for its validation data, and so on."""
    out: dict[str, bytes] = {}
    for index, stamp in enumerate(stamps, 1):
        out[f"{index:04d}.tst"] = stamp.token
        for name, data in stamp.validation_data.files().items():
            out[f"{index:04d}/{name}"] = data
    return out


def archive_count(names: Iterable[str]) -> int:
    """How many archive time-stamps a folder holding ``names`` has, judged from the names
    alone, so a stray file is refused before any file is read: the tokens must run 0001,
    0002, ... without a gap, and every other file lie in one of their folders."""
    names = sorted(names)
    numbers = sorted(int(m.group(1)) for name in names if (m := _TOKEN_NAME.fullmatch(name)))
    if numbers != list(range(1, len(numbers) + 1)):
        raise ValidationDataUnreadable(
            "The archive time-stamps", "they are not numbered 0001, 0002, ... without a gap"
        )
    folders = {f"{number:04d}" for number in numbers}
    for name in names:
        folder, slash, _ = name.partition("/")
        if not _TOKEN_NAME.fullmatch(name) and not (slash and folder in folders):
            raise ValidationDataUnreadable(
                f"The archive time-stamp file {name}", "it belongs to no archive time-stamp"
            )
    return len(numbers)


def read_archive_files(files: Mapping[str, bytes]) -> tuple[ArchiveTimestamp, ...]:
    """Read back what :func:`archive_files` wrote (checked by :func:`archive_count`)."""
    stamps: list[ArchiveTimestamp] = []
    for number in range(1, archive_count(files) + 1):
        prefix = f"{number:04d}/"
        data_files = {n.removeprefix(prefix): d for n, d in files.items() if n.startswith(prefix)}
        stamps.append(
            ArchiveTimestamp(files[f"{number:04d}.tst"], ValidationData.from_files(data_files))
        )
    return tuple(stamps)


@dataclass(frozen=True)
class ArchiveTimestampCheck:
    """What checking one archive time-stamp found."""

    index: int
    """1 for the oldest."""
    time: datetime | None
    """The time the token states (None when it cannot be read)."""
    intact: bool
    """It is over exactly the items it should cover: nothing it covers was changed."""
    valid: bool
    """Its signature verifies under its time-stamping unit's certificate."""
    trusted: bool
    """The unit's certificate chains to a trusted root and was valid at ``checked_at``."""
    checked_at: datetime
    """The time the next token proves this one existed (the checking time for the newest)."""
    revocation: RevocationCheck | None
    """The unit's certificate's revocation, judged at ``checked_at``."""
    problems: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "time": iso_utc(self.time),
            "intact": self.intact,
            "valid": self.valid,
            "trusted": self.trusted,
            "checked_at": self.checked_at.astimezone(UTC).isoformat(),
            "revocation": None if self.revocation is None else self.revocation.to_json(),
            "problems": list(self.problems),
        }


@dataclass(frozen=True)
class ArchiveChainCheck:
    """What checking the whole chain of archive time-stamps found."""

    timestamps: tuple[ArchiveTimestampCheck, ...]
    problems: tuple[str, ...]
    """Everything that failed, in plain English (each token's problems included)."""
    notes: tuple[str, ...]
    """What does not fail the chain but should be known (an unknown revocation status)."""

    @property
    def bottom_line(self) -> bool:
        """Every token intact, valid and trusted at its time, in order, none revoked."""
        return bool(self.timestamps) and not self.problems

    @property
    def proven_existence_time(self) -> datetime | None:
        """The time the oldest good token proves the signature existed (pass it to
        ``verify_detached(timestamp_checked_at=...)``); None when the chain fails."""
        return self.timestamps[0].time if self.bottom_line else None

    def summary(self) -> dict[str, Any]:
        return {
            "bottom_line": self.bottom_line,
            "proven_existence_time": None
            if self.proven_existence_time is None
            else self.proven_existence_time.isoformat(),
            "timestamps": [t.to_json() for t in self.timestamps],
            "problems": list(self.problems),
            "notes": list(self.notes),
        }


def verify_archive_timestamps(
    tag_manifest: bytes,
    signatures: Sequence[bytes],
    stamps: Sequence[ArchiveTimestamp],
    trust: TrustStore,
    *,
    signature_validation_data: ValidationData = ValidationData(),  # noqa: B008 - immutable
    at_time: datetime | None = None,
    crl_files: Sequence[CrlFile] = (),
    online: bool = False,
    fetch_timeout: float = FETCH_TIMEOUT_S,
) -> ArchiveChainCheck:
    """Check a chain of archive time-stamps over the tag manifest and its signature(s);
    never raises for hostile input.

    ``stamps`` oldest first, as :func:`read_archive_files` gives them. Each token must be
    over :func:`archive_input` of what the bundle holds now; its unit is checked for trust
    and revocation at the time the next token states (the newest at ``at_time``, default
    now), from the next token's validation data, ``crl_files`` and, when ``online``, the
    unit's own addresses (for the newest only)."""
    quieten_validation_logs()
    now = at_time or datetime.now(tz=UTC)
    tokens: list[TimestampToken | None] = []
    reasons: list[str] = []
    for stamp in stamps:
        try:
            tokens.append(read_token(stamp.token))
            reasons.append("")
        except TokenUnreadable as exc:
            tokens.append(None)
            reasons.append(str(exc))
    checks: list[ArchiveTimestampCheck] = []
    notes: list[str] = []
    for index, stamp in enumerate(stamps):
        token = tokens[index]
        nxt = tokens[index + 1] if index + 1 < len(tokens) else None
        checked_at = now if nxt is None else nxt.gen_time
        number = index + 1
        if token is None:
            checks.append(
                ArchiveTimestampCheck(
                    number,
                    None,
                    False,
                    False,
                    False,
                    checked_at,
                    None,
                    (f"Archive time-stamp {number} cannot be read: {reasons[index]}.",),
                )
            )
            continue
        expected = hashlib.sha256(
            archive_input(
                tag_manifest,
                signatures,
                signature_validation_data,
                stamps[:index],
                stamp.validation_data,
            )
        ).digest()
        intact = token.digest_algorithm == "sha256" and token.digest == expected
        trusted = _trusted(token, trust, checked_at)
        problems: list[str] = []
        if not intact:
            problems.append(
                f"Archive time-stamp {number} ({_when(token.gen_time)}) is not over what the "
                "bundle now holds: the tag manifest, a signature, an earlier time-stamp or "
                "their validation data changed after it was made."
            )
        if not trusted:
            problems.append(
                f"Archive time-stamp {number} ({_when(token.gen_time)}) does not chain to a "
                f"trusted root, or its unit's certificate was not valid at {_when(checked_at)}."
            )
        if nxt is not None and nxt.gen_time < token.gen_time:
            problems.append(
                f"Archive time-stamp {number + 1} is dated before time-stamp {number}: the "
                "chain is out of order."
            )
        revocation = _tsa_revocation(
            token,
            trust,
            later_data=None if index + 1 >= len(stamps) else stamps[index + 1].validation_data,
            crl_files=crl_files,
            online=online and nxt is None,
            judged_at=None if nxt is None else nxt.gen_time,
            now=now,
            timeout=fetch_timeout,
        )
        if revocation.outcome == RevocationOutcome.FAIL:
            problems.append(f"Archive time-stamp {number}: {revocation.explanation}")
        elif revocation.outcome == RevocationOutcome.INDETERMINATE:
            notes.append(f"Archive time-stamp {number}: {revocation.explanation}")
        checks.append(
            ArchiveTimestampCheck(
                number,
                token.gen_time,
                intact,
                True,
                trusted,
                checked_at,
                revocation,
                tuple(problems),
            )
        )
    all_problems = [p for c in checks for p in c.problems]
    if not stamps:
        all_problems.append("There are no archive time-stamps.")
    return ArchiveChainCheck(tuple(checks), tuple(all_problems), tuple(notes))


def _when(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _trusted(token: TimestampToken, trust: TrustStore, moment: datetime) -> bool:
    """The token's unit chains to a trusted root and its certificate is valid at ``moment``."""
    context: ValidationContext = validation_context(trust, moment)
    try:
        signed_data = cms.ContentInfo.load(token.der)["content"]
        if carried_certificates(signed_data) > MAX_CARRIED_CERTIFICATES:
            return False  # not worth hours of path building: it is not from a real unit
        # the imprint is checked against the archive input by the caller; pyHanko judges
        # trust only in a token it finds intact, so it is given the token's own imprint
        kwargs = asyncio.run(
            validate_tst_signed_data(signed_data, context, lambda _algorithm: token.digest)
        )
        status = TimestampSignatureStatus(**kwargs)
    except Exception:  # hostile DER may fail anywhere in the libraries
        return False
    return bool(status.trusted)


def _tsa_revocation(
    token: TimestampToken,
    trust: TrustStore,
    *,
    later_data: ValidationData | None,
    crl_files: Sequence[CrlFile],
    online: bool,
    judged_at: datetime | None,
    now: datetime,
    timeout: float,
) -> RevocationCheck:
    known = [*token.carried_certificates, *trust.certificates()]
    fetched = fetch_online(token.tsa_certificate, known, timeout) if online else None
    sources = revocation_sources(
        later_data, "the validation data of the next archive time-stamp", crl_files, fetched
    )
    check = check_revocation(token.tsa_certificate, known, sources, trusted_time=judged_at, now=now)
    return check
