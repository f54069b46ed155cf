"""`rvr-verify`: the evidence officer's independent check of an exported bundle.

Exit codes: 0 verified; 1 a check failed (altered, missing or extra file, broken
signature, hostile archive); 2 intact but trust not established (no trusted root given,
or an unknown signer); 3 cannot run (no such path, unreadable trust file, wrong usage).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rvr_desktop import __version__
from rvr_desktop.app import configure_process
from rvr_desktop.cli.terminal_text import shown
from rvr_desktop.evidence.bundle.result import BundleStatus, Verdict
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.errors import InvalidInput, RvrError
from rvr_desktop.evidence.signing.long_term import CrlFile
from rvr_desktop.evidence.signing.trust import TrustStore

if TYPE_CHECKING:
    from rvr_desktop.evidence.store.batch import BatchLine

EXIT_CODES = {Verdict.VERIFIED: 0, Verdict.FAILED: 1, Verdict.NOT_TRUSTED: 2}
"""The one place a verdict becomes an exit code."""
EXIT_CANNOT_RUN = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"rvr-verify: {message}", file=sys.stderr)
        sys.exit(EXIT_CANNOT_RUN)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="rvr-verify",
        description=(
            "Check that an RVR evidence bundle is complete, unaltered and signed by a "
            "trusted officer. Exit 0 verified; 1 a check failed; 2 intact but the signer "
            "is not trusted; 3 cannot run."
        ),
    )
    parser.add_argument("--version", action="version", version=f"rvr-verify {__version__}")
    parser.add_argument(
        "bundle",
        help="the bundle: a folder, a .zip, or s3://BUCKET/KEY in the force's store "
        "(with --batch: s3://BUCKET/PREFIX/, every bundle under it)",
    )
    parser.add_argument(
        "--trust",
        action="append",
        default=[],
        metavar="ROOT.pem",
        help="a trusted root certificate (PEM); repeat for several",
    )
    parser.add_argument(
        "--crl",
        action="append",
        default=[],
        metavar="FILE.crl",
        help="a certificate revocation list from the force's CA (DER or PEM) to check the "
        "signer's certificate against; repeat for several",
    )
    parser.add_argument(
        "--online",
        action="store_true",
        help="also ask the certificates' own OCSP and CRL addresses now (off by default: "
        "the check uses only what the bundle carries and the --crl files)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as one JSON document")
    parser.add_argument("--report", metavar="OUT.pdf", help="also write a verification report PDF")
    store = parser.add_argument_group("bundles in the force's evidence store (s3://)")
    store.add_argument(
        "--endpoint-url",
        help="the store's S3 endpoint (default: boto3's configuration, e.g. AWS_ENDPOINT_URL)",
    )
    store.add_argument("--region", help="the store's region (default: boto3's configuration)")
    store.add_argument(
        "--receipt",
        metavar="RECEIPT.json",
        help="the receipt 'rvr-desktop submit --json' printed: check that exact version",
    )
    store.add_argument(
        "--batch", action="store_true", help="verify every bundle under an s3:// prefix"
    )
    store.add_argument(
        "--workers", type=int, metavar="N", help="bundles checked at once (default: one per core)"
    )
    store.add_argument(
        "--csv", metavar="OUT.csv", help="with --batch: also write one row per bundle"
    )
    return parser


def print_status(status: BundleStatus) -> None:
    print(shown(f"Bundle: {status.shown_location}"))
    if status.verdict is not Verdict.VERIFIED:
        print("  What the bundle says of itself (not verified: nothing yet vouches for it):")
    for label in ("RVR-Case-Reference", "RVR-Officer", "RVR-Export-Time", "RVR-Audit-Chain-Code"):
        value = status.info(label)
        if value:
            print(shown(f"  {label}: {value}"))
    if status.signer is not None:
        print(shown(f"  Signer: {status.signer.common_name} ({status.signer.sha256_fingerprint})"))
    for check in status.checks:
        print(shown(f"{check.outcome.value:<13} {check.shown_title}: {check.reason}"))
    for note in status.notes:
        print(shown(f"NOTE          {note}"))
    if status.revocation_unknown:
        print(
            "NOTE          To check revocation, give the CA's revocation list with "
            "--crl FILE.crl, or ask the CA's own services with --online."
        )
    print(shown(status.verdict_text))
    if status.verdict is Verdict.NOT_TRUSTED:
        print("Give the force's root certificate with --trust ROOT.pem (it may be repeated).")


def main(argv: Sequence[str] | None = None) -> int:
    configure_process()
    args = build_parser().parse_args(argv)
    try:
        trust = TrustStore.from_paths([Path(p) for p in args.trust])
        crl_files = tuple(CrlFile.read(Path(p)) for p in args.crl)
        if args.batch:
            return _verify_batch(args)
        if args.bundle.lower().startswith("s3://"):
            status = _verify_stored(args, trust, crl_files)
        else:
            status = verify_bundle(
                Path(args.bundle), trust, crl_files=crl_files, online=args.online
            )
    except RvrError as exc:
        print(shown(f"rvr-verify: {exc}"), file=sys.stderr)
        return EXIT_CANNOT_RUN
    except KeyboardInterrupt:
        print("rvr-verify: interrupted.", file=sys.stderr)
        return EXIT_CANNOT_RUN
    exit_code = EXIT_CODES[status.verdict]
    if args.json:
        print(json.dumps({**status.summary(), "exit_code": exit_code}, indent=2))
    else:
        print_status(status)
    if args.report:
        # Only a report needs the PDF library: a plain check never loads it.
        from rvr_desktop.evidence.bundle.report import write_report

        try:
            write_report(status, Path(args.report))
        except RvrError as exc:
            # The verdict above stands; only the report could not be written.
            print(shown(f"rvr-verify: the report was not written: {exc}"), file=sys.stderr)
            return EXIT_CANNOT_RUN
    return exit_code


def _verify_stored(
    args: argparse.Namespace, trust: TrustStore, crl_files: Sequence[CrlFile]
) -> BundleStatus:
    # boto3 loads only for a bundle in a store.
    from rvr_desktop.evidence.store.client import Bucket, make_client
    from rvr_desktop.evidence.store.receipt import Receipt
    from rvr_desktop.evidence.store.stored_check import parse_store_url, verify_stored_bundle

    stored = parse_store_url(args.bundle)
    receipt = None
    if args.receipt:
        receipt = Receipt.from_json(_read_json(Path(args.receipt)))
    address = Bucket(stored.bucket, args.endpoint_url or "", args.region or "")
    return verify_stored_bundle(
        make_client(address),
        address,
        stored,
        trust,
        receipt=receipt,
        crl_files=crl_files,
        online=args.online,
    )


def _verify_batch(args: argparse.Namespace) -> int:
    from rvr_desktop.evidence.store.batch import stored_bundles, verify_batch, write_csv
    from rvr_desktop.evidence.store.client import Bucket, make_client
    from rvr_desktop.evidence.store.stored_check import parse_store_url

    where = parse_store_url(args.bundle, prefix=True)
    address = Bucket(where.bucket, args.endpoint_url or "", args.region or "")
    bundles = stored_bundles(make_client(address), address, where.key)
    if not bundles:
        print(shown(f"rvr-verify: there is no bundle under {args.bundle}."), file=sys.stderr)
        return EXIT_CANNOT_RUN
    trust_pem = [Path(p).read_bytes() for p in args.trust]
    show = (lambda line: None) if args.json else _print_batch_line
    summary = verify_batch(address, bundles, trust_pem, workers=args.workers, on_line=show)
    if args.json:
        print(
            json.dumps(
                {
                    "bundles": [line.to_json() for line in summary.lines],
                    "summary": summary.counts(),
                    "all_verified": summary.all_verified,
                },
                indent=2,
            )
        )
    else:
        print(summary.describe())
    if args.csv:
        write_csv(summary, Path(args.csv))
    return 0 if summary.all_verified else 1


def _print_batch_line(line: BatchLine) -> None:
    verdict = "VERIFIED" if line.verified else "HIDDEN" if line.hidden else "NOT VERIFIED"
    detail = f": failed {'; '.join(line.failed)}" if line.failed else ""
    if line.hidden:
        detail = (
            ": a delete marker hides it from the bucket's listing; the store still holds "
            f"it, locked, and this version: {line.verdict_text}"
        )
    if line.error:
        detail = f": {line.error}"
    print(shown(f"{verdict:<13} {line.url}{detail}"), flush=True)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"The receipt {path} cannot be read as JSON ({exc}).") from exc


if __name__ == "__main__":
    sys.exit(main())
