"""Accepting proactive requests on SQLite and PostgreSQL: once per key, replays refused, failures forgotten."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.proactive.deliveries import KeyReused, ReplayedRequest, UnknownCustomer, accept, mark_sent, release
from assistant.proactive.models import ProactiveDelivery
from assistant.proactive.notifications import UnknownSubject
from assistant.proactive.requests import ProactiveRequest
from tests.builders import build_customer

LINK = "lumenbank://chat"


def offer(key: str = "k-1", customer_id: int = 1, product: str = "cash_isa") -> ProactiveRequest:
    return ProactiveRequest(customer_id=customer_id, event="offer", data={"product_code": product, "reason": ""},
                            idempotency_key=key)


@pytest.fixture
def bank(engine: Engine) -> Engine:
    with Session(engine, expire_on_commit=False) as db:
        build_customer(db, 1)
        build_customer(db, 2)
    return engine


def test_a_new_key_is_accepted_to_send_and_recorded(bank: Engine) -> None:
    accepted = accept(bank, offer(), "sha256=a", int(time.time()), LINK)
    with Session(bank) as db:
        delivery = db.get(ProactiveDelivery, "k-1")
    assert (accepted.duplicate, accepted.notification.title, delivery.status) == (False, "For you: Cash ISA", "sending")


def test_the_same_key_again_is_a_duplicate_with_the_first_notification(bank: Engine) -> None:
    first = accept(bank, offer(), "sha256=a", int(time.time()), LINK)
    mark_sent(bank, offer(), delivered_live=True)
    again = accept(bank, offer(), "sha256=b", int(time.time()), LINK)
    assert (again.duplicate, again.notification, again.delivered_live) == (True, first.notification, True)


def test_the_same_signature_again_is_a_replay(bank: Engine) -> None:
    accept(bank, offer(), "sha256=a", int(time.time()), LINK)
    with pytest.raises(ReplayedRequest):
        accept(bank, offer("k-2"), "sha256=a", int(time.time()), LINK)


def test_a_key_used_for_another_customer_is_refused(bank: Engine) -> None:
    accept(bank, offer(), "sha256=a", int(time.time()), LINK)
    with pytest.raises(KeyReused):
        accept(bank, offer(customer_id=2), "sha256=b", int(time.time()), LINK)


def test_an_unknown_customer_or_product_is_refused_and_nothing_is_recorded(bank: Engine) -> None:
    with pytest.raises(UnknownCustomer):
        accept(bank, offer(customer_id=99), "sha256=a", int(time.time()), LINK)
    with pytest.raises(UnknownSubject):
        accept(bank, offer(product="gold_bars"), "sha256=b", int(time.time()), LINK)
    with Session(bank) as db:
        assert db.exec(select(ProactiveDelivery)).all() == []


def test_a_released_request_can_be_sent_again_unchanged(bank: Engine) -> None:
    accept(bank, offer(), "sha256=a", int(time.time()), LINK)
    release(bank, offer(), "sha256=a")
    assert accept(bank, offer(), "sha256=a", int(time.time()), LINK).duplicate is False


def test_of_concurrent_requests_with_one_key_exactly_one_is_sent(bank: Engine) -> None:
    now = int(time.time())
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda n: accept(bank, offer(), f"sha256={n}", now, LINK), range(4)))
    assert sorted(result.duplicate for result in results) == [False, True, True, True]
