"""The force's evidence store, against a local S3 server (moto's, on 127.0.0.1).

Submitting: our upload (multipart with a SHA-256 per part, Object Lock, the bundle's
SHA-256 computed on the way, then the read-back) against boto3's own ``upload_file`` of
the same bytes with no checksums and no lock: the price of proving what was stored.

Verifying at the store: a hundred stored bundles checked by ``rvr-verify --batch`` (on
every core) against downloading each and validating it with bagit-python, one by one.
"""

from __future__ import annotations

import os
import tempfile
import uuid
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import bagit
import boto3

from bench.report import Figure, median, timed
from bench.vault_bench import _write_source
from rvr_desktop.evidence.demo import build_demo_vault, export_demo_bundle
from rvr_desktop.evidence.store.batch import stored_bundles, verify_batch
from rvr_desktop.evidence.store.client import Bucket, make_client
from rvr_desktop.evidence.store.readback import read_back
from rvr_desktop.evidence.store.settings import StoreSettings
from rvr_desktop.evidence.store.upload import UploadPlan, part_size_for, upload_bundle
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF

REGION = "eu-west-2"


def _server() -> tuple[object, str]:
    from moto.server import ThreadedMotoServer

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


def _bucket(endpoint: str, lock: bool = True) -> StoreSettings:
    name = f"bench-{uuid.uuid4().hex[:10]}"
    boto3.client("s3", endpoint_url=endpoint, region_name=REGION).create_bucket(
        Bucket=name,
        ObjectLockEnabledForBucket=lock,
        CreateBucketConfiguration={"LocationConstraint": REGION},
    )
    return StoreSettings(bucket=name, retention_days=1, endpoint_url=endpoint, region=REGION)


def run(size: int, bundles: int = 100) -> list[Figure]:
    server, endpoint = _server()
    try:
        with tempfile.TemporaryDirectory(
            prefix="rvr-bench-store-", dir=os.environ.get("RVR_BENCH_DIR")
        ) as tmp:
            folder = Path(tmp)
            return [_submit(folder, endpoint, size), _batch(folder, endpoint, bundles)]
    finally:
        server.stop()  # type: ignore[attr-defined]


def _submit(folder: Path, endpoint: str, size: int) -> Figure:
    source = folder / "bundle.zip"
    _write_source(source, size)
    settings = _bucket(endpoint)
    client = make_client(settings)

    def ours() -> None:
        plan = UploadPlan(
            bundle=source,
            size=size,
            key=f"ours/{uuid.uuid4().hex}.zip",
            part_size=part_size_for(size, settings.part_size_mib),
            retention_mode=settings.retention_mode,
            retain_until=datetime.now(UTC) + timedelta(days=1),
            legal_hold=False,
        )
        uploaded = upload_bundle(client, settings, plan, on_upload_id=lambda _: None)
        read_back(client, settings, plan, uploaded)

    plain = boto3.client("s3", endpoint_url=endpoint, region_name=REGION)

    def baseline() -> None:
        plain.upload_file(str(source), settings.bucket, f"plain/{uuid.uuid4().hex}.zip")

    runs = 3 if size <= 256 * 2**20 else 2
    ours_s = median([timed(ours) for _ in range(runs)])
    plain_s = median([timed(baseline) for _ in range(runs)])
    mib = size / 2**20
    return Figure(
        f"submit {mib:.0f} MiB bundle to local S3",
        mib / ours_s,
        "MiB/s",
        "boto3 upload_file",
        mib / plain_s,
        "aim: ratio >= 0.8",
    )


def _batch(folder: Path, endpoint: str, count: int) -> Figure:
    demo = build_demo_vault(folder / "demo", kdf=FAST_INSECURE_KDF)
    bundle = export_demo_bundle(demo, folder / "bundles")
    archive = folder / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for file in sorted(p for p in bundle.rglob("*") if p.is_file()):
            out.write(file, file.relative_to(bundle).as_posix())
    settings = _bucket(endpoint)
    client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION)
    until = datetime.now(UTC) + timedelta(days=1)
    body = archive.read_bytes()
    for number in range(count):
        client.put_object(
            Bucket=settings.bucket,
            Key=f"intake/{number:04d}.zip",
            Body=body,
            ObjectLockMode="COMPLIANCE",
            ObjectLockRetainUntilDate=until,
            ChecksumAlgorithm="SHA256",
        )
    address = Bucket(settings.bucket, endpoint, REGION)
    root = [demo.trust_root.read_bytes()]

    def ours() -> None:
        listed = stored_bundles(make_client(address), address, "intake/")
        summary = verify_batch(address, listed, root)
        assert summary.all_verified, summary.describe()

    def baseline() -> None:
        for number in range(count):
            target = folder / "baseline" / f"{number:04d}"
            data = client.get_object(Bucket=settings.bucket, Key=f"intake/{number:04d}.zip")
            zipped = folder / "baseline.zip"
            zipped.write_bytes(data["Body"].read())
            with zipfile.ZipFile(zipped) as unpack:
                unpack.extractall(target)  # our own bench bag, not hostile input
            bagit.Bag(str(target)).validate()

    ours_s = timed(ours)
    baseline_s = timed(baseline)
    return Figure(
        f"verify {count} stored bundles (batch)",
        ours_s,
        "s",
        "download + bagit-python each",
        baseline_s,
        "informative: ours also checks signatures, PDFs, the audit chain and the lock",
    )
