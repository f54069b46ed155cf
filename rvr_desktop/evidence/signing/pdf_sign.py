"""Sign a rendered statement PDF: PAdES B-B by the officer, B-T with a time-stamping
service, and B-LTA when the revocation information of the certificates can be fetched.

The renderer leaves room for the signature box and passes where it is; we add a visible
signature there (officer, number, UK time) in one incremental update, so the rendered bytes
stay exactly as they were and the signature covers the whole file. Document metadata is
the renderer's job and is not touched here.

For B-LTA two more incremental updates follow the signature: a Document Security Store
(DSS) with the certificates, OCSP responses and CRLs of the officer's chain and of the
time-stamping unit, then a document time-stamp over everything. The validator accepts
exactly those updates after the signature, and only when the last document time-stamp
covers the whole file.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from asn1crypto import crl as asn1_crl  # type: ignore[import-untyped]
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import misc
from pyhanko.pdf_utils.generic import ArrayObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import PdfSignatureMetadata
from pyhanko.sign.signers.pdf_signer import (
    PdfSigner,
    PdfSigningSession,
    PdfTimeStamper,
    PreSignValidationStatus,
)
from pyhanko.sign.validation import DocumentSecurityStore
from pyhanko.stamp import TextStampStyle

from rvr_desktop.evidence.clock import Clock, SystemClock, document_time
from rvr_desktop.evidence.documents.model import SignatureBox
from rvr_desktop.evidence.signing._pyhanko import signer_for
from rvr_desktop.evidence.signing.credential import SigningCredential, ensure_can_sign_at
from rvr_desktop.evidence.signing.errors import (
    AlreadySigned,
    NotAPdf,
    SignatureBoxInvalid,
    SigningFailed,
)
from rvr_desktop.evidence.signing.long_term import (
    SIGNER_CLAIM_ONLY,
    SignatureLevel,
    refuse_if_revoked,
    signer_chain_data,
    timestamp_chain_data,
)
from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.signing.stamp_font import StampFont
from rvr_desktop.evidence.signing.timestamps import TIMESTAMP_TIMEOUT_S, CheckedTimeStamper
from rvr_desktop.evidence.signing.timeutil import utc_datetime
from rvr_desktop.evidence.signing.validation_data import FETCH_TIMEOUT_S, ValidationData

SIGNATURE_FIELD = "OfficerSignature"
DOCUMENT_TIMESTAMP_FIELD = "ArchiveTimeStamp1"

_STAMP_TEXT = "Digitally signed by %(officer)s\n%(number)s\n%(signed_at)s%(test_label)s"
_TEST_LABEL = "\nTEST IDENTITY - NOT FOR EVIDENCE"
_STAMP_FONT_SIZE = 9


def _stamp_style(text: str) -> TextStampStyle:
    return TextStampStyle(
        stamp_text=_STAMP_TEXT,
        text_box_style=TextBoxStyle(
            font=StampFont(text, _STAMP_FONT_SIZE), font_size=_STAMP_FONT_SIZE
        ),
        # The document already outlines the box on the same whole points; a second
        # border of the stamp's own would sit a fraction off it.
        border_width=0,
    )


def _whole_points(box: SignatureBox) -> tuple[int, int, int, int]:
    """The box rounded to whole points, as PDF signature fields are placed."""
    return (round(box.x1), round(box.y1), round(box.x2), round(box.y2))


class _Estimate(Protocol):
    """PdfSigningSession.estimate_signature_container_size, as pyHanko calls it."""

    def __call__(
        self, validation_info: PreSignValidationStatus | None, tight: Any = False
    ) -> Coroutine[Any, Any, Any]: ...


_reserved_sizes: dict[bytes, int] = {}
"""Space pyHanko reserved for a signature without a time-stamp, by signer (see below)."""
_reserved_sizes_lock = threading.Lock()


def _signer_key(credential: SigningCredential) -> bytes:
    """Names the signer's certificates (not the key): what a signature's size depends on."""
    digest = hashlib.sha256()
    for cert in (credential.certificate, *credential.chain):
        digest.update(hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).digest())
    return digest.digest()


def _remembered(estimate: _Estimate, signer_key: bytes) -> _Estimate:
    """pyHanko's estimate of a signature's size, made once per signer.

    pyHanko sizes the space for a signature by making a whole dummy signature first: as
    much work as the real signature, for a number that does not change. Without a
    time-stamp the signature holds the same certificates and attributes every time (an
    ECDSA value varies by a byte or two, well within the half again pyHanko allows), so
    its first estimate holds for every later signature by the same certificates. Only a
    size is kept: nothing of any document.
    """

    async def remembered(
        validation_info: PreSignValidationStatus | None, tight: Any = False
    ) -> int:
        key = signer_key + (b"tight" if tight else b"")
        with _reserved_sizes_lock:
            known = _reserved_sizes.get(key)
        if known is None:
            known = int(await estimate(validation_info, tight))
            with _reserved_sizes_lock:
                _reserved_sizes[key] = known
        return known

    return remembered


class _FixedTimePdfSigner(PdfSigner):
    """A PdfSigner whose signing time comes from our clock rather than the system's, and
    which sizes a signature without a time-stamp once per signer (``signer_key``)."""

    def __init__(
        self, signing_time: datetime, signer_key: bytes | None, *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._signing_time = signing_time
        self._signer_key = signer_key

    def init_signing_session(
        self, pdf_out: BasePdfFileWriter, existing_fields_only: bool = False
    ) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        # pyHanko offers no parameter for this; the session reads it when it signs.
        session.system_time = self._signing_time
        if self._signer_key is not None:
            # Nor for this: the session calls its own estimate when no size is given.
            session.estimate_signature_container_size = _remembered(  # type: ignore[method-assign]
                session.estimate_signature_container_size, self._signer_key
            )
        return session


def _open(pdf: bytes) -> IncrementalPdfFileWriter:
    if not pdf.lstrip()[:5] == b"%PDF-":
        raise NotAPdf("it does not start with a PDF header")
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=True)
        signed_already = bool(writer.prev.embedded_signatures)
    except (misc.PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise NotAPdf(str(exc) or type(exc).__name__) from exc
    if signed_already:
        raise AlreadySigned()
    return writer


def _page_number(writer: IncrementalPdfFileWriter, box: SignatureBox) -> int:
    """The page the box goes on, counted from 0; checks the box fits on it."""
    try:
        count = int(writer.root["/Pages"]["/Count"])
    except (KeyError, TypeError, ValueError) as exc:
        raise NotAPdf("its page tree cannot be read") from exc
    index = box.page_index + count if box.page_index < 0 else box.page_index
    if not 0 <= index < count:
        raise SignatureBoxInvalid(f"page {box.page_index} does not exist ({count} pages)")
    if not (box.x1 < box.x2 and box.y1 < box.y2):
        raise SignatureBoxInvalid(
            f"the box ({box.x1}, {box.y1}, {box.x2}, {box.y2}) has no width or height"
        )
    try:
        page = writer.find_page_for_modification(index)[0].get_object()  # type: ignore[no-untyped-call]
        media = page.get("/MediaBox")
        if isinstance(media, ArrayObject) and len(media) == 4:
            left, bottom, right, top = (float(v) for v in media)
            inside = left <= box.x1 and bottom <= box.y1 and box.x2 <= right and box.y2 <= top
            if not inside:
                raise SignatureBoxInvalid(f"the box lies outside page {index + 1}")
    except (misc.PdfError, KeyError, TypeError, ValueError) as exc:
        raise NotAPdf(f"page {index + 1} cannot be read") from exc
    return index


def sign_pdf(
    pdf: bytes,
    credential: SigningCredential,
    officer: OfficerProfile,
    box: SignatureBox,
    *,
    clock: Clock | None = None,
    timestamp_url: str | None = None,
    reason: str | None = None,
    location: str | None = None,
    timestamp_timeout: float = TIMESTAMP_TIMEOUT_S,
    long_term: bool = True,
) -> bytes:
    """The signed PDF: the given bytes followed by the incremental update(s) of the signature.

    PAdES baseline B-B, or B-T when ``timestamp_url`` names an RFC 3161 time-stamping
    service (then a failing service is an error, never a silent B-B), or B-LTA when, with
    ``long_term``, the revocation information of the officer's certificates can be
    fetched. :func:`sign_pdf_long_term` says which level was reached and why.
    """
    return sign_pdf_long_term(
        pdf,
        credential,
        officer,
        box,
        clock=clock,
        timestamp_url=timestamp_url,
        reason=reason,
        location=location,
        timestamp_timeout=timestamp_timeout,
        long_term=long_term,
    ).pdf


@dataclass(frozen=True)
class SignedPdf:
    """A signed statement and how long its signature can be checked."""

    pdf: bytes
    level: SignatureLevel
    """B-B (claimed time only), B-T (time-stamped), B-LTA (with validation data in a DSS
    and a document time-stamp over everything)."""
    signing_time: datetime
    timestamp_time: datetime | None
    """The signature time-stamp's time (B-T and above)."""
    validation_data: ValidationData
    """What went into the DSS (empty below B-LTA)."""
    notes: tuple[str, ...]
    """Why the level is not higher, in plain words; empty at B-LTA with nothing missing."""


