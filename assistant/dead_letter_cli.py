"""`dead-letters [--retry ID ... | --retry-all]`, one shape for every store of dead letters (the alert outbox's,
the feed's): list them as JSON lines, or put them back to be tried again."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from assistant.cli import add_database_url


@dataclass(frozen=True)
class DeadLetterStore:
    """Where a kind of dead letter lives and how to list and retry it."""

    listing: Callable[[Engine], list[Any]]
    retry: Callable[[Engine, Sequence[int] | None], list[int]]
    as_json: Callable[[Any], dict[str, Any]]
    back_to: str  # where a retried one goes: "the outbox", "the inbox"
    not_retried: str  # what an id given but not retried was


def _run(load: Callable[[], DeadLetterStore], args: argparse.Namespace) -> int:
    from assistant.db import create_schema, make_engine

    store = load()
    engine = make_engine(args.database_url)
    create_schema(engine)
    if args.retry_all or args.retry:
        retried = store.retry(engine, None if args.retry_all else args.retry)
        missing = sorted(set(args.retry or ()) - set(retried))
        print(f"put {len(retried)} dead letters back in {store.back_to}: {retried}")
        if missing:
            print(f"{store.not_retried}, left alone: {missing}", file=sys.stderr)
            return 1
        return 0
    for letter in store.listing(engine):
        print(json.dumps(store.as_json(letter)))
    return 0


def add_dead_letters_command(commands: argparse._SubParsersAction, load: Callable[[], DeadLetterStore],
                             what: str, database_url: str | None) -> None:
    """A `dead-letters` subcommand for the store `load()` returns (loaded only when run), listing `what`.

    Pass database_url None under a parser whose --database-url comes before the subcommand (a subcommand's
    default would override it)."""
    parser = commands.add_parser("dead-letters", help=f"list {what} (JSON lines), or retry them")
    if database_url is not None:
        add_database_url(parser, database_url)
    retry = parser.add_mutually_exclusive_group()
    retry.add_argument("--retry", type=int, nargs="+", metavar="ID", help="try these dead letters again")
    retry.add_argument("--retry-all", action="store_true", help="try every dead letter again")
    parser.set_defaults(handler=lambda args: _run(load, args))
