"""`rvr-desktop vault init|check|passwd`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rvr_desktop.cli.passphrase import read_new_passphrase, read_passphrase
from rvr_desktop.evidence.case.consistency import vault_problems
from rvr_desktop.evidence.errors import InvalidInput
from rvr_desktop.evidence.records.audit_chain import short_code
from rvr_desktop.evidence.vault import Vault, audit
from rvr_desktop.paths import default_vault_dir


def register(subcommands: Any) -> None:
    vault = subcommands.add_parser("vault", help="create, check or re-key a vault")
    actions = vault.add_subparsers(dest="vault_command", metavar="ACTION", required=True)

    init = actions.add_parser("init", help="create a new, empty vault")
    add_vault_arguments(init)
    init.set_defaults(handler=run_init)

    check = actions.add_parser(
        "check", help="unlock and run every integrity check; exit 0 if sound, 1 if not"
    )
    add_vault_arguments(check)
    check.set_defaults(handler=run_check)

    restore = actions.add_parser(
        "accept-restore",
        help="open a vault restored from a backup (older than this computer last saw); "
        "the acceptance and its reason go in the audit chain",
    )
    add_vault_arguments(restore)
    restore.add_argument("--reason", required=True, help="why the backup was restored")
    restore.set_defaults(handler=run_accept_restore)

    passwd = actions.add_parser("passwd", help="change the vault's passphrase")
    add_vault_arguments(passwd)
    passwd.add_argument(
        "--new-passphrase-file",
        metavar="FILE",
        help="read the new passphrase from FILE ('-' for standard input)",
    )
    passwd.set_defaults(handler=run_passwd)


def add_vault_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--vault", metavar="PATH", help=f"vault folder (default: {default_vault_dir()})"
    )
    parser.add_argument(
        "--passphrase-file",
        metavar="FILE",
        help="read the passphrase from the first line of FILE ('-' for standard input)",
    )


def vault_path(args: argparse.Namespace) -> Path:
    return Path(args.vault) if args.vault else default_vault_dir()


def unlock_from_args(args: argparse.Namespace) -> Vault:
    root = vault_path(args)
    return Vault.unlock(root, read_passphrase(args.passphrase_file))


def run_init(args: argparse.Namespace) -> int:
    root = vault_path(args)
    passphrase = read_new_passphrase(args.passphrase_file)
    with Vault.create(root, passphrase) as vault:
        print(f"Created a new vault at {root} (id {vault.vault_id}).")
    return 0


def run_check(args: argparse.Namespace) -> int:
    root = vault_path(args)
    # A check changes nothing: no upgrade, no clean-up, no new anchor in the header.
    with Vault.unlock(root, read_passphrase(args.passphrase_file), inspect_only=True) as vault:
        problems = vault_problems(vault)
        with vault.reader() as tx:
            head = audit.chain_head(tx)
    if problems:
        print(f"FAIL: the vault at {root} has {len(problems)} problem(s):")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    code = "-" if head is None else short_code(head.record_hash)
    records = 0 if head is None else head.seq
    print(
        f"OK: the vault at {root} passed every check "
        f"(database, encryption, audit chain of {records} records, head {code})."
    )
    return 0


def run_accept_restore(args: argparse.Namespace) -> int:
    root = vault_path(args)
    reason = args.reason.strip()
    if len(reason) < 10:
        raise InvalidInput(
            "Give the reason for accepting the restored vault (for example the incident "
            "number of the disk failure); at least 10 characters."
        )
    passphrase = read_passphrase(args.passphrase_file)
    with Vault.unlock(root, passphrase, accept_restore_reason=reason):
        pass
    print(f"The vault at {root} is accepted as restored; the acceptance is in its audit chain.")
    return 0


def run_passwd(args: argparse.Namespace) -> int:
    root = vault_path(args)
    old = read_passphrase(args.passphrase_file, "Current passphrase: ")
    vault = Vault.unlock(root, old)
    try:
        new = read_new_passphrase(args.new_passphrase_file)
        vault.change_passphrase(old, new)
    finally:
        vault.lock()
    print(f"The passphrase of the vault at {root} has been changed.")
    return 0