def sign_pdf_long_term(
    pdf: bytes,
    credential: SigningCredential,
    officer: OfficerProfile,
    box: SignatureBox,
    *,
    clock: Clock | None = None,
    timestamp_url: str | None = None,
    reason: str | None = None,
    location: str | None = None,
    timestamp_timeout: float = TIMESTAMP_TIMEOUT_S,
    long_term: bool = True,
    fetch_timeout: float = FETCH_TIMEOUT_S,
) -> SignedPdf:
    """Sign as :func:`sign_pdf` does, saying which level was reached.

    With a time-stamping service and ``long_term``: first the revocation information of
    the officer's chain is fetched (a certificate it shows revoked is refused:
    :class:`~rvr_desktop.evidence.signing.errors.SigningCertificateRevoked`); then the
    signature with its time-stamp; then, when revocation information was found, a DSS with
    it and the time-stamping unit's, and a document time-stamp (B-LTA). Any failure of the
    time-stamping service at any step raises and returns nothing, so there is never a
    half-made file. A revocation service that cannot be reached only lowers the level to
    B-T, and the notes say so.
    """
    signing_time = utc_datetime(clock or SystemClock())
    ensure_can_sign_at(credential, signing_time)
    writer = _open(pdf)
    page = _page_number(writer, box)
    notes: list[str] = []
    validation = ValidationData()
    if timestamp_url and long_term:
        validation, missing = signer_chain_data(credential, fetch_timeout)
        refuse_if_revoked(credential, validation, signing_time)
        notes += missing
    stamper = (
        CheckedTimeStamper(timestamp_url, timeout=timestamp_timeout) if timestamp_url else None
    )
    signed = _sign(writer, page, credential, officer, box, signing_time, stamper, reason, location)
    if stamper is None or not stamper.tokens:
        return SignedPdf(
            signed, SignatureLevel.B_B, signing_time, None, ValidationData(), (SIGNER_CLAIM_ONLY,)
        )
    token = stamper.tokens[-1]
    if not (long_term and validation.has_revocation_info):
        if long_term:
            notes.append(
                "No revocation information could be fetched for the officer's certificate, "
                "so the statement is PAdES B-T: its time is trusted, but checking it after "
                "the certificate expires will need the CA's records."
            )
        return SignedPdf(
            signed, SignatureLevel.B_T, signing_time, token.gen_time, ValidationData(), tuple(notes)
        )
    tsa_data, missing = timestamp_chain_data(token, credential, fetch_timeout)
    validation = validation.merged(tsa_data)
    notes += missing
    archived = _add_dss_and_document_timestamp(signed, validation, stamper)
    return SignedPdf(
        archived, SignatureLevel.B_LTA, signing_time, token.gen_time, validation, tuple(notes)
    )


