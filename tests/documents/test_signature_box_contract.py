"""The contract with the signing code: pyHanko can stamp the reserved box on the last page."""

from __future__ import annotations

import datetime as dt
import io
import logging
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext

from documents import samples
from rvr_desktop.evidence.documents import render_statement


def _officer_key(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "PC Sam Jones 4521")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = tmp_path / "key.pem", tmp_path / "cert.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def test_pyhanko_stamps_the_reserved_box_and_the_statement_validates(tmp_path: Path) -> None:
    logging.getLogger("pyhanko.sign.diff_analysis").setLevel(logging.CRITICAL)
    rendered = render_statement(samples.statement(), samples.ORIGIN)
    box = rendered.signature_box
    assert box is not None
    writer = IncrementalPdfFileWriter(io.BytesIO(rendered.data))
    fields.append_signature_field(
        writer, fields.SigFieldSpec("OfficerSignature", on_page=box.page_index, box=box.box)
    )
    key_path, cert_path = _officer_key(tmp_path)
    signer = signers.SimpleSigner.load(str(key_path), str(cert_path))
    signed = io.BytesIO()
    signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name="OfficerSignature"),
        signer,
        stamp_style=TextStampStyle(stamp_text="Signed by %(signer)s\nTime: %(ts)s"),
    ).sign_pdf(writer, output=signed)

    reader = PdfFileReader(io.BytesIO(signed.getvalue()))
    signature = reader.embedded_signatures[0]
    widget = (
        signature.sig_field["/Kids"][0] if "/Kids" in signature.sig_field else signature.sig_field
    )
    assert [round(float(v), 2) for v in widget["/Rect"]] == list(box.box)
    trust = ValidationContext(trust_roots=[load_cert_from_pemder(str(cert_path))])
    status = validate_pdf_signature(signature, trust)
    assert status.intact and status.valid and status.coverage.name == "ENTIRE_FILE"
    last_page = reader.root["/Pages"]["/Kids"][box.page_index]
    assert any(annot.get_object() == widget for annot in last_page["/Annots"])
