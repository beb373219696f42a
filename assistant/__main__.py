"""Command line: `python -m assistant seed ...`, `agents ...`, `customers ...`, `alerts|feed dead-letters`,
`ledger check`, `config check` (`--help` says more)."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING

from assistant.alerts.dead_letter_cli import add_dead_letters_parser
from assistant.bank.ledger_cli import add_ledger_parser
from assistant.cli import add_database_url, run_chosen_command
from assistant.feed.__main__ import add_feed_dead_letters_parser
from assistant.handoff.cli import add_agents_parser
from assistant.identities.cli import add_customers_parser
from assistant.privacy.cli import add_privacy_parser
from assistant.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from exc


def _positive(text: str) -> int:
    value = _whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _months(text: str) -> int:
    value = _whole_number(text)
    # Fewer than three months leaves no room for a trip or an unusual purchase; past four years a
    # customer outgrows the block of transaction ids the generator reserves for them.
    if not 3 <= value <= 48:
        raise argparse.ArgumentTypeError("must be between 3 and 48")
    return value


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from exc
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def _seed_demo_agents(engine: Engine) -> None:
    """The embedded profile's demo support agents (production adds real ones with `agents add`)."""
    from assistant.handoff.demo import DEMO_AGENT_PASSWORD, ensure_demo_agents

    if get_settings().profile == "embedded" and (added := ensure_demo_agents(engine)):
        print(f"Demo support agents {', '.join(added)} (password {DEMO_AGENT_PASSWORD!r}) can sign in at /console.")


def _seed(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import ArgumentError, OperationalError

    from assistant.db import make_engine
    from assistant.seed.writer import BankAlreadySeeded, customer_count, mark_demo_personas, seed_bank

    try:
        engine = make_engine(args.database_url)
        if args.if_empty and (existing := customer_count(engine)):
            print(f"The bank is already seeded ({existing} customers); nothing to do.")
            # A bank seeded before demo personas were recorded gets them now.
            mark_demo_personas(engine)
            _seed_demo_agents(engine)
            return 0
        summary = seed_bank(engine, args.customers, args.seed, args.as_of, args.months, args.unusual_rate)
    except BankAlreadySeeded as problem:
        print(f"Not seeding: {problem}. Use a new database (DATABASE_URL) or --if-empty.", file=sys.stderr)
        return 1
    except (ArgumentError, OperationalError) as problem:
        print(f"Cannot use the database {args.database_url!r}: {problem}", file=sys.stderr)
        return 1
    print(f"Seeded {summary.customers} customers, {summary.accounts} accounts, {summary.transactions} transactions "
          f"({summary.unusual_purchases} labelled unusual purchases) in {summary.seconds:.1f} s.")
    _seed_demo_agents(engine)
    return 0


def _config_check(args: argparse.Namespace) -> int:
    from assistant.configuration import main as check_configuration

    return check_configuration()


def build_parser() -> argparse.ArgumentParser:
    """The `python -m assistant` argument parser."""
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m assistant", description="Lumen Bank assistant tools")
    commands = parser.add_subparsers(dest="command", required=True)
    seed = commands.add_parser("seed", help="generate the synthetic demo bank")
    seed.add_argument("--customers", type=_positive, default=settings.seed_customers, help="how many customers")
    seed.add_argument("--seed", type=_whole_number, default=settings.seed, help="random seed: same seed, same bank")
    seed.add_argument("--as-of", type=_date, default=datetime.now(timezone.utc).date(), help="last day of history")
    seed.add_argument("--months", type=_months, default=13, help="months of history")
    seed.add_argument("--unusual-rate", type=_rate, default=0.015,
                      help="share of customers given labelled unusual purchases")
    seed.add_argument("--if-empty", action="store_true", help="do nothing when the bank already has customers")
    add_database_url(seed, settings.database_url)
    seed.set_defaults(handler=_seed)
    add_agents_parser(commands, settings.database_url, settings.oidc_issuer)
    add_customers_parser(commands, settings.database_url, settings.oidc_issuer)
    add_privacy_parser(commands, settings.database_url, settings.tracker_store_url)
    alerts = commands.add_parser("alerts", help="the alert outbox (`python -m assistant.alerts` has the rest)")
    add_dead_letters_parser(alerts.add_subparsers(dest="alerts_command", required=True), settings.database_url)
    add_ledger_parser(commands, settings.database_url)
    feed = commands.add_parser("feed", help="the core-banking feed's dead letters (`python -m assistant.feed` has the rest)")
    add_feed_dead_letters_parser(feed.add_subparsers(dest="feed_command", required=True), settings.database_url)
    config = commands.add_parser("config", help="the configuration read from the environment")
    config_commands = config.add_subparsers(dest="config_command", required=True)
    config_commands.add_parser("check", help="say what would stop the services from starting (exit status 78)"
                               ).set_defaults(handler=_config_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command."""
    return run_chosen_command(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