def _sign(
    writer: IncrementalPdfFileWriter,
    page: int,
    credential: SigningCredential,
    officer: OfficerProfile,
    box: SignatureBox,
    signing_time: datetime,
    stamper: CheckedTimeStamper | None,
    reason: str | None,
    location: str | None,
) -> bytes:
    number = officer.rank_and_number + (f", {officer.station}" if officer.station else "")
    text_params = {
        "officer": officer.name,
        "number": number,
        # The signing time as the documents print times (UK time, to the second). Not
        # pyHanko's own 'ts', which it always fills in with a format of its own.
        "signed_at": document_time(int(signing_time.timestamp()) * 1000, seconds=True),
        "test_label": _TEST_LABEL if credential.is_test_identity else "",
    }
    meta = PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=officer.name,
        reason=reason,
        location=location,
    )
    signer = _FixedTimePdfSigner(
        signing_time,
        # A time-stamp's size is the service's to choose, so it is estimated each time.
        _signer_key(credential) if stamper is None else None,
        meta,
        signer_for(credential),
        timestamper=stamper,
        stamp_style=_stamp_style(_STAMP_TEXT % text_params),
        new_field_spec=fields.SigFieldSpec(SIGNATURE_FIELD, on_page=page, box=_whole_points(box)),
    )
    try:
        output = signer.sign_pdf(writer, appearance_text_params=text_params)
    except (SigningError, misc.PdfError, ValueError) as exc:
        raise SigningFailed(str(exc) or type(exc).__name__) from exc
    signed: bytes = output.getvalue()
    return signed


def _add_dss_and_document_timestamp(
    signed: bytes, validation: ValidationData, stamper: CheckedTimeStamper
) -> bytes:
    """Two incremental updates: the DSS with ``validation``, then a document time-stamp."""
    buffer = io.BytesIO(signed)
    try:
        DocumentSecurityStore.add_dss(
            buffer,
            sig_contents=None,
            certs=[asn1_x509.Certificate.load(c) for c in validation.certificates],
            ocsps=[asn1_ocsp.OCSPResponse.load(o) for o in validation.ocsp_responses],
            crls=[asn1_crl.CertificateList.load(c) for c in validation.crls],
        )
        buffer.seek(0)
        output = PdfTimeStamper(stamper, field_name=DOCUMENT_TIMESTAMP_FIELD).timestamp_pdf(
            IncrementalPdfFileWriter(buffer, strict=True), "sha256"
        )
    except (SigningError, misc.PdfError, ValueError) as exc:
        raise SigningFailed(str(exc) or type(exc).__name__) from exc
    archived: bytes = output.getvalue()
    return archived
