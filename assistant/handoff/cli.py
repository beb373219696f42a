"""`python -m assistant agents add`: register a support agent (how production gets its agents)."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from assistant.cli import add_database_url
from assistant.db import create_schema, make_engine, session_scope
from assistant.handoff.agents import AgentAlreadyExists, WeakPassword, add_agent


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password for the agent: ")
    if getpass.getpass("Same password again: ") != first:
        raise ValueError("the two passwords differ")
    return first


def _add(args: argparse.Namespace) -> int:
    try:
        password = _read_password(args.password_stdin)
        engine = make_engine(args.database_url)
        create_schema(engine)
        with session_scope(engine) as session:
            agent = add_agent(session, args.email, args.name, password)
            agent_id = agent.id
    except (AgentAlreadyExists, WeakPassword, ValueError) as problem:
        print(f"Agent not added: {problem}.", file=sys.stderr)
        return 1
    print(f"Added agent {agent_id}: {args.name} <{args.email.strip().lower()}>.")
    return 0


def add_agents_parser(commands: Any, database_url: str) -> None:
    """Add `agents add` to the `python -m assistant` subcommands."""
    agents = commands.add_parser("agents", help="support agents who sign in to the console")
    actions = agents.add_subparsers(dest="agents_command", required=True)
    add = actions.add_parser("add", help="register a support agent (asks for the password)")
    add.add_argument("--email", required=True, help="the agent's sign-in email")
    add.add_argument("--name", required=True, help="the name customers see on the agent's replies")
    add.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin")
    add_database_url(add, database_url)
    add.set_defaults(handler=_add)
