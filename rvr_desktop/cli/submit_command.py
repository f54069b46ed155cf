"""`rvr-desktop submit`: send a bundle to the force's evidence store, locked, and prove it.

    rvr-desktop submit --vault V --case REF [--passphrase-file F] [store flags] [--json]
    rvr-desktop submit BUNDLE.zip [--vault V ...] [store flags] [--json]

The store flags (--endpoint-url, --bucket, --prefix, --retention-days, --legal-hold)
override the force's settings file for this run. Credentials come from boto3's standard
chain (profiles, single sign-on, instance roles, the AWS_* variables), or the access key
kept in the vault. Exit 0 only when the object is stored, locked and read back as meant;
``--json`` prints the receipt as one object (bucket, key, version_id, sha256,
retain_until, ...). A run that was interrupted is resumed by running it again.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rvr_desktop.cli.terminal_progress import end_progress_line, terminal_progress
from rvr_desktop.cli.vault_commands import add_vault_arguments, unlock_from_args
from rvr_desktop.evidence.errors import InvalidInput


def register(subcommands: Any) -> None:
    submit = subcommands.add_parser(
        "submit", help="send a case's bundle to the force's evidence store (Object Lock)"
    )
    submit.add_argument("bundle", nargs="?", metavar="BUNDLE.zip", help="an exported bundle")
    add_vault_arguments(submit)
    submit.add_argument("--case", metavar="REF", help="export this case and send its bundle")
    submit.add_argument("--endpoint-url", help="the store's S3 endpoint (overrides settings)")
    submit.add_argument("--bucket", help="the bucket (overrides settings)")
    submit.add_argument("--prefix", help="prefix for the object key (overrides settings)")
    submit.add_argument(
        "--retention-days", type=int, help="how long the bundle stays locked (overrides settings)"
    )
    submit.add_argument(
        "--legal-hold", action="store_true", default=None, help="also place a legal hold"
    )
    submit.add_argument("--timestamp-url", help="an RFC 3161 time-stamping service for --case")
    submit.add_argument("--json", action="store_true", help="print the receipt as one JSON object")
    submit.set_defaults(handler=run_submit)


def run_submit(args: argparse.Namespace) -> int:
    # boto3, the exporter and the verifier load only when something is to be sent.
    from rvr_desktop.evidence.case import cases
    from rvr_desktop.evidence.store import queue, submission
    from rvr_desktop.evidence.store.access_key import stored_access_key
    from rvr_desktop.evidence.store.client import make_client
    from rvr_desktop.evidence.store.settings import load_store_settings

    if bool(args.bundle) == bool(args.case):
        raise InvalidInput("Give either a bundle (BUNDLE.zip) or --case REF, not both.")
    settings = load_store_settings(
        bucket=args.bucket,
        retention_days=args.retention_days,
        endpoint_url=args.endpoint_url,
        prefix=args.prefix,
        legal_hold=args.legal_hold,
    )
    progress = terminal_progress("Sending")
    if args.case or args.vault:
        with unlock_from_args(args) as vault:
            client = make_client(settings, stored_access_key(vault))
            if args.case:
                case = cases.find_case(vault, args.case)
                for earlier in queue.pending(vault, case_id=case.id)[:1]:
                    print(f"Resuming the submission of {earlier.bundle_name}.", file=sys.stderr)
                receipt = submission.submit_case(
                    vault,
                    case.id,
                    settings,
                    client,
                    timestamp_url=args.timestamp_url,
                    progress=progress,
                )
            else:
                receipt = submission.submit_bundle(
                    vault, Path(args.bundle), settings, client, progress=progress
                )
    else:
        receipt = submission.send_without_vault(
            Path(args.bundle), settings, make_client(settings), progress=progress
        )
        print(
            "rvr-desktop: no vault given, so the receipt is printed but not recorded in any "
            "case's audit chain.",
            file=sys.stderr,
        )
    end_progress_line()
    if args.json:
        print(json.dumps(receipt.to_json(), indent=2))
    else:
        print(f"Stored: {receipt.bundle_name}")
        print(f"  {receipt.describe()}")
        print(f"  SHA-256 {receipt.sha256}")
    return 0
