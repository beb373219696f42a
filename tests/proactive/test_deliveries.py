"""Proactive idempotency keys on SQLite and PostgreSQL: a lease while sending, the first response replayed, a reused
key refused, crashed attempts taken over, keys expired; replayed signatures refused, failures forgotten."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.db import utcnow
from assistant.proactive.deliveries import (
    KeyInProgress, KeyPolicy, KeyReused, ReplayedRequest, UnknownCustomer, accept, purge_expired_keys,
    record_response, release, request_hash,
)
from assistant.proactive.models import ProactiveDelivery
from assistant.proactive.notifications import UnknownSubject
from assistant.proactive.requests import ProactiveRequest, parse_request
from tests.builders import build_customer

LINK = "lumenbank://chat"
POLICY = KeyPolicy(lease_seconds=60, ttl_seconds=86400)


def offer(key: str = "k-1", customer_id: int = 1, product: str = "cash_isa") -> ProactiveRequest:
    return ProactiveRequest(customer_id=customer_id, event="offer", data={"product_code": product, "reason": ""},
                            idempotency_key=key)


def response_of(notification_title: str) -> dict:
    return {"notification": {"title": notification_title}, "delivered_live": True, "duplicate": False}


def take(bank: Engine, request: ProactiveRequest, signature: str, policy: KeyPolicy = POLICY):
    return accept(bank, request, signature, int(time.time()), LINK, policy)


def shift(bank: Engine, key: str, **values) -> None:
    """Write a key's row as time (or a crash) would have left it."""
    with Session(bank) as db:
        db.exec(update(ProactiveDelivery).where(ProactiveDelivery.idempotency_key == key).values(**values))
        db.commit()


def row(bank: Engine, key: str = "k-1") -> ProactiveDelivery | None:
    with Session(bank) as db:
        return db.get(ProactiveDelivery, key)


@pytest.fixture
def bank(engine: Engine) -> Engine:
    with Session(engine, expire_on_commit=False) as db:
        build_customer(db, 1)
        build_customer(db, 2)
    return engine


def test_a_new_key_is_taken_with_a_lease_to_send(bank: Engine) -> None:
    accepted = take(bank, offer(), "sha256=a")
    delivery = row(bank)
    assert (accepted.duplicate, accepted.notification.title) == (False, "For you: Cash ISA")
    assert (delivery.status, delivery.lease_token, delivery.lease_until > utcnow()) == ("sending", accepted.lease, True)


def test_the_same_key_again_replays_the_first_complete_response(bank: Engine) -> None:
    first = take(bank, offer(), "sha256=a")
    record_response(bank, offer(), first.lease, 200, response_of("first"))
    again = take(bank, offer(), "sha256=b")
    assert (again.duplicate, again.replay.status, again.replay.body) == (True, 200, response_of("first"))


def test_a_key_still_being_sent_is_in_progress_until_its_lease_runs_out(bank: Engine) -> None:
    take(bank, offer(), "sha256=a")
    with pytest.raises(KeyInProgress) as raised:
        take(bank, offer(), "sha256=b")
    assert 59 <= raised.value.retry_after <= 60


def test_a_key_left_sending_by_a_crash_is_taken_over_once_its_lease_ran_out(bank: Engine) -> None:
    crashed = take(bank, offer(), "sha256=a")  # the attempt dies here: no response, no release
    shift(bank, "k-1", lease_until=utcnow() - timedelta(seconds=1))

    retry = take(bank, offer(), "sha256=b")

    assert (retry.duplicate, retry.lease != crashed.lease, row(bank).lease_token) == (False, True, retry.lease)
    assert retry.taken_over_since == row(bank).created_at  # since when the dead attempt may have sent it


def test_an_attempt_that_lost_its_lease_does_not_overwrite_the_response_of_the_one_that_took_over(bank: Engine) -> None:
    slow = take(bank, offer(), "sha256=a")
    shift(bank, "k-1", lease_until=utcnow() - timedelta(seconds=1))
    retry = take(bank, offer(), "sha256=b")

    stored = record_response(bank, offer(), retry.lease, 200, response_of("retry"))
    late = record_response(bank, offer(), slow.lease, 200, response_of("slow"))

    assert (stored, late, row(bank).response) == (True, False, response_of("retry"))


