"""Trusted time from an RFC 3161 time-stamping service, checked before it is used.

pyHanko's own HTTP client checks the status and the nonce of an answer, but not that the
token is over the digest we sent, nor that its signature verifies. A token over other data
would make a signature whose time-stamp fails for ever after; a forged one would be worse.
So :class:`CheckedTimeStamper` asks the service itself and refuses anything but a granted
answer with our nonce, our digest and a token whose signature verifies under the
certificate it names, with the time-stamping purpose. Every failure is one
:class:`~rvr_desktop.evidence.signing.errors.TimestampServiceFailed` saying what happened,
and nothing is signed.

The same class is the ``timestamper`` pyHanko uses for PAdES signatures and document
time-stamps, and :func:`timestamp_digest` serves the CMS signature time-stamp and archive
time-stamps.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp
from asn1crypto import algos, cms, core, tsp  # type: ignore[import-untyped]
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.validation.generic_cms import validate_sig_integrity

from rvr_desktop.evidence.signing.errors import TimestampServiceFailed

TIMESTAMP_TIMEOUT_S = 30.0
"""How long to wait for the service before giving up (connect and answer together)."""
MAX_RESPONSE_BYTES = 256 * 1024
"""A time-stamp response with its certificates is a few KiB."""

_TIME_STAMPING_EKU = "time_stamping"


@dataclass(frozen=True)
class TimestampToken:
    """A time-stamp token that was checked against the digest it is over."""

    der: bytes
    """The token: a CMS ContentInfo holding SignedData over a TSTInfo (DER)."""
    gen_time: datetime
    """When the service says it saw the digest."""
    digest_algorithm: str
    digest: bytes
    tsa_certificate: x509.Certificate
    """The certificate that signed the token."""
    carried_certificates: tuple[x509.Certificate, ...]
    """Every certificate the token carries (the TSA's, often its chain)."""


class TokenUnreadable(Exception):
    """The bytes are not a time-stamp token of the kind RFC 3161 defines; says why."""


def read_token(token: Any, *, expected_digest: bytes | None = None) -> TimestampToken:
    """Parse a token (DER or asn1crypto ContentInfo) and check its own integrity.

    Checks that it is SignedData over a TSTInfo, that its signer's certificate is in it
    and has the time-stamping purpose, that the signature verifies, and (when given) that
    the message imprint is ``expected_digest``. Trust in the service is not judged here.
    """
    try:
        info = token if isinstance(token, cms.ContentInfo) else cms.ContentInfo.load(token)
        if info["content_type"].native != "signed_data":
            raise TokenUnreadable("it is not signed data")
        signed_data = info["content"]
        encap = signed_data["encap_content_info"]
        if encap["content_type"].native != "tst_info":
            raise TokenUnreadable("it does not hold time-stamp information (TSTInfo)")
        content = encap["content"]
        tst_info = content.parsed if isinstance(content, core.ParsableOctetString) else None
        if not isinstance(tst_info, tsp.TSTInfo):
            raise TokenUnreadable("its time-stamp information cannot be read")
        imprint = tst_info["message_imprint"]
        algorithm = imprint["hash_algorithm"]["algorithm"].native
        digest = imprint["hashed_message"].native
        gen_time = tst_info["gen_time"].native
        signer_infos = signed_data["signer_infos"]
        if len(signer_infos) != 1:
            raise TokenUnreadable(f"it has {len(signer_infos)} signers instead of one")
        signer_info = signer_infos[0]
        carried = [
            c.chosen
            for c in (signed_data["certificates"] or [])
            if isinstance(c.chosen, asn1_x509.Certificate)
        ]
        tsa_cert = _signer_certificate(signer_info, carried)
        tst_digest = getattr(hashlib, signer_info["digest_algorithm"]["algorithm"].native)(
            content.contents
        ).digest()
        intact, valid = validate_sig_integrity(signer_info, tsa_cert, "tst_info", tst_digest)
        der = info.dump()
        certs = tuple(x509.load_der_x509_certificate(c.dump()) for c in carried)
    except TokenUnreadable:
        raise
    except Exception as exc:  # hostile DER may fail anywhere in asn1crypto
        raise TokenUnreadable(f"it is damaged ({exc or type(exc).__name__})") from exc
    if not (intact and valid):
        raise TokenUnreadable("its signature does not verify: it is forged or damaged")
    usages = tsa_cert.extended_key_usage_value
    if usages is None or _TIME_STAMPING_EKU not in usages.native:
        raise TokenUnreadable("it is signed by a certificate not meant for time-stamping")
    if expected_digest is not None and digest != expected_digest:
        raise TokenUnreadable(
            "it is over other data than was sent (its message imprint does not match)"
        )
    if gen_time is None or gen_time.tzinfo is None:
        raise TokenUnreadable("its time cannot be read")
    return TimestampToken(
        der=der,
        gen_time=gen_time,
        digest_algorithm=algorithm,
        digest=digest,
        tsa_certificate=x509.load_der_x509_certificate(tsa_cert.dump()),
        carried_certificates=certs,
    )


def _signer_certificate(signer_info: Any, carried: list[Any]) -> Any:
    sid = signer_info["sid"]
    for cert in carried:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (
                cert.issuer == wanted["issuer"]
                and cert.serial_number == wanted["serial_number"].native
            ):
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    raise TokenUnreadable("it does not carry the certificate of the service that signed it")


class CheckedTimeStamper(TimeStamper):
    """pyHanko's time-stamper, asking the service over HTTP and checking every answer."""

    def __init__(self, url: str, *, timeout: float = TIMESTAMP_TIMEOUT_S) -> None:
        super().__init__(include_nonce=True)  # type: ignore[no-untyped-call]
        self.url = url
        self.timeout = timeout
        self.tokens: list[TimestampToken] = []
        """Every token this stamper obtained, in order (the first is pyHanko's size probe)."""

    async def async_timestamp(self, message_digest: bytes, md_algorithm: str) -> Any:
        token = await self.async_checked_token(message_digest, md_algorithm)
        return cms.ContentInfo.load(token.der)

    async def async_checked_token(self, digest: bytes, algorithm: str) -> TimestampToken:
        nonce = int.from_bytes(b"\x01" + secrets.token_bytes(7), "big")
        request = tsp.TimeStampReq(
            {
                "version": 1,
                "message_imprint": tsp.MessageImprint(
                    {
                        "hash_algorithm": algos.DigestAlgorithm({"algorithm": algorithm}),
                        "hashed_message": digest,
                    }
                ),
                "nonce": nonce,
                "cert_req": True,
            }
        )
        body = await self._post(request.dump())
        token = self._check(body, nonce, digest)
        self.tokens.append(token)
        return token

    async def _post(self, body: bytes) -> bytes:
        headers = {
            "Content-Type": "application/timestamp-query",
            "Accept": "application/timestamp-reply",
        }
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.post(self.url, data=body, headers=headers) as response,
            ):
                if response.status != 200:
                    raise self._failed(f"it answered with HTTP status {response.status}")
                answer = await response.content.read(MAX_RESPONSE_BYTES + 1)
        except TimeoutError as exc:
            raise self._failed(f"it did not answer within {self.timeout:g} seconds") from exc
        except aiohttp.InvalidURL as exc:
            raise self._failed("its address is not a valid web address") from exc
        except aiohttp.ClientConnectorError as exc:
            raise self._failed(f"it could not be reached ({exc.os_error})") from exc
        except aiohttp.ClientError as exc:
            raise self._failed(f"the connection failed ({exc or type(exc).__name__})") from exc
        if len(answer) > MAX_RESPONSE_BYTES:
            raise self._failed("its answer is far too large to be a time-stamp")
        return answer

    def _check(self, body: bytes, nonce: int, digest: bytes) -> TimestampToken:
        try:
            response = tsp.TimeStampResp.load(body)
            status = response["status"]["status"].native
            text = "; ".join(response["status"]["status_string"].native or [])
        except Exception as exc:  # not DER at all: a web page, an error text
            raise self._failed("its answer is not a time-stamp response") from exc
        if status not in ("granted", "granted_with_mods"):
            raise self._failed(f"it refused the request ({status}{': ' + text if text else ''})")
        token = response["time_stamp_token"]
        try:
            tst_info = token["content"]["encap_content_info"]["content"].parsed
            answered_nonce = tst_info["nonce"].native
        except Exception as exc:
            raise self._failed("its answer holds no readable time-stamp token") from exc
        if answered_nonce != nonce:
            raise self._failed(
                "it answered with a different nonce from the one sent, so the answer is not "
                "to this request (a replayed or misrouted answer)"
            )
        try:
            return read_token(token, expected_digest=digest)
        except TokenUnreadable as exc:
            raise self._failed(f"its time-stamp token is not usable: {exc}") from exc

    def _failed(self, detail: str) -> TimestampServiceFailed:
        return TimestampServiceFailed(self.url, detail)


def timestamp_digest(
    url: str, digest: bytes, *, algorithm: str = "sha256", timeout: float = TIMESTAMP_TIMEOUT_S
) -> TimestampToken:
    """A checked token over ``digest`` from the service at ``url``; raises
    :class:`TimestampServiceFailed` saying what went wrong."""
    stamper = CheckedTimeStamper(url, timeout=timeout)
    return asyncio.run(stamper.async_checked_token(digest, algorithm))
