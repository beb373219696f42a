"""`python -m assistant agents add|list|disable|enable|link|unlink`: the bank's support agents and their sign-ins."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from sqlmodel import Session

from assistant.bank.audit import operator_actor
from assistant.cli import add_database_url
from assistant.db import create_schema, make_engine, session_scope
from assistant.handoff.agents import (AgentAlreadyExists, WeakPassword, add_agent, disable_agent, enable_agent,
                                      find_agent_by_email_or_id, list_agents)
from assistant.identities.cli import add_sign_in_options, issuer_of
from assistant.identities.links import AlreadyLinked, agent_links, link_agent, unlink_agent


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password for the agent: ")
    if getpass.getpass("Same password again: ") != first:
        raise ValueError("the two passwords differ")
    return first


def _engine(args: argparse.Namespace) -> Any:
    engine = make_engine(args.database_url)
    create_schema(engine)
    return engine


def _add(args: argparse.Namespace) -> int:
    try:
        password = None if args.no_password else _read_password(args.password_stdin)
        with session_scope(_engine(args)) as session:
            agent = add_agent(session, args.email, args.name, password)
            agent_id = agent.id
    except (AgentAlreadyExists, WeakPassword, ValueError) as problem:
        print(f"Agent not added: {problem}.", file=sys.stderr)
        return 1
    print(f"Added agent {agent_id}: {args.name} <{args.email.strip().lower()}>.")
    return 0


def _list(args: argparse.Namespace) -> int:
    with Session(_engine(args)) as session:
        for agent in list_agents(session):
            state = f"disabled {agent.disabled_at:%Y-%m-%d %H:%M} UTC" if agent.disabled_at else "enabled"
            sign_ins = ", ".join(f"{link.subject} at {link.issuer}" for link in agent_links(session, agent.id))
            print(f"{agent.id}\t{agent.email}\t{agent.display_name}\t{state}\t{sign_ins or 'no identity-provider sign-in'}")
    return 0


def _switch(args: argparse.Namespace, change: Any, done: str) -> int:
    with session_scope(_engine(args)) as session:
        agent = find_agent_by_email_or_id(session, args.agent)
        if agent is None:
            print(f"There is no agent {args.agent}.", file=sys.stderr)
            return 1
        change(session, agent.id, operator_actor())
        print(f"Agent {agent.id} <{agent.email}> {done}.")
    return 0


def _disable(args: argparse.Namespace) -> int:
    return _switch(args, disable_agent, "is disabled: their sign-ins are refused from now on")


def _enable(args: argparse.Namespace) -> int:
    return _switch(args, enable_agent, "is enabled")


def _link(args: argparse.Namespace) -> int:
    if (issuer := issuer_of(args)) is None:
        return 1
    try:
        with session_scope(_engine(args)) as session:
            agent = find_agent_by_email_or_id(session, args.agent)
            if agent is None:
                print(f"There is no agent {args.agent}.", file=sys.stderr)
                return 1
            link_agent(session, issuer, args.subject, agent.id, operator_actor())
            agent_id = agent.id
    except (AlreadyLinked, ValueError) as problem:
        print(f"Not linked: {problem}.", file=sys.stderr)
        return 1
    print(f"Sign-in {args.subject} at {issuer} now stands for agent {agent_id}.")
    return 0


def _unlink(args: argparse.Namespace) -> int:
    if (issuer := issuer_of(args)) is None:
        return 1
    with session_scope(_engine(args)) as session:
        agent_id = unlink_agent(session, issuer, args.subject, operator_actor())
    if agent_id is None:
        print(f"Sign-in {args.subject} at {issuer} was not linked to any agent.", file=sys.stderr)
        return 1
    print(f"Sign-in {args.subject} at {issuer} no longer stands for agent {agent_id}.")
    return 0


def add_agents_parser(commands: Any, database_url: str, issuer: str = "") -> None:
    """Add `agents add|list|disable|enable|link|unlink` to the `python -m assistant` subcommands."""
    agents = commands.add_parser("agents", help="support agents who sign in to the console")
    actions = agents.add_subparsers(dest="agents_command", required=True)
    add = actions.add_parser("add", help="register a support agent (asks for the password)")
    add.add_argument("--email", required=True, help="the agent's sign-in email")
    add.add_argument("--name", required=True, help="the name customers see on the agent's replies")
    password = add.add_mutually_exclusive_group()
    password.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin")
    password.add_argument("--no-password", action="store_true",
                          help="no password: the agent signs in only with the identity provider (agents link)")
    add.set_defaults(handler=_add)
    listing = actions.add_parser("list", help="every agent: email, name, enabled or disabled, linked sign-ins")
    listing.set_defaults(handler=_list)
    disable = actions.add_parser("disable", help="disable an agent: their tokens and open consoles stop working")
    enable = actions.add_parser("enable", help="let a disabled agent sign in again")
    link = actions.add_parser("link", help="let a sign-in at the identity provider stand for an agent")
    unlink = actions.add_parser("unlink", help="stop a sign-in at the identity provider standing for its agent")
    for parser, handler in ((disable, _disable), (enable, _enable), (link, _link)):
        parser.add_argument("agent", help="the agent's email or id")
        parser.set_defaults(handler=handler)
    for parser in (link, unlink):
        add_sign_in_options(parser, issuer)
    unlink.set_defaults(handler=_unlink)
    for parser in (add, listing, disable, enable, link, unlink):
        add_database_url(parser, database_url)
