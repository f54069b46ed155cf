"""`rvr-desktop demo OUTDIR [--json]`: the whole flow on synthetic data, headless."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rvr_desktop.evidence.case import attachments, cases, timeline
from rvr_desktop.evidence.clock import format_local

if TYPE_CHECKING:
    from rvr_desktop.evidence.demo import DemoVault
from rvr_desktop.evidence.vault import Vault


def register(subcommands: Any) -> None:
    demo = subcommands.add_parser(
        "demo",
        help="build a demo vault with a realistic, invented case (for training)",
    )
    demo.add_argument("outdir", help="folder to create the demo in")
    demo.add_argument("--json", action="store_true", help="print the paths as one JSON object")
    demo.set_defaults(handler=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    # The demo exports a signed bundle: its libraries load only when it runs.
    from rvr_desktop.evidence.demo import build_demo_vault, export_demo_bundle

    outdir = Path(args.outdir).resolve()
    demo = build_demo_vault(outdir)
    bundle = export_demo_bundle(demo, outdir / "bundles")
    paths = {
        "vault": str(demo.root),
        "passphrase_file": str(demo.passphrase_file),
        "bundle": str(bundle),
        "trust_root": str(demo.trust_root),
    }
    if args.json:
        print(json.dumps(paths))
    else:
        print_demo_summary(demo)
        print(f"Signed evidence bundle: {bundle}")
        print(f"Check it: rvr-verify '{bundle}' --trust '{demo.trust_root}'")
    return 0


def print_demo_summary(demo: DemoVault) -> None:
    with Vault.unlock(demo.root, demo.passphrase) as vault:
        case = cases.get_case(vault, demo.case_id)
        entries = timeline.entries(vault, demo.case_id)
        exhibits = attachments.list_attachments(vault, demo.case_id)
    print(f"Demo vault: {demo.root}")
    print(f"Passphrase: {demo.passphrase}  (also in {demo.passphrase_file})")
    print(f"Case {case.reference}: {case.victim_name}, officer {case.officer}")
    superseded = timeline.superseded_ids(entries)
    for entry in entries:
        mark = " [amended]" if entry.id in superseded else ""
        print(
            f"  {format_local(entry.recorded_utc_ms)}  {entry.elapsed_label:>8}  {entry.text}{mark}"
        )
    for item in exhibits:
        print(f"  Exhibit {item.exhibit_ref}: {item.original_name} sha256 {item.sha256}")