def test_of_retries_at_once_on_a_lapsed_lease_exactly_one_takes_it_over(bank: Engine) -> None:
    take(bank, offer(), "sha256=a")
    shift(bank, "k-1", lease_until=utcnow() - timedelta(seconds=1))

    def retry(n: int) -> str:
        try:
            return "sending" if take(bank, offer(), f"sha256=r{n}").lease else "replayed"
        except KeyInProgress:
            return "in progress"

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = sorted(pool.map(retry, range(4)))
    assert outcomes == ["in progress", "in progress", "in progress", "sending"]


def test_the_same_key_for_another_customer_is_refused(bank: Engine) -> None:
    take(bank, offer(), "sha256=a")
    with pytest.raises(KeyReused):
        take(bank, offer(customer_id=2), "sha256=b")


def test_the_same_key_with_other_data_is_refused_even_once_sent(bank: Engine) -> None:
    first = take(bank, offer(), "sha256=a")
    record_response(bank, offer(), first.lease, 200, response_of("first"))
    with pytest.raises(KeyReused):
        take(bank, offer(product="fixed_saver_1y"), "sha256=b")


def test_the_request_hash_is_of_the_canonical_request_not_its_spelling() -> None:
    bill = {"customer_id": 1, "event": "upcoming_bill", "idempotency_key": "b-1",
            "data": {"merchant": "British Gas", "amount": "84", "due_date": "2026-12-01"}}
    respelled = {"idempotency_key": "b-1", "event": "upcoming_bill", "customer_id": 1,
                 "data": {"due_date": "2026-12-01", "amount": "84.00", "merchant": " British Gas "}}
    dearer = {**bill, "data": {**bill["data"], "amount": "85"}}
    hashes = [request_hash(parse_request(body)) for body in (bill, respelled, dearer)]
    assert (hashes[0] == hashes[1], hashes[0] == hashes[2]) == (True, False)


def test_an_expired_key_is_purged_and_may_be_used_anew_even_for_another_message(bank: Engine) -> None:
    first = take(bank, offer(), "sha256=a")
    record_response(bank, offer(), first.lease, 200, response_of("first"))
    shift(bank, "k-1", created_at=utcnow() - timedelta(seconds=POLICY.ttl_seconds + 1))

    anew = take(bank, offer(customer_id=2), "sha256=b")

    assert (anew.duplicate, row(bank).customer_id, row(bank).status) == (False, 2, "sending")


def test_purging_removes_only_the_keys_past_their_ttl(bank: Engine) -> None:
    for key in ("old", "young"):
        take(bank, offer(key), f"sha256={key}")
    shift(bank, "old", created_at=utcnow() - timedelta(hours=25))
    with Session(bank) as db:
        purged = purge_expired_keys(db, utcnow(), POLICY.ttl_seconds)
        db.commit()
        left = [d.idempotency_key for d in db.exec(select(ProactiveDelivery)).all()]
    assert (purged, left) == (1, ["young"])


def test_the_same_signature_again_is_a_replay(bank: Engine) -> None:
    take(bank, offer(), "sha256=a")
    with pytest.raises(ReplayedRequest):
        take(bank, offer("k-2"), "sha256=a")


def test_an_unknown_customer_or_product_is_refused_and_nothing_is_recorded(bank: Engine) -> None:
    with pytest.raises(UnknownCustomer):
        take(bank, offer(customer_id=99), "sha256=a")
    with pytest.raises(UnknownSubject):
        take(bank, offer(product="gold_bars"), "sha256=b")
    with Session(bank) as db:
        assert db.exec(select(ProactiveDelivery)).all() == []


def test_a_released_request_can_be_sent_again_unchanged_by_a_retry_that_takes_the_key_over(bank: Engine) -> None:
    first = take(bank, offer(), "sha256=a")
    release(bank, offer(), first.lease, "sha256=a")
    retry = take(bank, offer(), "sha256=a")
    assert (retry.duplicate, retry.taken_over_since is not None) == (False, True)


def test_a_new_key_is_no_takeover(bank: Engine) -> None:
    assert take(bank, offer(), "sha256=a").taken_over_since is None


def test_of_concurrent_requests_with_one_key_exactly_one_holds_it_and_the_rest_are_told_to_retry(bank: Engine) -> None:
    now = int(time.time())

    def attempt(n: int) -> str:
        try:
            accept(bank, offer(), f"sha256={n}", now, LINK, POLICY)
            return "sending"
        except KeyInProgress:
            return "in progress"

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = sorted(pool.map(attempt, range(4)))
    assert outcomes == ["in progress", "in progress", "in progress", "sending"]
