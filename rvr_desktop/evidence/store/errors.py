"""What can go wrong between this computer and the force's evidence store, in words an
officer or an IT team can act on. Nothing here ever loses a bundle: it stays on this
computer and in the queue until the store has it, locked, as it was sent."""

from __future__ import annotations

from rvr_desktop.evidence.errors import InvalidInput, RvrError

KEPT = "The bundle is safe on this computer and stays in the queue."
"""What a failure while sending leaves as it was; reading from the store says nothing."""


class StoreError(RvrError):
    """The evidence store could not take or give back a bundle."""


class StoreUnreachable(StoreError):
    def __init__(self, where: str, detail: str, kept: str = KEPT) -> None:
        then = (
            f"{kept} Retry when the network is back; the upload resumes from the parts "
            "already sent."
            if kept
            else "Try again when the network is back."
        )
        super().__init__(f"The evidence store at {where} cannot be reached ({detail}). {then}")


class StoreCredentialsMissing(StoreError):
    def __init__(self, kept: str = KEPT) -> None:
        super().__init__(
            "No credentials for the evidence store were found on this computer. Sign in as "
            "your force's IT team set up (an AWS profile or single sign-on), or enter the "
            f"access key they gave you in Settings. {kept}".rstrip()
        )


class StoreAccessDenied(StoreError):
    def __init__(self, bucket: str, action: str, detail: str, kept: str = KEPT) -> None:
        super().__init__(
            f"The evidence store refused to {action} in bucket {bucket} ({detail}). Check "
            f"that your access key is the one your IT team issued for RVR. {kept}".rstrip()
        )


class BucketNotFound(StoreError):
    def __init__(self, bucket: str, kept: str = KEPT) -> None:
        super().__init__(
            f"The evidence store has no bucket called {bucket}. Ask your IT team to check "
            f"the bucket in the settings file. {kept}".rstrip()
        )


class StoredBundleNotFound(StoreError):
    """Reading: nothing at the key (or the version) asked for."""

    def __init__(self, action: str) -> None:
        super().__init__(
            f"The evidence store has nothing there to {action}: check the address. A bundle "
            "deleted in a bucket with Object Lock is only hidden by a delete marker; its "
            "locked version can still be read by adding ?versionId=VERSION to the address "
            "(rvr-verify --batch lists such bundles)."
        )


class BucketHasNoObjectLock(StoreError):
    def __init__(self, bucket: str) -> None:
        super().__init__(
            f"The bucket {bucket} was not created with Object Lock, so a bundle stored there "
            "could be deleted or overwritten. Nothing was uploaded. Ask your IT team for a "
            "bucket with Object Lock enabled (see the administrator's guide)."
        )


class StoredNotAsSent(StoreError):
    """The store's own account of the object differs from what was sent."""

    def __init__(self, differences: tuple[str, ...]) -> None:
        self.differences = differences
        super().__init__(
            "The evidence store did not keep the bundle as it was sent: "
            + "; ".join(differences)
            + ". The submission is not recorded as done. Tell your IT team: the store may "
            f"be misconfigured. {KEPT}"
        )


class BundleNotSubmittable(InvalidInput):
    def __init__(self, bundle: object, why: str) -> None:
        super().__init__(f"The bundle {bundle} cannot be submitted: {why}.")
