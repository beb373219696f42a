"""The benchmark chats only as customers who can run every script, each with a token the gateway accepts."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from assistant.bank.models import Payee
from assistant.gateway.auth import TokenVerifier
from assistant.load.customers import NotEnoughCustomers, bench_customers
from assistant.settings import Settings
from tests.builders import AS_OF, build_customer

SETTINGS = Settings(jwt_secret="load-bench-test-secret-of-enough-length-0123456789")


def _bank(engine: Engine, customers: int) -> list[int]:
    with Session(engine) as session:
        return [build_customer(session, number).customer.id for number in range(1, customers + 1)]


def test_each_customer_brings_a_token_the_gateway_verifies_as_theirs(sqlite_engine: Engine) -> None:
    ids = _bank(sqlite_engine, 2)
    chosen = bench_customers(sqlite_engine, SETTINGS, 2)
    verifier = TokenVerifier(SETTINGS)
    assert [verifier.verify_blocking(c.token).subject for c in chosen] == [str(i) for i in ids]


def test_a_payee_name_the_customer_has_twice_is_never_the_one_named(sqlite_engine: Engine) -> None:
    (customer_id,) = _bank(sqlite_engine, 1)
    with Session(sqlite_engine) as session:
        session.add(Payee(customer_id=customer_id, name="James Wilson", sort_code="20-00-00", account_number="1",
                          created_at=AS_OF))
        session.commit()
    (chosen,) = bench_customers(sqlite_engine, SETTINGS, 1)
    assert chosen.payee != "James Wilson"


def test_customers_below_the_first_id_asked_for_are_left_out(sqlite_engine: Engine) -> None:
    ids = _bank(sqlite_engine, 3)
    assert [c.customer_id for c in bench_customers(sqlite_engine, SETTINGS, 2, first=ids[1])] == ids[1:]


def test_asking_for_more_customers_than_the_bank_has_says_how_many_there_are(sqlite_engine: Engine) -> None:
    _bank(sqlite_engine, 2)
    with pytest.raises(NotEnoughCustomers, match="has 2 customers"):
        bench_customers(sqlite_engine, SETTINGS, 3)
