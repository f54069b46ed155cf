"""Check a signed statement PDF, keeping apart what pyHanko keeps apart, and stricter.

pyHanko reports a signature intact, valid and trusted even when bytes were appended
after ``%%EOF`` or an incremental update was added after signing (its own bottom line
allows some updates). A statement is never legitimately changed after signing, so we
also require that the signature covers the whole file and that no update follows the
signed revision, with one exception: the long-term (PAdES B-LTA) updates our signer
makes, a Document Security Store (validation data) and document time-stamps, and only
when pyHanko's difference analysis finds nothing else changed and the last document
time-stamp covers every byte of the file. The certificate is checked at the signing
time (the time-stamp when there is one), offline, against the given trust store only.

Revocation is weighed from the DSS the statement carries, CRL files given by the evidence
officer, and (only when asked) the certificates' own OCSP and CRL addresses; see
:mod:`rvr_desktop.evidence.signing.revocation` for the rules.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from pyhanko.pdf_utils.generic import ArrayObject, ByteStringObject, DictionaryObject, PdfObject
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import (
    DocumentSecurityStore,
    validate_pdf_signature,
    validate_pdf_timestamp,
)
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel

from rvr_desktop.evidence.signing._pyhanko import (
    SIGNER_KEY_USAGE,
    quieten_validation_logs,
    trust_problem,
    trusted_root_of,
    validation_context,
)
from rvr_desktop.evidence.signing.certs import (
    MAX_CARRIED_CERTIFICATES,
    TEST_IDENTITY_WARNING,
    CertificateSummary,
    carried_certificates,
    from_asn1,
    summarise,
    too_many_certificates,
)
from rvr_desktop.evidence.signing.long_term import (
    SIGNER_CLAIM_ONLY,
    CrlFile,
    SignatureLevel,
    fetch_online,
    revocation_sources,
)
from rvr_desktop.evidence.signing.pdf_active_content import MAX_OBJECTS
from rvr_desktop.evidence.signing.pdf_quick_scan import declared_objects
from rvr_desktop.evidence.signing.pdf_signature_check import PdfSignatureCheck, failed_check
from rvr_desktop.evidence.signing.revocation import (
    RevocationCheck,
    RevocationOutcome,
    check_revocation,
)
from rvr_desktop.evidence.signing.trust import TrustStore
from rvr_desktop.evidence.signing.validation_data import FETCH_TIMEOUT_S, ValidationData

# What the gap a signature's /ByteRange leaves out must hold: its value as one hex string.
_HEX_STRING = re.compile(rb"<[0-9A-Fa-f\s]*>")

# A signing time this far ahead of the checking computer's clock cannot be right.
FUTURE_TOLERANCE = timedelta(minutes=5)


def validate_pdf(
    pdf: bytes,
    trust: TrustStore,
    *,
    at_time: datetime | None = None,
    crl_files: Sequence[CrlFile] = (),
    online: bool = False,
    fetch_timeout: float = FETCH_TIMEOUT_S,
    proven_at: datetime | None = None,
) -> PdfSignatureCheck:
    """Check the statement's signature; never raises for a damaged, unsigned or non-PDF file.

    ``at_time`` is now (by default): a signing time after it is a problem. Revocation is
    weighed from the statement's DSS, ``crl_files`` and, only when ``online``, the
    certificates' own OCSP and CRL addresses fetched now. ``proven_at`` is a time a later
    proof (the bundle's archive time-stamps) shows the file existed: the newest time-stamp
    in the file is then checked at that time rather than now, so it stays good after its
    unit's certificate expires.
    """
    quieten_validation_logs()
    now = at_time or datetime.now(tz=UTC)
    if pdf.lstrip()[:5] != b"%PDF-":
        return failed_check("The file is not a PDF.")
    declared = declared_objects(pdf)
    if declared > MAX_OBJECTS:
        return failed_check(
            f"The PDF declares {declared:,} objects, more than the {MAX_OBJECTS:,} a signed "
            "document is checked with; it was not made by RVR Desktop."
        )
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=True)
        total_revisions = int(reader.xrefs.total_revisions)
        values = _signature_values(reader)
        malformed = [p for value in values for p in _shape_problems(value, pdf)]
        # pyHanko cannot even list a signature whose dictionary is malformed
        signatures = [] if malformed else list(reader.embedded_regular_signatures)
        doc_timestamps = [] if malformed else list(reader.embedded_timestamp_signatures)
        carried = _dss_data(reader)
    except Exception as exc:  # a hostile PDF may fail anywhere in pyHanko
        return failed_check(f"The PDF cannot be read ({exc or type(exc).__name__}).")
    if malformed:
        return failed_check(" ".join(malformed), count=len(values))
    if not signatures:
        return failed_check("The PDF has no signature.")
    return _check(
        signatures,
        doc_timestamps,
        total_revisions,
        trust,
        now,
        _Revocation(carried, tuple(crl_files), online, fetch_timeout),
        proven_at,
    )


@dataclass(frozen=True)
class _Revocation:
    carried: ValidationData
    crl_files: tuple[CrlFile, ...]
    online: bool
    timeout: float

    def check(
        self,
        signer: x509.Certificate,
        known: Sequence[x509.Certificate],
        trusted_time: datetime | None,
        now: datetime,
    ) -> RevocationCheck:
        fetched = fetch_online(signer, known, self.timeout) if self.online else None
        sources = revocation_sources(
            self.carried,
            "the validation data the statement carries (its DSS)",
            self.crl_files,
            fetched,
        )
        return check_revocation(signer, known, sources, trusted_time=trusted_time, now=now)


def _dss_data(reader: PdfFileReader) -> ValidationData:
    """The certificates, OCSP responses and CRLs in the PDF's DSS (empty without one)."""
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return ValidationData()
    return ValidationData.of(
        (cert.dump() for cert in dss.load_certs()),
        (ref.get_object().data for ref in dss.ocsps),
        (ref.get_object().data for ref in dss.crls),
    )


def _signature_values(reader: PdfFileReader) -> list[PdfObject]:
    """The value (``/V``) of every signed signature field."""
    return [
        value.get_object()
        for _name, value, _ref in enumerate_sig_fields(reader, filled_status=True)
        if value is not None
    ]


def _after_signature_value(contents: bytes) -> bytes:
    """What follows the DER signature value in /Contents: the space reserved for it, which
    a signer fills with zeros (empty when the DER header cannot be read: pyHanko judges)."""
    if len(contents) < 2 or contents[0] != 0x30:
        return b""
    if contents[1] < 0x80:
        header, length = 2, contents[1]
    else:
        size = contents[1] & 0x7F
        header, length = 2 + size, int.from_bytes(contents[2 : 2 + size], "big")
    return contents[header + length :]


def _shape_problems(value: PdfObject, pdf: bytes) -> list[str]:
    """What is wrong with a signature dictionary's shape, before any cryptography.

    These are the universal signature forgery and signature wrapping attacks: a
    signature with no value, or a /ByteRange that leaves out more than the value (so new
    content can sit in the gap while the signed bytes still hash to the signed digest).
    """
    if not isinstance(value, DictionaryObject):
        return [
            "The signature field's value is not a signature dictionary: the signature is forged."
        ]
    problems = []
    contents = value.get("/Contents")
    if "/Contents" not in value:
        problems.append(
            "The signature has no /Contents: it carries no signature value, so it proves "
            "nothing (a forged signature)."
        )
    elif not isinstance(contents, ByteStringObject | str):
        problems.append(
            f"The signature's /Contents is not a signature value (found {_shown(contents)}): "
            "the signature is forged."
        )
    elif not _value_bytes(contents).strip(b"\0"):
        problems.append(
            "The signature's /Contents is empty: it carries no signature value (a forged "
            "signature)."
        )
    elif _after_signature_value(_value_bytes(contents)).strip(b"\0"):
        problems.append(
            "The signature's /Contents holds bytes after the signature value where only "
            "zero padding belongs: the file was changed in the one gap its signature leaves."
        )
    byte_range = value.get("/ByteRange")
    if "/ByteRange" not in value:
        problems.append(
            "The signature has no /ByteRange: it does not say which bytes it signs (a forged "
            "signature)."
        )
        return problems
    numbers = list(byte_range) if isinstance(byte_range, ArrayObject) else []
    if not (
        len(numbers) == 4
        and all(isinstance(n, int) and not isinstance(n, bool) for n in numbers)
        and numbers[0] == 0
        and 0 < numbers[1] < numbers[2]
        and numbers[3] >= 0
    ):
        problems.append(
            f"The signature's /ByteRange is malformed ({_shown(byte_range)}): it must be four "
            "whole numbers [0 start-of-value end-of-value length-after], so it cannot say "
            "which bytes were signed."
        )
        return problems
    _, gap_start, gap_end, tail = (int(n) for n in numbers)
    if gap_end + tail > len(pdf):
        problems.append(
            f"The signature's /ByteRange reaches byte {gap_end + tail:,}, beyond the end of the "
            f"file ({len(pdf):,} bytes): it does not describe this file."
        )
    elif not _HEX_STRING.fullmatch(pdf[gap_start:gap_end]):
        problems.append(
            f"The signature's /ByteRange gap (bytes {gap_start:,} to {gap_end:,}) holds more "
            "than the signature value: content was inserted where the signature does not "
            "look, or the /ByteRange was changed after signing (signature wrapping)."
        )
    return problems


def _value_bytes(value: ByteStringObject | str) -> bytes:
    return bytes(value) if isinstance(value, bytes) else value.encode("latin-1", "replace")


def _shown(value: object) -> str:
    text = "null" if value is None or type(value).__name__ == "NullObject" else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check(
    signatures: list[EmbeddedPdfSignature],
    doc_timestamps: list[EmbeddedPdfSignature],
    total_revisions: int,
    trust: TrustStore,
    now: datetime,
    revocation_inputs: _Revocation,
    proven_at: datetime | None = None,
) -> PdfSignatureCheck:
    count = len(signatures)
    embedded = signatures[0]
    later = sorted(
        (t for t in doc_timestamps if t.signed_revision > embedded.signed_revision),
        key=lambda t: t.signed_revision,
    )
    try:
        carried = max(carried_certificates(s.signed_data) for s in [embedded, *later])
    except Exception as exc:  # a hostile PDF may fail anywhere in asn1crypto
        return failed_check(f"The signature cannot be read ({type(exc).__name__}).", count=count)
    if carried > MAX_CARRIED_CERTIFICATES:
        return failed_check(too_many_certificates(carried), count=count)
    try:
        signer = summarise(from_asn1(embedded.signer_cert))
        claimed = embedded.self_reported_timestamp
        stamped = _stated_timestamp_time(embedded)
        ts_times = [_stated_timestamp_time(t) for t in later]
        first_later = ts_times[0] if ts_times else None
        updated = embedded.signed_revision != total_revisions - 1
        context = validation_context(trust, stamped or claimed or now)
        status: PdfSignatureStatus = validate_pdf_signature(
            embedded,
            signer_validation_context=context,
            ts_validation_context=validation_context(trust, first_later or proven_at or now),
            key_usage_settings=SIGNER_KEY_USAGE,
            # only long-term updates may follow the signature: judge them when there are any
            skip_diff=not updated,
        )
        doc_ts_ok = _document_timestamps_ok(later, ts_times, trust, proven_at or now)
        known = [*(from_asn1(c) for c in embedded.other_embedded_certs), *trust.certificates()]
    except Exception as exc:  # a hostile PDF may fail anywhere in pyHanko
        return failed_check(
            f"The signature cannot be checked: it is damaged ({exc or type(exc).__name__}).",
            count=count,
        )
    timestamp = status.timestamp_validity
    timestamp_ok = (
        None
        if timestamp is None
        else bool(timestamp.intact and timestamp.valid and timestamp.trusted)
    )
    trusted_time = timestamp.timestamp if timestamp is not None and timestamp_ok else None
    if not updated:
        covers = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        unmodified = True
    else:
        last = later[-1] if later else None
        unmodified = (
            last is not None
            and last.signed_revision == total_revisions - 1
            and status.modification_level == ModificationLevel.LTA_UPDATES
        )
        covers = (
            unmodified
            and last is not None
            and status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
            and last.evaluate_signature_coverage() == SignatureCoverageLevel.ENTIRE_FILE
        )
    root = trusted_root_of(status, trust)

    timing: list[str] = []
    problems: list[str] = []
    warnings: list[str] = [TEST_IDENTITY_WARNING] if signer.is_test_identity else []
    if count != 1:
        problems.append(
            f"The PDF has {count} signatures; a statement is signed exactly once, so "
            "someone signed it again after the officer."
        )
    if not status.intact:
        problems.append("The signed content has been changed since it was signed.")
    if not status.valid:
        problems.append(
            "The signature does not match the signer's certificate: it is damaged or forged."
        )
    if not covers:
        problems.append(
            "The signature does not cover the whole file: bytes were added after signing."
        )
    if not unmodified:
        problems.append("The PDF was changed after signing: an update was appended to it.")
    if doc_ts_ok is False:
        problems.append(
            "A document time-stamp after the signature is not valid or does not chain to a "
            "trusted root."
        )
    moment = claimed if timestamp is None else timestamp.timestamp
    in_date = moment is None or signer.not_before <= moment <= signer.not_after
    if not in_date and moment is not None:
        problems.append(_out_of_date(signer, moment))
    elif not status.trusted and status.intact and status.valid:
        why = trust_problem(status)
        if not trust.roots:
            why += " (no trusted roots are configured)"
        problems.append(why[0].upper() + why[1:] + ".")
    if timestamp_ok is False:
        problems.append(
            "The time-stamp is not valid or does not chain to a trusted root (add the "
            "time-stamping service's root to the trust store)."
        )
    if claimed is None:
        timing.append("The signature carries no signing time.")
    elif claimed > now + FUTURE_TOLERANCE:
        timing.append(
            f"The signing time ({claimed:%Y-%m-%d %H:%M} UTC) is in the future; the signing "
            "computer's clock was wrong."
        )
    if (
        timestamp is not None
        and claimed is not None
        and claimed > timestamp.timestamp + FUTURE_TOLERANCE
    ):
        timing.append("The signing time is later than the time-stamp, which cannot be.")
    problems += timing
    if timestamp is None:
        warnings.append(SIGNER_CLAIM_ONLY)
    revocation = revocation_inputs.check(from_asn1(embedded.signer_cert), known, trusted_time, now)
    if revocation.outcome == RevocationOutcome.FAIL:
        problems.append(revocation.explanation)
    elif revocation.outcome == RevocationOutcome.PASS and revocation.revoked_at is not None:
        warnings.append(revocation.explanation)
    if not problems and not _pyhanko_bottom_line(status, updated):
        problems.append("pyHanko judged the signature not valid for a reason not listed here.")

    return PdfSignatureCheck(
        signature_count=count,
        signer=signer,
        signing_time=claimed,
        timestamp_time=None if timestamp is None else timestamp.timestamp,
        timestamp_ok=timestamp_ok,
        intact=bool(status.intact),
        valid=bool(status.valid),
        covers_whole_file=covers,
        modification_free=unmodified,
        trusted=bool(status.trusted),
        trusted_root=root,
        is_test_identity=signer.is_test_identity,
        certificate_in_date=in_date,
        signing_time_ok=not timing,
        problems=tuple(problems),
        warnings=tuple(warnings),
        level=_level(timestamp is not None, later, covers),
        trusted_signing_time=trusted_time,
        document_timestamps=tuple(t for t in ts_times if t is not None),
        document_timestamps_ok=doc_ts_ok,
        revocation=revocation,
        known_not_revoked=revocation.known_not_revoked,
    )


def _pyhanko_bottom_line(status: PdfSignatureStatus, updated: bool) -> bool:
    if not updated:
        return bool(status.bottom_line)
    # pyHanko's own bottom line also needs its diff policy satisfied, which LTA updates are
    return bool(status.intact and status.valid and status.trusted)


def _level(time_stamped: bool, later: list[EmbeddedPdfSignature], covers: bool) -> SignatureLevel:
    if not time_stamped:
        return SignatureLevel.B_B
    return SignatureLevel.B_LTA if later and covers else SignatureLevel.B_T


def _stated_timestamp_time(embedded: EmbeddedPdfSignature) -> datetime | None:
    """The time a time-stamp token states, before it is checked: the moment to check the
    certificates it vouches for at. The token itself is checked as well."""
    signed_data = (
        embedded.signed_data
        if embedded.sig_object_type == "/DocTimeStamp"
        else next(extract_tst_data_iter(embedded.signer_info, signed=False), None)
    )
    if signed_data is None:
        return None
    try:
        moment: datetime = signed_data["encap_content_info"]["content"].parsed["gen_time"].native
    except (KeyError, ValueError, TypeError, AttributeError):
        return None
    return moment


def _document_timestamps_ok(
    later: list[EmbeddedPdfSignature],
    times: list[datetime | None],
    trust: TrustStore,
    now: datetime,
) -> bool | None:
    """Each document time-stamp intact, valid and trusted, its certificate checked at the
    time the next one proves (the last at ``now``), and their times in order."""
    if not later:
        return None
    for index, stamp in enumerate(later):
        nxt = times[index + 1] if index + 1 < len(times) else None
        status = validate_pdf_timestamp(
            stamp, validation_context=validation_context(trust, nxt or now), skip_diff=True
        )
        if not (status.intact and status.valid and status.trusted):
            return False
        if nxt is not None and status.timestamp > nxt:
            return False
    return True


def _out_of_date(signer: CertificateSummary, moment: datetime) -> str:
    when = f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    if moment > signer.not_after:
        return (
            f"The signer's certificate was not valid at the signing time: it expired on "
            f"{signer.not_after.astimezone(UTC):%Y-%m-%d}, before the statement was signed "
            f"({when})."
        )
    return (
        f"The signer's certificate was not valid at the signing time: it is valid only from "
        f"{signer.not_before.astimezone(UTC):%Y-%m-%d}, after the statement was signed ({when})."
    )
