"""The S3 client (boto3, the reference client) and the one place its errors become ours.

Credentials come from boto3's standard chain (profiles, single sign-on, instance roles,
the usual AWS_* variables for headless runs) unless the officer entered an access key,
which is kept only inside the vault (:mod:`.access_key`) and handed to boto3 directly:
never written to the settings file or a log, and never put in the environment, where
child processes would inherit it. Nothing here opens a vault: ``rvr-verify`` uses it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)

from rvr_desktop.evidence.store.errors import (
    KEPT,
    BucketNotFound,
    StoreAccessDenied,
    StoreCredentialsMissing,
    StoredBundleNotFound,
    StoreError,
    StoreUnreachable,
)

log = logging.getLogger(__name__)

S3Client = Any
"""boto3's S3 client: generated at run time, so it has no static type."""

_NETWORK_ERRORS = (EndpointConnectionError, ConnectionClosedError, ReadTimeoutError)


class StoreAddress(Protocol):
    """Where a bucket is: the force's settings, or what an evidence officer named."""

    @property
    def endpoint_url(self) -> str: ...

    @property
    def region(self) -> str: ...

    @property
    def bucket(self) -> str: ...


@dataclass(frozen=True)
class Bucket:
    """A bucket named on the command line (``s3://BUCKET/...``) or by the force."""

    bucket: str
    endpoint_url: str = ""
    region: str = ""


@dataclass(frozen=True)
class AccessKey:
    """An S3 access key the officer entered once, kept only in the vault."""

    key_id: str
    secret: str = field(repr=False)


def make_client(settings: StoreAddress, access_key: AccessKey | None = None) -> S3Client:
    """A client for the force's store; retries and time-outs suit a flaky office network."""
    config = Config(
        retries={"max_attempts": 4, "mode": "standard"},
        connect_timeout=10,
        read_timeout=120,
        # S3 computes and checks SHA-256 checksums only when asked; we always give ours.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    session = (
        boto3.session.Session(
            aws_access_key_id=access_key.key_id, aws_secret_access_key=access_key.secret
        )
        if access_key is not None
        else boto3.session.Session()
    )
    return session.client(
        "s3",
        endpoint_url=settings.endpoint_url or None,
        region_name=settings.region or None,
        config=config,
    )


def boto_datetime(value: Any) -> datetime:
    """A date the store gave (boto3 parses most; a header passed through a proxy is text)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime.fromisoformat(str(value)).astimezone(UTC)


def where(settings: StoreAddress) -> str:
    """The store as named in messages: its endpoint and bucket."""
    return f"{settings.endpoint_url or 'AWS S3'} (bucket {settings.bucket})"


@contextlib.contextmanager
def store_errors(settings: StoreAddress, action: str) -> Iterator[None]:
    """Turn boto3's exceptions into ours while sending, naming the store and the action;
    each message says the bundle stays safe in the queue."""
    with _turned_into_ours(settings, action, KEPT):
        yield


@contextlib.contextmanager
def reading_errors(settings: StoreAddress, action: str) -> Iterator[None]:
    """The same while reading a stored bundle (verifying), where there is no queue; a
    missing key or version is :class:`StoredBundleNotFound`."""
    with _turned_into_ours(settings, action, ""):
        yield


@contextlib.contextmanager
def _turned_into_ours(settings: StoreAddress, action: str, kept: str) -> Iterator[None]:
    try:
        yield
    except StoreError:
        raise
    except NoCredentialsError as exc:
        raise StoreCredentialsMissing(kept) from exc
    except _NETWORK_ERRORS as exc:
        raise StoreUnreachable(where(settings), type(exc).__name__, kept) from exc
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        message = str(exc.response.get("Error", {}).get("Message", "")) or code
        log.info("store refused %s: %s", action, code)
        if code in ("NoSuchBucket",):
            raise BucketNotFound(settings.bucket, kept) from exc
        if code in (
            "AccessDenied",
            "InvalidAccessKeyId",
            "SignatureDoesNotMatch",
            "ExpiredToken",
            "403",
        ):
            raise StoreAccessDenied(settings.bucket, action, message, kept) from exc
        if code.startswith("5") or code in ("SlowDown", "ServiceUnavailable", "InternalError"):
            raise StoreUnreachable(where(settings), f"the store answered {code}", kept) from exc
        if not kept and code in ("NoSuchKey", "NoSuchVersion", "404", "NotFound"):
            raise StoredBundleNotFound(action) from exc
        then = (
            "The bundle is safe on this computer and stays in the queue; tell your IT team "
            "if this happens again."
            if kept
            else "Tell your IT team if this happens again."
        )
        raise StoreError(
            f"The evidence store refused to {action} ({code}: {message}). {then}"
        ) from exc
    except BotoCoreError as exc:
        raise StoreUnreachable(where(settings), str(exc) or type(exc).__name__, kept) from exc
    except OSError as exc:
        # A connection reset or refused that botocore let through unwrapped (seen when
        # the line drops between its retries): still the network, never a crash.
        raise StoreUnreachable(where(settings), str(exc) or type(exc).__name__, kept) from exc
