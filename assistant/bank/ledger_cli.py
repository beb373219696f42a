"""`ledger check`: say whether every account's balance equals its opening balance plus its ledger entries."""

from __future__ import annotations

import argparse
import sys

from assistant.cli import add_database_url

_LISTED = 50  # accounts listed when the check fails; the count says how many there are in all


def _check(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from assistant.bank.ledger import check_ledger
    from assistant.db import create_schema, make_engine

    engine = make_engine(args.database_url)
    create_schema(engine)
    with Session(engine) as session:
        found = check_ledger(session)
    engine.dispose()
    if found.clean:
        print(f"ledger clean: {found.accounts} accounts, {found.entries} entries; "
              "every balance is its opening balance plus its entries")
        return 0
    print(f"ledger NOT clean: {len(found.discrepancies)} of {found.accounts} accounts differ from their entries "
          f"({found.entries} entries)", file=sys.stderr)
    for problem in found.discrepancies[:_LISTED]:
        if problem.expected_minor is None:
            print(f"account {problem.account_id}: no opening balance", file=sys.stderr)
            continue
        print(f"account {problem.account_id}: balance {problem.balance_minor}, but opening {problem.opening_balance_minor}"
              f" + entries {problem.entries_minor} would be {problem.expected_minor}; off by "
              f"{problem.balance_minor - problem.expected_minor} (minor units)", file=sys.stderr)
    if len(found.discrepancies) > _LISTED:
        print(f"... and {len(found.discrepancies) - _LISTED} more", file=sys.stderr)
    return 1


def add_ledger_parser(commands: argparse._SubParsersAction, database_url: str) -> None:
    """The `ledger` command and its `check` subcommand."""
    ledger = commands.add_parser("ledger", help="the ledger every balance change goes through")
    subcommands = ledger.add_subparsers(dest="ledger_command", required=True)
    check = subcommands.add_parser("check", help="exit 0 when every balance equals its opening balance plus its "
                                                 "entries, 1 (listing the accounts) otherwise")
    add_database_url(check, database_url)
    check.set_defaults(handler=_check)
