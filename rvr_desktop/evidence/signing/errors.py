"""Errors about signing identities, trust roots and signatures, each with a next step."""

from __future__ import annotations

from rvr_desktop.evidence.errors import InvalidInput, NotFound, RvrError


class CredentialError(InvalidInput):
    """A signing credential (a .p12 / .pfx file) that cannot be used as it is."""


class WrongCredentialPassword(CredentialError):
    def __init__(self) -> None:
        super().__init__(
            "Wrong password for the certificate file: nothing was imported. Check the password "
            "your force's PKI team gave you for this file (it is not your vault passphrase) "
            "and try again."
        )


class NotACredentialFile(CredentialError):
    def __init__(self, what: object) -> None:
        super().__init__(
            f"{what} is not a PKCS#12 certificate file (.p12 or .pfx): nothing was imported. "
            "Choose the signing certificate file your force's PKI team issued to you."
        )


class CredentialFileUnreadable(CredentialError):
    def __init__(self, path: object, reason: str) -> None:
        super().__init__(
            f"The certificate file {path} could not be read ({reason}): nothing was imported. "
            "Check the path and that you may read the file, then try again."
        )


class CredentialHasNoKey(CredentialError):
    def __init__(self) -> None:
        super().__init__(
            "The certificate file holds no private key, so it cannot sign: nothing was "
            "imported. Ask your force's PKI team for the file that includes your private key."
        )


class CredentialHasNoCertificate(CredentialError):
    def __init__(self) -> None:
        super().__init__(
            "The certificate file holds a private key but no certificate for it: nothing was "
            "imported. Ask your force's PKI team for a complete .p12 file."
        )


class KeyDoesNotMatchCertificate(CredentialError):
    def __init__(self) -> None:
        super().__init__(
            "The private key in the certificate file does not belong to its certificate: "
            "nothing was imported. Ask your force's PKI team to issue the file again."
        )


class CertificateExpired(CredentialError):
    def __init__(self, who: str, when: str) -> None:
        super().__init__(
            f"The signing certificate for {who} expired on {when}: nothing was imported. "
            "Ask your force's PKI team to renew it, then import the new file."
        )


class CertificateNotYetValid(CredentialError):
    def __init__(self, who: str, when: str) -> None:
        super().__init__(
            f"The signing certificate for {who} is not valid until {when}: nothing was "
            "imported. Check this computer's date and time, or import it once it is valid."
        )


class UnsupportedKeyType(CredentialError):
    def __init__(self, what: str) -> None:
        super().__init__(
            f"The certificate file holds a {what} key, which RVR Desktop cannot sign with: "
            "nothing was imported. RVR Desktop signs with RSA (2048 bits or more) or ECDSA "
            "(P-256, P-384 or P-521) keys; ask your force's PKI team for one of those."
        )


class CertificateDamaged(CredentialError):
    def __init__(self, who: str) -> None:
        super().__init__(
            f"The certificate of {who} is damaged (its extensions cannot be read): nothing was "
            "imported. Ask your force's PKI team for a new certificate file."
        )


class CertificateNotForSigning(CredentialError):
    def __init__(self, who: str) -> None:
        super().__init__(
            f"The certificate for {who} is not allowed to sign documents (its key usage "
            "has neither digital signature nor non-repudiation): nothing was imported. Ask "
            "your force's PKI team for a document-signing certificate."
        )


class SigningCertificateNotValid(RvrError):
    def __init__(self, who: str, detail: str) -> None:
        super().__init__(
            f"The signing certificate for {who} {detail}, so a signature made now would not "
            "be trusted. Nothing was signed. Import your renewed .p12 file from your force's "
            "PKI team (or check this computer's date and time), then sign again."
        )


class NoSigningIdentity(NotFound):
    def __init__(self) -> None:
        super().__init__(
            "No signing certificate is set up in this vault. Import the .p12 file your "
            "force issued to you (or, for training only, create a test identity), then try again."
        )


class StoredIdentityDamaged(RvrError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            f"The signing certificate stored in this vault cannot be read ({detail}). Nothing "
            "was signed. Import your .p12 file again; if this keeps happening, contact IT support."
        )


class NoOfficerProfile(NotFound):
    def __init__(self) -> None:
        super().__init__(
            "Your officer details (name and collar or warrant number) are not filled in yet. "
            "Enter them in the officer profile, then try again."
        )


class TrustRootError(InvalidInput):
    """A trusted-root file that cannot be used."""


class TrustRootUnreadable(TrustRootError):
    def __init__(self, path: object, reason: str) -> None:
        super().__init__(
            f"The trusted root file {path} could not be read ({reason}). Check the path in the "
            "trust settings and that the file exists, then try again."
        )


class TrustRootNotPem(TrustRootError):
    def __init__(self, path: object, detail: str) -> None:
        super().__init__(
            f"The trusted root file {path} is not a PEM certificate file ({detail}). Use the "
            "root certificate in PEM form ('-----BEGIN CERTIFICATE-----') from your force's "
            "PKI team."
        )


class TrustRootNotCa(TrustRootError):
    def __init__(self, path: object, subject: str) -> None:
        super().__init__(
            f"The certificate '{subject}' in {path} is not a certificate authority, so it "
            "cannot be a trusted root. Use your force's root (CA) certificate instead of a "
            "personal one."
        )


class PdfSigningError(InvalidInput):
    """A PDF that cannot be signed as asked."""


class NotAPdf(PdfSigningError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            f"The document to sign is not a readable PDF ({detail}). Nothing was signed. "
            "Render the statement again, then sign it."
        )


class AlreadySigned(PdfSigningError):
    def __init__(self) -> None:
        super().__init__(
            "The document is already signed; RVR Desktop signs a statement once. Nothing was "
            "changed. Render the statement again to sign a fresh copy."
        )


class SignatureBoxInvalid(PdfSigningError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            f"The signature box cannot be placed: {detail}. Nothing was signed. This is a "
            "fault in the statement layout; report it to IT support."
        )


class TimestampServiceFailed(RvrError):
    """The time-stamping service gave no usable time-stamp; ``detail`` says what it did."""

    def __init__(self, url: str, detail: str) -> None:
        self.url = url
        self.detail = detail
        super().__init__(
            f"The time-stamping service at {url} did not give a time-stamp: {detail}. Nothing "
            "was signed. Try again in a moment; if it keeps failing, check the network "
            "connection and the service address in the signing settings, or sign without "
            "trusted time (clear the time-stamping service), and the signature will carry "
            "only this computer's own claim of the signing time."
        )


class SigningCertificateRevoked(RvrError):
    def __init__(self, who: str, when: str, reason: str, source: str) -> None:
        super().__init__(
            f"The signing certificate for {who} was revoked on {when} ({reason}), according "
            f"to {source}. Nothing was signed: a signature made with it would not be "
            "trusted. Ask your force's PKI team for a new certificate."
        )


class ValidationDataUnreadable(InvalidInput):
    """Validation data (a certificate, OCSP response or CRL) that cannot be read."""

    def __init__(self, what: str, detail: str) -> None:
        self.what = what
        self.detail = detail
        super().__init__(
            f"{what} cannot be read ({detail}). Check that it is the right file (a DER or "
            "PEM CRL from the certificate authority), then try again."
        )


class ArchiveTimestampError(InvalidInput):
    """Archive time-stamps that cannot be added as asked."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"The archive time-stamp cannot be added: {detail}. Nothing was changed.")


class SigningFailed(RvrError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            f"The signature could not be made ({detail}). Nothing was signed. Try again; if it "
            "keeps failing, contact IT support with this message."
        )
