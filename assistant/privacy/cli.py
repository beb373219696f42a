"""`python -m assistant privacy export|erase CUSTOMER`: a customer's data rights, carried out by the bank's staff."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.bank.audit import operator_actor
from assistant.cli import add_database_url
from assistant.db import create_schema, make_engine
from assistant.privacy.bank_records import UnknownCustomer
from assistant.privacy.rights import erase_customer, export_customer
from assistant.settings import get_settings


def _engines(args: argparse.Namespace) -> tuple[Any, Any]:
    bank = make_engine(args.database_url)
    create_schema(bank)
    return bank, make_engine(args.tracker_store_url)


def _export(args: argparse.Namespace) -> int:
    bank, tracker_store = _engines(args)
    try:
        data = export_customer(bank, tracker_store, args.customer, get_settings().conversation_secret,
                               operator_actor())
    except UnknownCustomer as problem:
        print(f"Nothing exported: {problem}.", file=sys.stderr)
        return 1
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if args.out is None:
        print(text)
    else:
        args.out.write_text(text + "\n", encoding="utf-8")
        print(f"Wrote everything held about customer {args.customer} to {args.out}.", file=sys.stderr)
    return 0


def _erase(args: argparse.Namespace) -> int:
    if not args.yes:
        print(f"Erasing customer {args.customer} cannot be undone: their conversations and personal details go, "
              "and their money records are anonymised. Run again with --yes to erase.", file=sys.stderr)
        return 2
    bank, tracker_store = _engines(args)
    try:
        counts = erase_customer(bank, tracker_store, args.customer, get_settings().conversation_secret,
                                operator_actor())
    except UnknownCustomer as problem:
        print(f"Nothing erased: {problem}.", file=sys.stderr)
        return 1
    changed = ", ".join(f"{name} {count}" for name, count in counts.items() if count) or "nothing left to change"
    print(f"Erased customer {args.customer} ({changed}).")
    return 0


def _customer_id(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a customer id: {text!r}")
    return int(text)


def add_privacy_parser(commands: Any, database_url: str, tracker_store_url: str) -> None:
    """The `privacy` command and its `export` and `erase` subcommands."""
    privacy = commands.add_parser("privacy", help="a customer's data: export everything held, or erase it")
    actions = privacy.add_subparsers(dest="privacy_command", required=True)
    export = actions.add_parser("export", help="write everything held about a customer as JSON")
    export.add_argument("--out", type=Path, help="the file to write (default: standard output)")
    export.set_defaults(handler=_export)
    erase = actions.add_parser("erase", help="erase a customer: delete, or anonymise what the ledger must keep")
    erase.add_argument("--yes", action="store_true", help="yes, erase (it cannot be undone)")
    erase.set_defaults(handler=_erase)
    for action in (export, erase):
        action.add_argument("customer", type=_customer_id, help="the customer's id")
        add_database_url(action, database_url)
        action.add_argument("--tracker-store-url", default=tracker_store_url,
                            help="Rasa's tracker store (default: TRACKER_STORE_URL)")
