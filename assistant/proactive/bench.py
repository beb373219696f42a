"""Latency of accepting proactive requests (what POST /api/v1/proactive does besides Rasa), for `python -m assistant.bench`."""

from __future__ import annotations

import json
import time

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.bank.models import Transaction
from assistant.latency import time_calls
from assistant.proactive.deliveries import KeyPolicy, accept, record_response
from assistant.proactive.requests import ProactiveRequest, parse_request
from assistant.settings import get_settings
from assistant.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, verify

BENCH_SECRET = "bench-proactive-secret"
LINK = "lumenbank://chat"


def _purchases(engine: Engine) -> list[tuple[int, str]]:
    """One purchase (customer id, transaction external id) per customer of the bank."""
    with Session(engine) as session:
        first = (select(Transaction.customer_id, func.min(Transaction.id).label("id"))
                 .where(Transaction.amount_minor < 0).group_by(Transaction.customer_id).subquery())
        rows = session.exec(select(Transaction.customer_id, Transaction.external_id)
                            .join(first, Transaction.id == first.c.id)).all()
    return [(customer_id, external_id) for customer_id, external_id in rows]


def bench_proactive(engine: Engine, rounds: int) -> dict[str, dict[str, float]]:
    """Verify and parse a signed body; accept a new key and record it sent; answer a repeated key."""
    purchases = _purchases(engine)
    policy = KeyPolicy.of(get_settings())

    def body(i: int, key: str) -> bytes:
        customer_id, external_id = purchases[i % len(purchases)]
        return json.dumps({"customer_id": customer_id, "event": "unusual_purchase", "idempotency_key": key,
                           "data": {"transaction_id": external_id, "alert_id": None, "reason": "bench"}}).encode()

    def request(i: int, key: str) -> ProactiveRequest:
        return parse_request(json.loads(body(i, key)))

    def verified(i: int) -> None:
        raw = body(i, f"verify-{i}")
        headers = sign(raw, BENCH_SECRET)
        verify(raw, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], BENCH_SECRET)
        parse_request(json.loads(raw))

    def accepted(i: int) -> None:
        new = request(i, f"new-{i}")
        acceptance = accept(engine, new, f"sha256=new-{i}", int(time.time()), LINK, policy)
        record_response(engine, new, acceptance.lease, 200, {"notification": acceptance.notification.as_json(),
                                                             "delivered_live": False, "duplicate": False})

    def repeated(i: int) -> None:
        accept(engine, request(i, f"new-{i}"), f"sha256=again-{i}", int(time.time()), LINK, policy)

    return {
        "verify_and_parse": time_calls(verified, rounds),
        "accept_new_key_and_mark_sent": time_calls(accepted, rounds),
        "accept_repeated_key": time_calls(repeated, rounds),
    }
