"""The customers the benchmark chats as: bank customers with a current account and a payee they can name, each with a
sign-in token from the gateway's own token module (as the bank's sign-in would issue)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, select

from assistant.bank.models import Account, AccountKind, Payee
from assistant.gateway.auth import issue_token
from assistant.settings import Settings


@dataclass(frozen=True)
class BenchCustomer:
    """One customer the benchmark signs in as, and the payee their transfers go to."""

    customer_id: int
    payee: str
    token: str


class NotEnoughCustomers(RuntimeError):
    """The bank has fewer customers who can chat every script than the benchmark asked for."""


def bench_customers(engine: Engine, settings: Settings, count: int, first: int = 1) -> list[BenchCustomer]:
    """`count` customers from id `first` on who have a current account and a payee whose name is theirs alone."""
    chosen: list[BenchCustomer] = []
    with Session(engine) as session:
        with_current = session.exec(select(Account.customer_id).where(
            Account.kind == AccountKind.current, Account.customer_id >= first).order_by(Account.customer_id)).all()
        for customer_id in dict.fromkeys(with_current):
            names = Counter(p.name for p in session.exec(select(Payee).where(Payee.customer_id == customer_id)))
            unique = sorted(name for name, times in names.items() if times == 1)
            if unique:
                chosen.append(BenchCustomer(customer_id, unique[0], issue_token(customer_id, settings)))
            if len(chosen) == count:
                return chosen
    raise NotEnoughCustomers(f"the bank has {len(chosen)} customers from id {first} on with a current account and a "
                             f"payee; the benchmark needs {count} (seed more customers)")
