"""Sign a rendered statement PDF: PAdES B-B by the officer, B-T with a time-stamping service.

The renderer leaves room for the signature box, outlines it and passes where it is; we
add a visible signature there (officer, number, UK time) in one incremental update, so
the rendered bytes stay exactly as they were and the signature covers the whole file.
Document metadata is the renderer's job and is not touched here.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import aiohttp
from pyhanko.pdf_utils import misc
from pyhanko.pdf_utils.generic import ArrayObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import PdfSignatureMetadata
from pyhanko.sign.signers.pdf_signer import PdfSigner, PdfSigningSession
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
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
    TimestampServiceFailed,
)
from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.signing.stamp_font import StampFont
from rvr_desktop.evidence.signing.timeutil import utc_datetime

SIGNATURE_FIELD = "OfficerSignature"
TIMESTAMP_TIMEOUT_S = 30

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


class _FixedTimePdfSigner(PdfSigner):
    """A PdfSigner whose signing time comes from our clock rather than the system's."""

    def __init__(self, signing_time: datetime, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signing_time = signing_time

    def init_signing_session(
        self, pdf_out: BasePdfFileWriter, existing_fields_only: bool = False
    ) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        # pyHanko offers no parameter for this; the session reads it when it signs.
        session.system_time = self._signing_time
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
) -> bytes:
    """The signed PDF: the given bytes followed by one incremental update holding the signature.

    PAdES baseline B-B, or B-T when ``timestamp_url`` names an RFC 3161 time-stamping
    service (then a failing service is an error, never a silent B-B).
    """
    signing_time = utc_datetime(clock or SystemClock())
    ensure_can_sign_at(credential, signing_time)
    writer = _open(pdf)
    page = _page_number(writer, box)
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
    timestamper = (
        HTTPTimeStamper(timestamp_url, timeout=TIMESTAMP_TIMEOUT_S) if timestamp_url else None
    )
    signer = _FixedTimePdfSigner(
        signing_time,
        meta,
        signer_for(credential),
        timestamper=timestamper,
        stamp_style=_stamp_style(_STAMP_TEXT % text_params),
        new_field_spec=fields.SigFieldSpec(SIGNATURE_FIELD, on_page=page, box=_whole_points(box)),
    )
    try:
        output = signer.sign_pdf(writer, appearance_text_params=text_params)
    except (TimestampRequestError, aiohttp.ClientError, TimeoutError) as exc:
        raise TimestampServiceFailed(timestamp_url or "", str(exc) or type(exc).__name__) from exc
    except (SigningError, misc.PdfError, ValueError) as exc:
        raise SigningFailed(str(exc) or type(exc).__name__) from exc
    signed: bytes = output.getvalue()
    return signed
