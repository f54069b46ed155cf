"""`rvr-desktop identity profile|import|test-ca|show`: who signs, and with which key."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rvr_desktop.cli.passphrase import read_passphrase
from rvr_desktop.cli.vault_commands import add_vault_arguments, unlock_from_args
from rvr_desktop.evidence.errors import InvalidInput
from rvr_desktop.evidence.signing.identity_store import import_pkcs12_file, stored_identity
from rvr_desktop.evidence.signing.officer import (
    OfficerProfile,
    load_officer_profile,
    save_officer_profile,
)
from rvr_desktop.evidence.signing.training_pki import create_test_identity_in_vault


def register(subcommands: Any) -> None:
    identity = subcommands.add_parser("identity", help="the officer's profile and signing key")
    actions = identity.add_subparsers(dest="identity_command", metavar="ACTION", required=True)

    profile = actions.add_parser("profile", help="set the officer's name, number and station")
    add_vault_arguments(profile)
    profile.add_argument("--name", required=True)
    profile.add_argument("--number", required=True, help="collar or warrant number")
    profile.add_argument("--rank", default="")
    profile.add_argument("--station", default="")
    profile.add_argument("--force", default="")
    profile.set_defaults(handler=run_profile)

    imported = actions.add_parser("import", help="import the force-issued PKCS#12 (.p12/.pfx)")
    add_vault_arguments(imported)
    imported.add_argument("file", help="the .p12 or .pfx file")
    imported.add_argument(
        "--p12-password-file",
        metavar="FILE",
        help="read the PKCS#12 password from FILE ('-' for standard input)",
    )
    imported.set_defaults(handler=run_import)

    test_ca = actions.add_parser(
        "test-ca",
        help="create a TEST certificate authority and officer identity (training only)",
    )
    add_vault_arguments(test_ca)
    test_ca.add_argument("--out", required=True, help="folder for the test root certificate")
    test_ca.set_defaults(handler=run_test_ca)

    show = actions.add_parser("show", help="show the officer profile and signing identity")
    add_vault_arguments(show)
    show.set_defaults(handler=run_show)


def run_profile(args: argparse.Namespace) -> int:
    profile = OfficerProfile(args.name, args.number, args.rank, args.station, args.force)
    with unlock_from_args(args) as vault:
        save_officer_profile(vault, profile)
    print(f"Officer profile saved: {profile.name} ({profile.rank_and_number}).")
    return 0


def run_import(args: argparse.Namespace) -> int:
    password = read_passphrase(args.p12_password_file, "Password of the PKCS#12 file: ")
    with unlock_from_args(args) as vault:
        credential = import_pkcs12_file(vault, Path(args.file), password)
    print("Signing identity imported into the vault:")
    for line in credential.summary().display_lines():
        print(f"  {line}")
    return 0


def run_test_ca(args: argparse.Namespace) -> int:
    with unlock_from_args(args) as vault:
        profile = load_officer_profile(vault)
        if profile is None:
            raise InvalidInput(
                "Set the officer profile first: rvr-desktop identity profile --name NAME "
                "--number NUMBER"
            )
        identity = create_test_identity_in_vault(vault, profile, Path(args.out))
    print("TEST identity created (for training only; NOT FOR EVIDENCE).")
    print(f"Test root certificate: {identity.root_pem_path}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    with unlock_from_args(args) as vault:
        profile = load_officer_profile(vault)
        summary = stored_identity(vault)
    if profile is None:
        print("Officer profile: not set (rvr-desktop identity profile --name ... --number ...)")
    else:
        print(f"Officer: {profile.name}, {profile.rank_and_number}, {profile.station or '-'}")
    if summary is None:
        print("Signing identity: none (rvr-desktop identity import FILE.p12, or test-ca)")
    else:
        for line in summary.display_lines():
            print(f"  {line}")
    return 0
