"""`python -m assistant customers link|unlink|list`: which identity-provider sign-in stands for which customer."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sqlmodel import Session

from assistant.bank.audit import operator_actor
from assistant.cli import add_database_url
from assistant.db import create_schema, make_engine, session_scope
from assistant.identities.links import AlreadyLinked, UnknownPerson, customer_links, link_customer, unlink_customer


def add_sign_in_options(parser: argparse.ArgumentParser, issuer: str) -> None:
    """The --subject and --issuer options naming one sign-in at the identity provider."""
    parser.add_argument("--subject", required=True, help="the `sub` claim of the person's tokens")
    parser.add_argument("--issuer", default=issuer, help="the identity provider's issuer (default: OIDC_ISSUER)")


def issuer_of(args: argparse.Namespace) -> str | None:
    """The issuer named on the command line, or None after saying what is missing."""
    if not args.issuer:
        print("No issuer: set OIDC_ISSUER or pass --issuer.", file=sys.stderr)
        return None
    return args.issuer


def _link(args: argparse.Namespace) -> int:
    if (issuer := issuer_of(args)) is None:
        return 1
    engine = make_engine(args.database_url)
    create_schema(engine)
    try:
        with session_scope(engine) as session:
            link_customer(session, issuer, args.subject, args.customer, operator_actor())
    except (UnknownPerson, AlreadyLinked, ValueError) as problem:
        print(f"Not linked: {problem}.", file=sys.stderr)
        return 1
    print(f"Sign-in {args.subject} at {issuer} now stands for customer {args.customer}.")
    return 0


def _unlink(args: argparse.Namespace) -> int:
    if (issuer := issuer_of(args)) is None:
        return 1
    engine = make_engine(args.database_url)
    create_schema(engine)
    with session_scope(engine) as session:
        customer_id = unlink_customer(session, issuer, args.subject, operator_actor())
    if customer_id is None:
        print(f"Sign-in {args.subject} at {issuer} was not linked to any customer.", file=sys.stderr)
        return 1
    print(f"Sign-in {args.subject} at {issuer} no longer stands for customer {customer_id}.")
    return 0


def _list(args: argparse.Namespace) -> int:
    engine = make_engine(args.database_url)
    create_schema(engine)
    with Session(engine) as session:
        for link in customer_links(session, args.customer):
            print(f"customer {link.customer_id}\t{link.issuer}\t{link.subject}\tlinked {link.linked_at:%Y-%m-%d}")
    return 0


def add_customers_parser(commands: Any, database_url: str, issuer: str) -> None:
    """Add `customers link|unlink|list` to the `python -m assistant` subcommands."""
    customers = commands.add_parser("customers", help="link customers to their sign-ins at the identity provider")
    actions = customers.add_subparsers(dest="customers_command", required=True)
    link = actions.add_parser("link", help="let a sign-in at the identity provider stand for a customer")
    link.add_argument("--customer", type=int, required=True, help="the bank's customer id")
    add_sign_in_options(link, issuer)
    link.set_defaults(handler=_link)
    unlink = actions.add_parser("unlink", help="stop a sign-in standing for its customer (it is refused at once)")
    add_sign_in_options(unlink, issuer)
    unlink.set_defaults(handler=_unlink)
    listing = actions.add_parser("list", help="the linked sign-ins (of one customer with --customer)")
    listing.add_argument("--customer", type=int, default=None, help="only this customer's")
    listing.set_defaults(handler=_list)
    for parser in (link, unlink, listing):
        add_database_url(parser, database_url)
